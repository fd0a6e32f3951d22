"""A first plan for CP-SAT from the flow engine: one seat each, then the extra seats people may take.

Every plan of the one-seat network meets every hard rule with `max_posts` too (a person in one
seat is in one commune, and counts once everywhere), so its coverage-then-distance optimum is a
valid start. Those who may fill more seats then take, in the commune they are in, the free seats of
other shortages they are eligible for: a max-flow of least cost (most priority) from them to those
seats. On a scenario where everyone fills one seat the start is already the optimum of its
coverage and distance stages.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs
from optimizer.flow import FlowModel
from optimizer.objectives import coverage, distance


def warm_start(scenario: Scenario, pairs: Pairs, index: PairIndex) -> np.ndarray | None:
    """A plan that meets every hard rule, or None when the flow finds none (or cannot fold the costs)."""
    gain = coverage(scenario, pairs)
    travel = distance(pairs)
    try:
        chosen = FlowModel(scenario, pairs).solve([(-gain.pair_weights, 0), (travel.pair_weights, 0)])
    except OverflowError:
        return None
    if chosen is None:
        return None
    if index.posts.size and index.posts.max() > 1:
        chosen = _extra_seats(scenario, pairs, index, chosen, gain.pair_weights)
    return chosen


def _extra_seats(
    scenario: Scenario, pairs: Pairs, index: PairIndex, chosen: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """Add the best free seats that seconded people may also fill in their own commune."""
    cells = index.cells
    occupied = cells.occupied(chosen)
    room = (
        index.posts[pairs.candidate] - np.bincount(pairs.candidate, chosen, len(index.posts))[pairs.candidate]
    )
    seats = np.array([s.seats for s in scenario.shortages], dtype=np.int64)
    free = seats - np.bincount(pairs.shortage, chosen, len(seats)).astype(np.int64)
    pinned = {scenario.candidate_index[p.candidate] for p in scenario.pins if p.specialty is not None}
    pinned_free = np.array([c not in pinned for c in pairs.candidate.tolist()], dtype=bool)
    open_pairs = np.flatnonzero(
        occupied[cells.of_pair] & (chosen == 0) & (room > 0) & (free[pairs.shortage] > 0) & pinned_free
    )
    if not len(open_pairs):
        return chosen
    people, person = np.unique(pairs.candidate[open_pairs], return_inverse=True)
    wanted, short = np.unique(pairs.shortage[open_pairs], return_inverse=True)
    solver = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    person_node = 2 + np.arange(len(people))
    short_node = 2 + len(people) + np.arange(len(wanted))
    tails = np.r_[np.full(len(people), source), person_node[person.reshape(-1)], short_node]
    heads = np.r_[person_node, short_node[short.reshape(-1)], np.full(len(wanted), sink)]
    capacity = np.r_[
        index.posts[people] - np.bincount(pairs.candidate, chosen, len(index.posts))[people],
        np.ones(len(open_pairs), dtype=np.int64),
        free[wanted],
    ]
    cost = np.r_[
        np.zeros(len(people), dtype=np.int64), -weight[open_pairs], np.zeros(len(wanted), dtype=np.int64)
    ]
    solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacity.astype(np.int64), cost.astype(np.int64)
    )
    total = int(capacity[: len(people)].sum())
    solver.set_nodes_supplies(
        np.array([source, sink], dtype=np.int32), np.array([total, -total], dtype=np.int64)
    )
    solver.solve_max_flow_with_min_cost()
    flows = np.array(solver.flows(np.arange(len(people), len(people) + len(open_pairs), dtype=np.int32)))
    extended = chosen.copy()
    extended[open_pairs[flows > 0]] = 1
    return extended
