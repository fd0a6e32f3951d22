"""What differs between two scenarios: settings and policy keys, and rows added, removed or changed."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from models.scenario import Scenario

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "communes": ("id",),
    "shortages": ("commune_id", "specialty"),
    "candidates": ("id",),
    "agencies": ("id",),
    "distances": ("from_id", "to_id"),
    "adjacency": ("code_a", "code_b"),
    "boundaries": ("commune_id",),
}
SETTINGS = ("name", "description", "period", "specialties", "pins", "forbid")
COLUMNS = ["part", "key", "column", "change", "a", "b"]


def scenario_changes(a: Scenario, b: Scenario) -> pd.DataFrame:
    """One row per difference: a setting or policy key, or a table row added, removed or changed."""
    rows: list[dict[str, str]] = []
    for key in SETTINGS:
        _setting(rows, "scenario", key, getattr(a, key), getattr(b, key))
    left, right = a.policy.model_dump(mode="json"), b.policy.model_dump(mode="json")
    for key in sorted(set(left) | set(right)):
        _setting(rows, "policy", key, left.get(key), right.get(key))
    for table, key in TABLE_KEYS.items():
        rows += _table_changes(table, key, getattr(a, table), getattr(b, table))
    return pd.DataFrame(rows, columns=COLUMNS)


def counts(changes: pd.DataFrame) -> pd.DataFrame:
    """Per part (policy, each table): how many keys or rows were added, removed and changed."""
    rows = changes.drop_duplicates(["part", "key", "change"])
    table = rows.pivot_table(index="part", columns="change", values="key", aggfunc="count", fill_value=0)
    table = table.reindex(columns=["added", "removed", "changed"], fill_value=0)
    return table.reset_index().rename_axis(columns=None)


def _setting(rows: list[dict[str, str]], part: str, key: str, a: Any, b: Any) -> None:
    """A differing setting, its two values as text."""
    if _plain(a) != _plain(b):
        rows.append(
            {"part": part, "key": key, "column": "", "change": "changed", "a": _text(a), "b": _text(b)}
        )


def _table_changes(table: str, key: tuple[str, ...], a: tuple, b: tuple) -> list[dict[str, str]]:
    """Rows of one table added, removed, or changed column by column."""
    left = {_key(row, key): _plain(row) for row in a}
    right = {_key(row, key): _plain(row) for row in b}
    rows = []
    for name in sorted(set(left) | set(right)):
        old, new = left.get(name), right.get(name)
        if old == new:
            continue
        if old is None or new is None:
            change, shown = ("added", new) if old is None else ("removed", old)
            summary = _row_text(shown, key)
            rows.append(
                {
                    "part": table,
                    "key": name,
                    "column": "",
                    "change": change,
                    "a": summary if change == "removed" else "",
                    "b": summary if change == "added" else "",
                }
            )
            continue
        for column in [c for c in new if old.get(c) != new.get(c)]:
            rows.append(
                {
                    "part": table,
                    "key": name,
                    "column": column,
                    "change": "changed",
                    "a": _text(old.get(column)),
                    "b": _text(new.get(column)),
                }
            )
    return rows


def _key(row: Any, key: tuple[str, ...]) -> str:
    """A row's key as one text: `03158` or `03158/it`."""
    return "/".join(str(getattr(row, column)) for column in key)


def _plain(value: Any) -> Any:
    """A value as plain JSON-like data, so two can be compared and shown."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _row_text(row: dict[str, Any], key: tuple[str, ...]) -> str:
    """A whole row in one line, its key columns left out."""
    if "polygons" in row:
        return f"{sum(len(p) for p in row['polygons'])} ring(s)"
    return "; ".join(
        f"{k} {_text(v)}" for k, v in row.items() if k not in key and v not in (None, "", [], {})
    )


def _text(value: Any) -> str:
    """A value for a cell: lists and mappings as compact JSON, nothing as blank."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list) and value and isinstance(value[0], list):
        return f"{len(value)} part(s)"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)
