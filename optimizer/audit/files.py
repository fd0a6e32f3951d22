"""Reading a plan folder for the auditor: rows and claims as found, problems as violations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from i18n import _
from models.plan_files import PlanFiles
from models.plan_io import ASSIGNMENTS_FILE, PLAN_FILE


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


def read_rows(files: PlanFiles, found: list[Violation]) -> list[Row]:
    """assignments.csv as rows; an unreadable file or cell becomes a violation, not a crash."""
    unreadable = unreadable_file(files, ASSIGNMENTS_FILE)
    found.extend(unreadable)
    if files.assignments is None:
        if not unreadable:
            found.append(Violation("files_agree", ASSIGNMENTS_FILE, _("unreadable: the file is missing")))
        return []
    rows = []
    for n, record in files.assignments.rows:
        km = _number(record.get("distance_km", ""))
        if km is not None and not (math.isfinite(km) and km >= 0):
            found.append(
                Violation(
                    "reported_distance",
                    _("{file} line {line}").format(file=ASSIGNMENTS_FILE, line=n),
                    _("distance_km {value} is not a distance (a finite number ≥ 0)").format(
                        value=repr(record["distance_km"])
                    ),
                )
            )
            km = None
        minutes = _number(record.get("travel_minutes", ""))
        if minutes is not None and not (math.isfinite(minutes) and minutes >= 0):
            found.append(
                Violation(
                    "reported_distance",
                    f"{ASSIGNMENTS_FILE} line {n}",
                    f"travel_minutes {record['travel_minutes']!r} is not a time (a finite number ≥ 0)",
                )
            )
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


def read_claims(files: PlanFiles, found: list[Violation]) -> dict | None:
    """plan.json as written, or None when there is none (a plan made by hand) or it is unreadable."""
    found.extend(unreadable_file(files, PLAN_FILE))
    return files.claims


def unreadable_file(files: PlanFiles, name: str) -> list[Violation]:
    """The reader's problems with one file, as violations."""
    return [
        Violation("files_agree", name, _("unreadable: {error}").format(error=problem))
        for problem in files.problems
        if Path(problem.file).name == name
    ]
