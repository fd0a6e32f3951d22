"""The blank scenario template: the contract's headers, a README, validation, and a round trip to solve."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPO

from cli import main
from models.loader import load_scenario
from models.scenario import DEFAULT_SPECIALTIES, Agency, Border, Candidate, Commune, Distance, Shortage
from reports.template_spec import TABLES, Column

TINY = REPO / "tests" / "data" / "tiny"
MODELS = {
    "communes": Commune,
    "shortages": Shortage,
    "candidates": Candidate,
    "agencies": Agency,
    "distances": Distance,
    "adjacency": Border,
}


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A fresh template written by the command with --yaml: book.xlsx and scenario.yaml in one folder."""
    result = run("template", "--out", tmp_path / "round" / "book.xlsx", "--yaml")
    assert result.exit_code == 0, result.output
    return tmp_path / "round"


def test_columns_are_the_contracts():
    """Every table's template columns are exactly the fields of its scenario model, in the contract."""
    for table, columns in TABLES.items():
        assert [c.name for c in columns] == list(MODELS[table].model_fields), table


def test_workbook_has_a_sheet_per_table_a_readme_and_lists(template: Path):
    """Sheets, headers, frozen header rows, README lines and the drop-down source lists."""
    book = openpyxl.load_workbook(template / "book.xlsx")
    assert book.sheetnames == ["README", *TABLES, "specialties"]
    for table, columns in TABLES.items():
        sheet = book[table]
        assert [c.value for c in sheet[1]] == [c.name for c in columns]
        assert sheet.freeze_panes == "A2" and sheet.max_row == 1
    readme = [[c.value for c in row] for row in book["README"].iter_rows()]
    documented = {(row[0], row[1]) for row in readme if row[0] in TABLES}
    assert documented == {(t, c.name) for t, columns in TABLES.items() for c in columns}
    lists = book["specialties"]
    assert [lists.cell(r, 1).value for r in range(2, 11)] == list(DEFAULT_SPECIALTIES)


def test_specialties_and_types_are_drop_downs(template: Path):
    """Data validation: specialty ids from the lists sheet, ward/commune, whole-number ranges."""
    book = openpyxl.load_workbook(template / "book.xlsx")

    def rule(sheet: str, column: str):
        letter = openpyxl.utils.get_column_letter([c.value for c in book[sheet][1]].index(column) + 1)
        return next(
            v for v in book[sheet].data_validations.dataValidation if str(v.sqref).startswith(letter + "2")
        )

    assert rule("shortages", "specialty").type == "list"
    assert rule("shortages", "specialty").formula1 == "specialties!$A$2:$A$101"
    assert rule("communes", "type").formula1 == '"ward,commune"'
    priority = rule("shortages", "priority")
    assert (priority.type, priority.formula1, priority.formula2) == ("whole", "1", "5")
    assert rule("shortages", "commune_id").formula1 == "communes!$A$2:$A$2001"
    assert rule("candidates", "available_from").type == "date"


def test_scenario_yaml_names_the_sheets(template: Path):
    """scenario.yaml beside the workbook names its required sheets; a blank one says what is missing."""
    text = (template / "scenario.yaml").read_text(encoding="utf-8")
    for table in ("communes", "shortages", "candidates", "agencies"):
        assert f"  {table}: book.xlsx#{table}" in text
    result = run("validate", template)
    assert result.exit_code == 2
    assert "book.xlsx#communes, row 2" in result.output and "no rows" in result.output


def fill(path: Path, source: Path) -> None:
    """Type a CSV scenario's tables into the template as a planner would: numbers, dates, text ids."""
    book = openpyxl.load_workbook(path)
    for table, columns in TABLES.items():
        if not (source / f"{table}.csv").exists():
            continue
        kinds = {c.name: c for c in columns}
        sheet = book[table]
        header = [c.value for c in sheet[1]]
        with (source / f"{table}.csv").open(encoding="utf-8") as handle:
            for n, record in enumerate(csv.DictReader(handle), start=2):
                for column, value in record.items():
                    if column in kinds and value:
                        sheet.cell(n, header.index(column) + 1, typed(kinds[column], value))
    book.save(path)


