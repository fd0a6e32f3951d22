"""Why a shortage keeps empty seats: each holder of the specialty, classified by what stops them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from models.rules import Rule
from models.scenario import Commune, Scenario, Shortage
from optimizer.eligibility import CAP_TOLERANCE, Pairs, is_available
from optimizer.travel import Travel

SHOWN = 3


@dataclass(frozen=True)
class Seat:
    """Where a seconded person sits: commune, specialty and that shortage's priority."""

    commune_id: str
    specialty: str
    priority: int

    def __str__(self) -> str:
        return f"{self.commune_id}/{self.specialty} (priority {self.priority})"


@dataclass
class Certificate:
    """The holders of a short specialty and what keeps each of them from the empty seats."""

    shortage: Shortage
    filled: int
    holders: int = 0
    below_level: list[str] = field(default_factory=list)
    blocked: dict[Rule, list[tuple[str, float]]] = field(default_factory=lambda: defaultdict(list))
    elsewhere: list[tuple[str, Seat]] = field(default_factory=list)
    capped: list[tuple[str, str]] = field(default_factory=list)
    idle: list[str] = field(default_factory=list)
    hosted: int = 0
    capacity: int = 0

    @property
    def missing(self) -> int:
        """Seats still empty."""
        return self.shortage.seats - self.filled

    @property
    def commune_full(self) -> bool:
        """Whether the commune hosts as many as it can."""
        return self.hosted >= self.capacity

    def summary(self, scenario: Scenario) -> str:
        """One line a planner can read, most decisive cause first."""
        s = self.shortage
        if not self.holders:
            return f"no candidate holds {s.specialty}"
        parts = []
        if self.commune_full:
            parts.append(f"commune at capacity ({self.hosted} hosted of {self.capacity})")
        if self.below_level:
            parts.append(f"{len(self.below_level)} hold {s.specialty} below level {s.min_level}")
        policy = scenario.policy
        labels = {
            Rule.MAX_DISTANCE: lambda n, x: (
                f"{n} beyond the {policy.max_distance_km:g} km cap (nearest {x:.0f} km)"
            ),
            Rule.MAX_TRAVEL_MINUTES: lambda n, x: (
                f"{n} beyond the {policy.max_travel_minutes:g} min cap (nearest {x:.0f} min)"
            ),
            Rule.PERSONAL_DISTANCE: lambda n, x: f"{n} beyond their personal distance cap",
            Rule.AVAILABILITY: lambda n, x: f"{n} not available for the whole period",
            Rule.FORBID: lambda n, x: f"{n} forbidden here",
            Rule.HOME_COMMUNE: lambda n, x: f"{n} from this commune (home-commune rule)",
        }
        for rule, found in self.blocked.items():
            parts.append(labels[rule](len(found), min(value for _, value in found)))
        if self.capped:
            agencies = sorted({a for _, a in self.capped})
            parts.append(f"{len(self.capped)} held back by the release cap of {', '.join(agencies[:SHOWN])}")
        if self.elsewhere:
            ranked = sorted(self.elsewhere, key=lambda found: (-found[1].priority, found[0]))
            seats = ", ".join(f"{c} at {seat}" for c, seat in ranked[:SHOWN])
            more = f" and {len(self.elsewhere) - SHOWN} more" if len(self.elsewhere) > SHOWN else ""
            parts.append(f"{len(self.elsewhere)} seconded to other seats: {seats}{more}")
        if self.idle and not self.commune_full:
            parts.append(f"{len(self.idle)} eligible left unseconded by the objectives")
        return "; ".join(parts)


