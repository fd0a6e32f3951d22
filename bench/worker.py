"""One measurement in a fresh process: `python -m bench.worker METHOD FOLDER SECONDS`; prints JSON.

METHOD is `solve` (our solve end to end, then its phases), `flow` (the bare min-cost flow),
`cpsat` (the naive CP-SAT model), `highs` (HiGHS on the same MIP) or `audit` (the independent
checker on our plan's folder). Loading the scenario is
timed apart. `highs` never imports OR-Tools.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from models.loader import load_scenario
from models.scenario import Scenario


def main(method: str, folder: str, seconds: float) -> None:
    """Load the scenario, run one method, print its figures as one JSON line."""
    started = time.perf_counter()
    scenario = load_scenario(folder)
    figures: dict[str, Any] = {"load_s": time.perf_counter() - started}
    figures.update(METHODS[method](scenario, seconds))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def _solve(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """`optimizer.solve` end to end; then eligibility and the engine's stages timed on their own."""
    from models.plan import SolveParams
    from optimizer.eligibility import eligible_pairs
    from optimizer.flow_runner import FlowRunner
    from optimizer.rules.objectives import run_stage
    from optimizer.solve import solve

    params = SolveParams(time_limit_s=seconds)
    plan, wall = _timed(lambda: solve(scenario, params))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs, eligibility = _timed(lambda: eligible_pairs(scenario))

    def stages() -> None:
        runner = FlowRunner(scenario, pairs, params, None)
        for objective in scenario.policy.objectives:
            run_stage(runner, objective)

    _, engine = _timed(stages)
    values = {stage.name: stage.value for stage in plan.objectives}
    return {
        "wall_s": wall,
        "solve_rss_mb": rss,
        "status": str(plan.status),
        "engine": plan.provenance.solver,
        "pairs": len(pairs),
        "eligibility_s": eligibility,
        "stages_s": engine,
        "coverage": values.get("coverage"),
        "distance_km": values.get("distance"),
        "fairness": values.get("fairness"),
        "stages": [stage.model_dump(mode="json") for stage in plan.objectives],
    }


def _flow(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """The bare min-cost flow on the plain pair network: coverage only, and coverage then distance."""
    from bench.core import Core
    from bench.flow_ref import bare_flow
    from optimizer.eligibility import eligible_pairs

    pairs, eligibility = _timed(lambda: eligible_pairs(scenario))
    core = Core.of(scenario, pairs)
    (chosen, status), folded = _timed(lambda: bare_flow(core, with_distance=True))
    (only, _), coverage_only = _timed(lambda: bare_flow(core, with_distance=False))
    figures = {
        "status": status,
        "eligibility_s": eligibility,
        "wall_s": folded,
        "coverage_only_s": coverage_only,
    }
    if chosen is not None:
        figures |= core.values(chosen) | {"violations": core.violations(chosen)}
        figures["coverage_only"] = core.values(only)["coverage"]
    return figures


def _cpsat(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """The naive CP-SAT model, time-limited, 2 workers."""
    from bench.core import Core
    from bench.cpsat_ref import naive_cpsat

    core = Core.of(scenario)
    (chosen, status, bound), wall = _timed(lambda: naive_cpsat(core, seconds))
    figures = {"status": status, "wall_s": wall, "bound": bound}
    if chosen is not None:
        figures |= {"coverage": core.values(chosen)["coverage"], "violations": core.violations(chosen)}
    return figures


def _highs(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """HiGHS on the same MIP: coverage, then distance with coverage held."""
    from bench.core import Core
    from bench.highs_ref import highs_mip

    core = Core.of(scenario)
    result, wall = _timed(lambda: highs_mip(core, seconds))
    chosen = result.pop("chosen", None)
    figures = {"wall_s": wall, **result}
    figures["status"] = result.get("distance_status", result["coverage_status"])
    if chosen is not None:
        figures |= core.values(chosen) | {"violations": core.violations(chosen)}
    return figures


def _audit(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """Our plan written to a folder (untimed), then the independent audit of that folder, timed."""
    import tempfile
    from pathlib import Path

    from models.plan import SolveParams
    from models.plan_io import write_plan
    from optimizer.audit import audit_folder, costs
    from optimizer.solve import solve

    plan = solve(scenario, SolveParams(time_limit_s=seconds))
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as work:
        folder = Path(work) / "plan"
        write_plan(plan, folder)
        found, wall = _timed(lambda: (audit_folder(scenario, folder), costs(scenario, folder))[0])
    return {"wall_s": wall, "status": "OK" if not found else "VIOLATIONS", "violations": len(found)}


METHODS: dict[str, Callable[[Scenario, float], dict[str, Any]]] = {
    "solve": _solve,
    "flow": _flow,
    "cpsat": _cpsat,
    "highs": _highs,
    "audit": _audit,
}

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
