"""Write a plan folder atomically (`models.plan_files` reads one back)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from i18n import _
from models.plan import Assignment, Plan, Unfilled

PLAN_FILE = "plan.json"
ASSIGNMENTS_FILE = "assignments.csv"
UNFILLED_FILE = "unfilled.csv"
ASSIGNMENT_COLUMNS = list(Assignment.model_fields)
UNFILLED_COLUMNS = list(Unfilled.model_fields)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # with a BOM, so Excel on Windows opens Vietnamese names intact


class OutputExists(Exception):
    """The output folder holds files and overwriting was not asked for."""


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def spreadsheet_text(text: str) -> str:
    """The text a cell written by `spreadsheet_safe` stands for."""
    return text[1:] if text.startswith(tuple("'" + start for start in FORMULA_START)) else text


def check_output(out: Path, force: bool = False, keep: tuple[Path, ...] = ()) -> None:
    """Refuse, before any work, an output that exists as a file, holds files without `force`,
    would replace one of the folders in `keep`, or cannot be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputExists(_("{out} exists and is not a folder").format(out=out))
    for folder in keep:
        if Path(folder).resolve().is_relative_to(out.resolve()):
            raise OutputExists(
                _("{out} contains {folder}, which replacing it would delete").format(out=out, folder=folder)
            )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExists(_("{out} already holds files; pass --force to replace them").format(out=out))
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputExists(
            _("cannot create {out}: {ancestor} is not a writable folder").format(out=out, ancestor=ancestor)
        )


def write_plan(plan: Plan, out: Path, force: bool = False, extra: dict[str, str] | None = None) -> None:
    """Write plan.json, assignments.csv and unfilled.csv into `out`, all or nothing."""
    out = Path(out)
    check_output(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_files(plan, staging, extra or {})
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    for path in folder.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    os.chmod(folder, 0o755)


def _table(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    """Rows as a frame with exactly these columns, in this order; text cells made spreadsheet-safe."""
    return pd.DataFrame(
        [{k: spreadsheet_safe(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows],
        columns=columns,
    )


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by the staged folder with renames, so readers never see half a plan."""
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    out.rename(retired)
    try:
        staging.rename(out)
    except OSError:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
