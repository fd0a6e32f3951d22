"""The engine hook of `frontier`: the best value of one linear objective with another bounded.

A point of the front is found in two proven steps on CP-SAT: the best second objective with the
first bounded (ε-constraint), then the best first objective with the second held at that value, so
no point is dominated. The objectives the user holds are optimised first and kept, as in `solve`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models.plan import Plan, SolveParams, SolveStatus, StageResult
from models.scenario import Objective, Scenario
from optimizer.cpsat_runner import SOLVED, CpSatRunner, set_objective
from optimizer.eligibility import Pairs
from optimizer.plan_builder import build_plan
from optimizer.rules.objectives import OBJECTIVE, OBJECTIVES, ObjectiveRule, run_stage
from optimizer.stages import Linear, NoSolution, stage_result
from optimizer.tradeoff_hull import Hull

TRADABLE = tuple(rule.name for rule in OBJECTIVES if type(rule).linear is not ObjectiveRule.linear)
"""The objectives the catalogue defines as sums over pairs: those a front can trade."""


def linear(objective: Objective, scenario: Scenario, pairs: Pairs) -> Linear:
    """A tradable objective as integer weights over the pairs, as the catalogue defines it."""
    found = OBJECTIVE[objective].linear(scenario, pairs)
    if found is None:
        raise ValueError(f"{objective} cannot be traded; expected one of {', '.join(TRADABLE)}")
    return found


@dataclass(frozen=True)
class Point:
    """A front point: both objectives' integer values, whether both steps were proven, the choice."""

    first: int
    second: int
    proven: bool
    chosen: np.ndarray


def gain_of(objective: Linear, value: int) -> int:
    """A value as a gain (larger is better), or a gain back as a value: the same sign flip."""
    return value if objective.maximize else -value


def _at_least(model: cp_model.CpModel, expr: cp_model.LinearExpr, objective: Linear, value: int) -> None:
    """The objective at least as good as `value` (>= when maximised, <= when minimised)."""
    model.add(expr >= value if objective.maximize else expr <= value)


def _weakest(objective: Linear) -> int:
    """A bound every plan meets (the weights are never negative)."""
    return int(objective.pair_weights.sum()) if not objective.maximize else 0


class Tradeoff:
    """ε-constraint points between two linear objectives on one CP-SAT model, the held stages kept."""

    def __init__(
        self,
        scenario: Scenario,
        pairs: Pairs,
        first: Objective,
        second: Objective,
        held: tuple[Objective, ...],
        params: SolveParams,
        stop: threading.Event | None = None,
    ) -> None:
        self.scenario, self.pairs, self.params = scenario, pairs, params
        self.hull: Hull | None = None
        self.first, self.second = linear(first, scenario, pairs), linear(second, scenario, pairs)
        self.runner = CpSatRunner(scenario, pairs, params, None, stop)
        self.held = [run_stage(self.runner, objective) for objective in held]
        if self.runner.chosen is None:
            self.runner.settle()

    def point(self, bound: int) -> Point | None:
        """The best second objective with the first at least as good as `bound`, then the best first
        with the second held; None when no plan reaches the bound."""
        return self._bounded(self.first, bound, self.second)

    def ends(self) -> tuple[Point, Point]:
        """The two ends of the front on CP-SAT: the best first objective, then the best second."""
        top = self._bounded(self.second, _weakest(self.second), self.first)
        bottom = self._bounded(self.first, _weakest(self.first), self.second)
        if top is None or bottom is None:
            raise NoSolution(infeasible=True)
        return top, bottom

    def next_point(self, after: Point) -> Point | None:
        """The point with the next better second objective (the first as good as it can then be),
        or None when `after` has the best second objective there is."""
        step = 1 if self.second.maximize else -1
        found = self._bounded(self.second, after.second + step, self.first)
        return None if found is None else self.point(found.first)

    def _bounded(self, bounded: Linear, bound: int, best: Linear) -> Point | None:
        """Optimise `best` with `bounded` at least as good as `bound`; then optimise `bounded` with
        `best` held, so the point is not dominated. With a hull, each step also gets the hull's
        bound as a (valid) constraint, so reaching it ends the search proven."""
        model = self.runner.sm.model.clone()
        _at_least(model, self._expr(model, bounded), bounded, bound)
        b, proven_b = self._optimise(model, best, self._cap(best, bounded, bound))
        if b is None:
            return None
        model.clear_objective()
        _at_least(model, self._expr(model, best), best, b)
        a, proven_a = self._optimise(model, bounded, self._cap(bounded, best, b))
        chosen = self.runner.chosen
        assert a is not None and chosen is not None
        # Unproven, the second step may also improve `best`: report what the plan reaches.
        values = (objective.value(chosen, self.runner.index) for objective in (self.first, self.second))
        return Point(*values, proven_a and proven_b, chosen.copy())

    def _cap(self, objective: Linear, other: Linear, bound: int) -> int | None:
        """The hull's bound on `objective` when `other` is at least as good as `bound`."""
        if self.hull is None:
            return None
        if objective is self.second:
            gain = self.hull.cap_second(gain_of(other, bound))
        else:
            gain = self.hull.cap_first(gain_of(other, bound))
        return None if gain is None else gain_of(objective, gain)

    def _optimise(
        self, model: cp_model.CpModel, objective: Linear, cap: int | None
    ) -> tuple[int | None, bool]:
        """Optimise one objective on a model, told it cannot beat `cap` (a proven bound), so the search
        ends as soon as it reaches it; its value and whether it is proven."""
        trial = model
        if cap is not None:
            trial = model.clone()
            expr = self._expr(trial, objective)
            trial.add(expr <= cap if objective.maximize else expr >= cap)
        expr = self._expr(trial, objective)
        set_objective(trial, expr, objective.maximize)
        self.runner.deadline = time.monotonic() + self.params.time_limit_s
        status, solver = self.runner._solve(trial, objective.name, objective.scale)
        if status not in SOLVED:
            if status == cp_model.INFEASIBLE:
                return None, True
            raise NoSolution(infeasible=False)
        self.runner.chosen = self.runner._values(solver)
        value = objective.value(self.runner.chosen, self.runner.index)
        return value, status == cp_model.OPTIMAL or value == cap

    def _expr(self, model: cp_model.CpModel, objective: Linear) -> cp_model.LinearExpr:
        """The objective over a model's own counts (a column weighs what each of its pairs does)."""
        sm = self.runner.sm
        variables = [model.get_int_var_from_proto_index(x.index) for x in sm.x]
        weights = objective.pair_weights[sm.cohorts.column_pair]
        return cp_model.LinearExpr.weighted_sum(variables, weights.tolist())

    def plan(self, point: Point, engine: str = "CP-SAT ε-constraint") -> Plan:
        """The plan of a point, its stages the held ones, then the two traded objectives."""
        stages: list[StageResult] = [*self.held]
        for objective, value in ((self.first, point.first), (self.second, point.second)):
            stages.append(
                stage_result(objective.name, objective.maximize, value, None, point.proven, objective.scale)
            )
        status = SolveStatus.OPTIMAL if point.proven else SolveStatus.FEASIBLE
        return build_plan(self.scenario, self.pairs, point.chosen, status, stages, self.params, engine)
