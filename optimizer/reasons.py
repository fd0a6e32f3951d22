"""Why a shortage keeps empty seats: each holder of the specialty, classified by what stops them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from i18n import _
from models.rules import Rule
from models.scenario import Commune, Scenario, Shortage
from optimizer.eligibility import Pairs
from optimizer.rules import RULE
from optimizer.rules.group_rules import AGENCY_RELEASE, COMMUNE_CAPACITY
from optimizer.rules.pair_rules import PAIR_RULES, SPECIALTY_LEVEL
from optimizer.rules.pair_view import PairTable, PairView
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
            return _("no candidate holds {specialty}").format(specialty=s.specialty)
        parts = []
        if self.commune_full:
            parts.append(COMMUNE_CAPACITY.at_capacity(self.hosted, self.capacity))
        if len(self.below_level):
            parts.append(SPECIALTY_LEVEL.blocked(scenario, s, len(self.below_level), 0.0))
        for rule, (ids, values) in self.blocked.items():
            parts.append(RULE[rule].blocked(scenario, s, len(ids), float(values.min())))  # type: ignore[attr-defined]
        if self.capped:
            agencies = sorted({agency for _person, agency in self.capped})
            parts.append(AGENCY_RELEASE.holding_back(len(self.capped), agencies[:SHOWN]))
        if self.elsewhere:
            ranked = sorted(self.elsewhere, key=lambda found: (-found[1].priority, found[0]))
            seats = ", ".join(f"{c} at {seat}" for c, seat in ranked[:SHOWN])
            if len(self.elsewhere) > SHOWN:
                text = _("{count} seconded to other seats: {seats} and {more} more")
            else:
                text = _("{count} seconded to other seats: {seats}")
            parts.append(
                text.format(count=len(self.elsewhere), seats=seats, more=len(self.elsewhere) - SHOWN)
            )
        if self.idle and not self.commune_full:
            parts.append(_("{count} eligible left unseconded by the objectives").format(count=len(self.idle)))
        return "; ".join(parts)


class Certifier:
    """Builds certificates for one plan, with the per-candidate and per-specialty arrays computed once."""

    def __init__(self, scenario: Scenario, pairs: Pairs, chosen: np.ndarray) -> None:
        self.scenario, self.pairs = scenario, pairs
        self.travel = Travel(scenario)
        people = scenario.candidates
        self.ids = np.array([c.id for c in people], dtype=object)
        self.origins = np.array([self.travel.origin(c) for c in people]).reshape(len(people), 2)
        self.rules = PairTable.of(scenario)
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
        self.seat_of = dict(zip(pairs.candidate[taken].tolist(), pairs.shortage[taken].tolist(), strict=True))
        self.filled = Counter(self.seat_of.values())
        self.hosted: dict[str, int] = defaultdict(int)
        self.released: dict[str, int] = defaultdict(int)
        for c, seat in self.seat_of.items():
            self.hosted[scenario.shortages[seat].commune_id] += 1
            self.released[people[c].agency_id] += 1
        self.seat = np.full(len(people), -1, dtype=np.int64)
        self.seat[list(self.seat_of)] = list(self.seat_of.values())
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
        scenario = self.scenario
        shortages = [scenario.shortages[s] for s in group]
        km, minutes = self._travel(holders, [scenario.commune_by_id[s.commune_id] for s in shortages])
        view = PairView(
            self.rules,
            shortages[0].specialty,
            holders,
            level,
            np.array(group, dtype=np.int64),
            km.T,
            minutes.T,
            np.arange(len(holders)),
        )
        qualified = SPECIALTY_LEVEL.keeps(view).T
        nothing = np.zeros(km.shape)
        found = {}
        for rule in PAIR_RULES:
            if rule is SPECIALTY_LEVEL:
                continue
            kept, figure = rule.keeps(view), rule.figure(view)
            blocked = qualified & ~kept.T if kept is not None else np.zeros(km.shape, dtype=bool)
            found[rule.name] = (blocked, nothing if figure is None else figure.T)
        return found

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
        """Eligible holders: seconded elsewhere, held back by their agency's cap, or left idle."""
        candidates = self.pairs.candidate[self.pairs_of[shortage_index]]
        seat = self.seat[candidates]
        elsewhere = candidates[(seat >= 0) & (seat != shortage_index)]
        free = candidates[seat < 0]
        capped = free[self.agency_full[free]]
        certificate.elsewhere = [(self.ids[c], self.seats[self.seat[c]]) for c in elsewhere.tolist()]
        certificate.capped = [(self.ids[c], self.scenario.candidates[c].agency_id) for c in capped.tolist()]
        certificate.idle = self.ids[free[~self.agency_full[free]]].tolist()
