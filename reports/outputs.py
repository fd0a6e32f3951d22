"""Write a plan report or a comparison to the file the user named, by its suffix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.scenario import Scenario
from reports.compare import Comparison, to_json
from reports.html_compare import comparison_html
from reports.html_report import report_html
from reports.plan_data import PlanData
from reports.sheets import comparison_sheets, plan_sheets
from reports.workbook import write_atomically, write_workbook

REPORT_SUFFIXES = (".html", ".xlsx")
COMPARE_SUFFIXES = (".html", ".xlsx", ".json")


def _write_text(path: Path, text: str) -> None:
    """UTF-8 text through a staged file."""
    write_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))


def write_report(plan: PlanData, scenario: Scenario, path: Path, levers: Sequence[str] = ()) -> None:
    """The plan as an offline HTML report (with the changes that buy the most) or an Excel workbook."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_workbook(path, plan_sheets(plan))
    else:
        _write_text(path, report_html(plan, scenario, levers))


def write_comparison(comparison: Comparison, path: Path) -> None:
    """The comparison as JSON, an Excel workbook or an offline HTML page."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        _write_text(path, to_json(comparison))
    elif suffix == ".xlsx":
        write_workbook(path, comparison_sheets(comparison))
    else:
        _write_text(path, comparison_html(comparison))