class Certifier:
    """Builds certificates for one plan, with the per-candidate arrays computed once."""

    def __init__(self, scenario: Scenario, pairs: Pairs, chosen: np.ndarray) -> None:
        self.scenario, self.pairs = scenario, pairs
        self.travel = Travel(scenario)
        people = scenario.candidates
        self.origins = np.array([self.travel.origin(c) for c in people]).reshape(len(people), 2)
        self.available = np.array([is_available(scenario, c) for c in people], dtype=bool)
        self.personal = np.array([c.max_distance_km or np.inf for c in people])
        self.homes = np.array([c.home_commune_id or "" for c in people], dtype=object)
        taken = chosen.astype(bool)
        self.seat_of = dict(zip(pairs.candidate[taken].tolist(), pairs.shortage[taken].tolist(), strict=True))
        self.hosted: dict[str, int] = defaultdict(int)
        self.released: dict[str, int] = defaultdict(int)
        for c, seat in self.seat_of.items():
            self.hosted[scenario.shortages[seat].commune_id] += 1
            self.released[people[c].agency_id] += 1

    def certify(self, shortage_index: int) -> Certificate:
        """Classify every holder of the shortage's specialty against it."""
        scenario, shortage = self.scenario, self.scenario.shortages[shortage_index]
        commune = scenario.commune_by_id[shortage.commune_id]
        certificate = Certificate(
            shortage,
            filled=sum(1 for seat in self.seat_of.values() if seat == shortage_index),
            hosted=self.hosted[commune.id],
            capacity=commune.capacity,
        )
        holders = np.array(
            [i for i, c in enumerate(scenario.candidates) if shortage.specialty in c.specialties],
            dtype=np.int64,
        )
        certificate.holders = len(holders)
        if not len(holders):
            return certificate
        ids = [scenario.candidates[i].id for i in holders.tolist()]
        level = np.array([scenario.candidates[i].specialties[shortage.specialty] for i in holders.tolist()])
        certificate.below_level = [ids[k] for k in np.flatnonzero(level < shortage.min_level).tolist()]
        km, minutes = self._travel(holders, commune)
        policy = scenario.policy
        checks = {
            Rule.MAX_DISTANCE: (km, policy.max_distance_km),
            Rule.MAX_TRAVEL_MINUTES: (minutes, policy.max_travel_minutes),
            Rule.PERSONAL_DISTANCE: (km, self.personal[holders]),
        }
        qualified = level >= shortage.min_level
        for rule, (value, cap) in checks.items():
            if cap is not None:
                for k in np.flatnonzero(qualified & (value > np.asarray(cap) + CAP_TOLERANCE)).tolist():
                    certificate.blocked[rule].append((ids[k], float(value[k])))
        for k in np.flatnonzero(qualified & ~self.available[holders]).tolist():
            certificate.blocked[Rule.AVAILABILITY].append((ids[k], 0.0))
        forbidden = {
            f.candidate
            for f in scenario.forbid
            if f.commune == commune.id and f.specialty in (None, shortage.specialty)
        }
        for k in np.flatnonzero(qualified).tolist():
            if ids[k] in forbidden:
                certificate.blocked[Rule.FORBID].append((ids[k], 0.0))
        if policy.avoid_home_commune:
            for k in np.flatnonzero(qualified & (self.homes[holders] == commune.id)).tolist():
                certificate.blocked[Rule.HOME_COMMUNE].append((ids[k], 0.0))
        self._classify_eligible(certificate, shortage_index)
        return certificate

    def _travel(self, holders: np.ndarray, commune: Commune) -> tuple[np.ndarray, np.ndarray]:
        """Km and minutes from each holder to the commune, measured rows first."""
        km = self.travel.estimate_km(self.origins[holders], [commune])[:, 0]
        minutes = km / self.scenario.policy.speed_kmh * 60.0
        if self.scenario.distances:
            for k, i in enumerate(holders.tolist()):
                measured = self.travel.measured(self.scenario.candidates[i], commune.id)
                if measured is not None:
                    km[k], minutes[k] = measured[0], self.travel.minutes(*measured)
        return km, minutes

    def _classify_eligible(self, certificate: Certificate, shortage_index: int) -> None:
        """Eligible holders: seconded elsewhere, held back by their agency's cap, or left idle."""
        scenario = self.scenario
        for c in self.pairs.candidate[self.pairs.shortage == shortage_index].tolist():
            person = scenario.candidates[c]
            seat = self.seat_of.get(c)
            if seat == shortage_index:
                continue
            if seat is not None:
                other = scenario.shortages[seat]
                certificate.elsewhere.append(
                    (person.id, Seat(other.commune_id, other.specialty, other.priority))
                )
            elif self.released[person.agency_id] >= scenario.agency_by_id[person.agency_id].max_release:
                certificate.capped.append((person.id, person.agency_id))
            else:
                certificate.idle.append(person.id)
