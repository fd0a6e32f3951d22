"""Read scenario.yaml safely: size-limited, no duplicate keys, leading-zero codes kept as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from i18n import _
from models.errors import InputProblem, ScenarioError

MAX_YAML_BYTES = 2**20
MAX_YAML_NODES = 100_000
MAX_YAML_TEXT = MAX_YAML_BYTES
"""Characters of text the document may hold once its aliases are expanded: what the file itself may."""


class ScenarioYamlLoader(yaml.SafeLoader):
    """YAML's safe loader, except that numbers with a leading zero stay text and keys must be unique.

    Plain YAML reads `commune: 03127` as the octal number 1623; commune codes must keep their digits.
    A key given twice would silently lose its first value.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping, refusing a key that appears twice."""
        seen: dict[str, int] = {}
        for key, _value in node.value:
            if isinstance(key, ScalarNode) and key.value != "<<":
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        _("key {key} appears twice (first on line {line})").format(
                            key=repr(key.value), line=seen[key.value]
                        ),
                        key.start_mark,
                    )
                seen[key.value] = key.start_mark.line + 1
        return super().construct_mapping(node, deep)


ScenarioYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)


@dataclass(frozen=True)
class YamlSource:
    """scenario.yaml's content and its node tree, to say on which line a key stands."""

    name: str
    content: Any
    root: Node
    problems: tuple[InputProblem, ...] = ()

    def locate(self, loc: tuple[int | str, ...]) -> tuple[int, int]:
        """The line of the deepest node on a key path that exists, and how many parts of it exist."""
        node, line, depth = self.root, self.root.start_mark.line, 0
        for part in loc:
            found = _child(node, part)
            if found is None:
                break
            (line, node), depth = found, depth + 1
        return line + 1, depth

    def place(self, loc: tuple[int | str, ...], missing: bool = False) -> tuple[str, int, str]:
        """File, line and key path of a key (the part of it that exists, unless the key is missing)."""
        line, depth = self.locate(loc)
        return self.name, line, key_path(loc if missing else loc[:depth])


def key_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as `policy.min_coverage[0].at_least`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _child(node: Node, part: int | str) -> tuple[int, Node] | None:
    """The line of a key (or item) and the node under it, in a mapping or sequence node."""
    if isinstance(node, MappingNode):
        return next(
            ((key.start_mark.line, value) for key, value in node.value if key.value == str(part)), None
        )
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part].start_mark.line, node.value[part]
    return None


def read_yaml(path: Path) -> YamlSource:
    """Parse scenario.yaml with the safe loader; refuse it when it is too big or not YAML."""
    name = path.name

    def refuse(expected: str, row: int | None = None) -> ScenarioError:
        return ScenarioError([InputProblem(name, expected, row=row)])

    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise refuse(
                _("is {size:,} bytes; it may be at most {limit:,} (tables go in CSV files)").format(
                    size=size, limit=MAX_YAML_BYTES
                )
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        expected = _("is not UTF-8 text (byte {byte}); save it as UTF-8").format(byte=error.start)
        raise refuse(expected) from None
    except OSError as error:
        raise refuse(_("cannot be read: {error}").format(error=error.strerror or error)) from None
    loader: ScenarioYamlLoader | None = None
    try:
        loader = ScenarioYamlLoader(text)
        root = loader.get_single_node()
        if root is None:
            raise refuse(_("is empty; expected a mapping with name, tables and policy"), row=1)
        if _too_big(root):
            raise refuse(
                _(
                    "expands to more than {nodes:,} values or {text:,} characters of text (through aliases?)"
                ).format(nodes=MAX_YAML_NODES, text=MAX_YAML_TEXT)
            )
        content = loader.construct_document(root)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark:
            problem = _("{problem} (column {column})").format(problem=problem, column=mark.column + 1)
        expected = _("is not valid YAML: {problem}").format(problem=problem)
        raise refuse(expected, row=mark.line + 1 if mark else None) from None
    except RecursionError:
        raise refuse(_("is nested too deeply to be a scenario")) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlSource(name=name, content=content, root=root)


def _too_big(root: Node) -> bool:
    """Whether the document, every alias expanded, holds more than MAX_YAML_NODES nodes or MAX_YAML_TEXT
    characters: each use of an alias counts as a copy of what it names."""
    pending, count, text = [root], 0, 0
    while pending:
        node = pending.pop()
        count += 1
        if isinstance(node, ScalarNode):
            text += len(node.value)
        if count > MAX_YAML_NODES or text > MAX_YAML_TEXT:
            return True
        if isinstance(node, SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                pending.extend((key, value))
    return False
