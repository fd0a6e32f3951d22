"""Read a plan folder's files as written: plan.json as JSON, the CSVs as numbered rows of text.

The one reader of plan folders (audit, compare, report, explain). It decodes and nothing more: each
cell is trimmed, NFC-normalised and freed of the quote that kept a spreadsheet from evaluating it; it
converts no number, fills no default and compares no file with another, so whatever the files say is
still there for the auditor to check. A file that exists but cannot be read is a problem, not an
exception, so a reader can report it and go on with the other files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from i18n import _
from models.errors import InputProblem, ScenarioError
from models.plan_io import ASSIGNMENTS_FILE, PLAN_FILE, UNFILLED_FILE, spreadsheet_text
from models.plan_shape import shape_problems
from models.scenario import nfc
from models.tables import Table, read_table

ASSIGNMENT_KEY = ("candidate_id", "commune_id", "specialty")


@dataclass(frozen=True)
class PlanFiles:
    """A plan folder as read; a file is None when it is absent or could not be read."""

    folder: Path
    claims: dict[str, Any] | None
    assignments: Table | None
    unfilled: Table | None
    problems: tuple[InputProblem, ...]

    def checked(self, needed: Sequence[str] = (PLAN_FILE, ASSIGNMENTS_FILE, UNFILLED_FILE)) -> PlanFiles:
        """These files, or a ScenarioError listing every `needed` one that cannot be read; assignments.csv
        with its key columns is required. (The auditor reports unreadable files as violations instead.)"""
        problems = [p for p in self.problems if Path(p.file).name in needed]
        table = self.assignments
        if table is None and not any(Path(p.file).name == ASSIGNMENTS_FILE for p in problems):
            problems.insert(0, InputProblem(str(self.folder), _("is not a plan folder (no assignments.csv)")))
        if table is not None:
            problems += [
                InputProblem(table.name, _("required column is missing"), row=1, column=column)
                for column in ASSIGNMENT_KEY
                if column not in table.columns
            ]
        if problems:
            raise ScenarioError(problems)
        return self

    def assignment_keys(self) -> list[tuple[str, str, str]]:
        """(candidate_id, commune_id, specialty) of each row of a checked assignments.csv."""
        rows = self.assignments.rows if self.assignments else ()
        return [(r.get("candidate_id", ""), r.get("commune_id", ""), r.get("specialty", "")) for _, r in rows]


def read_plan_files(folder: Path) -> PlanFiles:
    """plan.json, assignments.csv and unfilled.csv of a folder, each as far as it can be read.

    A plan.json that is JSON but has a key of the wrong shape (a list for `assignments`, text for a
    number, `NaN`) is not unreadable but bad input: ScenarioError naming the file and the key path.
    """
    folder = Path(folder)
    problems: list[InputProblem] = []
    claims = _claims(folder / PLAN_FILE, problems)
    assignments = _rows(folder, ASSIGNMENTS_FILE, problems)
    unfilled = _rows(folder, UNFILLED_FILE, problems)
    return PlanFiles(folder, claims, assignments, unfilled, tuple(problems))


def _claims(path: Path, problems: list[InputProblem]) -> dict[str, Any] | None:
    """plan.json as a mapping, or None when there is none (a plan made by hand) or it is unreadable."""
    if not path.is_file():
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        problems.append(InputProblem(str(path), _("is not readable JSON: {error}").format(error=error)))
        return None
    if not isinstance(content, dict):
        problems.append(InputProblem(str(path), _("expected a JSON object (a plan)")))
        return None
    wrong = shape_problems(str(path), content)
    if wrong:
        raise ScenarioError(wrong)
    return content


def _rows(folder: Path, name: str, problems: list[InputProblem]) -> Table | None:
    """One CSV of the folder with every cell decoded, or None when it is absent or unreadable."""
    if not (folder / name).is_file():
        return None
    try:
        table = read_table(name, folder)
    except ScenarioError as error:
        problems.extend(
            InputProblem(str(folder / name), p.expected, p.row, p.column, p.value) for p in error.problems
        )
        return None
    rows = tuple((number, {k: _cell(v) for k, v in record.items()}) for number, record in table.rows)
    return Table(name=str(folder / name), columns=table.columns, rows=rows)


def _cell(text: str) -> str:
    """A cell as the writer meant it: trimmed, NFC, without the spreadsheet-safety quote."""
    return spreadsheet_text(str(nfc(text)))
