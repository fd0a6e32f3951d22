"""Eligible candidate x shortage pairs: only these become decision variables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from models.rules import Rule
from models.scenario import Candidate, Scenario, Shortage
from optimizer.travel import Travel

CAP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Pairs:
    """Eligible pairs as parallel arrays, sorted by candidate then shortage index."""

    candidate: np.ndarray
    shortage: np.ndarray
    km: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return len(self.candidate)

    @classmethod
    def empty(cls) -> Pairs:
        """No pairs at all."""
        none = np.array([], dtype=np.int64)
        return cls(none, none, np.array([]), np.array([]))


@dataclass(frozen=True)
class PairIndex:
    """Which pairs belong to each candidate, shortage, commune and agency."""

    by_candidate: dict[int, np.ndarray]
    by_shortage: dict[int, np.ndarray]
    by_commune: dict[str, np.ndarray]
    by_agency: dict[str, np.ndarray]

    @classmethod
    def of(cls, scenario: Scenario, pairs: Pairs) -> PairIndex:
        """Group the pair positions by each key."""
        commune_of = np.array([s.commune_id for s in scenario.shortages], dtype=object)
        agency_of = np.array([c.agency_id for c in scenario.candidates], dtype=object)
        return cls(
            _group(pairs.candidate.tolist()),
            _group(pairs.shortage.tolist()),
            _group(commune_of[pairs.shortage].tolist() if len(pairs) else []),
            _group(agency_of[pairs.candidate].tolist() if len(pairs) else []),
        )


def _group(keys: list) -> dict:
    """Positions of each key, in order."""
    positions: dict = defaultdict(list)
    for position, key in enumerate(keys):
        positions[key].append(position)
    return {key: np.array(found, dtype=np.int64) for key, found in positions.items()}


def is_available(scenario: Scenario, candidate: Candidate) -> bool:
    """Whether the candidate's availability covers the whole secondment period."""
    period = scenario.period
    if period is None:
        return True
    starts_in_time = candidate.available_from is None or candidate.available_from <= period.start
    stays_long_enough = candidate.available_to is None or candidate.available_to >= period.end
    return starts_in_time and stays_long_enough


def eligible_pairs(scenario: Scenario) -> Pairs:
    """Every candidate x shortage pair that satisfies the per-pair hard rules."""
    travel = Travel(scenario)
    by_specialty: dict[str, list[int]] = defaultdict(list)
    for j, shortage in enumerate(scenario.shortages):
        by_specialty[shortage.specialty].append(j)
    parts: list[tuple[np.ndarray, ...]] = []
    for specialty, shortage_ids in sorted(by_specialty.items()):
        holders = [i for i, c in enumerate(scenario.candidates) if specialty in c.specialties]
        if not holders:
            continue
        group = _Group(
            specialty,
            [scenario.candidates[i] for i in holders],
            [scenario.shortages[j] for j in shortage_ids],
        )
        km = travel.estimate_km(
            np.array([travel.origin(c) for c in group.people]),
            [scenario.commune_by_id[s.commune_id] for s in group.shortages],
        )
        minutes = km / scenario.policy.speed_kmh * 60.0
        group.apply_measured(scenario, km, minutes)
        ok = _allowed(scenario, group, km, minutes)
        group.apply_forbids(scenario, ok)
        rows, cols = np.nonzero(ok)
        parts.append(
            (
                np.array(holders)[rows],
                np.array(shortage_ids)[cols],
                km[rows, cols],
                minutes[rows, cols],
            )
        )
    if not parts:
        return Pairs.empty()
    cand, short, km, minutes = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((short, cand))
    return Pairs(cand[order], short[order], km[order], minutes[order])


