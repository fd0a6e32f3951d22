"""A whole scenario in one workbook: a `scenario` sheet (key, value), the tables, pins, forbid, floors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from i18n import _
from models.errors import InputProblem, ScenarioError
from models.scenario import Policy
from models.tables import Table, read_table, sheet_names
from models.yaml_source import key_path

TABLE_SHEETS = ("communes", "shortages", "candidates", "agencies", "distances", "adjacency")
REQUIRED_SHEETS = TABLE_SHEETS[:4]
SCENARIO_SHEET = "scenario"
LIST_SHEETS = {
    "pins": ("candidate", "commune", "specialty"),
    "forbid": ("candidate", "commune", "specialty"),
    "min_coverage": ("communes", "specialty", "at_least"),
    "specialties": ("id", "name"),
}
TOP_KEYS = ("name", "description", "baseline")
PERIOD_KEYS = ("period.start", "period.end")


@dataclass
class BookSource:
    """The content a scenario.yaml would hold, read from a workbook's sheets, and where each value stands."""

    name: str
    content: dict[str, Any] = field(default_factory=dict)
    rows: dict[tuple[str | int, ...], tuple[str, int, str]] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)

    def place(self, loc: tuple[int | str, ...], missing: bool = False) -> tuple[str, int, str]:
        """Sheet (as `book.xlsx#sheet`), row and column of the deepest known part of a key path.

        A key the workbook lacks is named by its key path on the scenario sheet's header row.
        """
        for depth in range(len(loc), 0, -1):
            if loc[:depth] in self.rows:
                return self.rows[loc[:depth]]
        return f"{self.name}#{SCENARIO_SHEET}", 1, key_path(loc)

    def locate(self, loc: tuple[int | str, ...]) -> tuple[int, int]:
        """The row of the deepest known part of a key path, and how many of its parts are known."""
        depth = next((d for d in range(len(loc), 0, -1) if loc[:d] in self.rows), 0)
        return self.place(loc)[1], depth


SWITCH_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
"""The words a switch cell may hold, as YAML reads them; anything else is left for the validator."""


def is_workbook(path: Path) -> bool:
    """Whether a SCENARIO argument names a workbook rather than a folder or a YAML file."""
    return path.suffix.lower() in (".xlsx", ".xlsm")


def read_book(path: Path) -> BookSource:
    """Read the scenario, pins, forbid, min_coverage and specialties sheets; name the table sheets.

    Problems in the keys are kept on the source, to be listed with what validating the content finds.

    An optional table sheet (distances, adjacency) holding only its header counts as absent.
    """
    base, book = path.parent, path.name
    source = BookSource(name=book)
    problems = source.problems
    scenario = read_table(f"{book}#{SCENARIO_SHEET}", base)
    sheets = sheet_names(path)
    missing = [sheet for sheet in REQUIRED_SHEETS if sheet not in sheets]
    if missing:
        expected = _("a scenario workbook needs the sheets {sheets} (its sheets: {found})")
        found = expected.format(sheets=", ".join(missing), found=", ".join(sheets))
        raise ScenarioError([InputProblem(book, found)])
    _read_keys(source, scenario, problems)
    source.content.setdefault("tables", {}).update(
        {
            sheet: f"{book}#{sheet}"
            for sheet in TABLE_SHEETS
            if sheet in REQUIRED_SHEETS or (sheet in sheets and read_table(f"{book}#{sheet}", base).rows)
        }
    )
    for sheet, columns in LIST_SHEETS.items():
        if sheet in sheets:
            _read_list(source, read_table(f"{book}#{sheet}", base), sheet, columns, problems)
    return source


