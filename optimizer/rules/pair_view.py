"""What the per-pair rules read: the scenario as arrays, and a block of holders x shortages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.scenario import Candidate, Scenario

CAP_TOLERANCE = 1e-9


def is_available(scenario: Scenario, candidate: Candidate) -> bool:
    """Whether the candidate's availability covers the whole secondment period."""
    period = scenario.period
    if period is None:
        return True
    starts_in_time = candidate.available_from is None or candidate.available_from <= period.start
    stays_long_enough = candidate.available_to is None or candidate.available_to >= period.end
    return starts_in_time and stays_long_enough


@dataclass(frozen=True)
class PairTable:
    """What the per-pair rules read of a scenario, as arrays, computed once."""

    scenario: Scenario
    available: np.ndarray
    personal: np.ndarray
    home: np.ndarray
    """Each candidate's home commune as a commune position (-1: none)."""
    commune: np.ndarray
    """Each shortage's commune position."""
    min_level: np.ndarray
    forbid_candidate: np.ndarray
    forbid_commune: np.ndarray
    forbid_specialty: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> PairTable:
        """Encode candidates, shortages and forbids (those naming a known candidate and commune)."""
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        people = scenario.candidate_index
        known = [f for f in scenario.forbid if f.candidate in people and f.commune in communes]
        return cls(
            scenario=scenario,
            available=np.array([is_available(scenario, c) for c in scenario.candidates], dtype=bool),
            personal=np.array([c.max_distance_km or np.inf for c in scenario.candidates], dtype=float),
            home=np.array([communes.get(c.home_commune_id or "", -1) for c in scenario.candidates]),
            commune=np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64),
            min_level=np.array([s.min_level for s in scenario.shortages], dtype=np.int64),
            forbid_candidate=np.array([people[f.candidate] for f in known], dtype=np.int64),
            forbid_commune=np.array([communes[f.commune] for f in known], dtype=np.int64),
            forbid_specialty=np.array([f.specialty for f in known], dtype=object),
        )


@dataclass(frozen=True)
class PairView:
    """Holders of one specialty (rows) against shortages in it (columns), with their travel.

    `km` and `minutes` may hold one row per distinct origin: `origin` gives each holder's row.
    """

    table: PairTable
    specialty: str
    candidate: np.ndarray
    level: np.ndarray
    shortage: np.ndarray
    km: np.ndarray
    minutes: np.ndarray
    origin: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """Holders x shortages."""
        return (len(self.candidate), len(self.shortage))
