"""The scenario workbook: README, the scenario's keys, a sheet per table and list, drop-downs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from i18n import N_, _
from models import schema
from models.scenario import DEFAULT_SPECIALTIES, Policy, Scenario
from reports.template_spec import KEYS, LISTS, REQUIRED_TABLES, TABLES, Column
from reports.workbook import WRITER_OPTIONS, write_atomically

ROWS = 2000
LIST_ROWS = 100
TYPES = schema.column("communes", "type").choices
INTRO = (
    N_("Secondment scenario workbook"),
    N_(
        "This workbook is the whole scenario: the sheet scenario holds its name, period and policy; "
        "communes, shortages, candidates and agencies hold the tables (required); distances and "
        "adjacency are optional; pins, forbid and min_coverage hold the assignments that must hold, the "
        "pairs that must not happen and the coverage floors; specialties is the catalogue of fields."
    ),
    N_("Keep each header row as it is (the column names are the file format); extra columns are ignored."),
    N_("Ids are text: type 03158 and it keeps its leading zero. Lists inside a cell are separated by ;."),
    N_("Check it with `secondment validate BOOK.xlsx`, then `secondment solve BOOK.xlsx --out plans/NAME`."),
    N_("Drop-down lists come from the specialties sheet and the communes and agencies sheets."),
)
YAML_INTRO = N_(
    "scenario.yaml next to this workbook names its sheets and holds the period, policy, pins and forbids; "
    "un-comment distances or adjacency there once those sheets have rows."
)


def write_template(
    path: Path, with_yaml: bool = False, name: str = "", scenario: Scenario | None = None
) -> None:
    """Write the workbook: README, scenario keys (unless a YAML holds them), tables, lists, catalogue.

    With `scenario`, every sheet is filled with its content (the scenario as one workbook).
    """

    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": WRITER_OPTIONS}) as writer:
            book = writer.book
            _readme(book, with_yaml)
            if not with_yaml:
                _scenario_sheet(book, name, scenario)
            for table, columns in TABLES.items():
                rows = [_row(row, columns) for row in getattr(scenario, table)] if scenario else []
                _table_sheet(book, table, columns, rows)
            for sheet, columns in LISTS.items():
                if sheet == "specialties" or not with_yaml:
                    _table_sheet(book, sheet, columns, _list_rows(sheet, scenario))

    write_atomically(path, write)


def _readme(book: Workbook, with_yaml: bool) -> None:
    """What to fill in, then every column: sheet, required, what to type, an example."""
    sheet = book.add_worksheet("README")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    intro = [*INTRO[:2], YAML_INTRO, *INTRO[2:]] if with_yaml else list(INTRO)
    sheet.write(0, 0, _(intro[0]), book.add_format({"bold": True, "font_size": 14}))
    for n, line in enumerate(intro[1:], start=1):
        sheet.write_string(n, 0, _(line))
    top = len(intro) + 1
    for col, header in enumerate((_("sheet"), _("column"), _("required"), _("what to type"), _("example"))):
        sheet.write_string(top, col, header, bold)
    row = top + 1
    sheets = {**TABLES, "specialties": LISTS["specialties"]} if with_yaml else {**TABLES, **LISTS}
    for table, columns in sheets.items():
        for column in columns:
            required = _("yes") if column.required else _("no")
            if table not in REQUIRED_TABLES:
                required = _("{answer} (optional sheet)").format(answer=required)
            for col, value in enumerate((table, column.name, required, column.describe(), column.example)):
                sheet.write_string(row, col, value, wrap)
            row += 1
    if not with_yaml:
        for key, help_text, example in KEYS:
            for col, value in enumerate(("scenario", key, _("no"), _(help_text), example)):
                sheet.write_string(row, col, value, wrap)
            row += 1
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 80)
    sheet.set_column(4, 4, 24)


def _scenario_sheet(book: Workbook, name: str, scenario: Scenario | None) -> None:
    """The `key`, `value` sheet: name, period and every scalar policy key, with a note for people."""
    sheet = book.add_worksheet("scenario")
    bold = book.add_format({"bold": True, "bg_color": "#C6DBEF", "border": 1})
    note = book.add_format({"italic": True, "bg_color": "#EDF3F8", "border": 1})
    text = book.add_format({"num_format": "@"})
    for col, header in enumerate(("key", "value")):
        sheet.write_string(0, col, header, bold)
    sheet.write_string(0, 2, _("what it means"), note)
    values = _scenario_values(name, scenario)
    for row, (key, help_text, _example) in enumerate(KEYS, start=1):
        sheet.write_string(row, 0, key)
        value = values.get(key)
        if isinstance(value, date):
            iso = book.add_format({"num_format": "yyyy-mm-dd"})
            sheet.write_datetime(row, 1, pd.Timestamp(value).to_pydatetime(), iso)
        elif isinstance(value, bool):
            sheet.write_string(row, 1, str(value).lower(), text)
        elif isinstance(value, int | float):
            sheet.write_number(row, 1, value)
        else:
            sheet.write_string(row, 1, "" if value is None else str(value), text)
        sheet.write_string(row, 2, _(help_text))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 2, 90)
    sheet.freeze_panes(1, 0)


def _scenario_values(name: str, scenario: Scenario | None) -> dict[str, object]:
    """The value of each key: the scenario's, else the name given and the policy's defaults."""
    policy = scenario.policy if scenario else Policy()
    values: dict[str, object] = {"name": scenario.name if scenario else name}
    if scenario:
        values["description"] = scenario.description
        if scenario.period:
            values["period.start"], values["period.end"] = scenario.period.start, scenario.period.end
    for key, value in policy.model_dump(mode="json").items():
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            values[f"policy.{key}"] = ", ".join(value)
        elif not isinstance(value, list | dict):
            values[f"policy.{key}"] = value
    return values


def _row(row: object, columns: tuple[Column, ...]) -> list[object]:
    """A table row's cells as typed values: numbers, dates, and text for ids and lists."""
    cells = []
    for column in columns:
        value = getattr(row, column.name)
        if value is None:
            cells.append(None)
        elif isinstance(value, dict):
            cells.append(";".join(f"{key}:{level}" for key, level in value.items()))
        elif isinstance(value, tuple):
            cells.append(";".join(value))
        else:
            cells.append(value)
    return cells


