"""Load a scenario folder (scenario.yaml + tables) into a validated, frozen Scenario."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from i18n import N_, _
from models.aliases import header_meaning
from models.baseline import read_baseline, with_baseline
from models.book_source import BookSource, is_workbook, read_book
from models.boundaries import read_boundaries
from models.cells import CellError, coordinate_problems, date_problem, field_kind, read_cell
from models.errors import InputProblem, ScenarioError
from models.references import check_references
from models.scenario import (
    DEFAULT_SPECIALTIES,
    Boundary,
    Forbid,
    Objective,
    Period,
    Pin,
    Policy,
    Row,
    Scenario,
    Specialty,
    Text,
)
from models.schema import TABLE_MODELS
from models.tables import Table, read_table
from models.yaml_source import YamlSource, read_yaml

SCENARIO_FILE = "scenario.yaml"
NEAR_MISS = 0.85
STRICT_MISS = 0.9


class TablePaths(BaseModel):
    """Where the scenario's tables are, relative to scenario.yaml."""

    model_config = ConfigDict(extra="forbid")

    communes: Text
    shortages: Text
    candidates: Text
    agencies: Text
    distances: Text | None = None
    adjacency: Text | None = None
    boundaries: Text | None = None


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
    baseline: Text | None = None


def load_scenario(
    path: str | Path, allow_outside_paths: bool = False, baseline: str | Path | None = None
) -> Scenario:
    """Read and cross-check a scenario; raise ScenarioError listing every problem found.

    Tables (and the `baseline:` plan folder) must lie inside the scenario's folder unless
    `allow_outside_paths` is set. A `baseline` given here wins over the YAML's key.
    """
    source, folder = _source(Path(path))
    header = _validate_header(source)
    problems: list[InputProblem] = []
    raw: dict[str, Table] = {}
    tables: dict[str, list[tuple[int, Row]]] = {}
    names = header.tables.model_dump(exclude_none=True)
    outlines = names.pop("boundaries", None)
    refused: set[str] = set()
    for table, spec in names.items():
        try:
            raw[table] = read_table(spec, folder, allow_outside_paths)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        before = len(problems)
        tables[table] = _parse_rows(raw[table], table, problems)
        if len(problems) > before:
            refused.add(table)
    problems.extend(check_references(header, tables, raw, names, source))
    boundaries: tuple[Boundary, ...] = ()
    if outlines and "communes" in tables and "communes" not in refused:  # else each outline is doubted
        communes = {row.id for _, row in tables["communes"]}
        try:
            boundaries = read_boundaries(outlines, folder, communes, allow_outside_paths)
        except ScenarioError as error:
            problems.extend(error.problems)
    if problems:
        raise ScenarioError(problems)
    scenario = Scenario(
        boundaries=boundaries,
        name=header.name,
        description=header.description,
        period=header.period,
        specialties=header.specialties,
        policy=header.policy,
        pins=header.pins,
        forbid=header.forbid,
        **{table: tuple(row for _, row in rows) for table, rows in tables.items()},
    )
    return _attach_baseline(scenario, source, header, folder, allow_outside_paths, baseline)


def _attach_baseline(
    scenario: Scenario,
    source: YamlSource | BookSource,
    header: ScenarioFile,
    home: Path,
    allow_outside_paths: bool,
    flag: str | Path | None,
) -> Scenario:
    """The scenario with its baseline plan (the flag's, else the header's key, relative to `home`,
    the scenario's folder)."""
    if flag is not None:
        return with_baseline(scenario, read_baseline(Path(flag)))
    if header.baseline is None:
        if Objective.STABILITY in header.policy.objectives:
            line, _column = source.locate(("policy", "objectives"))
            raise ScenarioError(
                [
                    InputProblem(
                        source.name,
                        _("`stability` needs a baseline plan: add `baseline: PLAN_DIR` or pass --baseline"),
                        row=line,
                        column="policy.objectives",
                        value="stability",
                    )
                ]
            )
        return scenario
    folder = home / header.baseline
    if not allow_outside_paths and not folder.resolve().is_relative_to(home.resolve()):
        line, _column = source.locate(("baseline",))
        raise ScenarioError(
            [
                InputProblem(
                    source.name,
                    _(
                        "is outside the scenario folder {folder}: copy the plan into the folder, "
                        "or pass --allow-outside-paths if that is intended"
                    ).format(folder=home),
                    row=line,
                    column="baseline",
                    value=header.baseline,
                )
            ]
        )
    return with_baseline(scenario, read_baseline(folder))


