"""Stages on the min-cost flow network: exact optima in milliseconds when the costs fit.

Strict priorities become one cost vector: each earlier stage is weighted by one more than the
span of everything after it, so no later gain can pay for an earlier loss. Threshold stages are
bounds on the network. Every result is re-checked against the values held before it.
"""

from __future__ import annotations

import numpy as np

from models.plan import StageResult
from optimizer.flow import FlowModel
from optimizer.stages import Bounds, Linear, NoSolution, Runner, stage_result

COST_LIMIT = 2**62


class FlowUnsuited(Exception):
    """The stages' combined costs would overflow the flow solver: use CP-SAT instead."""


class FlowRunner(Runner):
    """Optimises each stage exactly with OR-Tools' min-cost flow."""

    engine = "OR-Tools min-cost flow"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.flow = FlowModel(self.scenario, self.pairs)
        self.held: list[tuple[Linear, int]] = []
        scenario = self.scenario
        nodes = len(scenario.candidates) + len(scenario.shortages) + len(scenario.communes) + 3
        self._units = 4 * (nodes + len(scenario.agencies))
        """Headroom factor: the solver scales costs by the node count and sums them over flows."""

    def settle(self) -> None:
        """Any plan that meets the hard rules."""
        self.chosen = self._solve([], self.held_bounds)
        if self.chosen is None:
            raise NoSolution(infeasible=True)

    def canonicalize(self) -> None:
        """Nothing to do: the flow solver is deterministic, so equal input gives the same plan."""

    def optimize(self, objective: Linear) -> StageResult:
        """The exact optimum of this stage with every earlier stage held."""
        self.progress(objective.name, None, None, self.elapsed())
        chosen = self._solve([*self.held, (objective, 0)], self.held_bounds)
        if chosen is None or not self._keeps_held(chosen):
            raise NoSolution(infeasible=True)
        self.chosen = chosen
        value = objective.value(chosen, self.index)
        self.held.append((objective, value))
        self.progress(objective.name, value / objective.scale, value / objective.scale, self.elapsed())
        return stage_result(objective.name, objective.maximize, value, value, True, objective.scale)

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
        """Min-cost flow with the stages' strict priorities folded into one cost vector."""
        pair_cost = np.zeros(len(self.pairs), dtype=np.int64)
        served_cost, weight = 0, 1
        for stage, _ in reversed(stages):
            largest = max(int(np.abs(stage.pair_weights).max(initial=0)), abs(stage.served_weight))
            if largest * weight * self._units > COST_LIMIT:
                raise FlowUnsuited(f"stage {stage.name} makes the combined costs too large")
            sign = -1 if stage.maximize else 1
            pair_cost += sign * weight * stage.pair_weights
            served_cost += sign * weight * stage.served_weight
            weight *= self._span(stage) + 1
        try:
            return self.flow.solve(pair_cost, served_cost, bounds)
        except OverflowError as error:
            raise FlowUnsuited(str(error)) from None

    def _span(self, stage: Linear) -> int:
        """An upper bound on the stage's value (weights are non-negative)."""
        best_per_person = np.zeros(len(self.scenario.candidates), dtype=np.int64)
        np.maximum.at(best_per_person, self.pairs.candidate, np.abs(stage.pair_weights))
        return int(best_per_person.sum()) + abs(stage.served_weight) * len(self.index.by_commune)