def _list_rows(sheet: str, scenario: Scenario | None) -> list[list[object]]:
    """Rows of the pins, forbid, min_coverage and specialties sheets."""
    if sheet == "specialties":
        if scenario is None:
            return [[key, _(name)] for key, name in DEFAULT_SPECIALTIES.items()]
        return [[s.id, s.name] for s in scenario.specialties]
    if scenario is None:
        return []
    if sheet == "min_coverage":
        return [
            [f.communes if isinstance(f.communes, str) else ";".join(f.communes), f.specialty, f.at_least]
            for f in scenario.policy.min_coverage
        ]
    return [[entry.candidate, entry.commune, entry.specialty] for entry in getattr(scenario, sheet)]


def _table_sheet(book: Workbook, table: str, columns: tuple[Column, ...], rows: list[list[object]]) -> None:
    """A sheet: the contract's headers, a help note on each, formats, data validation, and any rows."""
    sheet = book.add_worksheet(table)
    required = book.add_format({"bold": True, "bg_color": "#C6DBEF", "border": 1})
    optional = book.add_format({"italic": True, "bg_color": "#EDF3F8", "border": 1})
    formats = [book.add_format(_number_format(column)) for column in columns]
    for n, column in enumerate(columns):
        sheet.write_string(0, n, column.name, required if column.required else optional)
        note = _("Required. {help}") if column.required else _("Optional. {help}")
        sheet.write_comment(0, n, note.format(help=column.describe()))
        sheet.set_column(n, n, max(12, len(column.name) + 4), formats[n])
        sheet.data_validation(1, n, ROWS, n, _validation(column))
    for r, cells in enumerate(rows, start=1):
        for n, value in enumerate(cells):
            _write_cell(sheet, r, n, value, formats[n])
    sheet.freeze_panes(1, 0)


