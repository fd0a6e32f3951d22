"""Plans Excel on Windows opens intact: CSV with a BOM (read with or without), and plan.xlsx on request."""

from __future__ import annotations

import codecs
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import REPO

from cli import main
from models.loader import load_scenario
from optimizer.audit import audit_folder

TINY = REPO / "tests" / "data" / "tiny"


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def test_plan_csv_files_start_with_a_bom_and_keep_vietnamese(tmp_path: Path):
    """assignments.csv and unfilled.csv are UTF-8 with BOM; the names decode as written."""
    out = tmp_path / "plan"
    result = run("solve", TINY, "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("assignments.csv", "unfilled.csv"):
        data = (out / name).read_bytes()
        assert data.startswith(codecs.BOM_UTF8), name
        assert data.count(codecs.BOM_UTF8) == 1
    assert "Sín Thầu" in (out / "assignments.csv").read_bytes()[3:].decode("utf-8")
    assert audit_folder(load_scenario(TINY), out) == []


def test_readers_accept_plan_csv_files_without_a_bom(tmp_path: Path):
    """A folder whose CSVs were saved again without the BOM still audits, reports and explains."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    for name in ("assignments.csv", "unfilled.csv"):
        path = out / name
        path.write_bytes(path.read_bytes().removeprefix(codecs.BOM_UTF8))
    assert audit_folder(load_scenario(TINY), out) == []
    assert run("audit", TINY, out).exit_code == 0
    assert run("report", TINY, out, "--out", tmp_path / "r.xlsx").exit_code == 0
    assert run("explain", TINY, out).exit_code == 0


def test_solve_xlsx_writes_the_plan_workbook(tmp_path: Path):
    """--xlsx adds plan.xlsx to the folder: one row per assignment, names intact; redacted stays redacted."""
    out, public, full = tmp_path / "plan", tmp_path / "public", tmp_path / "hr"
    assert run("solve", TINY, "--out", out, "--xlsx").exit_code == 0
    assert audit_folder(load_scenario(TINY), out) == []
    book = openpyxl.load_workbook(out / "plan.xlsx")
    assert "Assignments" in book.sheetnames and "Summary" in book.sheetnames
    rows = list(book["Assignments"].iter_rows(values_only=True))
    csv_rows = (out / "assignments.csv").read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(rows) == len(csv_rows)
    assert any("Sín Thầu" in str(cell) for row in rows for cell in row)
    result = run("solve", TINY, "--out", public, "--redact", "--full-out", full, "--xlsx")
    assert result.exit_code == 0, result.output
    public_cells = {
        str(c)
        for row in openpyxl.load_workbook(public / "plan.xlsx")["Assignments"].iter_rows(values_only=True)
        for c in row
    }
    names = {c.name for c in load_scenario(TINY).candidates}
    assert not names & public_cells
    assert (full / "plan.xlsx").is_file()


def test_plan_workbook_sheet_titles_follow_the_language(tmp_path: Path):
    """Under --lang vi the plan workbook's sheets are titled for Vietnamese readers."""
    out = tmp_path / "plan"
    assert run("--lang", "vi", "solve", TINY, "--out", out, "--xlsx").exit_code == 0
    assert audit_folder(load_scenario(TINY), out) == []
    names = openpyxl.load_workbook(out / "plan.xlsx").sheetnames
    assert names[:3] == ["Tổng hợp", "Phân công", "Vị trí còn trống"]
