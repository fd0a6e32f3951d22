"""The bad-input corpus: every malformed scenario exits 2, names the problem, and writes nothing."""

from __future__ import annotations

import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from bad_corpus import CASES, NFC_AGENCY, NFD_AGENCY, Case, edit, far_right, outside_table
from click.testing import CliRunner
from conftest import REPO

from cli import main
from models.loader import load_scenario

TINY = REPO / "tests" / "data" / "tiny"


def scenario_copy(root: Path) -> Path:
    """A writable copy of the tiny scenario under `root`."""
    return Path(shutil.copytree(TINY, root / "scenario"))


def files(root: Path) -> set[Path]:
    """Every path under a folder."""
    return set(root.rglob("*"))


def test_the_corpus_is_large_and_grouped():
    """At least 40 cases, in groups of what is wrong, with unique names."""
    assert len(CASES) >= 40
    assert len({(c.group, c.name) for c in CASES}) == len(CASES)
    assert all(n >= 2 for n in Counter(c.group for c in CASES).values())


@pytest.mark.parametrize("command", ["validate", "solve"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.group}-{c.name}")
def test_bad_scenario_exits_2_and_names_the_problem(tmp_path: Path, case: Case, command: str):
    """Exit 2, no traceback, each expected text (file, row, column, value, expectation), nothing written."""
    scenario = scenario_copy(tmp_path)
    case.make(scenario)
    before = files(tmp_path)
    extra = ["--out", str(tmp_path / "plan")] if command == "solve" else []
    result = CliRunner().invoke(main, [command, str(scenario), *extra])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    missing = [text for text in case.expect if text not in result.output]
    assert not missing, result.output
    assert files(tmp_path) == before


def test_allow_outside_paths_reads_a_table_elsewhere(tmp_path: Path):
    """A table outside the folder is read when --allow-outside-paths is given."""
    scenario = scenario_copy(tmp_path)
    outside_table(scenario)
    assert CliRunner().invoke(main, ["validate", str(scenario)]).exit_code == 2
    result = CliRunner().invoke(main, ["validate", str(scenario), "--allow-outside-paths"])
    assert result.exit_code == 0, result.output


def test_nfc_and_nfd_spellings_of_an_id_match(tmp_path: Path):
    """An agency id typed composed in one table and decomposed in another is the same agency."""
    scenario = scenario_copy(tmp_path)
    edit("agencies.csv", "SYT,", NFC_AGENCY + ",")(scenario)
    edit("candidates.csv", ",SYT,", "," + NFD_AGENCY + ",")(scenario)
    loaded = load_scenario(scenario)
    assert loaded.candidate_by_id["P003"].agency_id == NFC_AGENCY
    assert unicodedata.is_normalized("NFC", loaded.candidate_by_id["P003"].agency_id)


def test_nfd_text_in_the_yaml_matches_nfc_tables(tmp_path: Path):
    """A tag typed decomposed in scenario.yaml selects the communes tagged with its composed form."""
    scenario = scenario_copy(tmp_path)
    edit("communes.csv", "border;highland", "biên_giới;highland")(scenario)
    decomposed = unicodedata.normalize("NFD", "tag:biên_giới")
    edit("scenario.yaml", '"tag:border"', f'"{decomposed}"')(scenario)
    loaded = load_scenario(scenario)
    assert loaded.floor_communes(loaded.policy.min_coverage[0]) == ("03158",)


def test_workbook_date_cells_are_dates(tmp_path: Path):
    """A date typed as a date in Excel (not text) reads as that date."""
    import datetime

    import pandas as pd

    scenario = scenario_copy(tmp_path)
    frame = pd.read_csv(scenario / "candidates.csv", dtype=str, keep_default_na=False)
    frame["available_from"] = [None, None, datetime.datetime(2025, 7, 1), None]
    frame.to_excel(scenario / "book.xlsx", sheet_name="candidates", index=False)
    edit("scenario.yaml", ": candidates.csv", ": book.xlsx#candidates")(scenario)
    assert str(load_scenario(scenario).candidate_by_id["P003"].available_from) == "2025-07-01"


def test_unknown_columns_that_misspell_nothing_are_kept_and_ignored(tmp_path: Path):
    """The contract keeps unknown columns (here `population` and a note); they change nothing."""
    scenario = scenario_copy(tmp_path)
    original = load_scenario(scenario)
    edit("agencies.csv", "max_release\n", "max_release,ghi chú\n")(scenario)
    assert load_scenario(scenario) == original


def test_a_sheet_without_dimension_and_styled_far_cells_reads_as_its_table(tmp_path: Path):
    """3,000 rows each ending with an empty, styled cell in column XFD: read cell by cell as the table
    (padding each row to 16,384 cells, as openpyxl's row iterator does, would take minutes)."""
    scenario = scenario_copy(tmp_path)
    far_right(None, rows=3_000)(scenario)
    loaded = load_scenario(scenario)
    assert len(loaded.agencies) == 3 + 2_999
    assert loaded.agency_by_id["X7"].name == "Sở 7"