def scenario_files(path: str | Path) -> tuple[Path, ...]:
    """The files a load reads: a scenario workbook, or scenario.yaml and the table files it names."""
    if is_workbook(Path(path)):
        return (Path(path),)
    yaml_path = _scenario_yaml(Path(path))
    tables = read_yaml(yaml_path).content
    tables = tables.get("tables") if isinstance(tables, dict) else None
    named = [v for v in tables.values() if isinstance(v, str)] if isinstance(tables, dict) else []
    return (yaml_path, *(yaml_path.parent / spec.partition("#")[0] for spec in named))


def _source(path: Path) -> tuple[YamlSource | BookSource, Path]:
    """The scenario's header (from scenario.yaml or a whole-scenario workbook) and its folder."""
    if is_workbook(path):
        if not path.is_file():
            raise ScenarioError([InputProblem(str(path), _("scenario file not found"))])
        return read_book(path), path.parent
    yaml_path = _scenario_yaml(path)
    return read_yaml(yaml_path), yaml_path.parent


def _scenario_yaml(path: Path) -> Path:
    """Accept the scenario folder or its YAML file."""
    try:
        yaml_path = path / SCENARIO_FILE if path.is_dir() else path
        found = yaml_path.is_file()
    except (OSError, ValueError) as error:
        expected = _("cannot be read: {error}").format(error=error)
        raise ScenarioError([InputProblem(str(path), expected)]) from None
    if not found:
        raise ScenarioError([InputProblem(str(yaml_path), _("scenario file not found"))])
    return yaml_path


def _validate_header(source: YamlSource | BookSource) -> ScenarioFile:
    """Check scenario.yaml's keys and values, naming the line and key of each problem."""
    content = source.content
    if not isinstance(content, dict):
        raise ScenarioError(
            [InputProblem(source.name, _("expected a mapping with name, tables and policy"), row=1)]
        )
    flagged = _period_problems(source)
    problems = [*source.problems, *flagged.values()]
    try:
        header = ScenarioFile.model_validate(_composed(content))
    except ValidationError as error:
        for e in error.errors():
            if tuple(e["loc"][:2]) in flagged:
                continue
            file, line, column = source.place(e["loc"], missing=e["type"] == "missing")
            value = e.get("input")
            problems.append(
                InputProblem(
                    file,
                    _explain(e),
                    row=line,
                    column=column,
                    value=value if isinstance(value, str | int | float | date) else None,
                )
            )
        raise ScenarioError(problems) from None
    if problems:
        raise ScenarioError(problems)
    return header


