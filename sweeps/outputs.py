"""Write a sweep's table as DIR/sweep.csv, DIR/sweep.xlsx and DIR/sweep.html, each file whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from i18n import _
from models.scenario import Scenario
from reports.workbook import write_atomically, write_workbook
from sweeps.page import sweep_html

CSV, XLSX, HTML = "sweep.csv", "sweep.xlsx", "sweep.html"


def write_outputs(
    out: Path, base: Scenario, frame: pd.DataFrame, keys: list[str], facts: list[tuple[str, str]]
) -> list[Path]:
    """The three files, each written through a staged file renamed into place."""
    out = Path(out)
    write_atomically(out / CSV, lambda target: frame.to_csv(target, index=False, lineterminator="\n"))
    about = pd.DataFrame(facts, columns=[_("item"), _("value")], dtype=object)
    write_workbook(out / XLSX, {_("Sweep"): frame, _("About"): about})
    html = sweep_html(base, frame, keys, facts)
    write_atomically(out / HTML, lambda target: target.write_text(html, encoding="utf-8"))
    return [out / CSV, out / XLSX, out / HTML]
