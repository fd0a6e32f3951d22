"""Commands that solve many variants of one scenario: sweep and frontier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commands.errors import CliError, ExitCode
from i18n import _
from models.loader import load_scenario
from models.plan import SolveParams
from models.plan_io import OutputExists
from reports.terminal import err, out


def sweep_variants(scenario_path: str, **options: Any) -> None:
    """Solve every variant the options declare and write the sweep's table, workbook and page."""
    from sweeps.command import SweepOptions, sweep
    from sweeps.keys import VaryError
    from sweeps.runner import SchedulerUnreachable

    if options["jobs"] and options["scheduler"]:
        raise CliError(_("give --jobs or --scheduler, not both"))
    scenario = load_scenario(scenario_path)
    try:
        code = sweep(scenario, SweepOptions(**options), out, err)
    except (VaryError, SchedulerUnreachable, ValueError) as error:
        raise CliError(str(error)) from None
    if code == ExitCode.INTERRUPTED:
        raise CliError(
            _(
                "interrupted: the variants solved so far are kept in {folder}; run the same command to resume"
            ).format(folder=options["out_dir"]),
            ExitCode.INTERRUPTED,
        )


def trade_off(
    scenario_path: str, trade: str, points: str, others: str, out_dir: str, time_limit: float, force: bool
) -> None:
    """Compute the front between two objectives and write it, with a plan per point."""
    from optimizer.stages import NoSolution
    from sweeps.frontier import TradeError
    from sweeps.frontier_command import run_frontier

    if not (points == "all" or (points.isdigit() and int(points) >= 2)):
        raise CliError(_("--points {points}: expected a whole number >= 2 or all").format(points=points))
    scenario = load_scenario(scenario_path)
    count = None if points == "all" else int(points)
    try:
        params = SolveParams(time_limit_s=time_limit)
        run_frontier(scenario, trade, count, others == "hold", params, Path(out_dir), force, out, err)
    except (TradeError, OutputExists, OSError, ValueError) as error:
        raise CliError(str(error)) from None
    except NoSolution as error:
        if not error.infeasible:
            raise CliError(_("no plan found within the time limit; give more --time-limit")) from None
        raise CliError(
            _("the hard rules cannot all hold: no front; secondment solve names the conflicting rules"),
            ExitCode.INFEASIBLE,
        ) from None
