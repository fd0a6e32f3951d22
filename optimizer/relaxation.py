"""The LP relaxation of the CP-SAT model, solved by GLOP: a proven bound and, often, the optimum.

Every constraint of the model is linear, so its LP relaxation is read straight off the model. With
the per-person linking rows (`optimizer.model`) it is tight: on the bundled and generated scenarios
its optimum is the integer optimum, often at an integral vertex. A stage then only has to confirm
that vertex, or to reach the rounded LP bound from a start close to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

INTEGRAL = 1e-6
"""How far from an integer a value may be and still count as that integer."""
INFINITE = 2**60
SMALL_ROW = 64
"""Rows up to this many terms tie their variables into one neighbourhood."""


@dataclass(frozen=True)
class LpResult:
    """The relaxation's verdict: feasible or not, its objective bound, its vertex."""

    feasible: bool | None
    """None: the LP solver could not tell."""
    bound: int | None
    values: np.ndarray

    @property
    def integral(self) -> bool:
        """Whether the vertex is integral (then it is a solution of the model itself)."""
        return bool(self.feasible) and bool((np.abs(self.values - np.round(self.values)) <= INTEGRAL).all())


def relax(model: cp_model.CpModel) -> LpResult:
    """Solve the LP relaxation of the model and its objective (if any); the bound is rounded to the
    integers the objective can take, in the direction that keeps it valid."""
    proto = model.proto
    lp = pywraplp.Solver.CreateSolver("GLOP")
    infinity = lp.infinity()
    columns = [lp.NumVar(float(v.domain[0]), float(v.domain[len(v.domain) - 1]), "") for v in proto.variables]
    for constraint in proto.constraints:
        linear = constraint.linear
        domain = linear.domain
        low, high = domain[0], domain[len(domain) - 1]
        row = lp.RowConstraint(
            -infinity if low <= -INFINITE else float(low), infinity if high >= INFINITE else float(high), ""
        )
        for var, coefficient in zip(linear.vars, linear.coeffs, strict=True):
            row.SetCoefficient(columns[var], float(coefficient))
    objective = lp.Objective()
    has_objective = model.has_objective()
    if has_objective:
        for var, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            objective.SetCoefficient(columns[var], float(coefficient))
    objective.SetMinimization()
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        verdict = False if status == pywraplp.Solver.INFEASIBLE else None
        return LpResult(verdict, None, np.zeros(len(columns)))
    values = np.array([column.solution_value() for column in columns])
    bound = None
    if has_objective:
        scale = proto.objective.scaling_factor or 1.0
        least = objective.Value() + proto.objective.offset
        bound = math.floor(scale * least + INTEGRAL) if scale < 0 else math.ceil(scale * least - INTEGRAL)
    return LpResult(True, bound, values)


def neighbourhood(model: cp_model.CpModel, values: np.ndarray) -> np.ndarray:
    """Which variables to leave free around a fractional LP vertex: the fractional ones and those
    sharing a small row with one (a person's, a shortage's or a commune's; not an agency's)."""
    fractional = np.abs(values - np.round(values)) > INTEGRAL
    free = fractional.copy()
    for constraint in model.proto.constraints:
        variables = np.array(constraint.linear.vars, dtype=np.int64)
        if len(variables) <= SMALL_ROW and fractional[variables].any():
            free[variables] = True
    return free
