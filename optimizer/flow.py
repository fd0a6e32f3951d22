"""The core rules as a min-cost circulation: source → agency → person → shortage → commune → sink.

Every hard rule except the per-pair ones (already in the eligible pairs) is an arc bound here:
release caps, one seat per person, seats, capacities; pins and floors are lower bounds. Objectives
that are sums over pair arcs (or over first units hosted by a commune) are arc costs, so the
flow solver returns exact optima of such stages in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from models.scenario import Scenario
from optimizer.eligibility import Pairs
from optimizer.stages import Bounds

SOURCE, SINK = 0, 1


@dataclass
class _Arcs:
    """Arcs with lower and upper bounds and costs, in insertion order."""

    tail: list[int] = field(default_factory=list)
    head: list[int] = field(default_factory=list)
    lower: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    cost: list[int] = field(default_factory=list)

    def add(self, tail: int, head: int, lower: int, upper: int, cost: int = 0) -> int:
        self.tail.append(tail)
        self.head.append(head)
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(cost)
        return len(self.tail) - 1


class FlowModel:
    """Builds and solves the network for one scenario's eligible pairs."""

    def __init__(self, scenario: Scenario, pairs: Pairs) -> None:
        self.scenario = scenario
        self.pairs = pairs
        self.allowed = self._pinned_pairs()

    def _pinned_pairs(self) -> np.ndarray:
        """Pairs a pinned candidate may still use: only those matching all of their pins."""
        allowed = np.ones(len(self.pairs), dtype=bool)
        for pin in self.scenario.pins:
            c = self.scenario.candidate_index[pin.candidate]
            for p in np.flatnonzero(self.pairs.candidate == c).tolist():
                shortage = self.scenario.shortages[self.pairs.shortage[p]]
                if shortage.commune_id != pin.commune or pin.specialty not in (None, shortage.specialty):
                    allowed[p] = False
        return allowed

    def solve(
        self, pair_cost: np.ndarray, served_cost: int = 0, bounds: Bounds | None = None
    ) -> np.ndarray | None:
        """Min-cost choice of pairs under every hard rule and the bounds; None if none exists.

        `served_cost` is added once for each commune that hosts anyone.
        """
        scenario, pairs, bounds = self.scenario, self.pairs, bounds or Bounds()
        arcs = _Arcs()
        node = iter(range(2, 10**9))
        agency_node = {a.id: next(node) for a in scenario.agencies}
        commune_node = {c.id: next(node) for c in scenario.communes}
        shortage_node = [next(node) for _ in scenario.shortages]
        person_node: dict[int, int] = {}
        pinned = {scenario.candidate_index[p.candidate] for p in scenario.pins}
        for a in scenario.agencies:
            cap = min(a.max_release, bounds.released_at_most.get(a.id, a.max_release))
            arcs.add(SOURCE, agency_node[a.id], 0, cap)
        for c in np.unique(pairs.candidate).tolist():
            person_node[c] = next(node)
            agency_id = scenario.candidates[c].agency_id
            arcs.add(agency_node[agency_id], person_node[c], int(c in pinned), 1)
        if pinned - set(person_node):
            return None
        first_pair = len(arcs.tail)
        for p in range(len(pairs)):
            c, s = int(pairs.candidate[p]), int(pairs.shortage[p])
            arcs.add(person_node[c], shortage_node[s], 0, int(self.allowed[p]), int(pair_cost[p]))
        floors = self._floors()
        for s, shortage in enumerate(scenario.shortages):
            arcs.add(shortage_node[s], commune_node[shortage.commune_id], floors.get(s, 0), shortage.seats)
        for commune in scenario.communes:
            need = bounds.hosted_at_least.get(commune.id, 0)
            if need > commune.capacity:
                return None
            if commune.capacity == 0:
                continue
            arcs.add(commune_node[commune.id], SINK, min(need, 1), 1, served_cost)
            if commune.capacity > 1:
                arcs.add(commune_node[commune.id], SINK, max(need - 1, 0), commune.capacity - 1)
        arcs.add(SINK, SOURCE, 0, len(person_node))
        flows = _circulate(arcs, next(node))
        if flows is None:
            return None
        return flows[first_pair : first_pair + len(pairs)]

    def _floors(self) -> dict[int, int]:
        """Lower bound on each shortage from the min_coverage floors."""
        need: dict[int, int] = {}
        for floor in self.scenario.policy.min_coverage:
            for commune_id in self.scenario.floor_communes(floor):
                s = self.scenario.shortage_index.get((commune_id, floor.specialty))
                if s is not None:
                    seats = self.scenario.shortages[s].seats
                    need[s] = max(need.get(s, 0), min(floor.at_least, seats))
        return need


def _circulate(arcs: _Arcs, nodes: int) -> np.ndarray | None:
    """Solve a min-cost circulation with lower bounds by moving them into node supplies."""
    lower = np.array(arcs.lower, dtype=np.int64)
    upper = np.array(arcs.upper, dtype=np.int64)
    if (lower > upper).any():
        return None
    tail = np.array(arcs.tail, dtype=np.int32)
    head = np.array(arcs.head, dtype=np.int32)
    supply = np.zeros(nodes, dtype=np.int64)
    np.add.at(supply, head, lower)
    np.subtract.at(supply, tail, lower)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tail, head, upper - lower, np.array(arcs.cost, dtype=np.int64)
    )
    solver.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supply)
    status = solver.solve()
    if status == solver.INFEASIBLE:
        return None
    if status != solver.OPTIMAL:
        raise OverflowError(f"min-cost flow could not solve the network (status {status})")
    return solver.flows(np.arange(len(tail), dtype=np.int32)) + lower
