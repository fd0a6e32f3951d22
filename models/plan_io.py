"""Write a plan folder atomically (`models.plan_files` reads one back)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from models.folder_io import OutputExists, Reserved, check_output, reserve
from models.plan import Assignment, Plan, SolveStatus, Unfilled

__all__ = [
    "OutputExists",
    "check_output",
    "reserve_plan",
    "spreadsheet_safe",
    "spreadsheet_text",
    "write_into",
    "write_plan",
]

PLAN_FILE = "plan.json"
ASSIGNMENTS_FILE = "assignments.csv"
UNFILLED_FILE = "unfilled.csv"
DIAGNOSIS_FILE = "diagnosis.json"
WORKBOOK_FILE = "plan.xlsx"
PLAN_FILES = frozenset({PLAN_FILE, ASSIGNMENTS_FILE, UNFILLED_FILE, DIAGNOSIS_FILE, WORKBOOK_FILE})
"""What a plan folder holds: the only files `--force` may replace."""
ASSIGNMENT_COLUMNS = list(Assignment.model_fields)
UNFILLED_COLUMNS = list(Unfilled.model_fields)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARDED = tuple("'" + start for start in (*FORMULA_START, "'"))
"""How a guarded cell starts: the `'` then a formula start, or a second `'`."""
CSV_ENCODING = "utf-8-sig"  # with a BOM, so Excel on Windows opens Vietnamese names intact


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` (OWASP).

    Text that already starts like a guarded cell (`'=`, `''`) gets one too, so reading the cell
    back (`spreadsheet_text`) always gives the text written: an id `'=x` stays `'=x`.
    """
    return "'" + text if text.startswith(FORMULA_START) or text.startswith(GUARDED) else text


def spreadsheet_text(text: str) -> str:
    """The text a cell written by `spreadsheet_safe` stands for."""
    return text[1:] if text.startswith(GUARDED) else text


def reserve_plan(
    out: Path, force: bool = False, keep: tuple[Path, ...] = ()
) -> AbstractContextManager[Reserved]:
    """Check and lock a plan folder before solving: `--force` replaces only a folder of plan files."""
    return reserve(Path(out), force, keep, ours=PLAN_FILES)


def write_into(
    target: Reserved,
    plan: Plan,
    extra: dict[str, str] | None = None,
    then: Callable[[Path], None] | None = None,
) -> bool:
    """Write the plan into a reserved folder, all or nothing (`then` adds to the staged folder, e.g.
    plan.xlsx); an UNKNOWN plan (none was found) never replaces an earlier plan, which is kept.
    Whether the plan was written."""
    if plan.status == SolveStatus.UNKNOWN and target.holds_files():
        return False

    def write(folder: Path) -> None:
        _write_files(plan, folder, extra or {})
        if then is not None:
            then(folder)

    target.replace(write)
    return True


def write_plan(plan: Plan, out: Path, force: bool = False, extra: dict[str, str] | None = None) -> bool:
    """Write plan.json, assignments.csv and unfilled.csv into `out`, all or nothing."""
    with reserve_plan(out, force) as target:
        return write_into(target, plan, extra)


def _write_files(plan: Plan, folder: Path, extra: dict[str, str]) -> None:
    """Write every file of the plan into a folder and flush it to disk."""
    (folder / PLAN_FILE).write_text(
        json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    _table([a.model_dump() for a in plan.assignments], ASSIGNMENT_COLUMNS).to_csv(
        folder / ASSIGNMENTS_FILE, index=False, lineterminator="\n", encoding=CSV_ENCODING
    )
    _table([u.model_dump() for u in plan.unfilled], UNFILLED_COLUMNS).to_csv(
        folder / UNFILLED_FILE, index=False, lineterminator="\n", encoding=CSV_ENCODING
    )
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")


def _table(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    """Rows as a frame with exactly these columns, in this order; text cells made spreadsheet-safe."""
    return pd.DataFrame(
        [{k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows],
        columns=columns,
    )
