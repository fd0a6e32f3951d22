"""Why a shortage keeps empty seats: each holder of the specialty, classified by what stops them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from i18n import _
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
    below_level: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    blocked: dict[Rule, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """For each per-pair rule: the ids of the holders it keeps out, and their km or minutes."""
    elsewhere: list[tuple[str, Seat]] = field(default_factory=list)
    could_add: list[str] = field(default_factory=list)
    """Seconded to this commune with a seat to spare (max_posts): they could also take this one."""
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
        if len(self.below_level):
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
        for rule, (ids, values) in self.blocked.items():
            parts.append(labels[rule](len(ids), float(values.min())))
        if self.capped:
            agencies = sorted({a for _, a in self.capped})
            parts.append(f"{len(self.capped)} held back by the release cap of {', '.join(agencies[:SHOWN])}")
        if self.could_add:
            parts.append(
                _("{count} seconded here could also take it: {people}").format(
                    count=len(self.could_add), people=", ".join(self.could_add[:SHOWN])
                )
            )
        if self.elsewhere:
            ranked = sorted(self.elsewhere, key=lambda found: (-found[1].priority, found[0]))
            seats = ", ".join(f"{c} at {seat}" for c, seat in ranked[:SHOWN])
            more = f" and {len(self.elsewhere) - SHOWN} more" if len(self.elsewhere) > SHOWN else ""
            parts.append(f"{len(self.elsewhere)} seconded to other seats: {seats}{more}")
        if self.idle and not self.commune_full:
            parts.append(f"{len(self.idle)} eligible left unseconded by the objectives")
        return "; ".join(parts)


class Certifier:
    """Builds certificates for one plan, with the per-candidate and per-specialty arrays computed once."""

    def __init__(self, scenario: Scenario, pairs: Pairs, chosen: np.ndarray) -> None:
        self.scenario, self.pairs = scenario, pairs
        self.travel = Travel(scenario)
        people = scenario.candidates
        self.ids = np.array([c.id for c in people], dtype=object)
        self.origins = np.array([self.travel.origin(c) for c in people]).reshape(len(people), 2)
        self.available = np.array([is_available(scenario, c) for c in people], dtype=bool)
        self.personal = np.array([c.max_distance_km or np.inf for c in people])
        self.homes = np.array([c.home_commune_id or "" for c in people], dtype=object)
        self.holders: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for specialty in {s.specialty for s in scenario.shortages}:
            found = [
                (i, c.specialties[specialty]) for i, c in enumerate(people) if specialty in c.specialties
            ]
            self.holders[specialty] = (
                np.array([i for i, _ in found], dtype=np.int64),
                np.array([level for _, level in found], dtype=np.int64),
            )
        order = np.argsort(pairs.shortage, kind="stable")
        edges = np.searchsorted(pairs.shortage[order], np.arange(len(scenario.shortages) + 1))
        self.pairs_of = [order[edges[s] : edges[s + 1]] for s in range(len(scenario.shortages))]
        taken = chosen.astype(bool)
        self.seats_of: dict[int, list[int]] = defaultdict(list)
        for c, seat in zip(pairs.candidate[taken].tolist(), pairs.shortage[taken].tolist(), strict=True):
            self.seats_of[c].append(seat)
        self.filled = Counter(pairs.shortage[taken].tolist())
        self.hosted: dict[str, int] = defaultdict(int)
        self.released: dict[str, int] = defaultdict(int)
        for c, seats in self.seats_of.items():
            self.hosted[scenario.shortages[seats[0]].commune_id] += 1
            self.released[people[c].agency_id] += 1
        """Capacity and release count people, however many seats each fills."""
        self.seat = np.full(len(people), -1, dtype=np.int64)
        self.seat[list(self.seats_of)] = [seats[0] for seats in self.seats_of.values()]
        self.room = np.array(scenario.posts, dtype=np.int64) - np.bincount(
            pairs.candidate[taken], minlength=len(people)
        )
        """Seats each person may still add in their commune."""
        self.agency_full = np.array(
            [self.released[c.agency_id] >= scenario.agency_by_id[c.agency_id].max_release for c in people],
            dtype=bool,
        )
        self.seats = [Seat(s.commune_id, s.specialty, s.priority) for s in scenario.shortages]

    def certify(self, shortage_index: int) -> Certificate:
        """Classify every holder of the shortage's specialty against it."""
        return self.certify_many([shortage_index])[shortage_index]

    def certify_many(self, indices: list[int]) -> dict[int, Certificate]:
        """Certificates for many shortages, one holders x shortages matrix per specialty."""
        certificates: dict[int, Certificate] = {}
        by_specialty: dict[str, list[int]] = defaultdict(list)
        for s in indices:
            by_specialty[self.scenario.shortages[s].specialty].append(s)
        for specialty, group in by_specialty.items():
            holders, level = self.holders[specialty]
            blocked = self._blocked(holders, level, group) if len(holders) else {}
            ids = self.ids[holders]
            for j, s in enumerate(group):
                shortage = self.scenario.shortages[s]
                commune = self.scenario.commune_by_id[shortage.commune_id]
                certificate = Certificate(
                    shortage,
                    filled=self.filled[s],
                    holders=len(holders),
                    hosted=self.hosted[commune.id],
                    capacity=commune.capacity,
                )
                if len(holders):
                    certificate.below_level = ids[level < shortage.min_level]
                    for rule, (hit, values) in blocked.items():
                        row = hit[j]
                        if row.any():
                            certificate.blocked[rule] = (ids[row], values[j][row])
                    self._classify_eligible(certificate, s)
                certificates[s] = certificate
        return certificates

    def _blocked(
        self, holders: np.ndarray, level: np.ndarray, group: list[int]
    ) -> dict[Rule, tuple[np.ndarray, np.ndarray]]:
        """For each per-pair rule: which qualified holder it keeps from which shortage, and the figure.

        Matrices are shortages x holders, so each shortage's row is contiguous.
        """
        scenario, policy = self.scenario, self.scenario.policy
        shortages = [scenario.shortages[s] for s in group]
        commune_ids = np.array([s.commune_id for s in shortages], dtype=object)
        km, minutes = self._travel(holders, [scenario.commune_by_id[c] for c in commune_ids])
        qualified = level[None, :] >= np.array([s.min_level for s in shortages])[:, None]
        zeros = np.zeros(km.shape)
        forbidden = np.zeros(km.shape, dtype=bool)
        column_of = {candidate: k for k, candidate in enumerate(self.ids[holders].tolist())}
        for f in scenario.forbid:
            if f.candidate in column_of and f.specialty in (None, shortages[0].specialty):
                forbidden[commune_ids == f.commune, column_of[f.candidate]] = True
        home = (self.homes[holders][None, :] == commune_ids[:, None]) & policy.avoid_home_commune
        masks = {
            Rule.MAX_DISTANCE: (km > (policy.max_distance_km or np.inf) + CAP_TOLERANCE, km),
            Rule.MAX_TRAVEL_MINUTES: (
                minutes > (policy.max_travel_minutes or np.inf) + CAP_TOLERANCE,
                minutes,
            ),
            Rule.PERSONAL_DISTANCE: (km > self.personal[holders][None, :] + CAP_TOLERANCE, km),
            Rule.AVAILABILITY: (np.broadcast_to(~self.available[holders][None, :], km.shape), zeros),
            Rule.FORBID: (forbidden, zeros),
            Rule.HOME_COMMUNE: (home, zeros),
        }
        return {rule: (qualified & mask, values) for rule, (mask, values) in masks.items()}

    def _travel(self, holders: np.ndarray, communes: list[Commune]) -> tuple[np.ndarray, np.ndarray]:
        """Km and minutes from each commune (rows) to each holder (columns), measured rows first."""
        points = np.array([(c.lat, c.lon) for c in communes]).reshape(len(communes), 2)
        origins = self.origins[holders]
        km = self.travel.road_km(points, origins[:, 0], origins[:, 1])
        minutes = km / self.scenario.policy.speed_kmh * 60.0
        if self.scenario.distances:
            for j, commune in enumerate(communes):
                for k, i in enumerate(holders.tolist()):
                    measured = self.travel.measured(self.scenario.candidates[i], commune.id)
                    if measured is not None:
                        km[j, k], minutes[j, k] = measured[0], self.travel.minutes(*measured)
        return km, minutes

    def _classify_eligible(self, certificate: Certificate, shortage_index: int) -> None:
        """Eligible holders: seconded here with a seat to spare, seconded elsewhere, held back by
        their agency's cap, or left idle."""
        candidates = self.pairs.candidate[self.pairs_of[shortage_index]]
        seat = self.seat[candidates]
        commune_id = self.scenario.shortages[shortage_index].commune_id
        here = np.array(
            [s >= 0 and self.scenario.shortages[s].commune_id == commune_id for s in seat.tolist()],
            dtype=bool,
        )
        holding = np.array(
            [shortage_index in self.seats_of.get(c, ()) for c in candidates.tolist()], dtype=bool
        )
        spare = here & ~holding & (self.room[candidates] > 0)
        elsewhere = candidates[(seat >= 0) & ~holding & ~spare]
        free = candidates[seat < 0]
        capped = free[self.agency_full[free]]
        certificate.could_add = self.ids[candidates[spare]].tolist()
        certificate.elsewhere = [(self.ids[c], self.seats[self.seat[c]]) for c in elsewhere.tolist()]
        certificate.capped = [(self.ids[c], self.scenario.candidates[c].agency_id) for c in capped.tolist()]
        certificate.idle = self.ids[free[~self.agency_full[free]]].tolist()
