"""`secondment sweep`: from the options to the written table, with progress and a short summary."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from i18n import _
from models.plan import SolveParams
from models.plan_io import OutputExists, check_output
from models.scenario import Scenario
from sweeps.grid import read_grid
from sweeps.keys import VaryError
from sweeps.outputs import CSV, write_outputs
from sweeps.progress import SweepProgress
from sweeps.records import RECORDS
from sweeps.runner import Dask, Local
from sweeps.sweep import PLANS, prepare, run_sweep
from sweeps.table import sweep_frame
from sweeps.variants import Variant, columns, parse_vary, product

SUMMARY_ROWS = 25


@dataclass(frozen=True)
class SweepOptions:
    """What the command line asked for."""

    vary: tuple[str, ...]
    grid: str | None
    out_dir: str
    time_limit_s: float
    seed: int
    engine: str
    jobs: int | None
    scheduler: str | None
    keep_plans: bool
    fresh: bool
    force: bool

    @property
    def out(self) -> Path:
        """The sweep folder."""
        return Path(self.out_dir)

    @property
    def params(self) -> SolveParams:
        """How each variant is solved (one worker each: the sweep is the parallelism)."""
        return SolveParams(time_limit_s=self.time_limit_s, seed=self.seed, engine=self.engine)


def variants_of(options: SweepOptions) -> list[Variant]:
    """The variants the options declare: the grid file's, combined with every --vary."""
    axes, listed = read_grid(Path(options.grid)) if options.grid else ([], [])
    axes += [parse_vary(v) for v in options.vary]
    if not axes and not listed:
        raise VaryError(_("nothing to vary: give --vary KEY=V1,V2,... or --grid FILE"))
    return product(axes, listed)


def check_folder(out: Path, force: bool, fresh: bool) -> None:
    """A sweep folder is new, empty or an earlier sweep's (to resume); anything else needs --force."""
    earlier = (out / RECORDS).is_dir() or (out / CSV).is_file()
    check_output(out, force=force or earlier)
    if fresh:
        for folder in (out / RECORDS, out / PLANS):
            shutil.rmtree(folder, ignore_errors=True)


def sweep(scenario: Scenario, options: SweepOptions, console: Console, err: Console) -> int:
    """Run the sweep and write its files; the exit code (0 done, 130 interrupted)."""
    variants = variants_of(options)
    try:
        check_folder(options.out, options.force, options.fresh)
    except (OutputExists, OSError) as error:
        raise VaryError(_("cannot write the sweep: {error}").format(error=error)) from None
    if options.scheduler:
        where: Dask | Local = Dask(options.scheduler)
        place = _("Dask scheduler {address}").format(address=options.scheduler)
    else:
        jobs = options.jobs or os.cpu_count() or 1
        where, place = Local(jobs), _("{jobs} local process(es)").format(jobs=jobs)
    where.start(scenario)
    progress = SweepProgress(err)
    try:
        prepared = prepare(scenario, variants)
        started = time.monotonic()
        with progress:
            records = run_sweep(
                scenario, prepared, options.params, options.out, where, options.keep_plans, progress
            )
    except KeyboardInterrupt:
        return 130
    finally:
        where.close()
    keys = columns(variants)
    frame = sweep_frame(scenario, prepared, records, options.keep_plans)
    elapsed = time.monotonic() - started
    facts = [
        (_("scenario"), scenario.name),
        (_("scenario sha256"), scenario.sha256),
        (_("variants"), str(len(prepared))),
        (_("solved now"), str(len(prepared) - progress.reused)),
        (_("solved before, reused"), str(progress.reused)),
        (_("ran on"), place),
        (_("time limit per variant (s)"), f"{options.params.time_limit_s:g}"),
        (_("seed"), str(options.params.seed)),
        (_("engine"), options.params.engine),
        (_("wall time (s)"), f"{elapsed:.1f}"),
    ]
    written = write_outputs(options.out, scenario, frame, keys, facts)
    _summary(console, frame, keys)
    console.print(
        _("{count} variant(s) ({reused} reused) in {seconds:.1f} s on {place}").format(
            count=len(prepared), reused=progress.reused, seconds=elapsed, place=place
        ),
        markup=False,
    )
    for path in written:
        console.print(_("wrote {path}").format(path=path), markup=False)
    return 0


def _summary(console: Console, frame: pd.DataFrame, keys: list[str]) -> None:
    """The first rows of the table, narrow enough for 80 columns."""
    shown = [*keys, "status", "seats_filled", "total_km"]
    table = Table(title=_("What-if sweep"), title_justify="left")
    for column in shown:
        table.add_column(
            escape(column), justify="left" if column in (*keys, "status") else "right", overflow="fold"
        )
    for values in frame.head(SUMMARY_ROWS).to_dict("records"):
        table.add_row(*(escape(_cell(values.get(c))) for c in shown))
    console.print(table)
    if len(frame) > SUMMARY_ROWS:
        console.print(
            _("… and {more} more rows in the table").format(more=len(frame) - SUMMARY_ROWS), markup=False
        )


def _cell(value: object) -> str:
    """A table cell: numbers short, blanks blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return f"{value:,.6g}" if isinstance(value, float) else str(value)
