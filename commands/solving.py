"""`solve`: load, refuse unwritable outputs, solve with live progress and Ctrl-C, write the folders."""

from __future__ import annotations

import json
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from commands.errors import CliError
from commands.files import output_folder
from i18n import _
from models.loader import load_scenario
from models.plan import Plan, SolveParams, SolveStatus
from models.plan_io import OutputExists, write_plan
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
    with_xlsx: bool = False,
) -> Solved:
    """Solve a scenario with SolveParams(**settings) and write its plan folder (pseudonyms with `redact`,
    the full plan then to `full_out`; plan.xlsx in each with `with_xlsx`)."""
    from models.redact import redact_plan
    from optimizer.solve import solve as optimise

    started = time.monotonic()
    scenario = load_scenario(scenario_path, allow_outside_paths)
    if full_out is not None and (not redact or Path(full_out).resolve() == Path(out_dir).resolve()):
        raise click.UsageError(_("--full-out needs --redact and a folder other than --out"))
    outputs = [(Path(out_dir), redact)] + ([(Path(full_out), False)] if full_out is not None else [])
    folder = Path(scenario_path) if Path(scenario_path).is_dir() else Path(scenario_path).parent
    try:
        params = SolveParams(**settings)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    cannot_write = _("cannot write the plan: {error}")
    for target, _redacted in outputs:
        output_folder(target, force, keep=(folder, Path.cwd()), message=cannot_write)
    with CtrlC() as ctrl_c, ProgressLine() as progress:
        plan = optimise(scenario, params, progress, ctrl_c.stop)
        for target, redacted in outputs:
            written = redact_plan(plan, scenario) if redacted else plan
            try:
                write_plan(written, target, force=force, extra=diagnosis_file(written))
                if with_xlsx:
                    plan_workbook(target, None if redacted else scenario)
            except (OutputExists, OSError) as error:
                raise CliError(cannot_write.format(error=error)) from None
    return Solved(scenario, plan, outputs[0][0], time.monotonic() - started)


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
            raise KeyboardInterrupt
        self.stop.set()
        err.print(_("Ctrl-C: finishing with the best plan found so far (press again to abort)"), markup=False)


def plan_workbook(folder: Path, scenario: Scenario | None) -> None:
    """plan.xlsx beside the plan's files: the report workbook (a redacted plan read without its scenario)."""
    from reports.plan_data import read_plan_folder
    from reports.sheets import plan_sheets
    from reports.workbook import write_workbook

    write_workbook(folder / "plan.xlsx", plan_sheets(read_plan_folder(folder, scenario)))


def diagnosis_file(plan: Plan) -> dict[str, str]:
    """diagnosis.json for an infeasible plan's folder."""
    if plan.status != SolveStatus.INFEASIBLE:
        return {}
    conflicts = [c.model_dump(mode="json") for c in plan.conflicts]
    return {"diagnosis.json": json.dumps(conflicts, ensure_ascii=False, indent=2)}
