"""The LP relaxation of the CP-SAT model, solved by GLOP: a proven bound and, often, the optimum.

Every constraint of the model is linear, so its LP relaxation is read straight off the model (rows
that hold only under a literal, as the soft rules' and the diagnosis' are, are left out). With
the per-person linking rows (`optimizer.model`) and the odd-seat cuts separated at its vertices
(`optimizer.seat_cuts`) it is tight: on the bundled and generated province scenarios its optimum is
the integer optimum, often at an integral vertex (on the two national parts checked against HiGHS,
at it and within one of it). A stage then only has to confirm
that vertex, or to reach the rounded LP bound from a start close to it. Once a stage's value is
held, the LP's reduced costs also fix the variables no plan that good can move (`held_still`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.linear_solver.python import model_builder_helper
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix

from optimizer.lp_rows import Cut, Rows, through_file

INTEGRAL = 1e-6
"""How far from an integer a value may be and still count as that integer."""
INFINITE = 2**60
SMALL_ROW = 64
"""Rows up to this many terms tie their variables into one neighbourhood."""
DIVE_ROUNDS, DIVE_S = 400, 1.0
"""At most this many variables fixed, or seconds spent, diving from a fractional vertex."""
FIXING_SLACK = 1e-6
"""Relative room left to the LP's rounding before a reduced cost fixes a variable."""
LP_S = 10.0
"""Longest one LP solve may take; past it (or past the time left) the stage goes to CP-SAT alone."""
CUT_ROUNDS = 4
"""Most rounds of cuts added to the LP, each solved again from the last basis."""


@dataclass(frozen=True)
class LpResult:
    """The relaxation's verdict: feasible or not, its objective bound, its vertex."""

    feasible: bool | None
    """None: the LP solver could not tell."""
    bound: int | None
    values: np.ndarray
    dived: np.ndarray | None = None
    """An integral point at the bound found by diving from a fractional vertex, if any."""
    optimum: float = 0.0
    """The LP optimum of the model's objective, minimised, without its offset."""
    rows: Rows | None = None
    """The model as the LP read it: its bounds, rows and objective."""
    reduced: np.ndarray | None = None
    """Every variable's reduced cost at the vertex."""
    cuts: tuple[Cut, ...] = ()
    """The cuts added to the LP (also the last rows of `rows`): valid for every plan of the model."""

    @property
    def exact(self) -> bool:
        """Whether every constraint is in the LP (else rows enforced by a literal were left out)."""
        return self.rows is None or self.rows.exact

    @property
    def integral(self) -> bool:
        """Whether the vertex is integral and, the LP being exact, a solution of the model itself."""
        return (
            self.exact
            and bool(self.feasible)
            and bool((np.abs(self.values - np.round(self.values)) <= INTEGRAL).all())
        )


def relax(
    model: cp_model.CpModel,
    dive: bool = True,
    seconds: float = LP_S,
    cuts: Callable[[np.ndarray], list[Cut]] | None = None,
) -> LpResult:
    """Solve the LP relaxation of the model and its objective (if any) in at most `seconds`; the
    bound is rounded to the integers the objective can take, in the direction that keeps it valid.
    With `cuts` (valid inequalities a vertex violates), the LP is cut and solved again round after
    round while that moves its optimum. With `dive`, a fractional vertex is dived from for an
    integral point at the bound."""
    if seconds <= 0:
        return LpResult(None, None, np.zeros(len(model.proto.variables)))
    started = time.monotonic()
    rows = Rows.of(model)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    error = lp.LoadModelFromProto(_lp_model(rows))
    if error:
        raise RuntimeError(f"the LP relaxation could not be loaded: {error}")
    lp.SetTimeLimit(max(1, round(1000 * min(seconds, LP_S))))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        verdict = False if status == pywraplp.Solver.INFEASIBLE else None
        return LpResult(verdict, None, np.zeros(len(rows.lower)), rows=rows)
    solution = _solution(lp)
    if not model.has_objective():
        return LpResult(True, None, np.array(solution.variable_value), rows=rows)
    added: list[Cut] = []
    if cuts is not None:
        solution, added = _cut(lp, cuts, solution, started + seconds)
        rows = rows.with_cuts(added)
    values = np.array(solution.variable_value)
    optimum = solution.objective_value
    least = optimum + rows.offset
    scale = rows.scaling
    bound = math.floor(scale * least + INTEGRAL) if scale < 0 else math.ceil(scale * least - INTEGRAL)
    reduced = np.array(solution.reduced_cost)
    result = LpResult(True, bound, values, None, optimum, rows, reduced, tuple(added))
    if result.integral or not (dive and rows.exact):
        return result
    worst = (bound / scale - rows.offset) + INTEGRAL
    """The largest LP objective (minimised, in the proto's terms) that still reaches the bound."""
    return replace(result, dived=_dive(lp, worst, values))


def _solution(lp: pywraplp.Solver) -> linear_solver_pb2.MPSolutionResponse:
    """The values, reduced costs and optimum of the LP's last solve."""
    solution = linear_solver_pb2.MPSolutionResponse()
    lp.FillSolutionResponseProto(solution)
    return solution


