"""Reading a plan folder for the auditor: rows and claims as found, problems as violations."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.plan_shape import read_plan_json

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


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
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        found.append(Violation("files_agree", "assignments.csv", f"unreadable: {error}"))
        return []
    rows = []
    for n, raw in enumerate(frame.to_dict("records"), start=2):
        record = {key: _cell(value) for key, value in raw.items()}
        try:
            km = float(record["distance_km"]) if record.get("distance_km", "") != "" else None
        except ValueError:
            found.append(
                Violation(
                    "files_agree", f"assignments.csv line {n}", f"distance_km {record['distance_km']!r}"
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


def read_claims(path: Path, found: list[Violation]) -> dict | None:
    """plan.json as written, or None when there is none (a plan made by hand).

    A plan.json that is not JSON, or whose keys have the wrong shape, is bad input (ScenarioError
    naming the file and key), not a claim to check.
    """
    return read_plan_json(path)
