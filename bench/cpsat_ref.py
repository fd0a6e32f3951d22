"""The naive CP-SAT model: one Boolean per eligible pair, one weighted objective (coverage)."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from bench.core import Core
from bench.groups import grouped

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE"}


def naive_cpsat(core: Core, seconds: float, workers: int = 2) -> tuple[np.ndarray | None, str, float]:
    """Max priority-weighted coverage under the core rules: (choice, status, proven bound)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{p}") for p in range(len(core.candidate))]
    for p in np.flatnonzero(~core.allowed).tolist():
        model.add(x[p] == 0)
    for ps in grouped(core.candidate, core.candidates):
        if len(ps) > 1:
            model.add_at_most_one(x[p] for p in ps.tolist())
    for s, ps in enumerate(grouped(core.shortage, len(core.seats))):
        total = cp_model.LinearExpr.sum([x[p] for p in ps.tolist()])
        model.add_linear_constraint(total, int(core.floor[s]), int(core.seats[s]))
    for limit, keys in ((core.capacity, core.commune), (core.release, core.agency)):
        for k, ps in enumerate(grouped(keys, len(limit))):
            if len(ps) > limit[k]:
                model.add(cp_model.LinearExpr.sum([x[p] for p in ps.tolist()]) <= int(limit[k]))
    for ps in core.pins:
        model.add(cp_model.LinearExpr.sum([x[p] for p in ps.tolist()]) == 1)
    model.maximize(cp_model.LinearExpr.weighted_sum(x, core.priority.tolist()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    name = STATUS.get(status, "UNKNOWN")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, float("nan")
    return np.array(solver.boolean_values(x), dtype=np.int64), name, solver.best_objective_bound