def _composed(value: Any) -> Any:
    """Every text in the YAML's values NFC-normalised, so `tag:biên_giới` typed decomposed still matches."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_composed(item) for item in value]
    if isinstance(value, dict):
        return {key: _composed(item) for key, item in value.items()}
    return value


def _period_problems(source: YamlSource | BookSource) -> dict[tuple[str, str], InputProblem]:
    """Period dates must be ISO dates: a day/month date, a serial number or a timestamp is refused."""
    period = source.content.get("period")
    if not isinstance(period, dict):
        return {}
    problems = {}
    for key in ("start", "end"):
        value = period.get(key)
        if value is None or isinstance(value, date):
            continue
        expected = date_problem(str(value))
        if expected:
            file, line, column = source.place(("period", key))
            problems["period", key] = InputProblem(file, expected, row=line, column=column, value=value)
    return problems


def _parse_rows(table: Table, kind: str, problems: list[InputProblem]) -> list[tuple[int, Row]]:
    """Validate every row of a table (`kind` is communes, shortages, ...), adding a problem per bad cell."""
    model = TABLE_MODELS[kind]
    column_problems, missing = _check_columns(table, kind)
    problems.extend(column_problems)
    if missing:
        return []
    if not table.rows:
        problems.append(InputProblem(table.name, _("has a header but no rows"), row=2))
        return []
    kinds = {column: field_kind(field) for column, field in model.model_fields.items()}
    parsed: list[tuple[int, Row]] = []
    for number, record in table.rows:
        cells: dict[str, str] = {}
        flagged: list[tuple[str, str, str]] = []
        for column, kind in kinds.items():
            if record.get(column):
                try:
                    cells[column] = read_cell(kind, record[column])
                except CellError as error:
                    flagged.append((column, record[column], str(error)))
        if "lat" in cells and "lon" in cells:
            flagged.extend(coordinate_problems(cells["lat"], cells["lon"]))
        problems.extend(InputProblem(table.name, e, number, column, v) for column, v, e in flagged)
        bad = {column for column, _, _ in flagged}
        try:
            row = model.model_validate({k: v for k, v in cells.items() if k not in bad})
        except ValidationError as error:
            for e in error.errors():
                expected = _explain(e)
                column = str(e["loc"][0]) if e["loc"] else _named_field(model, expected)
                if column in bad or (not e["loc"] and bad):
                    continue
                value = record.get(column) if column else None
                problems.append(InputProblem(table.name, expected, number, column, value or None))
            continue
        if not bad:
            parsed.append((number, row))
    return parsed


def _named_field(model: type[Row], message: str) -> str | None:
    """The field a row-level message is about: the one it starts with (`lat and lon must ...`)."""
    return next((field for field in model.model_fields if message.startswith(field)), None)


def _check_columns(table: Table, kind: str) -> tuple[list[InputProblem], list[str]]:
    """Missing required columns, and unknown columns that look like a misspelt or translated known one."""
    known = TABLE_MODELS[kind].model_fields
    absent = [column for column in known if column not in table.columns]
    unknown = [column for column in table.columns if column not in known]
    problems = []
    missing = [column for column in absent if known[column].is_required()]
    meanings = {column: header_meaning(kind, column) for column in unknown}
    for column in unknown:
        meant = meanings[column]
        if meant in absent:
            problems.append(
                InputProblem(
                    table.name,
                    _(
                        "this header is Vietnamese for the column {meant}: rename it {meant} (the column "
                        "names are the file format; the template's README sheet explains each)"
                    ).format(meant=meant),
                    row=1,
                    column=column,
                )
            )
    translated = {meant for meant in meanings.values() if meant}
    for column in missing:
        if column in translated:
            continue
        near = _nearest(column, unknown)
        expected = _("required column is missing (columns found: {columns})").format(
            columns=", ".join(table.columns)
        )
        if near:
            expected += "; " + _("is {near} meant to be it?").format(near=repr(near))
        problems.append(InputProblem(table.name, expected, row=1, column=column))
    for column in unknown:
        if meanings[column] in absent:
            continue
        near = _nearest(column, [c for c in absent if c not in missing], strict=True)
        if near:
            problems.append(
                InputProblem(
                    table.name,
                    _(
                        "unknown column; did you mean {near}? Unknown columns are ignored, so a misspelt "
                        "one would be lost silently: rename it"
                    ).format(near=repr(near)),
                    row=1,
                    column=column,
                )
            )
    return problems, missing


def _nearest(column: str, choices: list[str], strict: bool = False) -> str | None:
    """The choice a column name most likely misspells (case, spaces and underscores aside), if any.

    Strict matching (for unknown columns, which the contract otherwise ignores) takes only near-exact
    spellings; loose matching (a hint for a missing column) also takes one name inside the other.
    """

    def norm(name: str) -> str:
        return re.sub(r"[\s_\-.]", "", name.lower())

    def score(choice: str) -> float:
        a, b = norm(column), norm(choice)
        if not strict and min(len(a), len(b)) >= 3 and (a in b or b in a):
            return 1.0
        return SequenceMatcher(None, a, b).ratio()

    scored = [(score(choice), choice) for choice in choices]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= (STRICT_MISS if strict else NEAR_MISS) else None


def _explain(error: Any) -> str:
    """Turn a pydantic error into what was expected."""
    kind, context = error["type"], error.get("ctx", {})
    if kind == "missing":
        return _("a value is required")
    if kind == "extra_forbidden":
        return _("unknown key (check its spelling against the scenario format)")
    if kind.startswith("date"):
        return date_problem(str(error.get("input"))) or _("expected a date as yyyy-mm-dd (ISO 8601)")
    bounds = {
        "greater_than_equal": N_("expected a number ≥ {bound}"),
        "greater_than": N_("expected a number > {bound}"),
        "less_than_equal": N_("expected a number ≤ {bound}"),
        "less_than": N_("expected a number < {bound}"),
    }
    if kind in bounds:
        return _(bounds[kind]).format(bound=next(iter(context.values())))
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return _("expected a whole number")
    if kind in ("float_parsing", "float_type", "finite_number"):
        return _("expected a number")
    if kind in ("tuple_type", "list_type"):
        return _("expected a list (one `- item` per line, or [a, b])")
    if kind in ("model_type", "dict_type"):
        return _("expected a mapping of keys to values")
    if kind == "string_too_short":
        return _("a value is required (the text is empty)")
    if kind in ("literal_error", "enum"):
        choices = str(context.get("expected", "")).replace(" or ", _(" or "))
        return _("expected one of {choices}").format(choices=choices)
    if kind in ("bool_parsing", "bool_type"):
        return _("expected true or false")
    if kind == "string_type":
        return _("expected text")
    if kind == "too_short":
        return _("expected at least {count} item(s)").format(count=context.get("min_length", 1))
    return str(error["msg"]).removeprefix("Value error, ")
