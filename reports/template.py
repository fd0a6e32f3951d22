"""A blank scenario workbook (one sheet per table, a README, drop-down lists) and its scenario.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from xlsxwriter.workbook import Workbook

from models import schema
from models.scenario import DEFAULT_SPECIALTIES, Policy
from reports.template_spec import REQUIRED_TABLES, TABLES, Column
from reports.workbook import WRITER_OPTIONS, write_atomically

ROWS = 2000
LIST_ROWS = 100
TYPES = schema.column("communes", "type").choices
INTRO = (
    "Secondment scenario template",
    "Fill one row per item in the sheets communes, shortages, candidates and agencies (required) and, "
    "if you have them, distances and adjacency. Keep each header row as it is; extra columns are ignored.",
    "Ids are text: type 03158 and it keeps its leading zero. Lists inside a cell are separated by ;.",
    "scenario.yaml next to this workbook names its sheets and holds the period, policy, pins and forbids; "
    "un-comment distances or adjacency there once those sheets have rows.",
    "Check it with `secondment validate FOLDER`, plan with `secondment solve FOLDER --out plans/NAME`.",
    "Drop-down lists come from the lists sheet: add a specialty there and in scenario.yaml alike.",
)


def write_template(path: Path) -> None:
    """Write the blank workbook: README, one sheet per table with validation, and the lists sheet."""

    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": WRITER_OPTIONS}) as writer:
            book = writer.book
            _readme(book)
            for table, columns in TABLES.items():
                _table_sheet(book, table, columns)
            _lists(book)

    write_atomically(path, write)


def _readme(book: Workbook) -> None:
    """What to fill in, then every column: sheet, required, what to type, an example."""
    sheet = book.add_worksheet("README")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write(0, 0, INTRO[0], book.add_format({"bold": True, "font_size": 14}))
    for n, line in enumerate(INTRO[1:], start=1):
        sheet.write_string(n, 0, line)
    top = len(INTRO) + 1
    for col, header in enumerate(("sheet", "column", "required", "what to type", "example")):
        sheet.write_string(top, col, header, bold)
    row = top + 1
    for table, columns in TABLES.items():
        for column in columns:
            required = "yes" if column.required else "no"
            if table not in REQUIRED_TABLES:
                required += " (optional sheet)"
            for col, value in enumerate((table, column.name, required, column.describe(), column.example)):
                sheet.write_string(row, col, value, wrap)
            row += 1
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 80)
    sheet.set_column(4, 4, 24)


def _table_sheet(book: Workbook, table: str, columns: tuple[Column, ...]) -> None:
    """A table's sheet: the contract's headers, a help note on each, formats and data validation."""
    sheet = book.add_worksheet(table)
    required = book.add_format({"bold": True, "bg_color": "#C6DBEF", "border": 1})
    optional = book.add_format({"italic": True, "bg_color": "#EDF3F8", "border": 1})
    for n, column in enumerate(columns):
        sheet.write_string(0, n, column.name, required if column.required else optional)
        sheet.write_comment(0, n, f"{'Required' if column.required else 'Optional'}. {column.describe()}")
        sheet.set_column(n, n, max(12, len(column.name) + 4), book.add_format(_number_format(column)))
        sheet.data_validation(1, n, ROWS, n, _validation(column))
    sheet.freeze_panes(1, 0)


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
        return {"validate": "list", "source": f"=lists!$A$2:$A${LIST_ROWS + 1}", **message}
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


def _lists(book: Workbook) -> None:
    """The values the drop-downs offer: specialty ids (with names) and commune types."""
    sheet = book.add_worksheet("lists")
    bold = book.add_format({"bold": True})
    for col, header in enumerate(("specialty", "name", "type")):
        sheet.write_string(0, col, header, bold)
    for row, (specialty, name) in enumerate(DEFAULT_SPECIALTIES.items(), start=1):
        sheet.write_string(row, 0, specialty)
        sheet.write_string(row, 1, name)
    for row, kind in enumerate(TYPES, start=1):
        sheet.write_string(row, 2, kind)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)


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
specialties:   # the catalogue; the workbook's lists sheet offers the same ids
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