def _write_cell(sheet: Worksheet, row: int, col: int, value: object, cell_format: object) -> None:
    """One typed cell: a date, a number or text (never a formula)."""
    if value is None or value == "":
        return
    if isinstance(value, date):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), cell_format)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def _number_format(column: Column) -> dict[str, str]:
    """Ids, names and lists as text (so 03158 stays 03158), dates as ISO dates."""
    if column.kind == "date":
        return {"num_format": "yyyy-mm-dd"}
    if column.kind in ("int", "number"):
        return {"num_format": "General"}
    return {"num_format": "@"}


def _validation(column: Column) -> dict[str, object]:
    """Excel data validation for a column: drop-down lists, whole numbers, ranges, dates."""
    message = {"input_title": column.name[:32], "input_message": column.describe()[:255]}
    if column.kind == "type":
        return {"validate": "list", "source": list(TYPES), **message}
    if column.kind == "specialty":
        return {"validate": "list", "source": f"=specialties!$A$2:$A${LIST_ROWS + 1}", **message}
    if column.references:
        source = f"={column.references}!$A$2:$A${ROWS + 1}"
        return {"validate": "list", "source": source, "error_type": "warning", **message}
    if column.kind == "date":
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": pd.Timestamp("2000-01-01").to_pydatetime(),
            "maximum": pd.Timestamp("2100-12-31").to_pydatetime(),
            **message,
        }
    if column.kind in ("int", "number") and column.low is not None:
        kind = "integer" if column.kind == "int" else "decimal"
        if column.high is None or column.low_open:  # Excel's "between" cannot leave out its minimum
            criteria = ">" if column.low_open else ">="
            return {"validate": kind, "criteria": criteria, "value": column.low, **message}
        return {
            "validate": kind,
            "criteria": "between",
            "minimum": column.low,
            "maximum": column.high,
            **message,
        }
    return {"validate": "any", **message}


def tables_yaml(book: str) -> str:
    """The `tables:` block naming the workbook's sheets; the optional ones commented out."""
    lines = ["tables:"]
    lines += [f"  {table}: {book}#{table}" for table in REQUIRED_TABLES]
    lines += [
        f"  # {table}: {book}#{table}   # un-comment once the sheet has rows"
        for table in TABLES
        if table not in REQUIRED_TABLES
    ]
    return "\n".join(lines)


def write_scenario_yaml(path: Path, book: str, name: str) -> None:
    """Write the scenario.yaml of a template workbook."""
    text = scenario_yaml(book, name)
    write_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))


def scenario_yaml(book: str, name: str) -> str:
    """A scenario.yaml naming the workbook's sheets, with the policy defaults written out."""
    policy = Policy()
    specialties = "\n".join(
        f"  - {{id: {key}, name: {json.dumps(text, ensure_ascii=False)}}}"
        for key, text in DEFAULT_SPECIALTIES.items()
    )
    objectives = ", ".join(o.value for o in policy.objectives)
    return f"""# Scenario whose tables are the sheets of {book}: fill them in, then
#   secondment validate <this folder>
#   secondment solve <this folder> --out plans/<name>
# The README sheet of the workbook explains every column.
name: {json.dumps(name, ensure_ascii=False)}
description: ""
# period: {{start: 2025-08-01, end: 2026-07-31}}   # candidates must be available for all of it
specialties:   # the catalogue; the workbook's drop-downs offer the same ids
{specialties}
{tables_yaml(book)}
policy:
  # max_distance_km: 250        # hard cap on travel km
  # max_travel_minutes: 480     # hard cap on travel time
  detour_factor: {policy.detour_factor:g}            # road km = straight-line km x factor
  speed_kmh: {policy.speed_kmh:g}                # for minutes when none are measured
  avoid_home_commune: {str(policy.avoid_home_commune).lower()}
  max_posts_per_person: {policy.max_posts_per_person}          # seats one person may fill, all in one commune
  objectives: [{objectives}]   # strict priority order
  min_coverage: []   # e.g. - {{communes: "tag:border", specialty: it, at_least: 1}}
pins: []     # e.g. - {{candidate: P017, commune: "03158", specialty: it}}
forbid: []   # e.g. - {{candidate: P020, commune: "03127"}}
"""
