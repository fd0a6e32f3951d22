"""Messages for the usual mistakes name what was meant: near misses, Vietnamese names, `,` for `;`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from models.aliases import near_miss, plain, specialty_alias
from models.errors import ScenarioError
from models.loader import load_scenario

TINY = REPO / "tests" / "data" / "tiny"


def problems_after(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    """Copy the tiny scenario, replace `old` by `new` once in one file, and list the loader's problems."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_an_agency_id_with_stray_punctuation_is_matched():
    """`SKH&CN` names `SKHCN`; `skhcn` too; an id unlike any known one gets no guess."""
    known = {"SKHCN", "STNMT", "SYT"}
    assert near_miss("SKH&CN", known) == "SKHCN"
    assert near_miss("skhcn", known) == "SKHCN"
    assert near_miss("SGDDT", known) is None


def test_unknown_agency_in_candidates_suggests_the_near_miss(tmp_path: Path):
    """The message names file, row, column and value, and the id it probably means."""
    found = problems_after(tmp_path, "candidates.csv", "P001,Lò Văn Thành,SKHCN", "P001,Lò Văn Thành,SKH&CN")
    assert found == [
        "candidates.csv, row 2, column 'agency_id': got 'SKH&CN': unknown agency id; did you mean 'SKHCN'?"
    ]


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("IT", "'IT' is the specialty 'it'"),
        ("Công nghệ thông tin", "'Công nghệ thông tin' is the specialty 'it'"),
        ("cong nghe thong tin", "is the specialty 'it'"),
        ("Đất đai", "is the specialty 'land'"),
        ("lnad", "did you mean 'land'?"),
    ],
)
def test_a_specialty_typed_by_its_name_or_case_names_its_id(tmp_path: Path, typed: str, hint: str):
    """Vietnamese names, abbreviations and case are suggested, never silently accepted."""
    found = problems_after(tmp_path, "shortages.csv", "03158,it,", f"03158,{typed},")
    assert len(found) == 1
    assert found[0].startswith(
        f"shortages.csv, row 3, column 'specialty': got {typed!r}: unknown specialty id"
    )
    assert hint in found[0]


def test_a_comma_between_skills_is_named_as_the_separator(tmp_path: Path):
    """`it:2, land:1` gets the `;` separator named, not a message about levels."""
    found = problems_after(tmp_path, "candidates.csv", "land;it:1", '"land:2, it:1"')
    assert len(found) == 1
    assert "column 'specialties'" in found[0]
    assert "the list separator is ';', not ','" in found[0] and "'land:2;it:1'" in found[0]
    assert "level" not in found[0]


def test_a_comma_between_preferred_communes_is_named_as_the_separator(tmp_path: Path):
    """A `,`-list of known commune ids in preferences gets the separator named."""
    found = problems_after(tmp_path, "candidates.csv", ",,,,03158", ',,,,"03158,03127"')
    assert found == [
        "candidates.csv, row 2, column 'preferences': got '03158,03127': unknown commune id; "
        "the list separator is ';', not ',': write '03158;03127'"
    ]


def test_a_vietnamese_header_is_named_with_the_column_it_means(tmp_path: Path):
    """`Tên xã` for `name` is reported on that header, naming `name`, not as a bare missing column."""
    found = problems_after(tmp_path, "communes.csv", "id,name,type", "id,Tên xã,type")
    assert len(found) == 1
    assert found[0].startswith("communes.csv, row 1, column 'Tên xã':")
    assert "Vietnamese for the column name: rename it name" in found[0]


def test_a_vietnamese_header_of_an_optional_column_is_not_ignored_silently(tmp_path: Path):
    """`Nhãn` (tags) would be kept and ignored as an unknown column: it is an error instead."""
    found = problems_after(tmp_path, "communes.csv", ",tags,", ",Nhãn,")
    assert found[0] == (
        "communes.csv, row 1, column 'Nhãn': this header is Vietnamese for the column tags: rename it tags "
        "(the column names are the file format; the template's README sheet explains each)"
    )


def test_folding_for_matching():
    """Case, diacritics, đ, spaces and punctuation are set aside when matching names."""
    assert plain("Tên xã") == plain("TEN XA") == "tenxa"
    assert plain("GD&ĐT") == "gddt"
    assert specialty_alias("CNTT", {"it", "land"}) == "it"
    assert specialty_alias("CNTT", {"land"}) is None
