"""Stages on the min-cost flow network: exact optima in milliseconds when the costs fit.

Strict priorities become one cost vector: each earlier stage is weighted by one more than the
span of everything after it, so no later gain can pay for an earlier loss. Threshold stages are
bounds on the network. Every result is re-checked against the values held before it. A stage is
solved with the linear stages declared right after it folded in as tie-breakers, so one solve
answers a run of linear stages (coverage then distance: one solve, not two).
"""

from __future__ import annotations

import numpy as np

from models.plan import StageResult
from models.scenario import Objective
from optimizer.flow import FlowModel
from optimizer.rules.objectives import OBJECTIVE
from optimizer.stages import Bounds, Linear, NoSolution, Runner, stage_result


class FlowUnsuited(Exception):
    """The stages' combined costs would overflow the flow solver: use CP-SAT instead."""


class FlowRunner(Runner):
    """Optimises each stage exactly with OR-Tools' min-cost flow."""

    engine = "OR-Tools min-cost flow"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.flow = FlowModel(self.scenario, self.pairs)
        self.held: list[tuple[Linear, int]] = []
        self._last: tuple[list[Linear], Bounds, np.ndarray | None] | None = None
        """The stages of the last lexicographic solve, the bounds it held, and its choice."""

    def settle(self) -> None:
        """Any plan that meets the hard rules."""
        self.chosen = self._solve([], self.held_bounds)
        if self.chosen is None:
            raise NoSolution(infeasible=True)

    def canonicalize(self) -> None:
        """Nothing to do: the flow solver is deterministic, so equal input gives the same plan."""

    def optimize(self, objective: Linear) -> StageResult:
        """The exact optimum of this stage with every earlier stage held."""
        if objective.needs:
            raise FlowUnsuited(f"{objective.name} counts groups of seats: not a network cost")
        self.progress(objective.name, None, None, self.elapsed())
        chosen = self._lexicographic(objective)
        if chosen is None or not self._keeps_held(chosen):
            raise NoSolution(infeasible=True)
        self.chosen = chosen
        value = objective.value(chosen, self.index)
        self.held.append((objective, value))
        self.progress(objective.name, value / objective.scale, value / objective.scale, self.elapsed())
        return stage_result(objective.name, objective.maximize, value, value, True, objective.scale)

    def _lexicographic(self, objective: Linear) -> np.ndarray | None:
        """This stage's optimum with the held ones kept, ties broken by the linear stages after it.

        When one of those stages comes next, the same choice is already its optimum.
        """
        held = [stage for stage, _ in self.held]
        if self._last is not None:
            stages, bounds, chosen = self._last
            if bounds == self.held_bounds and _same(stages[: len(held) + 1], [*held, objective]):
                return chosen
        ahead = self._ahead(objective.name)
        while True:
            stages = [*held, objective, *ahead]
            try:
                chosen = self._solve([(stage, 0) for stage in stages], self.held_bounds)
            except FlowUnsuited:
                if not ahead:
                    raise
                ahead = ahead[:-1]
                continue
            self._last = (stages, self.held_bounds, chosen)
            return chosen

    def _ahead(self, name: str) -> list[Linear]:
        """The linear stages declared right after this one (communes served counts as fairness)."""
        declared = [str(o) for o in self.scenario.policy.objectives]
        name = str(Objective.FAIRNESS) if name == "communes_served" else name
        if name not in declared:
            return []
        ahead = []
        for objective in self.scenario.policy.objectives[declared.index(name) + 1 :]:
            linear = OBJECTIVE[objective].linear(self.scenario, self.pairs)
            if linear is None:
                break
            ahead.append(linear)
        return ahead

    def _probe(self, bounds: Bounds, label: str) -> bool | None:
        if self.remaining() <= 0:
            return None
        self.progress(label, None, None, self.elapsed())
        chosen = self._solve(self.held, self.held_bounds.merged(bounds))
        if chosen is None or not self._keeps_held(chosen):
            return False
        self.chosen = chosen
        return True

    def _hold(self, bounds: Bounds) -> None:
        self.held_bounds = self.held_bounds.merged(bounds)

    def _keeps_held(self, chosen: np.ndarray) -> bool:
        """Whether a choice reaches every held stage's value."""
        return all(stage.value(chosen, self.index) == value for stage, value in self.held)

    def _solve(self, stages: list[tuple[Linear, int]], bounds: Bounds) -> np.ndarray | None:
        """Min-cost flow with the stages in strict priority (maximised ones negated)."""
        costs = [
            (-stage.pair_weights, -stage.served_weight, _negated(stage.opened_weights))
            if stage.maximize
            else (stage.pair_weights, stage.served_weight, stage.opened_weights)
            for stage, _ in stages
        ]
        try:
            return self.flow.solve(costs, bounds)
        except OverflowError as error:
            raise FlowUnsuited(str(error)) from None


def _same(these: list[Linear], those: list[Linear]) -> bool:
    """Whether two lists hold the same linear stages."""
    return len(these) == len(those) and all(
        (a.name, a.maximize, a.served_weight) == (b.name, b.maximize, b.served_weight)
        and np.array_equal(a.pair_weights, b.pair_weights)
        and (a.opened_weights is None) == (b.opened_weights is None)
        and (a.opened_weights is None or np.array_equal(a.opened_weights, b.opened_weights))
        for a, b in zip(these, those, strict=True)
    )


def _negated(weights: np.ndarray | None) -> np.ndarray | None:
    """Costs for maximised weights."""
    return None if weights is None else -weights
