"""`solve`: load, refuse unwritable outputs, solve with live progress and Ctrl-C, write the folders."""

from __future__ import annotations

import json
import signal
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import click

from commands.errors import CliError, ExitCode
from i18n import _
from models.loader import load_scenario
from models.plan import Plan, SolveParams, SolveStatus
from models.plan_io import WORKBOOK_FILE, OutputExists, reserve_plan, write_into
from models.scenario import Scenario
from reports.terminal import ProgressLine, err


@dataclass(frozen=True)
class Solved:
    """A solved scenario, the plan and the folder it went to, and how long it all took."""

    scenario: Scenario
    plan: Plan
    folder: Path
    seconds: float


def solve_into(
    scenario_path: str,
    out_dir: str,
    settings: dict[str, Any],
    force: bool = False,
    redact: bool = False,
    full_out: str | None = None,
    allow_outside_paths: bool = False,
    baseline: str | None = None,
    with_xlsx: bool = False,
) -> Solved:
    """Solve a scenario with SolveParams(**settings) and write its plan folder (pseudonyms with `redact`,
    the full plan then to `full_out`; `baseline`: the previous round's plan folder; plan.xlsx in each
    with `with_xlsx`)."""
    from models.redact import redact_plan
    from optimizer.cpsat_runner import cpsat_parameters
    from optimizer.solve import solve as optimise

    started = time.monotonic()
    scenario = load_scenario(scenario_path, allow_outside_paths, baseline)
    if full_out is not None and (not redact or Path(full_out).resolve() == Path(out_dir).resolve()):
        raise click.UsageError(_("--full-out needs --redact and a folder other than --out"))
    outputs = [(Path(out_dir), redact)] + ([(Path(full_out), False)] if full_out is not None else [])
    folder = Path(scenario_path) if Path(scenario_path).is_dir() else Path(scenario_path).parent
    try:
        params = SolveParams(**settings)
        cpsat_parameters(params.cpsat)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if params.engine == "flow" and scenario.multi_post:
        raise click.UsageError(
            _("--engine flow cannot plan people who fill several seats (max_posts > 1); use auto or cpsat")
        )
    cannot_write = _("cannot write the plan: {error}")
    with ExitStack() as reserved:
        try:
            targets = [
                (reserved.enter_context(reserve_plan(path, force, keep=(folder, Path.cwd()))), redacted)
                for path, redacted in outputs
            ]
        except (OutputExists, OSError) as error:
            raise CliError(cannot_write.format(error=error)) from None
        with CtrlC() as ctrl_c, ProgressLine() as progress:
            plan = optimise(scenario, params, progress, ctrl_c.stop)
            if plan.status == SolveStatus.UNKNOWN and ctrl_c.stop.is_set():
                raise CliError(
                    _("interrupted before any plan was found: nothing was written"), ExitCode.INTERRUPTED
                )
            for target, redacted in targets:
                written = redact_plan(plan, scenario) if redacted else plan
                try:
                    book = (
                        partial(plan_workbook, scenario=None if redacted else scenario) if with_xlsx else None
                    )
                    kept = not write_into(target, written, extra=diagnosis_file(written), then=book)
                except (OutputExists, OSError) as error:
                    raise CliError(cannot_write.format(error=error)) from None
                if kept:
                    err.print(
                        _("no plan was found in the time limit: the earlier plan in {out} is kept").format(
                            out=target.out
                        ),
                        markup=False,
                    )
    return Solved(scenario, plan, outputs[0][0], time.monotonic() - started)


class Interrupted(BaseException):
    """Ctrl-C that ends the run (exit 130): not an Exception, so neither a command's handler nor click
    mistakes it for an error or turns it into "Aborted!" (exit 1)."""


class CtrlC:
    """Ctrl-C during a solve: the first press ends the search with the best plan so far, a second aborts."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.previous = signal.getsignal(signal.SIGINT)

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._pressed)
        return self

    def __exit__(self, *exc: object) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self.previous or signal.default_int_handler)

    def _pressed(self, *_args: object) -> None:
        if self.stop.is_set():
            raise Interrupted
        self.stop.set()
        err.print(_("Ctrl-C: finishing with the best plan found so far (press again to abort)"), markup=False)


def plan_workbook(folder: Path, scenario: Scenario | None) -> None:
    """plan.xlsx beside the plan's files: the report workbook (a redacted plan read without its scenario)."""
    from reports.plan_data import read_plan_folder
    from reports.sheets import plan_sheets
    from reports.workbook import write_workbook

    write_workbook(folder / WORKBOOK_FILE, plan_sheets(read_plan_folder(folder, scenario)))


def diagnosis_file(plan: Plan) -> dict[str, str]:
    """diagnosis.json for an infeasible plan's folder."""
    if plan.status != SolveStatus.INFEASIBLE:
        return {}
    conflicts = [c.model_dump(mode="json") for c in plan.conflicts]
    return {"diagnosis.json": json.dumps(conflicts, ensure_ascii=False, indent=2)}
