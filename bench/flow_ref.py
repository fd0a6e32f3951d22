"""The limit: one OR-Tools min-cost flow over the plain pair network (one arc per eligible pair)."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from bench.core import Core


def bare_flow(core: Core, with_distance: bool) -> tuple[np.ndarray | None, str]:
    """Max coverage (then, folded with a large weight, min distance) under the core rules."""
    agencies, shortages, communes = len(core.release), len(core.seats), len(core.capacity)
    people = np.unique(core.candidate)
    person = np.full(core.candidates, -1, dtype=np.int64)
    person[people] = 2 + agencies + np.arange(len(people))
    shortage_node = 2 + agencies + len(people) + np.arange(shortages)
    commune_node = 2 + agencies + len(people) + shortages + np.arange(communes)
    nodes = 2 + agencies + len(people) + shortages + communes
    agency_of_person = np.zeros(core.candidates, dtype=np.int64)
    agency_of_person[core.candidate] = core.agency
    pinned = np.isin(people, core.pinned).astype(np.int64)
    if with_distance:
        dearest = np.zeros(core.candidates, dtype=np.int64)
        np.maximum.at(dearest, core.candidate, core.metres)
        cost = -core.priority * (int(dearest.sum()) + 1) + core.metres
    else:
        cost = -core.priority
    segments = [
        (np.zeros(agencies), 2 + np.arange(agencies), 0, core.release, 0),
        (2 + agency_of_person[people], person[people], pinned, 1, 0),
        (person[core.candidate], shortage_node[core.shortage], 0, core.allowed.astype(np.int64), cost),
        (shortage_node, commune_node[core.shortage_commune], core.floor, core.seats, 0),
        (commune_node, np.ones(communes), 0, core.capacity, 0),
        (np.ones(1), np.zeros(1), 0, len(people), 0),
    ]
    tail = np.concatenate([s[0] for s in segments]).astype(np.int32)
    head = np.concatenate([s[1] for s in segments]).astype(np.int32)
    lower = np.concatenate([np.broadcast_to(s[2], len(s[0])) for s in segments]).astype(np.int64)
    upper = np.concatenate([np.broadcast_to(s[3], len(s[0])) for s in segments]).astype(np.int64)
    costs = np.concatenate([np.broadcast_to(s[4], len(s[0])) for s in segments]).astype(np.int64)
    supply = np.bincount(head, lower, nodes) - np.bincount(tail, lower, nodes)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tail, head, upper - lower, costs)
    solver.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supply.astype(np.int64))
    status = solver.solve()
    if status != solver.OPTIMAL:
        return None, "INFEASIBLE" if status == solver.INFEASIBLE else f"status {status}"
    first = len(segments[0][0]) + len(segments[1][0])
    flows = solver.flows(np.arange(first, first + len(core.candidate), dtype=np.int32))
    return flows, "OPTIMAL"
