"""One schema: the template, the scenario writer and the docs' column table follow the row models."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from models.cells import VIETNAM_LAT
from models.scenario_writer import COLUMNS
from models.schema import REQUIRED_TABLES, TABLE_MODELS, column, columns
from reports.template_spec import TABLES

DOCS = REPO / "docs" / "formats.md"


def docs_columns() -> dict[str, list[tuple[str, bool, str]]]:
    """The docs' table of columns: per table, (name, required (bold), what the parentheses say)."""
    found = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] not in TABLE_MODELS:
            continue
        entries, depth, start = [], 0, 0
        text = cells[1]
        for i, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth == 0:
                entries.append(text[start:i])
                start = i + 1
        entries.append(text[start:])
        parsed = []
        for entry in entries:
            match = re.fullmatch(r"\s*(\*\*)?(\w+)(?:\*\*)?\s*(?:\((.*)\))?\s*", entry)
            assert match, f"docs/formats.md, {cells[0]}: cannot read {entry!r}"
            parsed.append((match[2], bool(match[1]), match[3] or ""))
        found[cells[0]] = parsed
    return found


def test_docs_list_every_column_required_bounds_and_default():
    """docs/formats.md: each table's columns in order, required ones in bold, each range and default."""
    documented = docs_columns()
    assert set(documented) == set(TABLE_MODELS)
    for table, entries in documented.items():
        schema = columns(table)
        assert [name for name, _, _ in entries] == [c.name for c in schema], table
        for (name, bold, note), c in zip(entries, schema, strict=True):
            assert bold == c.required, f"{table}.{name}: bold should mean required"
            if c.bounds:
                assert c.bounds in note, f"{table}.{name}: docs should say {c.bounds!r}, say {note!r}"
            if c.default is not None:
                assert f"default {c.default}" in note, f"{table}.{name}: default {c.default}"


def test_template_follows_the_schema():
    """Template columns: the models' names, order, requiredness, kinds, ranges and defaults."""
    assert list(TABLES) == list(TABLE_MODELS)
    kinds = {"int": "int", "float": "number", "date": "date"}
    for table in TABLE_MODELS:
        for shown, c in zip(TABLES[table], columns(table), strict=True):
            assert (shown.name, shown.required, shown.low, shown.high) == (c.name, c.required, c.low, c.high)
            assert shown.low_open == c.low_open
            if c.kind in kinds:
                assert shown.kind == kinds[c.kind]
            if c.bounds:
                assert c.bounds in shown.describe()


@pytest.mark.parametrize("table", ["communes", "agencies", "candidates"])
def test_coordinates_are_the_loaders_vietnam_box(table: str):
    """The template offers what the loader accepts: latitude inside Vietnam, not ±90."""
    assert (column(table, "lat").low, column(table, "lat").high) == VIETNAM_LAT
    lat = next(c for c in TABLES[table] if c.name == "lat")
    assert (lat.low, lat.high) == VIETNAM_LAT


def test_personal_travel_cap_is_more_than_zero_everywhere():
    """max_distance_km is > 0 in the model, so the template's validation is '>' 0 too."""
    cap = column("candidates", "max_distance_km")
    assert (cap.low, cap.low_open, cap.bounds) == (0, True, "> 0")


def test_writer_and_required_tables_follow_the_models():
    """The scenario writer's columns are the models' fields; required tables are the Scenario's."""
    assert {t: list(c) for t, c in COLUMNS.items()} == {
        t: list(m.model_fields) for t, m in TABLE_MODELS.items()
    }
    assert REQUIRED_TABLES == ("communes", "shortages", "candidates", "agencies")
