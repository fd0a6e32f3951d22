"""How long `suggest` takes on the bundled scenario, seat by seat; writes its section of bench/RESULTS.md.

    .venv/bin/python -m bench.suggest

Every shortage of the bundled scenario is asked for (free, and with --keep-others) against the
bundled plan, in this process, after one warm-up; the reference is one `solve` of the same scenario
measured in the same run. Loading the scenario and the plan folder is excluded, as in bench/run.py.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.sections import put_section
from models.loader import load_scenario
from models.plan import SolveParams
from models.plan_files import read_plan_files
from models.plan_io import write_plan
from optimizer.solve import solve
from optimizer.suggest import Suggester

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "dien-bien-2025"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## suggest (interactive, bundled scenario)"


def measure() -> str:
    """The section: the reference solve, then seconds per seat for both modes."""
    scenario = load_scenario(BUNDLED)
    params = SolveParams(time_limit_s=60)
    solve(scenario, params)
    started = time.perf_counter()
    plan = solve(scenario, params)
    reference = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as work:
        write_plan(plan, Path(work) / "plan")
        rows = read_plan_files(Path(work) / "plan").checked().assignment_keys()
    lines = [
        HEADING,
        "",
        "Written by `python -m bench.suggest`. Every one of the scenario's "
        f"{len(scenario.shortages)} seats asked for against the bundled plan (the top 10, as "
        "`suggest` shows by default: a person is re-solved unless even at no cost they could not "
        f"rank in it). Reference: one `solve` of the same scenario in the same run, {reference:.3f} s.",
        "",
        "| mode | median s | 90th pct s | max s | max ratio to one solve | eligible at the slowest seat |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for keep in (False, True):
        started = time.perf_counter()
        suggester = Suggester(scenario, rows, params, keep_others=keep)
        setup = time.perf_counter() - started
        times = []
        for shortage in scenario.shortages:
            started = time.perf_counter()
            found = suggester.seat(shortage.commune_id, shortage.specialty, top=10)
            times.append((setup + time.perf_counter() - started, len(found.ranked)))
        seconds = sorted(t for t, _n in times)
        slowest = max(times)
        label = "`--keep-others`" if keep else "free (default)"
        lines.append(
            f"| {label} | {statistics.median(seconds):.3f} | {seconds[int(0.9 * len(seconds))]:.3f} | "
            f"{slowest[0]:.3f} | {slowest[0] / reference:.1f} | {slowest[1]} |"
        )
    load = os.getloadavg()[1]
    lines += ["", f"Load average over the last 5 minutes at the end: {load:.1f} on {os.cpu_count()} cores."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Measure and put the section into bench/RESULTS.md (replacing an earlier one)."""
    section = measure()
    put_section(RESULTS, "suggest", section)
    print(section)


if __name__ == "__main__":
    main()
