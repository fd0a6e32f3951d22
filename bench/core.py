"""The core rules as plain arrays over the eligible pairs, shared by the reference solvers.

Numpy only: the HiGHS worker imports this but must never import OR-Tools (their bundled HiGHS
libraries clash).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.scenario import Scenario
from optimizer.eligibility import Pairs, eligible_pairs

METRES_PER_KM = 1000


@dataclass(frozen=True)
class Core:
    """Pairs with their agency, commune, priority and metres; the limits of every other hard rule."""

    candidate: np.ndarray
    shortage: np.ndarray
    agency: np.ndarray
    commune: np.ndarray
    priority: np.ndarray
    metres: np.ndarray
    allowed: np.ndarray
    pinned: np.ndarray
    pins: list[np.ndarray]
    seats: np.ndarray
    shortage_commune: np.ndarray
    floor: np.ndarray
    capacity: np.ndarray
    release: np.ndarray
    candidates: int

    @classmethod
    def of(cls, scenario: Scenario, pairs: Pairs | None = None) -> Core:
        """The core rules of a scenario (pins and min_coverage floors included)."""
        pairs = eligible_pairs(scenario) if pairs is None else pairs
        agencies = {a.id: i for i, a in enumerate(scenario.agencies)}
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        shortage_commune = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)
        candidate_agency = np.array([agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64)
        allowed = np.ones(len(pairs), dtype=bool)
        pins = []
        for pin in scenario.pins:
            c = scenario.candidate_index[pin.candidate]
            mine = np.flatnonzero(pairs.candidate == c)
            match = np.array(
                [
                    scenario.shortages[s].commune_id == pin.commune
                    and pin.specialty in (None, scenario.shortages[s].specialty)
                    for s in pairs.shortage[mine].tolist()
                ],
                dtype=bool,
            )
            allowed[mine[~match]] = False
            pins.append(mine[match])
        floor = np.zeros(len(scenario.shortages), dtype=np.int64)
        for rule in scenario.policy.min_coverage:
            for commune_id in scenario.floor_communes(rule):
                s = scenario.shortage_index.get((commune_id, rule.specialty))
                if s is not None:
                    floor[s] = max(floor[s], min(rule.at_least, scenario.shortages[s].seats))
        return cls(
            candidate=pairs.candidate,
            shortage=pairs.shortage,
            agency=candidate_agency[pairs.candidate],
            commune=shortage_commune[pairs.shortage],
            priority=np.array([s.priority for s in scenario.shortages], dtype=np.int64)[pairs.shortage],
            metres=np.round(pairs.km * METRES_PER_KM).astype(np.int64),
            allowed=allowed,
            pinned=np.unique([scenario.candidate_index[p.candidate] for p in scenario.pins]).astype(np.int64),
            pins=pins,
            seats=np.array([s.seats for s in scenario.shortages], dtype=np.int64),
            shortage_commune=shortage_commune,
            floor=floor,
            capacity=np.array([c.capacity for c in scenario.communes], dtype=np.int64),
            release=np.array([a.max_release for a in scenario.agencies], dtype=np.int64),
            candidates=len(scenario.candidates),
        )

    def values(self, chosen: np.ndarray) -> dict[str, float]:
        """Coverage and distance (km) of a 0/1 choice of pairs."""
        picked = np.asarray(chosen) > 0.5
        return {
            "coverage": int(self.priority[picked].sum()),
            "distance_km": int(self.metres[picked].sum()) / METRES_PER_KM,
        }

    def violations(self, chosen: np.ndarray) -> int:
        """How many core rules a 0/1 choice breaks (a sanity check on every reference answer)."""
        x = (np.asarray(chosen) > 0.5).astype(np.int64)
        count = int((x > self.allowed).sum())
        count += int((np.bincount(self.candidate, x, self.candidates) > 1).sum())
        filled = np.bincount(self.shortage, x, len(self.seats))
        count += int(((filled > self.seats) | (filled < self.floor)).sum())
        count += int((np.bincount(self.commune, x, len(self.capacity)) > self.capacity).sum())
        count += int((np.bincount(self.agency, x, len(self.release)) > self.release).sum())
        return count + sum(int(x[p].sum() != 1) for p in self.pins)