def _cut(
    lp: pywraplp.Solver,
    cuts: Callable[[np.ndarray], list[Cut]],
    solution: linear_solver_pb2.MPSolutionResponse,
    deadline: float,
) -> tuple[linear_solver_pb2.MPSolutionResponse, list[Cut]]:
    """Add the cuts the vertex violates and solve again (dual simplex, from the last basis) until
    none is violated, the optimum stays put, CUT_ROUNDS are done or the deadline passes: the last
    optimal solution and the cuts it meets."""
    kept: list[Cut] = []
    columns = lp.variables()
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    for _ in range(CUT_ROUNDS):
        found = cuts(np.array(solution.variable_value))
        left = deadline - time.monotonic()
        if not found or left <= 0:
            break
        for cut in found:
            row = lp.Constraint(-lp.infinity(), cut.high)
            for j, coefficient in zip(cut.indices.tolist(), cut.coefficients.tolist(), strict=True):
                row.SetCoefficient(columns[j], coefficient)
        lp.SetTimeLimit(max(1, round(1000 * min(left, LP_S))))
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            break
        solved = _solution(lp)
        moved = solved.objective_value > solution.objective_value + INTEGRAL
        solution = solved
        kept += found
        if not moved:
            break
    return solution, kept


def _lp_model(rows: Rows) -> linear_solver_pb2.MPModelProto:
    """The rows as an LP minimising the objective; rows a literal enforces are left out (the LP
    is then still a relaxation).

    Built in bulk from the arrays (OR-Tools' model builder takes them as one sparse matrix) and
    handed over through a file holding its binary form: adding a 145k-variable national part's
    variables and rows one by one took 0.9 s.
    """
    kept = np.flatnonzero(~rows.enforced)
    matrix = csr_matrix(
        (rows.coefficients.astype(np.float64), rows.columns, rows.starts),
        shape=(len(rows.low), len(rows.lower)),
    )
    builder = model_builder_helper.ModelBuilderHelper()
    builder.fill_model_from_sparse_data(
        rows.lower.astype(np.float64),
        rows.upper.astype(np.float64),
        rows.costs.astype(np.float64),
        _finite(rows.low[kept]),
        _finite(rows.high[kept]),
        matrix[kept],
    )
    written = through_file(builder.write_model_to_proto_file, "the LP")
    return linear_solver_pb2.MPModelProto.FromString(written)


def _finite(bounds: np.ndarray) -> np.ndarray:
    """Row bounds as floats, the model's stand-in for no bound as infinity."""
    values = bounds.astype(np.float64)
    values[bounds <= -INFINITE] = -math.inf
    values[bounds >= INFINITE] = math.inf
    return values


def held_still(lp: LpResult, solution: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The variables every solution at least as good as `solution` holds at a bound, and those bounds
    (reduced-cost fixing: moving one off its bound costs at least its reduced cost, more than the
    solution's gap to the LP optimum). Empty if the solution contradicts any, as only rounding can.

    Valid for any later stage that holds this objective at the solution's value; measured on the
    600-person `bench.posts` province, the distance LP fixes half the variables of the tie-break.
    """
    nothing = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if lp.rows is None or lp.reduced is None or len(solution) != len(lp.values):
        return nothing
    low, high = lp.rows.lower, lp.rows.upper
    gap = float(lp.rows.costs @ solution) - lp.optimum + FIXING_SLACK * (1 + abs(lp.optimum))
    at_low = (np.abs(lp.values - low) <= INTEGRAL) & (lp.reduced > gap)
    at_high = (np.abs(lp.values - high) <= INTEGRAL) & (lp.reduced < -gap)
    held = np.flatnonzero((at_low | at_high) & (low < high))
    values = np.where(at_low[held], low[held], high[held])
    if np.any(solution[held] != values):
        return nothing
    return held, values


def _dive(lp: pywraplp.Solver, worst: float, values: np.ndarray) -> np.ndarray | None:
    """Fix the fractional variables one at a time (the largest part first: up, else down), keeping
    a fix only while the LP optimum stays within `worst`; each re-solve starts from the last basis
    (dual simplex; the first solve is primal, measured 4x faster on the multi-post province's LPs).
    An integral vertex reached that way is a solution at the bound (None if diving fails)."""
    started = time.monotonic()
    columns, objective = lp.variables(), lp.Objective()
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    for _ in range(DIVE_ROUNDS):
        fractional = np.flatnonzero(np.abs(values - np.round(values)) > INTEGRAL)
        if not len(fractional):
            return np.round(values).astype(np.int64)
        if time.monotonic() - started > DIVE_S:
            return None
        part = values[fractional] - np.floor(values[fractional])
        largest = fractional[[int(np.argmax(part))]]
        batches = [(largest, math.ceil), (largest, math.floor)]
        for batch, rounded in batches:
            old = [(columns[j].lb(), columns[j].ub()) for j in batch.tolist()]
            for j in batch.tolist():
                columns[j].SetBounds(rounded(values[j]), rounded(values[j]))
            if lp.Solve() == pywraplp.Solver.OPTIMAL and objective.Value() <= worst:
                break
            for j, (low, high) in zip(batch.tolist(), old, strict=True):
                columns[j].SetBounds(low, high)
        else:
            return None
        values = np.array([column.solution_value() for column in columns])
    return None


def neighbourhood(rows: Rows, values: np.ndarray) -> np.ndarray:
    """Which variables to leave free around a fractional LP vertex: the fractional ones and those
    sharing a small row with one (a person's, a shortage's or a commune's; not an agency's)."""
    fractional = np.abs(values - np.round(values)) > INTEGRAL
    row = rows.row_of_term()
    touched = np.bincount(row, weights=fractional[rows.columns], minlength=len(rows.low)) > 0
    free = fractional.copy()
    free[rows.columns[(touched & (rows.lengths <= SMALL_ROW))[row]]] = True
    return free
