"""Reading a plan folder for the auditor: rows and claims as found, problems as violations."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.plan_shape import read_plan_json

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r", "''")
"""A cell written with the spreadsheet guard: the `'` before a formula start (or before a `'`) goes."""


@dataclass(frozen=True)
class Violation:
    """One broken rule or false claim, with the rule's stable name and the numbers."""

    rule: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}: {self.detail}"


@dataclass(frozen=True)
class Row:
    """One line of assignments.csv, as read."""

    line: int
    candidate_id: str
    commune_id: str
    specialty: str
    agency_id: str
    distance_km: float | None


def _cell(value: object) -> str:
    """A cell as written: trimmed, NFC, and without the quote that keeps a spreadsheet from evaluating it."""
    text = unicodedata.normalize("NFC", str(value).strip())
    return text[1:] if text.startswith(NEUTRALISED) else text


def read_rows(path: Path, found: list[Violation]) -> list[Row]:
    """assignments.csv as rows; unreadable cells become violations, not crashes."""
    try:
        records = read_cells(path)
    except (OSError, pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        found.append(Violation("files_agree", "assignments.csv", f"unreadable: {error}"))
        return []
    rows = []
    for n, record in enumerate(records, start=2):
        km = _number(record.get("distance_km", ""))
        if km is not None and not (math.isfinite(km) and km >= 0):
            found.append(
                Violation(
                    "reported_distance",
                    f"assignments.csv line {n}",
                    f"distance_km {record['distance_km']!r} is not a distance (a finite number ≥ 0)",
                )
            )
            km = None
        rows.append(
            Row(
                n,
                record.get("candidate_id", ""),
                record.get("commune_id", ""),
                record.get("specialty", ""),
                record.get("agency_id", ""),
                km,
            )
        )
    return rows


def _number(text: str) -> float | None:
    """A cell's number; None when blank; NaN (refused by the caller) when it is not a number."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan


def read_cells(path: Path) -> list[dict[str, str]]:
    """A plan CSV's rows, every cell as written (see `_cell`); raises what pandas raises."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return [{key: _cell(value) for key, value in raw.items()} for raw in frame.to_dict("records")]


def read_claims(path: Path, found: list[Violation]) -> dict | None:
    """plan.json as written, or None when there is none (a plan made by hand).

    A plan.json that is not JSON, or whose keys have the wrong shape, is bad input (ScenarioError
    naming the file and key), not a claim to check.
    """
    return read_plan_json(path)