def _read_keys(source: BookSource, table: Table, problems: list[InputProblem]) -> None:
    """The `key`, `value` rows: top-level keys, period dates and scalar policy keys."""
    for column in ("key", "value"):
        if column not in table.columns:
            problems.append(
                InputProblem(
                    table.name,
                    _("required column is missing (columns found: {columns})").format(
                        columns=", ".join(table.columns)
                    ),
                    row=1,
                    column=column,
                )
            )
    if problems:
        return
    seen: dict[str, int] = {}
    for number, record in table.rows:
        key, value = record.get("key", ""), record.get("value", "")
        if not key:
            problems.append(InputProblem(table.name, _("a key is required"), number, "key", value or None))
            continue
        if key in seen:
            problems.append(
                InputProblem(
                    table.name,
                    _("key appears twice (first on row {row})").format(row=seen[key]),
                    number,
                    "key",
                    key,
                )
            )
            continue
        seen[key] = number
        if key in LIST_SHEETS or key == "policy.min_coverage":
            sheet = key.removeprefix("policy.")
            problems.append(
                InputProblem(
                    table.name,
                    _("a list goes in its own sheet {sheet}, one row per item").format(sheet=repr(sheet)),
                    number,
                    "key",
                    key,
                )
            )
            continue
        path = ("tables", "boundaries") if key == "boundaries" else tuple(key.split("."))
        source.rows[path] = (table.name, number, "value")
        if not value:
            continue
        if key in list_keys():
            listed = value.strip().removeprefix("[").removesuffix("]")
            items = [item.strip() for item in listed.replace(";", ",").split(",") if item.strip()]
            for n in range(len(items)):
                source.rows[(*path, n)] = (table.name, number, "value")
            _put(source.content, path, items)
        elif key in switch_keys():
            _put(source.content, path, SWITCH_WORDS.get(value.strip().lower(), value))
        else:
            _put(source.content, path, value)


def switch_keys() -> set[str]:
    """Policy keys that are true or false (`policy.avoid_home_commune`): a cell holds the word."""
    return {f"policy.{name}" for name, info in Policy.model_fields.items() if info.annotation is bool}


def list_keys() -> set[str]:
    """Policy keys that hold a list of names (`policy.objectives`): comma-separated in one cell."""
    keys = set()
    for name, info in Policy.model_fields.items():
        annotation = info.annotation
        while get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        if get_origin(annotation) is tuple:
            items = [a for a in get_args(annotation) if a is not Ellipsis]
            if not any(isinstance(a, type) and issubclass(a, BaseModel) for a in items):
                keys.add(f"policy.{name}")
    return keys


def _put(content: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    """Set a nested key (`policy.max_distance_km`), keeping a clash for the validator to name."""
    node = content
    for part in path[:-1]:
        existing = node.setdefault(part, {})
        if not isinstance(existing, dict):
            return
        node = existing
    node[path[-1]] = value


def _read_list(
    source: BookSource, table: Table, sheet: str, columns: tuple[str, ...], problems: list[InputProblem]
) -> None:
    """One sheet of items (pins, forbid, floors, specialties): a row each, blank cells left out.

    A sheet holding only its header adds nothing (the template writes every sheet).
    """
    if not table.rows:
        return
    unknown = [column for column in table.columns if column not in columns]
    for column in unknown:
        problems.append(
            InputProblem(
                table.name,
                _("unknown column; this sheet's columns are {columns}").format(columns=", ".join(columns)),
                row=1,
                column=column,
            )
        )
    prefix: tuple[str, ...] = ("policy", sheet) if sheet == "min_coverage" else (sheet,)
    items = []
    for index, (number, record) in enumerate(table.rows):
        item: dict[str, object] = {}
        for column in columns:
            source.rows[(*prefix, index, column)] = (table.name, number, column)
            value = record.get(column, "")
            if value and (sheet, column) == ("min_coverage", "communes"):
                item[column] = _floor_communes(value)
            elif value:
                item[column] = value
        source.rows[(*prefix, index)] = (table.name, number, columns[0])
        items.append(item)
    _put(source.content, prefix, items)


def _floor_communes(value: str) -> str | list[str]:
    """`all`, `tag:X`, or a `;`-list of commune ids (one id is a list of one)."""
    if value == "all" or value.startswith("tag:"):
        return value
    return [part.strip() for part in value.split(";") if part.strip()]
