"""Load a scenario folder (scenario.yaml + tables) into a validated, frozen Scenario."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.errors import InputProblem, ScenarioError
from models.references import check_references
from models.scenario import (
    DEFAULT_SPECIALTIES,
    Agency,
    Border,
    Candidate,
    Commune,
    Distance,
    Forbid,
    Period,
    Pin,
    Policy,
    Row,
    Scenario,
    Shortage,
    Specialty,
    Text,
)
from models.tables import Table, read_table

RowModel = TypeVar("RowModel", bound=Row)
SCENARIO_FILE = "scenario.yaml"
TABLE_MODELS: dict[str, type[Row]] = {
    "communes": Commune,
    "shortages": Shortage,
    "candidates": Candidate,
    "agencies": Agency,
    "distances": Distance,
    "adjacency": Border,
}


class ScenarioYamlLoader(yaml.SafeLoader):
    """YAML's safe loader, except that numbers with a leading zero stay text.

    Plain YAML reads `commune: 03127` as the octal number 1623; commune codes must keep their digits.
    """


ScenarioYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)


class TablePaths(BaseModel):
    """Where the scenario's tables are, relative to scenario.yaml."""

    model_config = ConfigDict(extra="forbid")

    communes: Text
    shortages: Text
    candidates: Text
    agencies: Text
    distances: Text | None = None
    adjacency: Text | None = None


class ScenarioFile(BaseModel):
    """The content of scenario.yaml."""

    model_config = ConfigDict(extra="forbid")

    name: Text
    description: str = ""
    period: Period | None = None
    specialties: tuple[Specialty, ...] = Field(
        default=tuple(Specialty(id=k, name=v) for k, v in DEFAULT_SPECIALTIES.items()),
        min_length=1,
    )
    tables: TablePaths
    policy: Policy = Policy()
    pins: tuple[Pin, ...] = ()
    forbid: tuple[Forbid, ...] = ()


def load_scenario(path: str | Path) -> Scenario:
    """Read and cross-check a scenario; raise ScenarioError listing every problem found."""
    yaml_path = _scenario_yaml(Path(path))
    header = _read_header(yaml_path)
    problems: list[InputProblem] = []
    tables: dict[str, list[tuple[int, Row]]] = {}
    for table, spec in header.tables.model_dump(exclude_none=True).items():
        try:
            raw = read_table(spec, yaml_path.parent)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        tables[table] = _parse_rows(raw, TABLE_MODELS[table], problems)
    if problems:
        raise ScenarioError(problems)
    names = header.tables.model_dump(exclude_none=True)
    problems.extend(check_references(header, tables, names, yaml_path.name))
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        name=header.name,
        description=header.description,
        period=header.period,
        specialties=header.specialties,
        policy=header.policy,
        pins=header.pins,
        forbid=header.forbid,
        **{table: tuple(row for _, row in rows) for table, rows in tables.items()},
    )


def _scenario_yaml(path: Path) -> Path:
    """Accept the scenario folder or its YAML file."""
    yaml_path = path / SCENARIO_FILE if path.is_dir() else path
    if not yaml_path.is_file():
        raise ScenarioError([InputProblem(str(yaml_path), "scenario file not found")])
    return yaml_path


def _read_header(yaml_path: Path) -> ScenarioFile:
    """Parse scenario.yaml with the safe loader and validate its keys."""
    name = yaml_path.name
    try:
        content: Any = yaml.load(yaml_path.read_text(encoding="utf-8-sig"), Loader=ScenarioYamlLoader)
    except UnicodeDecodeError as error:
        raise ScenarioError([InputProblem(name, f"is not UTF-8 text (byte {error.start})")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError([InputProblem(name, f"is not valid YAML: {problem}", row=row)]) from None
    if not isinstance(content, dict):
        raise ScenarioError([InputProblem(name, "expected a mapping with name, tables and policy")])
    try:
        return ScenarioFile.model_validate(content)
    except ValidationError as error:
        raise ScenarioError(
            [
                InputProblem(
                    name,
                    f"{_key_path(e['loc'])}: {_explain(e)}",
                    value=e.get("input") if isinstance(e.get("input"), str | int | float) else None,
                )
                for e in error.errors()
            ]
        ) from None


def _parse_rows(
    table: Table, model: type[RowModel], problems: list[InputProblem]
) -> list[tuple[int, RowModel]]:
    """Validate every row of a table, adding a problem per bad cell."""
    missing = [
        column
        for column, field in model.model_fields.items()
        if field.is_required() and column not in table.columns
    ]
    if missing:
        problems.extend(
            InputProblem(
                table.name,
                f"required column is missing (columns found: {', '.join(table.columns)})",
                row=1,
                column=column,
            )
            for column in missing
        )
        return []
    if not table.rows:
        problems.append(InputProblem(table.name, "has a header but no rows", row=2))
        return []
    parsed: list[tuple[int, RowModel]] = []
    for number, record in table.rows:
        cells = {k: v for k, v in record.items() if k in model.model_fields and v.strip()}
        try:
            parsed.append((number, model.model_validate(cells)))
        except ValidationError as error:
            for e in error.errors():
                column = str(e["loc"][0]) if e["loc"] else None
                problems.append(
                    InputProblem(
                        table.name,
                        _explain(e),
                        row=number,
                        column=column,
                        value=(record.get(column) or "").strip() or None if column else None,
                    )
                )
    return parsed


def _key_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as `policy.min_coverage[0].at_least`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _explain(error: Any) -> str:
    """Turn a pydantic error into what was expected."""
    kind = error["type"]
    if kind == "missing":
        return "a value is required"
    if kind == "extra_forbidden":
        return "unknown key (check its spelling against the scenario format)"
    return str(error["msg"]).removeprefix("Value error, ")
