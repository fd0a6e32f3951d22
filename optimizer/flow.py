"""The core rules as a min-cost circulation: source → agency → person → shortage → commune → sink.

Every hard rule except the per-pair ones (already in the eligible pairs) is an arc bound here:
release caps, one seat per person, seats, capacities; pins and floors are lower bounds. Objectives
that are sums over pair arcs (or over first units hosted by a commune) are arc costs, so the flow
solver returns exact optima of such stages. Strict priorities fold into one cost vector: each stage
is weighted by one more than the span of everything after it, so no later gain can pay for an
earlier loss. Interchangeable people share hub arcs (`optimizer.pools`); independent parts are
solved apart, each with weights sized to it (`optimizer.components`). The network's shape is built
once, as arrays; only bounds and costs change from one solve to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from models.scenario import MAX_LEVEL, Scenario
from optimizer.components import SINK, SOURCE, Batch, batches, circulate, parts
from optimizer.eligibility import PairIndex, Pairs
from optimizer.pools import Pools
from optimizer.rules.group_rules import (
    AGENCY_RELEASE,
    COMMUNE_CAPACITY,
    MIN_COVERAGE,
    ONE_SEAT_PER_PERSON,
    PIN,
    SHORTAGE_SEATS,
)
from optimizer.stages import Bounds

COST_LIMIT = 2**62
Cost = tuple[np.ndarray, int, np.ndarray | None]
"""A stage to minimise: a cost per pair, a cost per commune that hosts anyone, and (if any) a cost per
shortage with at least one seat filled."""


@dataclass(frozen=True)
class _Network:
    """Arcs as arrays, the slices whose bounds or costs change between solves, and the batches."""

    pools: Pools
    direct: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    span: dict[str, slice]
    """Where each named segment's arcs lie (see `FlowModel._network`)."""
    first_commune: np.ndarray
    rest_commune: np.ndarray
    pair_shortage: np.ndarray
    pair_agency: np.ndarray
    batches: list[Batch]
    arc_batch: np.ndarray

    def arc_costs(
        self, pair_cost: np.ndarray, served_cost: int, opened_cost: np.ndarray | None = None
    ) -> np.ndarray | None:
        """A stage's cost on every arc; None when pooled people would not all cost the same."""
        hub = self.pools.arc_costs(pair_cost)
        if hub is None:
            return None
        cost = np.zeros(len(self.tail), dtype=np.int64)
        cost[self.span["hub"]] = hub
        cost[self.span["own"]] = pair_cost[self.direct]
        cost[self.span["first"]] = served_cost
        if opened_cost is not None:
            cost[self.span["opened"]] = opened_cost
        return cost

    def fold(self, costs: list[np.ndarray]) -> np.ndarray:
        """One cost vector for stages in strict priority, weighted batch by batch."""
        units = [4 * (batch.nodes + 1) for batch in self.batches]
        weight = [1] * len(self.batches)
        total = np.zeros(len(self.tail), dtype=np.int64)
        for cost in reversed(costs):
            largest = np.zeros(len(self.batches), dtype=np.int64)
            np.maximum.at(largest, self.arc_batch, np.abs(cost))
            used = []
            for b, top in enumerate(largest.tolist()):
                if top * weight[b] * units[b] > COST_LIMIT:
                    raise OverflowError("the stages' combined costs are too large for the flow solver")
                used.append(weight[b] if top else 0)
            total += np.array(used, dtype=np.int64)[self.arc_batch] * cost
            weight = [w * (span + 1) for w, span in zip(weight, self._spans(cost), strict=True)]
        return total

    def _spans(self, cost: np.ndarray) -> list[int]:
        """Per batch, a bound on a stage's |value| (its weights share one sign): seats or releases
        times their dearest pair, plus the communes' first units."""
        size = abs(cost)
        pair = size[self.span["hub"].start : self.span["own"].stop]
        seats = self.upper[self.span["seats"]] + self.upper[self.span["opened"]]
        release = self.upper[self.span["release"]]
        dearest_seat = np.zeros(len(seats), dtype=np.int64)
        np.maximum.at(dearest_seat, self.pair_shortage, pair)
        dearest_release = np.zeros(len(release), dtype=np.int64)
        np.maximum.at(dearest_release, self.pair_agency, pair)
        spans = []
        for values, where in (
            (seats * dearest_seat, self.span["seats"]),
            (release * dearest_release, self.span["release"]),
            (size[self.span["first"]], self.span["first"]),
            (size[self.span["opened"]], self.span["opened"]),
        ):
            total = np.zeros(len(self.batches), dtype=np.int64)
            np.add.at(total, self.arc_batch[where], values)
            spans.append(total)
        return (np.minimum(spans[0], spans[1]) + spans[2] + spans[3]).tolist()


