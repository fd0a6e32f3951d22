"""One workbook as the whole scenario: read alone, equal to its YAML twin, errors naming sheet and row."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import BUNDLED, REPO

from cli import main
from models.errors import ScenarioError
from models.loader import load_scenario
from optimizer.audit import audit_folder

TINY = REPO / "tests" / "data" / "tiny"
NUMBERS = {"lat", "lon", "capacity", "seats", "priority", "min_level", "staff", "max_release", "km"}


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def solved_files(scenario: Path, out: Path) -> tuple[dict, str]:
    """Solve with the CLI, audit the folder, and return plan.json without its timestamp and the CSV text."""
    result = run("solve", scenario, "--out", out)
    assert result.exit_code == 0, result.output
    assert audit_folder(load_scenario(scenario), out) == []
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan["provenance"].pop("created_at")
    return plan, (out / "assignments.csv").read_text(encoding="utf-8-sig")


def test_the_bundled_scenario_as_one_workbook_gives_the_same_plan(tmp_path: Path):
    """`template --from` writes the YAML scenario as one workbook; both solve to the same audited plan."""
    book = tmp_path / "dien-bien.xlsx"
    assert run("template", "--out", book, "--from", BUNDLED).exit_code == 0
    shutil.copy(BUNDLED / "boundaries.geojson", tmp_path)
    opened = openpyxl.load_workbook(book)
    keys = [row[0].value for row in opened["scenario"].iter_rows(min_row=2)]
    opened["scenario"].cell(keys.index("boundaries") + 2, 2, "boundaries.geojson")
    opened.save(book)
    assert load_scenario(book).sha256 == load_scenario(BUNDLED).sha256
    from_yaml = solved_files(BUNDLED, tmp_path / "yaml-plan")
    from_book = solved_files(book, tmp_path / "book-plan")
    assert from_book == from_yaml
    assert from_yaml[0]["kpis"]["seats_filled"] > 0


def typed(column: str, value: str) -> object:
    """A cell as a planner's Excel holds it: numbers as numbers, dates as dates, the rest as text."""
    if column in NUMBERS and value:
        return float(value) if "." in value else int(value)
    if column.startswith("available_") and value:
        return date.fromisoformat(value)
    return value or None


def hand_made_book(path: Path) -> None:
    """The tiny scenario typed into a workbook by hand (openpyxl, not this tool's writer)."""
    book = openpyxl.Workbook()
    scenario = book.active
    scenario.title = "scenario"
    for row in (
        ("key", "value", "note"),
        ("name", "Tiny — two communes", "typed by hand"),
        ("period.start", date(2025, 8, 1), None),
        ("period.end", date(2026, 7, 31), None),
        ("policy.max_distance_km", 250, None),
        ("policy.detour_factor", 1.6, None),
        ("policy.avoid_home_commune", True, None),
        ("policy.objectives", "coverage, fairness,distance", None),
    ):
        scenario.append(row)
    for table in ("communes", "shortages", "candidates", "agencies"):
        sheet = book.create_sheet(table)
        with (TINY / f"{table}.csv").open(encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            sheet.append(header)
            for record in reader:
                sheet.append([typed(column, value) for column, value in zip(header, record, strict=True)])
    for sheet, rows in {
        "pins": [("candidate", "commune", "specialty"), ("P001", "03158", "it")],
        "forbid": [("candidate", "commune", "specialty"), ("P003", "03127", None)],
        "min_coverage": [("communes", "specialty", "at_least"), ("tag:border", "it", 1)],
    }.items():
        target = book.create_sheet(sheet)
        for row in rows:
            target.append(row)
    book.save(path)


def test_a_hand_made_workbook_equals_its_yaml_twin(tmp_path: Path):
    """A workbook typed by hand, with typed cells, reads as the same scenario and gives the same plan."""
    book = tmp_path / "tiny.xlsx"
    hand_made_book(book)
    assert load_scenario(book) == load_scenario(TINY)
    assert solved_files(book, tmp_path / "book-plan") == solved_files(TINY, tmp_path / "yaml-plan")
    edit(book, "scenario", "B8", "[coverage; fairness, distance]")
    assert load_scenario(book).policy == load_scenario(TINY).policy


def problems(book: Path) -> list[str]:
    """The problems the loader reports for a workbook."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(book)
    return [str(p) for p in caught.value.problems]


def edit(book: Path, sheet: str, cell: str, value: object) -> None:
    """Change one cell of a workbook."""
    opened = openpyxl.load_workbook(book)
    opened[sheet][cell] = value
    opened.save(book)


def test_errors_name_the_sheet_row_and_column(tmp_path: Path):
    """A bad policy value, an unknown pinned candidate and a bad floor each point at their own cell."""
    book = tmp_path / "tiny.xlsx"
    hand_made_book(book)
    edit(book, "scenario", "B5", -3)
    edit(book, "pins", "A2", "P999")
    edit(book, "min_coverage", "C2", 0)
    found = problems(book)
    assert any(p.startswith("tiny.xlsx#scenario, row 5, column 'value': got '-3'") for p in found), found
    assert any(p.startswith("tiny.xlsx#min_coverage, row 2, column 'at_least'") for p in found), found
    hand_made_book(book)
    edit(book, "pins", "A2", "P999")
    assert problems(book) == ["tiny.xlsx#pins, row 2, column 'candidate': got 'P999': unknown candidate id"]


def test_unknown_keys_lists_in_the_key_sheet_and_missing_sheets_are_named(tmp_path: Path):
    """A misspelt key, a list given as a key and a missing table sheet are refused, never ignored."""
    book = tmp_path / "tiny.xlsx"
    hand_made_book(book)
    edit(book, "scenario", "A5", "policy.max_distnace_km")
    edit(book, "scenario", "A9", "pins")
    edit(book, "scenario", "B9", "P001")
    found = problems(book)
    assert any("row 5, column 'value'" in p and "unknown key" in p for p in found), found
    assert any("row 9, column 'key': got 'pins'" in p and "own sheet" in p for p in found), found
    opened = openpyxl.load_workbook(book)
    del opened["agencies"]
    opened.save(book)
    assert any("agencies" in p and "needs the sheets" in p for p in problems(book))


def test_a_blank_optional_sheet_counts_as_absent(tmp_path: Path):
    """The template writes every sheet; distances, adjacency, pins... left with their header are absent."""
    book = tmp_path / "book.xlsx"
    assert run("template", "--out", book, "--from", TINY).exit_code == 0
    names = openpyxl.load_workbook(book).sheetnames
    assert {"distances", "adjacency", "pins", "forbid", "min_coverage"} <= set(names)
    assert load_scenario(book) == load_scenario(TINY)
    assert run("validate", book).exit_code == 0
