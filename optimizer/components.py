"""Independent parts of the network, solved apart: provinces no one can travel between share nothing.

Agencies and communes are joined whenever an eligible pair links them; every node then belongs to
the part of its agency or commune. Each part is its own circulation (through its own copy of the
source and sink), so its costs are folded with weights sized to that part alone. Small parts are
solved together in batches, so a thousand isolated communes cost one solver call, not a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

SOURCE, SINK = 0, 1
BATCH_ARCS = 20_000
"""Parts are gathered into batches of at least this many arcs."""


def parts(agency: np.ndarray, commune: np.ndarray, agencies: int, communes: int) -> np.ndarray:
    """A part number for each agency (first) and each commune (after), joined by the pairs' links."""
    parent = list(range(agencies + communes))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in np.unique(agency * communes + commune).tolist():
        a, b = root(link // communes), root(agencies + link % communes)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.unique([root(x) for x in range(agencies + communes)], return_inverse=True)[1].reshape(-1)


@dataclass(frozen=True)
class Batch:
    """Some parts solved in one call: their arcs and their nodes renumbered from 2 (0, 1: source, sink)."""

    arcs: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    nodes: int


def batches(tail: np.ndarray, head: np.ndarray, node_part: np.ndarray) -> tuple[list[Batch], np.ndarray]:
    """Gather the parts into batches; also the batch of every arc."""
    arc_part = node_part[np.where(tail > SINK, tail, head)]
    sizes = np.bincount(arc_part, minlength=int(node_part.max(initial=0)) + 1)
    batch_of_part = np.zeros(len(sizes), dtype=np.int64)
    batch, filled = 0, 0
    for part, size in enumerate(sizes.tolist()):
        if filled >= BATCH_ARCS:
            batch, filled = batch + 1, 0
        batch_of_part[part] = batch
        filled += size
    node_batch = batch_of_part[node_part]
    local = np.zeros(len(node_part), dtype=np.int64)
    local[SINK] = SINK
    found = []
    for b in range(batch + 1):
        members = np.flatnonzero(node_batch == b)
        members = members[members > SINK]
        local[members] = 2 + np.arange(len(members))
        arcs = np.flatnonzero(batch_of_part[arc_part] == b)
        found.append(
            Batch(
                arcs=arcs,
                tail=np.r_[local[tail[arcs]], SINK].astype(np.int32),
                head=np.r_[local[head[arcs]], SOURCE].astype(np.int32),
                nodes=2 + len(members),
            )
        )
    return found, batch_of_part[arc_part]


def circulate(
    batches: list[Batch], lower: np.ndarray, upper: np.ndarray, cost: np.ndarray
) -> np.ndarray | None:
    """A min-cost circulation of each batch (lower bounds moved into node supplies); None if any has none."""
    if (lower > upper).any():
        return None
    flows = np.zeros(len(lower), dtype=np.int64)
    for batch in batches:
        low = np.r_[lower[batch.arcs], 0]
        room = np.r_[upper[batch.arcs], np.iinfo(np.int32).max] - low
        supply = np.bincount(batch.head, weights=low, minlength=batch.nodes) - np.bincount(
            batch.tail, weights=low, minlength=batch.nodes
        )
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(batch.tail, batch.head, room, np.r_[cost[batch.arcs], 0])
        solver.set_nodes_supplies(np.arange(batch.nodes, dtype=np.int32), supply.astype(np.int64))
        status = solver.solve()
        if status == solver.INFEASIBLE:
            return None
        if status != solver.OPTIMAL:
            raise OverflowError(f"min-cost flow could not solve the network (status {status})")
        flows[batch.arcs] = solver.flows(np.arange(len(batch.arcs), dtype=np.int32)) + low[:-1]
    return flows