class FlowModel:
    """Builds and solves the network for one scenario's eligible pairs."""

    def __init__(self, scenario: Scenario, pairs: Pairs, pooled: bool = True) -> None:
        self.scenario = scenario
        self.pairs = pairs
        self.allowed = PIN.allowed(scenario, pairs, PairIndex.of(scenario, pairs))
        self.agencies = {a.id: i for i, a in enumerate(scenario.agencies)}
        self.communes = {c.id: i for i, c in enumerate(scenario.communes)}
        self.candidate_agency = np.array(
            [self.agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64
        )
        self.shortage_commune = np.array(
            [self.communes[s.commune_id] for s in scenario.shortages], dtype=np.int64
        )
        self.part = parts(
            self.candidate_agency[pairs.candidate],
            self.shortage_commune[pairs.shortage],
            len(self.agencies),
            len(self.communes),
        )
        self.pooled = self._network(Pools.of(scenario, pairs, enabled=pooled))
        self._unpooled: _Network | None = None if pooled else self.pooled

    def solve(self, stages: list[Cost], bounds: Bounds | None = None) -> np.ndarray | None:
        """The best choice of pairs for the stages in strict priority (first: most important) under
        every hard rule and the bounds; None if no choice meets them.

        Raises OverflowError when the folded costs do not fit the solver.
        """
        bounds = bounds or Bounds()
        if self._stranded_pin():
            return None
        network = self.pooled
        costs = [network.arc_costs(*stage) for stage in stages]
        if any(cost is None for cost in costs):
            network = self._direct_network()
            costs = [network.arc_costs(*stage) for stage in stages]
        lower, upper = network.lower.copy(), network.upper.copy()
        upper[network.span["release"]] = [
            min(cap, bounds.released_at_most.get(a.id, cap))
            for a, cap in zip(
                self.scenario.agencies, AGENCY_RELEASE.limits(self.scenario).tolist(), strict=True
            )
        ]
        need = np.array([bounds.hosted_at_least.get(c.id, 0) for c in self.scenario.communes], dtype=np.int64)
        if (need > COMMUNE_CAPACITY.limits(self.scenario)).any():
            return None
        lower[network.span["first"]] = np.minimum(need[network.first_commune], 1)
        lower[network.span["rest"]] = np.maximum(need[network.rest_commune] - 1, 0)
        flows = circulate(network.batches, lower, upper, network.fold([c for c in costs if c is not None]))
        if flows is None:
            return None
        chosen = np.zeros(len(self.pairs), dtype=np.int64)
        chosen[network.direct] = flows[network.span["own"]]
        taken = network.pools.assign(
            self.pairs, flows[network.span["entry"]], flows[network.span["flock"]], flows[network.span["hub"]]
        )
        chosen[taken] = 1
        return chosen

    def _stranded_pin(self) -> bool:
        """Whether a pinned candidate has no eligible pair at all."""
        pinned = {self.scenario.candidate_index[p.candidate] for p in self.scenario.pins}
        return bool(pinned - set(np.unique(self.pairs.candidate).tolist()))

    def _direct_network(self) -> _Network:
        """The network with one arc per pair, for costs that differ among pooled people."""
        if self._unpooled is None:
            self._unpooled = self._network(Pools.of(self.scenario, self.pairs, enabled=False))
        return self._unpooled

    def _network(self, pools: Pools) -> _Network:
        """Every arc, in named segments (tail, head, lower, upper); each group rule's catalogue entry
        names the segments that carry it and supplies their bounds."""
        scenario, pairs = self.scenario, self.pairs
        agencies, communes, shortages = len(self.agencies), len(self.communes), len(scenario.shortages)
        everyone = np.unique(pairs.candidate)
        people = np.setdiff1d(everyone, pools.flocked, assume_unique=True)
        agency_node = 2 + np.arange(agencies)
        commune_node = 2 + agencies + np.arange(communes)
        shortage_node = 2 + agencies + communes + np.arange(shortages)
        base = 2 + agencies + communes + shortages
        person_node = np.full(len(scenario.candidates), -1, dtype=np.int64)
        person_node[people] = base + np.arange(len(people))
        hub_node = base + len(people) + np.arange(pools.chains * MAX_LEVEL).reshape(pools.chains, MAX_LEVEL)
        chain_agency = np.zeros(pools.chains, dtype=np.int64)
        chain_agency[pools.entry_chain] = self.candidate_agency[pools.entry_candidate]
        flock_agency = self.candidate_agency[[members[0] for members in pools.flock_members]].reshape(-1)
        chain_agency[pools.flock_chain] = flock_agency
        node_part = np.concatenate(
            [
                [0, 0],
                self.part[:agencies],
                self.part[agencies:],
                self.part[agencies + self.shortage_commune],
                self.part[self.candidate_agency[people]],
                np.repeat(self.part[chain_agency], MAX_LEVEL),
            ]
        ).astype(np.int64)
        pinned = PIN.pinned(scenario)
        direct = pools.direct
        chain_down = np.repeat(np.arange(pools.chains), MAX_LEVEL - 1)
        level_down = np.tile(np.arange(MAX_LEVEL, 1, -1), pools.chains)
        seats = SHORTAGE_SEATS.limits(scenario)
        floors = MIN_COVERAGE.floors(scenario)
        capacity = COMMUNE_CAPACITY.limits(scenario)
        first, rest = np.flatnonzero(capacity > 0), np.flatnonzero(capacity > 1)
        hub_tail = hub_node[pools.arc_chain, pools.arc_level - 1]
        segments = {
            "release": (np.full(agencies, SOURCE), agency_node, 0, AGENCY_RELEASE.limits(scenario)),
            "person": (
                agency_node[self.candidate_agency[people]],
                person_node[people],
                pinned[people],
                ONE_SEAT_PER_PERSON.limits(scenario)[people],
            ),
            "flock": (
                agency_node[flock_agency],
                hub_node[pools.flock_chain, pools.flock_level - 1],
                0,
                [len(members) for members in pools.flock_members],
            ),
            "entry": (
                person_node[pools.entry_candidate],
                hub_node[pools.entry_chain, pools.entry_level - 1],
                0,
                1,
            ),
            "hub_chain": (
                hub_node[chain_down, level_down - 1],
                hub_node[chain_down, level_down - 2],
                0,
                len(everyone),
            ),
            "hub": (hub_tail, shortage_node[pools.arc_shortage], 0, seats[pools.arc_shortage]),
            "own": (
                person_node[pairs.candidate[direct]],
                shortage_node[pairs.shortage[direct]],
                0,
                self.allowed[direct],
            ),
            "opened": (
                shortage_node,
                commune_node[self.shortage_commune],
                np.minimum(floors, 1),
                np.minimum(seats, 1),
            ),
            "seats": (
                shortage_node,
                commune_node[self.shortage_commune],
                np.maximum(floors - 1, 0),
                seats - 1,
            ),
            "first": (commune_node[first], np.full(len(first), SINK), 0, 1),
            "rest": (commune_node[rest], np.full(len(rest), SINK), 0, capacity[rest] - 1),
        }
        ends = np.cumsum([0] + [len(tail) for tail, *_ in segments.values()]).tolist()
        span = {name: slice(a, b) for name, (a, b) in zip(segments, pairwise(ends), strict=True)}
        arcs = segments.values()
        tail = np.concatenate([tail for tail, *_ in arcs]).astype(np.int64)
        head = np.concatenate([head for _, head, *_ in arcs]).astype(np.int64)
        found, arc_batch = batches(tail, head, node_part)
        return _Network(
            pools=pools,
            direct=direct,
            tail=tail,
            head=head,
            lower=np.concatenate([np.broadcast_to(lo, len(t)) for t, _, lo, _ in arcs]).astype(np.int64),
            upper=np.concatenate([np.broadcast_to(up, len(t)) for t, _, _, up in arcs]).astype(np.int64),
            span=span,
            first_commune=first,
            rest_commune=rest,
            pair_shortage=np.r_[pools.arc_shortage, pairs.shortage[direct]].astype(np.int64),
            pair_agency=self.candidate_agency[
                np.r_[pools.arc_candidate, pairs.candidate[direct]].astype(np.int64)
            ],
            batches=found,
            arc_batch=arc_batch,
        )
