"""Interchangeable candidates pooled: one hub per group, specialty and level instead of arcs per pair.

Candidates of one agency who travel from the same point under the same personal rules reach the
same shortages at the same cost, level permitting. Their pairs collapse into one arc from a hub per
(group, specialty, level) to each shortage; a person enters the hub of their level in each of their
specialties, and each hub passes flow on to the hub one level down. Every member is checked: the
shortages the hubs let them reach must be exactly their own eligible pairs, or they keep their own
arcs; so do the pinned, the forbidden, those with measured rows of their own, those with ranked
preferences when preference is an objective, and groups too small to gain. With
`avoid_home_commune` the home commune joins the group's key. A national scenario's ~1,000,000 pairs
become ~200,000 arcs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from models.scenario import MAX_LEVEL, Objective, Scenario
from optimizer.eligibility import Pairs
from optimizer.travel import Travel


@dataclass(frozen=True)
class Pools:
    """Pooled pairs as hub arcs, and the entries of people into hubs."""

    pooled: np.ndarray
    """Positions of the pairs carried by hub arcs, sorted by arc."""
    starts: np.ndarray
    """Where each arc's pairs start in `pooled`."""
    arc_chain: np.ndarray
    arc_level: np.ndarray
    arc_shortage: np.ndarray
    arc_candidate: np.ndarray
    """A member (the first) whose pair each arc carries."""
    entry_candidate: np.ndarray
    entry_chain: np.ndarray
    entry_level: np.ndarray
    """People with more than one way in: an arc from their own node into each of their hubs."""
    flock_chain: np.ndarray
    flock_level: np.ndarray
    flock_members: list[np.ndarray]
    """People with one way in need no node of their own: one arc per hub carries them all."""
    chains: int
    size: int
    """Number of pairs, pooled or not."""

    @classmethod
    def of(cls, scenario: Scenario, pairs: Pairs, enabled: bool = True) -> Pools:
        """Pool every candidate whose eligible pairs the hubs reproduce exactly (none if not enabled)."""
        group = _groups(scenario, pairs) if enabled else np.full(len(scenario.candidates), -1)
        code = _specialty_codes(scenario)
        held = _holdings(scenario, code, group)
        while True:
            pools, strays, wasteful = cls._build(scenario, pairs, group, code, held)
            if len(strays):
                group[strays] = -1
            elif len(wasteful):
                group[np.isin(group, wasteful)] = -1
            else:
                return pools

    @property
    def direct(self) -> np.ndarray:
        """Positions of the pairs that keep their own arc, ascending."""
        return np.setdiff1d(np.arange(self.size), self.pooled, assume_unique=True)

    @classmethod
    def _build(
        cls,
        scenario: Scenario,
        pairs: Pairs,
        group: np.ndarray,
        code: dict[str, int],
        held: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> tuple[Pools, np.ndarray, np.ndarray]:
        """Hubs for the grouped candidates; the members whose pairs the hubs do not reproduce; the
        groups whose hubs would take no fewer arcs than their members' own pairs."""
        shortages = len(scenario.shortages)
        specialty = np.array([code[s.specialty] for s in scenario.shortages], dtype=np.int64)
        fields = len(code)
        min_level = np.array([s.min_level for s in scenario.shortages], dtype=np.int64)
        pooled = np.flatnonzero(group[pairs.candidate] >= 0)
        keys = group[pairs.candidate[pooled]] * shortages + pairs.shortage[pooled]
        arc_keys, arc_of = np.unique(keys, return_inverse=True)
        arc_of = arc_of.reshape(-1)
        arc_shortage = arc_keys % shortages
        chain_keys, arc_chain = np.unique(
            arc_keys // shortages * fields + specialty[arc_shortage], return_inverse=True
        )
        arc_chain = arc_chain.reshape(-1)
        arc_level = min_level[arc_shortage]
        reach = np.zeros((len(chain_keys), MAX_LEVEL + 1), dtype=np.int64)
        np.add.at(reach, (arc_chain, arc_level), 1)
        reach = np.cumsum(reach, axis=1)
        entries = _entries(group, len(code), held, chain_keys)
        candidate, chain, level = entries
        useful = reach[chain, level] > 0
        candidate, chain, level = candidate[useful], chain[useful], level[useful]
        expected = np.bincount(candidate, weights=reach[chain, level], minlength=len(group))
        actual = np.bincount(pairs.candidate[pooled], minlength=len(group))
        strays = np.flatnonzero((group >= 0) & (expected != actual))
        groups = int(group.max(initial=-1)) + 1
        hub_arcs = np.bincount(arc_keys // shortages, minlength=groups) + np.bincount(
            group[candidate], minlength=groups
        )
        hub_arcs += (MAX_LEVEL - 1) * np.bincount(chain_keys // fields, minlength=groups)
        own_arcs = np.bincount(group[pairs.candidate[pooled]], minlength=groups)
        wasteful = np.flatnonzero((own_arcs > 0) & (hub_arcs >= own_arcs))
        single = np.bincount(candidate, minlength=len(group))[candidate] == 1
        flocks, flock_of = np.unique(chain[single] * (MAX_LEVEL + 1) + level[single], return_inverse=True)
        members = candidate[single]
        flocked = members[np.lexsort((members, flock_of.reshape(-1)))]
        sizes = np.bincount(flock_of.reshape(-1), minlength=len(flocks))
        order = np.argsort(arc_of, kind="stable")
        starts = np.flatnonzero(np.r_[True, arc_of[order][1:] != arc_of[order][:-1]]) if len(order) else order
        pools = cls(
            pooled=pooled[order],
            starts=starts,
            arc_chain=arc_chain,
            arc_level=arc_level,
            arc_shortage=arc_shortage,
            arc_candidate=pairs.candidate[pooled[order][starts]],
            entry_candidate=candidate[~single],
            entry_chain=chain[~single],
            entry_level=level[~single],
            flock_chain=flocks // (MAX_LEVEL + 1),
            flock_level=flocks % (MAX_LEVEL + 1),
            flock_members=[flocked[a:b] for a, b in pairwise(np.r_[0, np.cumsum(sizes)].tolist())],
            chains=len(chain_keys),
            size=len(pairs),
        )
        return pools, strays, wasteful

    def arc_costs(self, pair_cost: np.ndarray) -> np.ndarray | None:
        """Each hub arc's cost, or None when its pairs do not all cost the same."""
        if not len(self.pooled):
            return np.zeros(0, dtype=np.int64)
        costs = pair_cost[self.pooled]
        low = np.minimum.reduceat(costs, self.starts)
        if (np.maximum.reduceat(costs, self.starts) != low).any():
            return None
        return low

    @property
    def flocked(self) -> np.ndarray:
        """Candidates carried by flock arcs (they have no node of their own)."""
        return np.concatenate([np.zeros(0, dtype=np.int64), *self.flock_members])

    def assign(
        self, pairs: Pairs, entry_flow: np.ndarray, flock_flow: np.ndarray, arc_flow: np.ndarray
    ) -> np.ndarray:
        """The pairs of a hub flow: within a chain, people and seats both sorted by level, matched in turn.

        In a chain, at least as many people enter at level L or above as seats of level L or above
        are filled (the flow runs only downwards), so the k-th person holds the k-th seat's level.
        A flock sends its first members, as many as its arc carries.
        """
        on = np.flatnonzero(entry_flow > 0)
        sent = np.flatnonzero(flock_flow > 0).tolist()
        candidate = np.concatenate(
            [self.entry_candidate[on], *(self.flock_members[f][: flock_flow[f]] for f in sent)]
        )
        chain = np.concatenate(
            [self.entry_chain[on], *(np.full(flock_flow[f], self.flock_chain[f]) for f in sent)]
        )
        level = np.concatenate(
            [self.entry_level[on], *(np.full(flock_flow[f], self.flock_level[f]) for f in sent)]
        )
        people = np.lexsort((candidate, -level, chain))
        seats = np.repeat(np.arange(len(arc_flow)), arc_flow)
        seats = seats[np.lexsort((self.arc_shortage[seats], -self.arc_level[seats], self.arc_chain[seats]))]
        if not np.array_equal(chain[people], self.arc_chain[seats]):
            raise RuntimeError("hub flow does not balance within its chains")
        shortages = np.int64(max(int(pairs.shortage.max(initial=0)) + 1, 1))
        wanted = candidate[people].astype(np.int64) * shortages + self.arc_shortage[seats]
        keys = pairs.candidate * shortages + pairs.shortage
        found = np.searchsorted(keys, wanted)
        if not np.array_equal(keys[np.minimum(found, len(keys) - 1)], wanted):
            raise RuntimeError("a hub seat went to a person who is not eligible for it")
        return found


def _specialty_codes(scenario: Scenario) -> dict[str, int]:
    """A number for each specialty someone is short of (in order of first appearance)."""
    codes: dict[str, int] = {}
    for shortage in scenario.shortages:
        codes.setdefault(shortage.specialty, len(codes))
    return codes


def _groups(scenario: Scenario, pairs: Pairs) -> np.ndarray:
    """A group per candidate with pairs (-1: keeps their own arcs): agency, origin and personal rules.

    A group of one gains nothing and is not formed.
    """
    single = {pin.candidate for pin in scenario.pins} | {f.candidate for f in scenario.forbid}
    single |= {source for source, _ in scenario.measured}
    ranked = Objective.PREFERENCE in scenario.policy.objectives
    avoid_home = scenario.policy.avoid_home_commune
    travel = Travel(scenario)
    codes: dict[tuple, int] = {}
    group = np.full(len(scenario.candidates), -1, dtype=np.int64)
    for c in np.unique(pairs.candidate).tolist():
        person = scenario.candidates[c]
        if person.id in single or (ranked and person.preferences):
            continue
        key = (
            person.agency_id,
            travel.origin(person),
            person.max_distance_km,
            person.home_commune_id if avoid_home else None,
        )
        group[c] = codes.setdefault(key, len(codes))
    members = np.bincount(group[group >= 0], minlength=len(codes) + 1)  # the last count (0) serves -1
    group[members[group] == 1] = -1
    return group


def _holdings(
    scenario: Scenario, code: dict[str, int], group: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate, specialty code, level) for every specialty a grouped person holds that is short."""
    rows = [
        (c, code[name], level)
        for c in np.flatnonzero(group >= 0).tolist()
        for name, level in scenario.candidates[c].specialties.items()
        if name in code
    ]
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return table[:, 0], table[:, 1], table[:, 2]


def _entries(
    group: np.ndarray, fields: int, held: tuple[np.ndarray, np.ndarray, np.ndarray], chain_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate, chain, level) for each grouped person and each of their specialties with a chain."""
    candidate, specialty, level = held
    keep = group[candidate] >= 0
    candidate, specialty, level = candidate[keep], specialty[keep], level[keep]
    keys = group[candidate] * fields + specialty
    chain = np.searchsorted(chain_keys, keys)
    found = chain < len(chain_keys)
    found[found] = chain_keys[chain[found]] == keys[found]
    return candidate[found], chain[found], level[found]