@dataclass(frozen=True)
class _Group:
    """The holders of one specialty against the shortages in it: rows x columns."""

    specialty: str
    people: list[Candidate]
    shortages: list[Shortage]

    def rows_of(self) -> dict[str, int]:
        """Row of each candidate id."""
        return {p.id: r for r, p in enumerate(self.people)}

    def columns_of(self) -> dict[str, list[int]]:
        """Columns of each commune id."""
        columns: dict[str, list[int]] = defaultdict(list)
        for col, shortage in enumerate(self.shortages):
            columns[shortage.commune_id].append(col)
        return columns

    def apply_measured(self, scenario: Scenario, km: np.ndarray, minutes: np.ndarray) -> None:
        """Overwrite estimates with measured rows: a candidate's own row wins over its agency's."""
        if not scenario.distances:
            return
        rows, columns = self.rows_of(), self.columns_of()
        by_agency: dict[str, list[int]] = defaultdict(list)
        for row, person in enumerate(self.people):
            by_agency[person.agency_id].append(row)
        agency_rows = [d for d in scenario.distances if d.from_id in by_agency]
        own_rows = [d for d in scenario.distances if d.from_id in rows]
        for measured, targets in [(d, by_agency[d.from_id]) for d in agency_rows] + [
            (d, [rows[d.from_id]]) for d in own_rows
        ]:
            for col in columns.get(measured.to_id, []):
                km[targets, col] = measured.km
                minutes[targets, col] = (
                    measured.minutes
                    if measured.minutes is not None
                    else measured.km / scenario.policy.speed_kmh * 60.0
                )

    def apply_forbids(self, scenario: Scenario, ok: np.ndarray) -> None:
        """Clear the pairs the scenario forbids."""
        rows, columns = self.rows_of(), self.columns_of()
        for forbid in scenario.forbid:
            if forbid.candidate in rows and forbid.specialty in (None, self.specialty):
                ok[rows[forbid.candidate], columns.get(forbid.commune, [])] = False


def _allowed(scenario: Scenario, group: _Group, km: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Mask of pairs meeting level, travel caps, availability and the home-commune rule."""
    policy = scenario.policy
    people, shortages, specialty = group.people, group.shortages, group.specialty
    level = np.array([p.specialties[specialty] for p in people])[:, None]
    min_level = np.array([s.min_level for s in shortages])[None, :]
    ok = level >= min_level
    if policy.max_distance_km is not None:
        ok &= km <= policy.max_distance_km + CAP_TOLERANCE
    if policy.max_travel_minutes is not None:
        ok &= minutes <= policy.max_travel_minutes + CAP_TOLERANCE
    personal = np.array([p.max_distance_km or np.inf for p in people])[:, None]
    ok &= km <= personal + CAP_TOLERANCE
    ok &= np.array([is_available(scenario, p) for p in people])[:, None]
    if policy.avoid_home_commune:
        homes = np.array([p.home_commune_id or "" for p in people], dtype=object)[:, None]
        ok &= homes != np.array([s.commune_id for s in shortages], dtype=object)[None, :]
    return ok


def why_not(scenario: Scenario, candidate: Candidate, shortage: Shortage) -> list[tuple[Rule, str]]:
    """The per-pair rules that keep this candidate from this shortage, with the numbers."""
    policy = scenario.policy
    reasons: list[tuple[Rule, str]] = []
    level = candidate.specialties.get(shortage.specialty)
    if level is None:
        reasons.append((Rule.SPECIALTY_LEVEL, f"does not hold {shortage.specialty}"))
    elif level < shortage.min_level:
        reasons.append(
            (
                Rule.SPECIALTY_LEVEL,
                f"level {level} < required {shortage.min_level} in {shortage.specialty}",
            )
        )
    commune = scenario.commune_by_id[shortage.commune_id]
    km, minutes = Travel(scenario).between(candidate, commune)
    if policy.max_distance_km is not None and km > policy.max_distance_km + CAP_TOLERANCE:
        reasons.append((Rule.MAX_DISTANCE, f"{km:.1f} km > policy cap {policy.max_distance_km:g} km"))
    if policy.max_travel_minutes is not None and minutes > policy.max_travel_minutes + CAP_TOLERANCE:
        reasons.append(
            (
                Rule.MAX_TRAVEL_MINUTES,
                f"{minutes:.0f} min > policy cap {policy.max_travel_minutes:g} min",
            )
        )
    if candidate.max_distance_km is not None and km > candidate.max_distance_km + CAP_TOLERANCE:
        reasons.append(
            (Rule.PERSONAL_DISTANCE, f"{km:.1f} km > personal cap {candidate.max_distance_km:g} km")
        )
    if not is_available(scenario, candidate):
        reasons.append(
            (
                Rule.AVAILABILITY,
                f"available {candidate.available_from or '…'} to {candidate.available_to or '…'}",
            )
        )
    if policy.avoid_home_commune and candidate.home_commune_id == shortage.commune_id:
        reasons.append((Rule.HOME_COMMUNE, "it is their home commune"))
    for forbid in scenario.forbid:
        if (forbid.candidate, forbid.commune) == (candidate.id, shortage.commune_id) and (
            forbid.specialty in (None, shortage.specialty)
        ):
            reasons.append((Rule.FORBID, "the pair is forbidden by the scenario"))
    return reasons
