"""Loading scenarios: valid forms are read faithfully, bad input is reported cell by cell."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from models.errors import ScenarioError
from models.loader import load_scenario

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny scenario folder."""
    return Path(shutil.copytree(TINY, tmp_path / "tiny"))


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace text in one of the scenario's files (the text must be there)."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path) -> list[str]:
    """Every problem the loader reports, as printed."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_tiny_scenario_loads_with_ids_as_text(tiny: Path):
    """Leading zeros survive, lists and levels are parsed, defaults apply."""
    s = load_scenario(tiny)
    assert [c.id for c in s.communes] == ["03127", "03158"]
    assert s.candidate_by_id["P002"].specialties == {"land": 3, "it": 1}
    assert s.commune_by_id["03158"].tags == ("border", "highland")
    assert s.policy.speed_kmh == 30
    assert s.pins[0].commune == "03158"


def test_scenario_yaml_path_or_folder(tiny: Path):
    """The scenario may be named by its folder or by its YAML file."""
    assert load_scenario(tiny / "scenario.yaml") == load_scenario(tiny)


def test_bom_and_semicolons_are_accepted(tiny: Path):
    """A CSV saved by Excel with a BOM and `;` separators reads the same."""
    original = load_scenario(tiny)
    path = tiny / "agencies.csv"
    text = path.read_text(encoding="utf-8").replace(",", ";")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(tiny).agencies == original.agencies


def test_nfd_names_are_normalised(tiny: Path):
    """A name typed in decomposed Unicode (NFD) equals its composed (NFC) form."""
    path = tiny / "communes.csv"
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert load_scenario(tiny).commune_by_id["03158"].name == "Xã Sín Thầu"


def test_xlsx_workbook_sheets(tiny: Path):
    """Tables may be sheets of one workbook, named `book.xlsx#sheet`."""
    original = load_scenario(tiny)
    with pd.ExcelWriter(tiny / "book.xlsx") as book:
        for table in ("communes", "shortages", "candidates", "agencies"):
            pd.read_csv(tiny / f"{table}.csv", dtype=str, keep_default_na=False).to_excel(
                book, sheet_name=table, index=False
            )
    yaml = (tiny / "scenario.yaml").read_text(encoding="utf-8")
    for table in ("communes", "shortages", "candidates", "agencies"):
        yaml = yaml.replace(f"{table}: {table}.csv", f"{table}: book.xlsx#{table}")
    (tiny / "scenario.yaml").write_text(yaml, encoding="utf-8")
    loaded = load_scenario(tiny)
    assert loaded.communes == original.communes
    assert loaded.candidates == original.candidates


def test_missing_sheet_is_named(tiny: Path):
    """A sheet that is not in the workbook is an error naming the sheet."""
    pd.DataFrame({"id": ["x"]}).to_excel(tiny / "book.xlsx", sheet_name="other", index=False)
    edit(tiny, "scenario.yaml", "agencies: agencies.csv", "agencies: book.xlsx#agencies")
    [message] = problems(tiny)
    assert "book.xlsx#agencies" in message and "agencies" in message


def test_unknown_commune_suggests_the_lost_leading_zero(tiny: Path):
    """`3158` (Excel ate the zero) is reported with a hint towards `03158`."""
    edit(tiny, "shortages.csv", "03158,it", "3158,it")
    [message] = problems(tiny)
    assert "shortages.csv, row 3, column 'commune_id'" in message
    assert "'3158'" in message and "did you mean '03158'" in message


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "candidates.csv",
            "P002,Quàng Thị Hoa,STNMT",
            "P002,Quàng Thị Hoa,SXX",
            "candidates.csv, row 3, column 'agency_id': got 'SXX': unknown agency id",
        ),
        (
            "candidates.csv",
            "it:3,03127",
            "cooking,03127",
            "candidates.csv, row 2, column 'specialties': got 'cooking': unknown specialty id",
        ),
        (
            "shortages.csv",
            "03127,land",
            "03127,farming",
            "shortages.csv, row 2, column 'specialty': got 'farming': unknown specialty id",
        ),
        (
            "candidates.csv",
            "P002,",
            "P001,",
            "candidates.csv, row 3, column 'id': got 'P001': duplicate, first seen on row 2",
        ),
        (
            "communes.csv",
            "03158,Xã",
            "03127,Xã",
            "communes.csv, row 3, column 'id': got '03127': duplicate, first seen on row 2",
        ),
        ("shortages.csv", "03158,health", "03158,it", "shortages.csv, row 4, column 'commune_id'"),
        (
            "shortages.csv",
            "03127,land,1",
            "03127,land,abc",
            "shortages.csv, row 2, column 'seats': got 'abc'",
        ),
        (
            "shortages.csv",
            "03127,land,1",
            "03127,land,3.5",
            "shortages.csv, row 2, column 'seats': got '3.5'",
        ),
        ("shortages.csv", "03127,land,1", "03127,land,0", "shortages.csv, row 2, column 'seats': got '0'"),
        ("communes.csv", "21.4061", "121.4061", "communes.csv, row 2, column 'lat': got '121.4061'"),
        ("communes.csv", ",ward,", ",town,", "communes.csv, row 2, column 'type': got 'town'"),
        ("communes.csv", "21.4061", "", "communes.csv, row 2, column 'lat': a value is required"),
        (
            "candidates.csv",
            "it:3,03127",
            "it:4,03127",
            "candidates.csv, row 2, column 'specialties': got 'it:4': level in 'it:4' must be 1, 2 or 3",
        ),
        (
            "candidates.csv",
            "health,03158,,2025-07-01",
            "health,03158,,2025-13-01",
            "candidates.csv, row 4, column 'available_from': got '2025-13-01'",
        ),
        ("candidates.csv", ",120,", ",-5,", "candidates.csv, row 5, column 'max_distance_km': got '-5'"),
        (
            "candidates.csv",
            ",,03158\n",
            ",,09999\n",
            "candidates.csv, row 2, column 'preferences': got '09999': unknown commune id",
        ),
        (
            "scenario.yaml",
            "candidate: P001",
            "candidate: P999",
            "scenario.yaml, row 16, column 'pins[0].candidate': got 'P999': unknown candidate id",
        ),
        (
            "scenario.yaml",
            "candidate: P003",
            "candidate: P998",
            "scenario.yaml, row 18, column 'forbid[0].candidate': got 'P998': unknown candidate id",
        ),
        (
            "scenario.yaml",
            '"tag:border"',
            '"tag:boder"',
            "scenario.yaml, row 14, column 'policy.min_coverage[0].communes': got 'tag:boder': no commune",
        ),
        (
            "scenario.yaml",
            "max_distance_km: 250",
            "max_distnace_km: 250",
            "scenario.yaml, row 9, column 'policy.max_distnace_km': got 250: unknown key",
        ),
        (
            "scenario.yaml",
            "max_distance_km: 250",
            "max_distance_km: -1",
            "scenario.yaml, row 9, column 'policy.max_distance_km': got -1: expected a number > 0",
        ),
        (
            "scenario.yaml",
            "[coverage, fairness, distance]",
            "[coverage, happiness]",
            "scenario.yaml, row 12, column 'policy.objectives[1]': got 'happiness'",
        ),
        (
            "scenario.yaml",
            "end: 2026-07-31",
            "end: 2024-07-31",
            "scenario.yaml, row 2, column 'period': start 2025-08-01 is after end 2024-07-31",
        ),
    ],
)
def test_bad_cell_is_named(tiny: Path, file: str, old: str, new: str, expected: str):
    """Each bad value is reported with file, row, column, the value and what was expected."""
    edit(tiny, file, old, new)
    found = problems(tiny)
    assert any(expected in message for message in found), found


def test_all_problems_of_a_file_come_together(tiny: Path):
    """Three bad cells in two files: all three are reported at once."""
    edit(tiny, "communes.csv", "21.4061", "north")
    edit(tiny, "communes.csv", ",2,border", ",-2,border")
    edit(tiny, "agencies.csv", ",80,", ",eighty,")
    found = problems(tiny)
    assert len(found) == 3
    assert {m.split(",")[0] for m in found} == {"communes.csv", "agencies.csv"}


def test_missing_column_is_named(tiny: Path):
    """A table without a required column says which column and which columns it has."""
    edit(tiny, "agencies.csv", "max_release", "release")
    [message] = problems(tiny)
    assert "agencies.csv, row 1, column 'max_release': required column is missing" in message


def test_header_only_table(tiny: Path):
    """A table with a header but no rows is an error, not an empty scenario."""
    (tiny / "shortages.csv").write_text("commune_id,specialty,seats,priority,min_level\n", encoding="utf-8")
    assert problems(tiny) == ["shortages.csv, row 2: has a header but no rows"]


def test_missing_table_file(tiny: Path):
    """A table file that does not exist is named."""
    (tiny / "agencies.csv").unlink()
    [message] = problems(tiny)
    assert message.startswith("agencies.csv: table file not found")


def test_missing_required_yaml_key(tiny: Path):
    """scenario.yaml without `tables` says so."""
    edit(tiny, "scenario.yaml", "tables:", "tablez:")
    found = problems(tiny)
    assert "scenario.yaml, row 1, column 'tables': a value is required" in found


def test_invalid_yaml_names_the_line(tiny: Path):
    """Broken YAML syntax is reported with its line."""
    edit(tiny, "scenario.yaml", "  detour_factor: 1.6", "  detour_factor: [1.6")
    [message] = problems(tiny)
    assert message.startswith("scenario.yaml, row ") and "not valid YAML" in message


def test_non_utf8_table(tiny: Path):
    """A table saved as Windows-1258 (Vietnamese ANSI) is refused with advice, not decoded wrongly."""
    path = tiny / "communes.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    [message] = problems(tiny)
    assert message.startswith("communes.csv") and "not UTF-8" in message


def test_blank_lines_keep_row_numbers(tiny: Path):
    """Blank lines are skipped but rows keep their spreadsheet numbers."""
    edit(tiny, "shortages.csv", "03158,health,1", "\n03158,health,x")
    [message] = problems(tiny)
    assert "shortages.csv, row 5, column 'seats'" in message


def test_yaml_codes_with_leading_zeros_stay_text(tiny: Path):
    """`commune: 03127` unquoted is the code 03127, not the octal number 1623."""
    edit(tiny, "scenario.yaml", 'commune: "03127"', "commune: 03127")
    assert load_scenario(tiny).forbid[0].commune == "03127"


def test_workbook_dates_are_read_as_dates(tiny: Path):
    """A date cell that a workbook hands over as `2025-07-01 00:00:00` is the date 2025-07-01."""
    edit(tiny, "candidates.csv", "2025-07-01", "2025-07-01 00:00:00")
    assert str(load_scenario(tiny).candidate_by_id["P003"].available_from) == "2025-07-01"


def test_copies_do_not_inherit_cached_lookups(tiny: Path):
    """A scenario derived with model_copy gets its own hash and lookups."""
    s = load_scenario(tiny)
    assert s.sha256 and s.commune_by_id
    smaller = s.model_copy(update={"communes": s.communes[:1]})
    assert smaller.sha256 != s.sha256
    assert list(smaller.commune_by_id) == ["03127"]
