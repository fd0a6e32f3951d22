"""One multi-post measurement in a fresh process: `python -m bench.posts_worker METHOD FOLDER SECONDS`.

METHOD is `solve` (our solve, every stage), `coverage` (our solve, coverage alone), `naive` (the
naive CP-SAT model, coverage alone), `highs` (HiGHS on our tight MIP, coverage alone) or `cpsat-plain`
(our CP-SAT engine on the scenario as written, for one-seat instances). `highs` never imports OR-Tools.
Prints one JSON line.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from models.loader import load_scenario
from models.scenario import Objective, Scenario

WORKERS = 2
"""CP-SAT workers (ours and the naive model's) and HiGHS threads: the two cores of the machines
the benchmarks are measured on."""


def main(method: str, folder: str, seconds: float) -> None:
    """Load the scenario, run one method (`solve@SEED`: our solve with that seed), print its figures."""
    scenario = load_scenario(folder)
    started = time.perf_counter()
    name, _, seed = method.partition("@")
    figures = _ours(scenario, seconds, seed=int(seed)) if seed else METHODS[name](scenario, seconds)
    figures.setdefault("wall_s", time.perf_counter() - started)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _ours(scenario: Scenario, seconds: float, engine: str = "auto", seed: int = 0) -> dict[str, Any]:
    """optimizer.solve, end to end; `plan` is a digest of its assignments."""
    from models.plan import SolveParams
    from optimizer.solve import solve

    started = time.perf_counter()
    plan = solve(scenario, SolveParams(time_limit_s=seconds, engine=engine, seed=seed, workers=WORKERS))
    wall = time.perf_counter() - started
    seats = sorted((a.candidate_id, a.commune_id, a.specialty) for a in plan.assignments)
    first = plan.objectives[0] if plan.objectives else None
    return {
        "wall_s": wall,
        "status": str(plan.status),
        "engine": plan.provenance.solver,
        "coverage": first.value if first else None,
        "bound": first.bound if first else None,
        "stages": [stage.model_dump(mode="json") for stage in plan.objectives],
        "seats": plan.kpis.seats_filled,
        "people": plan.kpis.people_seconded,
        "plan": hashlib.sha256(json.dumps(seats).encode()).hexdigest()[:12],
    }


def _coverage_only(scenario: Scenario) -> Scenario:
    return scenario.model_copy(
        update={"policy": scenario.policy.model_copy(update={"objectives": (Objective.COVERAGE,)})}
    )


def _naive(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """The naive CP-SAT model: a Boolean per pair and per cell, linked by the big-M row only."""
    import numpy as np
    from ortools.sat.python import cp_model

    from bench.posts_core import PostsCore

    core = PostsCore.of(scenario)
    model = cp_model.CpModel()
    v = [model.new_bool_var(f"v{j}") for j in range(core.columns)]
    for columns, coefficients, lower, upper in core.rows(tight=False):
        model.add_linear_constraint(
            cp_model.LinearExpr.weighted_sum(
                [v[j] for j in columns.tolist()], coefficients.astype(int).tolist()
            ),
            int(max(lower, -(2**40))),
            int(min(upper, 2**40)),
        )
    x = v[: len(core.pair_cell)]
    model.maximize(cp_model.LinearExpr.weighted_sum(x, core.priority.tolist()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = WORKERS
    status = solver.solve(model)
    figures: dict[str, Any] = {"status": solver.status_name(status)}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        figures["coverage"] = core.coverage(np.array(solver.boolean_values(x)))
        figures["bound"] = solver.best_objective_bound
    return figures


def _highs(scenario: Scenario, seconds: float) -> dict[str, Any]:
    """HiGHS on the tight MIP, coverage alone, on WORKERS threads."""
    import highspy
    import numpy as np

    from bench.posts_core import PostsCore

    core = PostsCore.of(scenario)
    rows = core.rows(tight=True)
    n, x = core.columns, len(core.pair_cell)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = np.r_[-core.priority.astype(float), np.zeros(n - x)]
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_ = np.array([lo for *_, lo, _ in rows], dtype=float)
    lp.row_upper_ = np.array([up for *_, up in rows], dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
    lp.a_matrix_.start_ = np.r_[0, np.cumsum([len(c) for c, *_ in rows])].astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate([c for c, *_ in rows]).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([k for _, k, *_ in rows]).astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", WORKERS)
    h.setOptionValue("time_limit", seconds)
    started = time.perf_counter()
    h.passModel(lp)
    h.run()
    figures: dict[str, Any] = {
        "wall_s": time.perf_counter() - started,
        "status": h.modelStatusToString(h.getModelStatus()),
    }
    info = h.getInfo()
    if info.primal_solution_status >= 2:
        figures["coverage"] = core.coverage(np.array(h.getSolution().col_value)[:x])
        figures["bound"] = -info.mip_dual_bound
    return figures


METHODS: dict[str, Callable[[Scenario, float], dict[str, Any]]] = {
    "solve": _ours,
    "coverage": lambda s, t: _ours(_coverage_only(s), t),
    "naive": lambda s, t: _naive(_coverage_only(s), t),
    "highs": lambda s, t: _highs(_coverage_only(s), t),
    "cpsat-plain": lambda s, t: _ours(s, t, engine="cpsat"),
    "flow-plain": lambda s, t: _ours(s, t, engine="flow"),
}

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
