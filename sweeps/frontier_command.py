"""`secondment frontier`: the front computed with progress, written as table, workbook, page, plans."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from i18n import _
from models.plan import SolveParams
from models.plan_io import check_output, write_plan
from models.scenario import Scenario
from reports.workbook import write_atomically, write_workbook
from sweeps.frontier import POINTS, Front, front_frame, frontier, parse_trade
from sweeps.frontier_page import frontier_html

CSV, XLSX, HTML = "frontier.csv", "frontier.xlsx", "frontier.html"


def run_frontier(
    scenario: Scenario,
    trade: str,
    points: int | None,
    hold_others: bool,
    params: SolveParams,
    out: Path,
    force: bool,
    console: Console,
    err: Console,
) -> None:
    """Compute the front and write DIR/frontier.csv, .xlsx, .html and DIR/points/NNN/ plan folders."""
    chosen = parse_trade(trade)
    check_output(out, force)
    started = time.monotonic()
    bar = Progress(
        TextColumn(_("frontier")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    with bar:
        task = bar.add_task("", total=None if points is None else points + 1)  # the ends, the hull, the rest
        front = frontier(scenario, chosen, points, hold_others, params, lambda: bar.advance(task))
    frame = front_frame(front)
    held = ", ".join(str(o) for o in front.held) or _("none")
    notes = [
        _("scenario {hash}").format(hash=scenario.sha256[:12]),
        _("held first: {held}").format(held=held),
        _("{seconds:.1f} s").format(seconds=time.monotonic() - started),
    ]
    _write(out, scenario, front, frame, notes)
    _summary(console, front, frame)
    for name in (CSV, XLSX, HTML):
        console.print(_("wrote {path}").format(path=out / name), markup=False)


def _write(out: Path, scenario: Scenario, front: Front, frame: pd.DataFrame, notes: list[str]) -> None:
    """Each point's plan folder, then the table, the workbook and the page."""
    for n, point in enumerate(front.points, start=1):
        write_plan(point.plan, out / POINTS / f"{n:03d}", force=True)
    write_atomically(out / CSV, lambda target: frame.to_csv(target, index=False, lineterminator="\n"))
    write_workbook(out / XLSX, {_("Frontier"): frame})
    html = frontier_html(scenario, front, frame, notes)
    write_atomically(out / HTML, lambda target: target.write_text(html, encoding="utf-8"))


def _summary(console: Console, front: Front, frame: pd.DataFrame) -> None:
    """The points, 80 columns wide, and a sentence on the knee."""
    a, b = str(front.first), str(front.second)
    rate = f"marginal_{b}_per_{a}"
    table = Table(title=_("Pareto front {a} : {b}").format(a=a, b=b), title_justify="left")
    for column in (a, b, "seats_filled", _("per unit"), _("km per seat"), ""):
        table.add_column(escape(column), justify="right")
    for row in frame.to_dict("records"):
        table.add_row(
            f"{row[a]:,.6g}",
            f"{row[b]:,.6g}",
            str(row["seats_filled"]),
            "" if pd.isna(row[rate]) else f"{row[rate]:,.4g}",
            "" if pd.isna(row["km_per_extra_seat"]) else f"{row['km_per_extra_seat']:,.1f}",
            ", ".join(
                [
                    *([] if row["status"] == "OPTIMAL" else [row["status"]]),
                    *([_("knee")] if row["knee"] else []),
                ]
            ),
        )
    console.print(table)
    knee = frame[frame["knee"]]
    if len(knee):
        row = knee.iloc[0]
        console.print(
            _("Knee at {a} {x:,.6g} ({b} {y:,.6g}): the best balance of the two on this front.").format(
                a=a, b=b, x=row[a], y=row[b]
            ),
            markup=False,
        )
