"""The CP-SAT model: one Boolean per eligible pair and one small method per hard rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.rules import Rule
from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs


@dataclass
class SecondmentModel:
    """Variables and hard rules for one scenario; objectives are added by the stages."""

    scenario: Scenario
    pairs: Pairs
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    rule_switches: dict[tuple[Rule, str], cp_model.IntVar] | None = None

    def __post_init__(self) -> None:
        self.x = [self.model.new_bool_var(f"x{p}") for p in range(len(self.pairs))]
        index = PairIndex.of(self.scenario, self.pairs)
        self.by_candidate = {k: v.tolist() for k, v in index.by_candidate.items()}
        self.by_shortage = {k: v.tolist() for k, v in index.by_shortage.items()}
        self.by_commune = {k: v.tolist() for k, v in index.by_commune.items()}
        self.by_agency = {k: v.tolist() for k, v in index.by_agency.items()}

    def build(self) -> SecondmentModel:
        """Add every hard rule that involves more than one pair."""
        self.add_one_seat_per_person()
        self.add_shortage_seats()
        self.add_commune_capacity()
        self.add_agency_release()
        self.add_pins()
        self.add_min_coverage()
        return self

    def filled(self, shortage: int) -> cp_model.LinearExpr:
        """Seats filled in one shortage."""
        return cp_model.LinearExpr.sum([self.x[p] for p in self.by_shortage.get(shortage, [])])

    def hosted(self, commune_id: str) -> cp_model.LinearExpr:
        """Seconded staff hosted by one commune."""
        return cp_model.LinearExpr.sum([self.x[p] for p in self.by_commune.get(commune_id, [])])

    def released(self, agency_id: str) -> cp_model.LinearExpr:
        """Staff released by one agency."""
        return cp_model.LinearExpr.sum([self.x[p] for p in self.by_agency.get(agency_id, [])])

    def _add(self, rule: Rule, item: str, constraint: cp_model.Constraint) -> None:
        """Record a rule instance; when diagnosing, make it switchable by a literal."""
        if self.rule_switches is not None:
            switch = self.model.new_bool_var(f"{rule}:{item}")
            constraint.only_enforce_if(switch)
            self.rule_switches[(rule, item)] = switch

    def add_one_seat_per_person(self) -> None:
        """A candidate fills at most one seat."""
        for c, ps in self.by_candidate.items():
            if len(ps) > 1:
                self._add(
                    Rule.ONE_SEAT_PER_PERSON,
                    self.scenario.candidates[c].id,
                    self.model.add_at_most_one(self.x[p] for p in ps),
                )

    def add_shortage_seats(self) -> None:
        """A shortage gets at most its number of seats."""
        for s, ps in self.by_shortage.items():
            shortage = self.scenario.shortages[s]
            if len(ps) > shortage.seats:
                self._add(
                    Rule.SHORTAGE_SEATS,
                    f"{shortage.commune_id}/{shortage.specialty}",
                    self.model.add(self.filled(s) <= shortage.seats),
                )

    def add_commune_capacity(self) -> None:
        """A commune hosts at most its capacity."""
        for commune_id, ps in self.by_commune.items():
            capacity = self.scenario.commune_by_id[commune_id].capacity
            if len(ps) > capacity:
                self._add(
                    Rule.COMMUNE_CAPACITY, commune_id, self.model.add(self.hosted(commune_id) <= capacity)
                )

    def add_agency_release(self) -> None:
        """An agency releases at most max_release of its people."""
        for agency_id, ps in self.by_agency.items():
            cap = self.scenario.agency_by_id[agency_id].max_release
            if len(ps) > cap:
                self._add(Rule.AGENCY_RELEASE, agency_id, self.model.add(self.released(agency_id) <= cap))

    def add_pins(self) -> None:
        """Each pinned candidate is seconded to the pinned commune (and specialty, if given)."""
        for n, pin in enumerate(self.scenario.pins):
            matching = [
                p
                for p in self.by_candidate.get(self.scenario.candidate_index[pin.candidate], [])
                if self.scenario.shortages[self.pairs.shortage[p]].commune_id == pin.commune
                and pin.specialty in (None, self.scenario.shortages[self.pairs.shortage[p]].specialty)
            ]
            self._add(
                Rule.PIN,
                f"pins[{n}]",
                self.model.add(cp_model.LinearExpr.sum([self.x[p] for p in matching]) == 1),
            )

    def add_min_coverage(self) -> None:
        """Each selected commune short in the floor's specialty gets at least min(at_least, seats)."""
        for n, floor in enumerate(self.scenario.policy.min_coverage):
            for commune_id in self.scenario.floor_communes(floor):
                key = (commune_id, floor.specialty)
                if key not in self.scenario.shortage_index:
                    continue
                shortage = self.scenario.shortage_by_key[key]
                s = self.scenario.shortage_index[key]
                need = min(floor.at_least, shortage.seats)
                self._add(
                    Rule.MIN_COVERAGE,
                    f"min_coverage[{n}]:{commune_id}/{floor.specialty}",
                    self.model.add(self.filled(s) >= need),
                )