def typed(column: Column, value: str) -> object:
    """A cell value of the column's kind."""
    if column.kind == "int":
        return int(value)
    if column.kind == "number":
        return float(value)
    if column.kind == "date":
        return date.fromisoformat(value)
    return value


def test_filled_template_solves(template: Path, tmp_path: Path):
    """Filled in programmatically, the template folder validates, solves and passes the audit."""
    fill(template / "book.xlsx", TINY)
    assert run("validate", template).exit_code == 0
    plan = tmp_path / "plan"
    result = run("solve", template, "--out", plan)
    assert result.exit_code == 0, result.output
    assert json.loads((plan / "plan.json").read_text(encoding="utf-8"))["status"] == "OPTIMAL"
    assert run("audit", template, plan).exit_code == 0
    filled, original = load_scenario(template), load_scenario(TINY)
    for table in ("communes", "shortages", "candidates", "agencies"):
        assert getattr(filled, table) == getattr(original, table), table
    assert filled.commune_by_id["03158"].name == "Xã Sín Thầu"


def test_template_keeps_existing_files(template: Path):
    """A second run refuses to overwrite a planner's workbook unless --force is given."""
    book = template / "book.xlsx"
    fill(book, TINY)
    before = book.read_bytes()
    result = run("template", "--out", book)
    assert result.exit_code == 2 and "--force" in result.output
    assert book.read_bytes() == before
    assert run("template", "--out", book, "--force").exit_code == 0
    assert openpyxl.load_workbook(book)["communes"].max_row == 1


def test_template_without_yaml_is_the_whole_scenario(tmp_path: Path):
    """By default only the workbook is written, with the scenario, pins, forbid and floor sheets too."""
    result = run("template", "--out", tmp_path / "book.xlsx")
    assert result.exit_code == 0, result.output
    assert "secondment solve " in result.output and "book.xlsx --out" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames == ["README", "scenario", *TABLES, "pins", "forbid", "min_coverage", "specialties"]
    keys = [row[0] for row in book["scenario"].iter_rows(min_row=2, values_only=True)]
    assert {"name", "period.start", "policy.max_distance_km", "policy.objectives"} <= set(keys)
    assert run("template", "--out", tmp_path / "book.csv").exit_code == 2


def test_template_readme_and_notes_follow_the_language(tmp_path: Path):
    """--lang vi: the README sheet, header notes and input prompts are Vietnamese; headers stay the format."""
    result = run("--lang", "vi", "template", "--out", tmp_path / "book.xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    readme = [row[0] for row in book["README"].iter_rows(values_only=True) if row[0]]
    assert readme[0] == "Tệp Excel kịch bản biệt phái"
    assert "trang tính" in " ".join(str(r) for r in readme)
    communes = book["communes"]
    assert [c.value for c in communes[1]][:3] == ["id", "name", "type"]
    assert communes["B1"].comment.text.startswith("Bắt buộc. ")
    prompts = {v.promptTitle: v.prompt for v in communes.data_validations.dataValidation}
    assert prompts["name"] == "Tên có đủ dấu."
    names = [row[1] for row in book["specialties"].iter_rows(min_row=2, values_only=True)]
    assert "Công nghệ thông tin, truyền thông, chuyển đổi số" in names
    english = openpyxl.load_workbook(_english_template(tmp_path))
    assert english["README"]["A1"].value == "Secondment scenario workbook"


def _english_template(tmp_path: Path) -> Path:
    """The same template written in English."""
    path = tmp_path / "en" / "book.xlsx"
    assert run("--lang", "en", "template", "--out", path).exit_code == 0
    return path
