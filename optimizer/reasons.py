"""Why a shortage keeps empty seats: each holder of the specialty, classified by what stops them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from i18n import _
from models.rules import Rule
from models.scenario import Commune, Scenario, Shortage
from optimizer.eligibility import BLOCK_CELLS, Pairs
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
        return _("{commune}/{specialty} (priority {priority})").format(
            commune=self.commune_id, specialty=self.specialty, priority=self.priority
        )


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

    def summary(self, scenario: Scenario, brief: bool = False) -> str:
        """One line a planner can read, most decisive cause first (brief: counts only)."""
        return self.tally().summary(self.shortage, scenario, brief)

    def tally(self) -> Tally:
        """The counts the summary reports."""
        ranked = sorted(self.elsewhere, key=lambda found: (-found[1].priority, found[0]))
        return Tally(
            holders=self.holders,
            hosted=self.hosted,
            capacity=self.capacity,
            below_level=len(self.below_level),
            blocked={rule: (len(ids), float(values.min())) for rule, (ids, values) in self.blocked.items()},
            capped=len(self.capped),
            capped_agencies=sorted({agency for _person, agency in self.capped}),
            elsewhere=len(self.elsewhere),
            elsewhere_top=ranked[:SHOWN],
            idle=len(self.idle),
            could_add=len(self.could_add),
            could_add_top=sorted(self.could_add)[:SHOWN],
        )


@dataclass(frozen=True)
class Tally:
    """How many holders each cause keeps from a shortage: what its one-line summary says."""

    holders: int
    hosted: int
    capacity: int
    below_level: int
    blocked: dict[Rule, tuple[int, float]]
    """For each per-pair rule that keeps anyone out: how many, and the nearest km or minutes."""
    capped: int
    capped_agencies: list[str]
    elsewhere: int
    elsewhere_top: list[tuple[str, Seat]]
    idle: int
    could_add: int = 0
    could_add_top: list[str] = field(default_factory=list)

    def summary(self, s: Shortage, scenario: Scenario, brief: bool = False) -> str:
        """One line a planner can read, most decisive cause first (brief: counts only)."""
        if not self.holders:
            return _("no candidate holds {specialty}").format(specialty=s.specialty)
        parts = []
        commune_full = self.hosted >= self.capacity
        if commune_full:
            parts.append(COMMUNE_CAPACITY.at_capacity(self.hosted, self.capacity))
        if self.below_level:
            parts.append(SPECIALTY_LEVEL.blocked(scenario, s, self.below_level, 0.0))
        for rule, (count, nearest) in self.blocked.items():
            parts.append(RULE[rule].blocked(scenario, s, count, nearest))  # type: ignore[attr-defined]
        if self.capped:
            parts.append(AGENCY_RELEASE.holding_back(self.capped, self.capped_agencies[:SHOWN]))
        if self.could_add:
            parts.append(
                _("{count} seconded here could also take it: {people}").format(
                    count=self.could_add, people=", ".join(self.could_add_top)
                )
            )
        if self.elsewhere and brief:
            parts.append(_("{count} seconded to other seats").format(count=self.elsewhere))
        elif self.elsewhere:
            seats = ", ".join(
                _("{person} at {seat}").format(person=c, seat=seat) for c, seat in self.elsewhere_top
            )
            if self.elsewhere > SHOWN:
                text = _("{count} seconded to other seats: {seats} and {more} more")
            else:
                text = _("{count} seconded to other seats: {seats}")
            parts.append(text.format(count=self.elsewhere, seats=seats, more=self.elsewhere - SHOWN))
        if self.idle and not commune_full:
            parts.append(_("{count} eligible left unseconded by the objectives").format(count=self.idle))
        return "; ".join(parts)


@dataclass(frozen=True)
class _Eligible:
    """Per shortage: how many eligible holders sit elsewhere, are capped or idle; the first few named."""

    elsewhere: np.ndarray
    capped: np.ndarray
    idle: np.ndarray
    elsewhere_top: dict[int, list[int]]
    capped_agencies: dict[int, list[int]]
    could_add: np.ndarray
    could_add_top: dict[int, list[int]]


def _first_per_group(
    group: np.ndarray, key: np.ndarray, value: np.ndarray | None = None
) -> dict[int, list[int]]:
    """For each group: the values (default: the keys) of its SHOWN smallest keys, smallest first."""
    value = key if value is None else value
    order = np.lexsort((key, group))
    group, value = group[order], value[order]
    start = np.searchsorted(group, group, side="left")
    keep = np.arange(len(group)) - start < SHOWN
    found: dict[int, list[int]] = defaultdict(list)
    for g, v in zip(group[keep].tolist(), value[keep].tolist(), strict=True):
        found[g].append(v)
    return found


class Certifier:
    """Builds certificates for one plan, with the per-candidate and per-specialty arrays computed once."""

    def __init__(self, scenario: Scenario, pairs: Pairs, chosen: np.ndarray) -> None:
        self.scenario, self.pairs = scenario, pairs
        self.travel = Travel(scenario)
        people = scenario.candidates
        self.ids = np.array([c.id for c in people], dtype=object)
        self.origins = np.array([self.travel.origin(c) for c in people]).reshape(len(people), 2)
        self.rules = PairTable.of(scenario)
        found: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, c in enumerate(people):
            for specialty, level in c.specialties.items():
                found[specialty][0].append(i)
                found[specialty][1].append(level)
        self.holders = {
            specialty: (
                np.array(found[specialty][0], dtype=np.int64),
                np.array(found[specialty][1], dtype=np.int64),
            )
            for specialty in {s.specialty for s in scenario.shortages}
        }
        order = np.argsort(pairs.shortage, kind="stable")
        edges = np.searchsorted(pairs.shortage[order], np.arange(len(scenario.shortages) + 1))
        self.pairs_of = [order[edges[s] : edges[s + 1]] for s in range(len(scenario.shortages))]
        taken = chosen.astype(bool)
        cands, seats = pairs.candidate[taken], pairs.shortage[taken]
        self.seat_of = dict(zip(cands[::-1].tolist(), seats[::-1].tolist(), strict=True))
        """Each seconded person's first seat; capacity and release count each person once."""
        self.seats_of: dict[int, list[int]] = defaultdict(list)
        for c, seat in zip(cands.tolist(), seats.tolist(), strict=True):
            self.seats_of[c].append(seat)
        self.filled = Counter(seats.tolist())
        self.held = np.sort(cands.astype(np.int64) * max(len(scenario.shortages), 1) + seats)
        """(candidate, shortage) of every seat filled, as sorted codes."""
        self.room = np.array(scenario.posts, dtype=np.int64) - np.bincount(cands, minlength=len(people))
        """Seats each person may still add in their commune."""
        self.hosted: dict[str, int] = defaultdict(int)
        self.released: dict[str, int] = defaultdict(int)
        for c, seat in self.seat_of.items():
            self.hosted[scenario.shortages[seat].commune_id] += 1
            self.released[people[c].agency_id] += 1
        self.seat = np.full(len(people), -1, dtype=np.int64)
        self.seat[list(self.seat_of)] = list(self.seat_of.values())
        self.seats = [Seat(s.commune_id, s.specialty, s.priority) for s in scenario.shortages]
        communes = {c.id: k for k, c in enumerate(scenario.communes)}
        self.seat_commune = np.array(
            [communes[s.commune_id] for s in scenario.shortages] + [-1], dtype=np.int64
        )
        self.seat_priority = np.array([s.priority for s in scenario.shortages] + [0], dtype=np.int64)
        self.top_priority = int(self.seat_priority.max())
        self.id_rank = np.empty(len(people), dtype=np.int64)
        self.id_rank[sorted(range(len(people)), key=self.ids.__getitem__)] = np.arange(len(people))
        self.agencies_sorted = sorted(a.id for a in scenario.agencies)
        agency_rank = {a: k for k, a in enumerate(self.agencies_sorted)}
        self.agency_rank = np.array([agency_rank[c.agency_id] for c in people], dtype=np.int64)
        released = np.array([self.released[a.id] for a in scenario.agencies], dtype=np.int64)
        position = {a.id: k for k, a in enumerate(scenario.agencies)}
        agency_of = np.array([position[c.agency_id] for c in people], dtype=np.int64)
        self.agency_full = (released >= AGENCY_RELEASE.limits(scenario))[agency_of]
        self.agency_code = self.agency_rank if scenario.distances else np.zeros(len(people), dtype=np.int64)
        self.home_code = self.rules.home if scenario.policy.avoid_home_commune else np.full(len(people), -1)
        named = {f.candidate for f in scenario.forbid} | {origin for origin, _ in scenario.measured}
        self.alone = np.array([c.id in named for c in people], dtype=bool)

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

    def summaries(self, indices: list[int]) -> dict[int, str]:
        """The one-line summary of many shortages, counted in bulk without listing anyone."""
        return {
            s: tally.summary(self.scenario.shortages[s], self.scenario) for s, tally in self.tallies(indices)
        }

    def tallies(self, indices: list[int]) -> list[tuple[int, Tally]]:
        """The tally of each shortage: holders in classes that no rule tells apart, shortages in blocks."""
        found: list[tuple[int, Tally]] = []
        eligible = self._eligible(indices)
        by_specialty: dict[str, list[int]] = defaultdict(list)
        for s in indices:
            by_specialty[self.scenario.shortages[s].specialty].append(s)
        for specialty, group in by_specialty.items():
            holders, level = self.holders[specialty]
            counts: dict[Rule, np.ndarray] = {}
            nearest: dict[Rule, np.ndarray] = {}
            if len(holders):
                reps, weight = self._classes(holders, level)
                size = max(1, BLOCK_CELLS // len(reps))
                parts = [
                    self._counted(holders[reps], level[reps], weight, group[i : i + size])
                    for i in range(0, len(group), size)
                ]
                for rule in parts[0][0]:
                    counts[rule] = np.concatenate([c[rule] for c, _ in parts])
                    nearest[rule] = np.concatenate([n[rule] for _, n in parts])
            below = np.searchsorted(np.sort(level), [self.scenario.shortages[s].min_level for s in group])
            for j, s in enumerate(group):
                blocked = {rule: (int(counts[rule][j]), float(nearest[rule][j])) for rule in counts}
                found.append((s, self._tally(s, len(holders), int(below[j]), blocked, eligible)))
        return found

    def _classes(self, holders: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One representative per class of holders that every per-pair rule treats alike, and class sizes.

        Holders named in a forbid or in a measured-distance row stay alone in their class.
        """
        columns = [
            *self.origins[holders].T,
            level,
            self.rules.personal[holders],
            self.rules.available[holders],
            self.home_code[holders],
            self.agency_code[holders],
            np.where(self.alone[holders], holders, -1),
        ]
        code = np.zeros(len(holders), dtype=np.int64)
        for column in columns:
            _, values = np.unique(column, return_inverse=True)
            _, code = np.unique(code * (int(values.max()) + 1) + values, return_inverse=True)
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        return first, np.bincount(inverse, minlength=len(first))

    def _counted(
        self, reps: np.ndarray, level: np.ndarray, weight: np.ndarray, group: list[int]
    ) -> tuple[dict[Rule, np.ndarray], dict[Rule, np.ndarray]]:
        """For one block of shortages: holders each rule keeps out, and the nearest figure among them."""
        counts, nearest = {}, {}
        for rule, (mask, values) in self._blocked(reps, level, group).items():
            if mask.any():
                counts[rule] = mask.astype(np.int64) @ weight
                nearest[rule] = np.where(mask, values, np.inf).min(axis=1)
            else:
                counts[rule] = np.zeros(len(group), dtype=np.int64)
                nearest[rule] = np.full(len(group), np.inf)
        return counts, nearest

    def _tally(
        self, s: int, holders: int, below: int, blocked: dict[Rule, tuple[int, float]], eligible: _Eligible
    ) -> Tally:
        """A shortage's tally from its per-rule counts and what its eligible holders are doing."""
        commune = self.scenario.commune_by_id[self.scenario.shortages[s].commune_id]
        return Tally(
            holders=holders,
            hosted=self.hosted[commune.id],
            capacity=commune.capacity,
            below_level=below,
            blocked={rule: found for rule, found in blocked.items() if found[0]},
            capped=int(eligible.capped[s]),
            capped_agencies=[self.agencies_sorted[a] for a in eligible.capped_agencies.get(s, [])],
            elsewhere=int(eligible.elsewhere[s]),
            elsewhere_top=[
                (self.ids[c], self.seats[self.seat[c]]) for c in eligible.elsewhere_top.get(s, [])
            ],
            idle=int(eligible.idle[s]),
            could_add=int(eligible.could_add[s]),
            could_add_top=[self.ids[c] for c in eligible.could_add_top.get(s, [])],
        )

    def _eligible(self, indices: list[int]) -> _Eligible:
        """For each shortage: its eligible holders seconded elsewhere, held back by a release cap, or idle."""
        count = len(self.scenario.shortages)
        picked = np.concatenate([self.pairs_of[s] for s in indices]) if indices else np.zeros(0, np.int64)
        candidate, shortage = self.pairs.candidate[picked], self.pairs.shortage[picked]
        seat = self.seat[candidate]
        elsewhere = (seat >= 0) & (seat != shortage)
        free = seat < 0
        capped = free & self.agency_full[candidate]
        rank = (self.top_priority - self.seat_priority[seat]) * len(self.ids) + self.id_rank[candidate]
        agencies = len(self.agencies_sorted)
        code = shortage * agencies + self.agency_rank[candidate]
        shortages = max(count, 1)
        holding = np.isin(candidate.astype(np.int64) * shortages + shortage, self.held)
        commune = self.seat_commune[np.maximum(seat, 0)]
        spare = (seat >= 0) & ~holding & (commune == self.seat_commune[shortage]) & (self.room[candidate] > 0)
        elsewhere &= ~holding & ~spare
        return _Eligible(
            could_add=np.bincount(shortage[spare], minlength=count),
            could_add_top=_first_per_group(shortage[spare], self.id_rank[candidate[spare]], candidate[spare]),
            elsewhere=np.bincount(shortage[elsewhere], minlength=count),
            capped=np.bincount(shortage[capped], minlength=count),
            idle=np.bincount(shortage[free & ~capped], minlength=count),
            elsewhere_top=_first_per_group(shortage[elsewhere], rank[elsewhere], candidate[elsewhere]),
            capped_agencies=_first_per_group(*np.divmod(np.unique(code[capped]), agencies)),
        )

    def _blocked(
        self, holders: np.ndarray, level: np.ndarray, group: list[int]
    ) -> dict[Rule, tuple[np.ndarray, np.ndarray]]:
        """For each per-pair rule: which qualified holder it keeps from which shortage, and the figure.

        Matrices are shortages x holders, so each shortage's row is contiguous.
        """
        view = self.view(holders, level, group)
        km = view.km.T
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

    def view(self, holders: np.ndarray, level: np.ndarray, group: list[int]) -> PairView:
        """Holders of one specialty (rows) against some of its shortages (columns), with their travel."""
        scenario = self.scenario
        shortages = [scenario.shortages[s] for s in group]
        km, minutes = self._travel(holders, [scenario.commune_by_id[s.commune_id] for s in shortages])
        return PairView(
            self.rules,
            shortages[0].specialty,
            holders,
            level,
            np.array(group, dtype=np.int64),
            km.T,
            minutes.T,
            np.arange(len(holders)),
        )

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
        """Eligible holders: seconded here with a seat to spare, seconded elsewhere, held back by their
        agency's cap, or left idle."""
        candidates = self.pairs.candidate[self.pairs_of[shortage_index]]
        seat = self.seat[candidates]
        codes = candidates.astype(np.int64) * max(len(self.scenario.shortages), 1) + shortage_index
        holding = np.isin(codes, self.held)
        here = self.seat_commune[np.maximum(seat, 0)] == self.seat_commune[shortage_index]
        spare = (seat >= 0) & ~holding & here & (self.room[candidates] > 0)
        certificate.could_add = self.ids[candidates[spare]].tolist()
        elsewhere = candidates[(seat >= 0) & ~holding & ~spare]
        free = candidates[seat < 0]
        capped = free[self.agency_full[free]]
        certificate.elsewhere = [(self.ids[c], self.seats[self.seat[c]]) for c in elsewhere.tolist()]
        certificate.capped = [(self.ids[c], self.scenario.candidates[c].agency_id) for c in capped.tolist()]
        certificate.idle = self.ids[free[~self.agency_full[free]]].tolist()
