"""Strict-priority stages: optimise one objective, hold it, go on to the next."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from models.plan import SolveParams, StageResult
from optimizer.model import SecondmentModel

Progress = Callable[[str, float | None, float | None, float], None]
Terms = list[tuple[list[int], int | None, int | None]]
"""Linear rows over pair variables: (pair indices, lower bound, upper bound)."""


class NoSolution(Exception):
    """A stage found no plan: the hard rules conflict (infeasible) or time ran out (unknown)."""

    def __init__(self, infeasible: bool) -> None:
        self.infeasible = infeasible
        super().__init__("infeasible" if infeasible else "no solution within the time limit")


@dataclass(frozen=True)
class LinearObjective:
    """An integer-weighted sum of model variables; `value` scores a 0/1 choice of pairs."""

    name: str
    maximize: bool
    variables: Sequence[cp_model.IntVar]
    weights: Sequence[int]
    value: Callable[[np.ndarray], int]
    scale: float = 1.0


@dataclass(frozen=True)
class ThresholdObjective:
    """A best fraction q such that the rows `rows(q)` can hold, found by bisection."""

    name: str
    maximize: bool
    fractions: tuple[Fraction, ...]
    rows: Callable[[Fraction], Terms]
    achieved: Callable[[np.ndarray], Fraction]


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to the progress callback."""

    def __init__(self, stage: str, progress: Progress, started: float, scale: float) -> None:
        super().__init__()
        self.stage, self.progress, self.started, self.scale = stage, progress, started, scale

    def on_solution_callback(self) -> None:
        self.progress(
            self.stage,
            self.objective_value / self.scale,
            self.best_objective_bound / self.scale,
            time.monotonic() - self.started,
        )


class StageRunner:
    """Solves the stages in order on one model, carrying the incumbent as a hint."""

    def __init__(self, sm: SecondmentModel, params: SolveParams, progress: Progress | None) -> None:
        self.sm = sm
        self.params = params
        self.progress = progress or (lambda *_: None)
        self.started = time.monotonic()
        self.deadline = self.started + params.time_limit_s
        self.chosen: np.ndarray | None = None

    def remaining(self) -> float:
        """Seconds left of the overall time limit."""
        return max(0.0, self.deadline - time.monotonic())

    def settle(self) -> None:
        """Find any plan that meets the hard rules (when no objective is declared)."""
        status, solver = self._solve(self.sm.model, "feasibility", 1.0)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        self.chosen = self._values(solver)

    def optimize(self, objective: LinearObjective) -> StageResult:
        """Optimise a linear objective, then hold its value for the stages after it."""
        began = time.monotonic()
        model = self.sm.model
        expr = cp_model.LinearExpr.weighted_sum(objective.variables, objective.weights)
        if objective.maximize:
            model.maximize(expr)
        else:
            model.minimize(expr)
        status, solver = self._solve(model, objective.name, objective.scale)
        model.clear_objective()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.chosen = self._values(solver)
            value, bound = objective.value(self.chosen), round(solver.best_objective_bound)
        elif self.chosen is not None:
            value = objective.value(self.chosen)
            bound = round(solver.best_objective_bound) if status != cp_model.UNKNOWN else None
        else:
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        proven = status == cp_model.OPTIMAL
        if proven:
            model.add(expr == value)
        elif objective.maximize:
            model.add(expr >= value)
        else:
            model.add(expr <= value)
        return StageResult(
            name=objective.name,
            sense="max" if objective.maximize else "min",
            value=_rounded(value / objective.scale),
            bound=None if bound is None else _rounded(bound / objective.scale),
            proven=proven,
            seconds=round(time.monotonic() - began, 3),
        )

    def threshold(self, objective: ThresholdObjective) -> StageResult:
        """Bisect the sorted fractions for the best one whose rows can hold, then hold it."""
        began = time.monotonic()
        fractions = objective.fractions if objective.maximize else tuple(reversed(objective.fractions))
        if self.chosen is None:
            self._feasible(fractions[0], objective)
        assert self.chosen is not None
        best = fractions.index(objective.achieved(self.chosen))
        limit = len(fractions) - 1
        proven = True
        while best < limit:
            probe = (best + 1 + limit + 1) // 2
            outcome = self._feasible(fractions[probe], objective)
            if outcome is True:
                assert self.chosen is not None
                best = fractions.index(objective.achieved(self.chosen))
            elif outcome is False:
                limit = probe - 1
            else:
                proven = False
                break
        for ps, lo, hi in objective.rows(fractions[best]):
            self._add_row(self.sm.model, ps, lo, hi)
        return StageResult(
            name=objective.name,
            sense="max" if objective.maximize else "min",
            value=round(float(fractions[best]), 6),
            bound=round(float(fractions[limit]), 6),
            proven=proven,
            seconds=round(time.monotonic() - began, 3),
        )

    def _feasible(self, q: Fraction, objective: ThresholdObjective) -> bool | None:
        """Whether the rows for q can hold with everything held so far (None: undecided)."""
        probe = self.sm.model.clone()
        for ps, lo, hi in objective.rows(q):
            self._add_row(probe, ps, lo, hi)
        status, solver = self._solve(probe, f"{objective.name} ≥ {float(q):.3f}", 1.0)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.chosen = self._values(solver)
            return True
        if status == cp_model.INFEASIBLE:
            return False
        if self.chosen is None:
            raise NoSolution(infeasible=False)
        return None

    @staticmethod
    def _add_row(model: cp_model.CpModel, ps: Sequence[int], lo: int | None, hi: int | None) -> None:
        """Add lo <= sum of the pair variables <= hi to a model (or one of its clones)."""
        expr = cp_model.LinearExpr.sum([model.get_bool_var_from_proto_index(p) for p in ps])
        if lo is not None:
            model.add(expr >= lo)
        if hi is not None:
            model.add(expr <= hi)

    def _solve(self, model: cp_model.CpModel, stage: str, scale: float) -> tuple[int, cp_model.CpSolver]:
        """Run CP-SAT on the model with the incumbent as hint and the time that is left."""
        model.clear_hints()
        if self.chosen is not None:
            for p, var in enumerate(self.sm.x):
                model.add_hint(model.get_bool_var_from_proto_index(var.index), int(self.chosen[p]))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(self.remaining(), 0.001)
        solver.parameters.num_workers = self.params.workers
        solver.parameters.random_seed = self.params.seed
        solver.parameters.linearization_level = 2
        self.progress(stage, None, None, time.monotonic() - self.started)
        reporter = _Reporter(stage, self.progress, self.started, scale)
        status = solver.solve(model, reporter)
        return status, solver

    def _values(self, solver: cp_model.CpSolver) -> np.ndarray:
        """The 0/1 choice of every pair in the solver's solution."""
        return np.array(solver.boolean_values(self.sm.x), dtype=np.int64)


def _rounded(number: float) -> float | int:
    """Stage figures without float noise: whole numbers as int, others to 6 decimals."""
    return int(number) if float(number).is_integer() else round(number, 6)
