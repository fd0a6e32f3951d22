"""Whether some rule instances hold together, decided exactly as a circulation in milliseconds.

The network is the engines' own (source → agency → person → shortage → commune → sink) on the
pairs the instances' pins and floors can use: each cap is an upper bound while its instance is
kept (unbounded once dropped), each floor a lower bound on its shortage, each pin a lower bound
on the arcs that meet it. A person with two pins kept at once does not fit one lower bound; then
the answer is left to CP-SAT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from models.rules import Rule
from optimizer.components import SINK, SOURCE, Batch, circulate

if TYPE_CHECKING:
    from optimizer.conflict_model import ConflictModel, Item


KINDS = {
    Rule.PIN: 0,
    Rule.MIN_COVERAGE: 1,
    Rule.AGENCY_RELEASE: 2,
    Rule.COMMUNE_CAPACITY: 3,
    Rule.ONE_SEAT_PER_PERSON: 4,
    Rule.SHORTAGE_SEATS: 5,
}
BARS = 6


class Bounds:
    """Every item's kind, the node it bounds and its limit, as arrays read by item number."""

    def __init__(self, model: ConflictModel) -> None:
        scenario = model.scenario
        kind, target, limit = [], [], []
        for item in model.items:
            kind.append(KINDS.get(item.rule, BARS))
            limit.append(item.need)
            match item.rule:
                case Rule.PIN | Rule.ONE_SEAT_PER_PERSON:
                    target.append(scenario.candidate_index[item.candidate])
                case Rule.MIN_COVERAGE | Rule.SHORTAGE_SEATS:
                    target.append(scenario.shortage_index[(item.commune, item.specialty)])
                case Rule.AGENCY_RELEASE:
                    target.append(model.agency_index[item.agency])
                case Rule.COMMUNE_CAPACITY:
                    target.append(model.commune_index[item.commune])
                case _:
                    target.append(-1)
        self.kind, self.target, self.limit = (np.array(a, dtype=np.int64) for a in (kind, target, limit))
        self.positions = [
            np.asarray(model.barred[i] if i in model.barred else model.rows[i][0], dtype=np.int64)
            for i in model.items
        ]


def holds(model: ConflictModel, items: list[Item], used: np.ndarray) -> bool | None:
    """True if the items can all hold on the used pairs, False if not, None if this is no network."""
    scenario, bounds = model.scenario, model.bounds
    people, shortages = len(scenario.candidates), len(scenario.shortages)
    agencies, communes = len(scenario.agencies), len(scenario.communes)
    unbounded = len(used) + 1
    numbers = np.array([model.number[i] for i in items], dtype=np.int64)
    kind, target, limit = bounds.kind[numbers], bounds.target[numbers], bounds.limit[numbers]

    def capped(k: int, size: int) -> np.ndarray:
        values = np.full(size, unbounded, dtype=np.int64)
        values[target[kind == k]] = limit[kind == k]
        return values

    release, capacity = capped(2, agencies), capped(3, communes)
    one_seat, seats = capped(4, people), capped(5, shortages)
    need = np.zeros(shortages, dtype=np.int64)
    np.maximum.at(need, target[kind == 1], limit[kind == 1])
    pins = numbers[kind == 0]
    pin_people = target[kind == 0]
    if len(np.unique(pin_people)) < len(pin_people):
        return None
    pinned = np.zeros(people, dtype=bool)
    pinned[pin_people] = True

    def marked(selected: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(model.pairs), dtype=bool)
        if len(selected):
            mask[np.concatenate([bounds.positions[n] for n in selected.tolist()])] = True
        return mask

    barred, meets_pin = marked(numbers[kind == BARS]), marked(pins)
    usable = used[~barred[used]]
    candidate, shortage = model.pair_candidate[usable], model.pair_shortage[usable]
    person_node = 2 + agencies + np.arange(people)
    pin_node = person_node + people
    shortage_node = 2 + agencies + 2 * people + np.arange(shortages)
    commune_node = 2 + agencies + 2 * people + shortages + np.arange(communes)
    if not set(pin_people.tolist()) <= set(candidate[meets_pin[usable]].tolist()):
        return False
    if (need > np.bincount(shortage, minlength=shortages)).any():
        return False
    present = np.unique(candidate)
    wanted = np.unique(np.r_[shortage, np.flatnonzero(need)]).astype(np.int64)
    segments = [
        (np.full(agencies, SOURCE), 2 + np.arange(agencies), 0, release),
        (2 + model.candidate_agency[present], person_node[present], 0, one_seat[present]),
        (person_node[pin_people], pin_node[pin_people], 1, unbounded),
        (
            np.where(meets_pin[usable], pin_node[candidate], person_node[candidate]),
            shortage_node[shortage],
            0,
            1,
        ),
        (shortage_node[wanted], commune_node[model.shortage_commune[wanted]], need[wanted], seats[wanted]),
        (commune_node, np.full(communes, SINK), 0, capacity),
    ]
    tail = np.concatenate([t for t, *_ in segments]).astype(np.int64)
    head = np.concatenate([h for _, h, *_ in segments]).astype(np.int64)
    lower = np.concatenate([np.broadcast_to(lo, len(t)) for t, _, lo, _ in segments]).astype(np.int64)
    upper = np.concatenate([np.broadcast_to(up, len(t)) for t, _, _, up in segments]).astype(np.int64)
    batch = Batch(
        arcs=np.arange(len(tail)),
        tail=np.r_[tail, SINK].astype(np.int32),
        head=np.r_[head, SOURCE].astype(np.int32),
        nodes=2 + agencies + 2 * people + shortages + communes,
    )
    return circulate([batch], lower, upper, np.zeros(len(tail), dtype=np.int64)) is not None
