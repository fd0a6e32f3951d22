"""Hard rules that bound a sum over pairs: seats, capacities, release caps, pins, floors.

Each is one class: its name, statement and place in the scenario, its instances (used alike by
CP-SAT, the flow network and the diagnosis), its CP-SAT row, its description and its relaxation.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from i18n import N_, _
from models.rules import Rule
from models.scenario import CoverageFloor, Pin, Scenario, Shortage
from optimizer.rules.base import GroupRule, Instance, KeptStage

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from models.plan import Plan
    from optimizer.eligibility import PairIndex, Pairs
    from optimizer.model import SecondmentModel
    from optimizer.reasons import Certificate

NONE = np.zeros(0, dtype=np.int64)


class OneSeatPerPerson(GroupRule):
    """A candidate fills at most one seat."""

    name = Rule.ONE_SEAT_PER_PERSON
    statement = N_("A candidate fills at most one seat.")
    where = "candidates.csv id"
    segments = ("person",)

    def limits(self, scenario: Scenario) -> np.ndarray:
        """Seats each candidate may fill."""
        return np.ones(len(scenario.candidates), dtype=np.int64)

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        return [
            Instance(self.name, scenario.candidates[c].id, c, ps, 1)
            for c, ps in index.by_candidate.items()
            if len(ps) > 1
        ]

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add_at_most_one(sm.x[p] for p in instance.pairs.tolist())

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        return _("candidates.csv {candidate}: fills at most one seat").format(candidate=instance.item)


class ShortageSeats(GroupRule):
    """A shortage gets at most its number of seats."""

    name = Rule.SHORTAGE_SEATS
    statement = N_("A shortage gets at most its number of seats.")
    where = "shortages.csv seats"
    segments = ("opened", "seats")

    def limits(self, scenario: Scenario) -> np.ndarray:
        """Seats of each shortage."""
        return np.array([s.seats for s in scenario.shortages], dtype=np.int64)

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        seats = self.limits(scenario).tolist()
        return [
            Instance(self.name, "/".join(scenario.shortages[s].key), s, ps, seats[s])
            for s, ps in index.by_shortage.items()
            if len(ps) > seats[s]
        ]

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add(sm.total(instance.pairs) <= instance.bound)

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        return _("shortages.csv {shortage}: at most {seats} seat(s)").format(
            shortage=instance.item, seats=instance.bound
        )


class CommuneCapacity(GroupRule):
    """A commune hosts at most its capacity."""

    name = Rule.COMMUNE_CAPACITY
    statement = N_("A commune hosts at most its capacity of seconded staff.")
    where = "communes.csv capacity"
    segments = ("first", "rest")

    def limits(self, scenario: Scenario) -> np.ndarray:
        """Capacity of each commune."""
        return np.array([c.capacity for c in scenario.communes], dtype=np.int64)

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        found = []
        for commune_id, ps in index.by_commune.items():
            capacity = scenario.commune_by_id[commune_id].capacity
            if len(ps) > capacity:
                found.append(Instance(self.name, commune_id, commune_id, ps, capacity))
        return found

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add(sm.total(instance.pairs) <= instance.bound)

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        commune = scenario.commune_by_id[str(instance.key)]
        return _("communes.csv {commune} {name}: hosts at most {capacity}").format(
            commune=commune.id, name=commune.name, capacity=commune.capacity
        )

    def at_capacity(self, hosted: int, capacity: int) -> str:
        """Why a commune takes no one more."""
        return _("commune at capacity ({hosted} hosted of {capacity})").format(
            hosted=hosted, capacity=capacity
        )

    def relax(self, scenario: Scenario, certificate: Certificate) -> list[tuple[str, Scenario]]:
        if not certificate.commune_full:
            return []
        commune = scenario.commune_by_id[certificate.shortage.commune_id]
        bigger = commune.model_copy(update={"capacity": commune.capacity + 1})
        communes = tuple(bigger if c.id == commune.id else c for c in scenario.communes)
        change = _("let {commune} host {new} instead of {old}").format(
            commune=commune.name, new=bigger.capacity, old=commune.capacity
        )
        return [(change, scenario.model_copy(update={"communes": communes}))]

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """One more desk in each full commune still lacking someone (in every one when there is no plan)."""
        hosted = Counter(a.commune_id for a in baseline.assignments)
        short = {u.commune_id for u in baseline.unfilled}
        found = []
        for commune in scenario.communes:
            if commune.id not in short or (_solved(baseline) and hosted[commune.id] < commune.capacity):
                continue
            bigger = commune.model_copy(update={"capacity": commune.capacity + 1})
            change = _("{commune} hosts one more ({new} instead of {old})").format(
                commune=commune.name, new=bigger.capacity, old=commune.capacity
            )
            communes = tuple(bigger if c.id == commune.id else c for c in scenario.communes)
            found.append((change, scenario.model_copy(update={"communes": communes})))
        return found


class AgencyRelease(GroupRule):
    """An agency releases at most max_release of its people."""

    name = Rule.AGENCY_RELEASE
    statement = N_("An agency releases at most max_release of its people.")
    where = "agencies.csv max_release"
    segments = ("release",)

    def limits(self, scenario: Scenario) -> np.ndarray:
        """Release cap of each agency."""
        return np.array([a.max_release for a in scenario.agencies], dtype=np.int64)

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        found = []
        for agency_id, ps in index.by_agency.items():
            cap = scenario.agency_by_id[agency_id].max_release
            if len(ps) > cap:
                found.append(Instance(self.name, agency_id, agency_id, ps, cap))
        return found

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add(sm.total(instance.pairs) <= instance.bound)

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        agency = scenario.agency_by_id[str(instance.key)]
        return _("agencies.csv {agency} {name}: releases at most {cap}").format(
            agency=agency.id, name=agency.name, cap=agency.max_release
        )

    def holding_back(self, count: int, agencies: list[str]) -> str:
        """Why eligible, unseconded holders stay home."""
        return _("{count} held back by the release cap of {agencies}").format(
            count=count, agencies=", ".join(agencies)
        )

    def relax(self, scenario: Scenario, certificate: Certificate) -> list[tuple[str, Scenario]]:
        relaxed = []
        for agency_id in sorted({agency for _person, agency in certificate.capped}):
            agency = scenario.agency_by_id[agency_id]
            bigger = agency.model_copy(update={"max_release": agency.max_release + 1})
            agencies = tuple(bigger if a.id == agency_id else a for a in scenario.agencies)
            change = _("let {agency} release {new} instead of {old}").format(
                agency=agency_id, new=bigger.max_release, old=agency.max_release
            )
            relaxed.append((change, scenario.model_copy(update={"agencies": agencies})))
        return relaxed

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """One more release for each agency whose cap binds (for every one when there is no plan)."""
        released = Counter(a.agency_id for a in baseline.assignments)
        found = []
        for agency in scenario.agencies:
            if _solved(baseline) and released[agency.id] < agency.max_release:
                continue
            bigger = agency.model_copy(update={"max_release": agency.max_release + 1})
            change = _("{agency} releases one more ({new} instead of {old})").format(
                agency=agency.id, new=bigger.max_release, old=agency.max_release
            )
            agencies = tuple(bigger if a.id == agency.id else a for a in scenario.agencies)
            found.append((change, scenario.model_copy(update={"agencies": agencies})))
        return found


def pin_matches(pin: Pin, shortage: Shortage) -> bool:
    """Whether a seat in this shortage keeps the pin."""
    return shortage.commune_id == pin.commune and pin.specialty in (None, shortage.specialty)


class PinRule(GroupRule):
    """Each pinned candidate is seconded to the pinned commune (and specialty, if given)."""

    name = Rule.PIN
    statement = N_("A pinned candidate is seconded to the pinned commune, and specialty if given.")
    where = "scenario.yaml pins"
    segments = ("person", "own")
    family = "pins"

    def without(self, scenario: Scenario) -> Scenario:
        return scenario.model_copy(update={"pins": ()})

    def kept(self, instance: Instance, stage: KeptStage) -> None:
        """A pin holds when its person's one seat is among the pairs that keep it."""
        stage.pair_weights[instance.pairs] += 1

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        found = []
        for n, pin in enumerate(scenario.pins):
            mine = index.by_candidate.get(scenario.candidate_index[pin.candidate], NONE)
            keep = [pin_matches(pin, scenario.shortages[s]) for s in pairs.shortage[mine].tolist()]
            found.append(Instance(self.name, f"pins[{n}]", n, mine[np.array(keep, dtype=bool)], 1))
        return found

    def pinned(self, scenario: Scenario) -> np.ndarray:
        """1 for each pinned candidate, else 0."""
        pinned = np.zeros(len(scenario.candidates), dtype=np.int64)
        pinned[[scenario.candidate_index[p.candidate] for p in scenario.pins]] = 1
        return pinned

    def allowed(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> np.ndarray:
        """Pairs a pinned candidate may still use: only those matching all of their pins."""
        allowed = np.ones(len(pairs), dtype=bool)
        for pin, instance in zip(scenario.pins, self.instances(scenario, pairs, index), strict=True):
            mine = index.by_candidate.get(scenario.candidate_index[pin.candidate], NONE)
            allowed[np.setdiff1d(mine, instance.pairs)] = False
        return allowed

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add(sm.total(instance.pairs) == 1)

    def impossible_alone(self, instance: Instance, pairs: Pairs) -> bool:
        return not len(instance.pairs)

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        pin = scenario.pins[int(instance.key)]  # type: ignore[call-overload]
        fields = {
            "item": instance.item,
            "candidate": pin.candidate,
            "target": f"{pin.commune}/{pin.specialty}" if pin.specialty else pin.commune,
            "commune": pin.commune,
            "specialty": pin.specialty,
        }
        options = [s for s in scenario.shortages if pin_matches(pin, s)]
        held = [s for s in options if s.specialty in scenario.candidate_by_id[pin.candidate].specialties]
        if not options and pin.specialty:
            text = N_(
                "scenario.yaml {item}: {candidate} must go to {target}, "
                "but {commune} has no shortage in {specialty}"
            )
        elif not options:
            text = N_("scenario.yaml {item}: {candidate} must go to {target}, but {commune} has no shortage")
        elif not held:
            fields["specialties"] = " or ".join(s.specialty for s in options)
            text = N_(
                "scenario.yaml {item}: {candidate} must go to {target}, but they do not hold {specialties}"
            )
        else:
            found = [_blocking(scenario, pin.candidate, s) for s in held]
            fields["reasons"] = "; ".join(found)
            text = N_("scenario.yaml {item}: {candidate} must go to {target}, but cannot: {reasons}")
            if not all(found):
                text = N_("scenario.yaml {item}: {candidate} must go to {target}")
        return _(text).format(**fields)

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """Each pin dropped."""
        found = []
        for n, pin in enumerate(scenario.pins):
            change = _("drop pins[{n}] ({candidate} to {commune})").format(
                n=n, candidate=pin.candidate, commune=scenario.commune_by_id[pin.commune].name
            )
            pins = tuple(p for k, p in enumerate(scenario.pins) if k != n)
            found.append((change, scenario.model_copy(update={"pins": pins})))
        return found


def _blocking(scenario: Scenario, candidate_id: str, shortage: Shortage) -> str:
    """The per-pair rules keeping a candidate from one shortage, named ('' when none)."""
    from optimizer.eligibility import Pairs
    from optimizer.reasons import Certifier

    s = scenario.shortage_index[shortage.key]
    certificate = Certifier(scenario, Pairs.empty(), np.zeros(0, dtype=np.int64)).certify(s)
    found = [
        rule for rule, (ids, _values) in certificate.blocked.items() if candidate_id in set(ids.tolist())
    ]
    if candidate_id in certificate.below_level.tolist():
        found.insert(0, Rule.SPECIALTY_LEVEL)
    return ", ".join(found)


class MinCoverage(GroupRule):
    """Each selected commune short in the floor's specialty gets at least min(at_least, seats)."""

    name = Rule.MIN_COVERAGE
    statement = N_("Each commune a floor selects gets at least min(at_least, seats) filled in its specialty.")
    where = "scenario.yaml policy.min_coverage"
    segments = ("opened", "seats")
    family = "min_coverage"

    def without(self, scenario: Scenario) -> Scenario:
        return scenario.model_copy(update={"policy": scenario.policy.model_copy(update={"min_coverage": ()})})

    def kept(self, instance: Instance, stage: KeptStage) -> None:
        """A floor of one seat holds with its shortage's first seat; a larger one all or nothing."""
        _n, s = instance.key  # type: ignore[misc]
        if instance.bound == 1:
            stage.opened_weights[s] += 1
        else:
            stage.needs.append((instance.pairs, instance.bound))

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        found = []
        for n, floor in enumerate(scenario.policy.min_coverage):
            for commune_id in scenario.floor_communes(floor):
                s = scenario.shortage_index.get((commune_id, floor.specialty))
                if s is not None:
                    found.append(
                        Instance(
                            self.name,
                            f"min_coverage[{n}]:{commune_id}/{floor.specialty}",
                            (n, s),
                            index.by_shortage.get(s, NONE),
                            _need(floor, scenario.shortages[s]),
                        )
                    )
        return found

    def floors(self, scenario: Scenario) -> np.ndarray:
        """Lower bound on each shortage: the largest of the floors that select it."""
        need = np.zeros(len(scenario.shortages), dtype=np.int64)
        for floor in scenario.policy.min_coverage:
            for commune_id in scenario.floor_communes(floor):
                s = scenario.shortage_index.get((commune_id, floor.specialty))
                if s is not None:
                    need[s] = max(need[s], _need(floor, scenario.shortages[s]))
        return need

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        return sm.model.add(sm.total(instance.pairs) >= instance.bound)

    def impossible_alone(self, instance: Instance, pairs: Pairs) -> bool:
        return len(np.unique(pairs.candidate[instance.pairs])) < instance.bound

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        n, s = instance.key  # type: ignore[misc]
        floor, shortage = scenario.policy.min_coverage[n], scenario.shortages[s]
        fields = {
            "floor": f"min_coverage[{n}]",
            "label": floor.label,
            "commune": scenario.commune_by_id[shortage.commune_id].name,
            "need": instance.bound,
            "specialty": shortage.specialty,
        }
        if pairs is None:
            text = N_(
                "scenario.yaml policy.{floor} ({label}): {commune} must get at least {need} in {specialty}"
            )
            return _(text).format(**fields)
        from optimizer.reasons import Certifier

        nobody = Certifier(scenario, pairs, np.zeros(len(pairs), dtype=np.int64)).certify(s)
        text = N_(
            "scenario.yaml policy.{floor} ({label}): {commune} must get at least {need} in {specialty}, "
            "but too few candidates can go there: {why}"
        )
        return _(text).format(**fields, why=nobody.summary(scenario))


def _need(floor: CoverageFloor, shortage: Shortage) -> int:
    """What a floor asks of one shortage: at_least, but no more than its seats."""
    return min(floor.at_least, shortage.seats)


def _solved(plan: Plan) -> bool:
    """Whether a plan exists (its assignments show which caps bind)."""
    return plan.status in ("OPTIMAL", "FEASIBLE")


ONE_SEAT_PER_PERSON = OneSeatPerPerson()
SHORTAGE_SEATS = ShortageSeats()
COMMUNE_CAPACITY = CommuneCapacity()
AGENCY_RELEASE = AgencyRelease()
PIN = PinRule()
MIN_COVERAGE = MinCoverage()
GROUP_RULES: tuple[GroupRule, ...] = (
    ONE_SEAT_PER_PERSON,
    SHORTAGE_SEATS,
    COMMUNE_CAPACITY,
    AGENCY_RELEASE,
    PIN,
    MIN_COVERAGE,
)
"""In the order CP-SAT adds them and the diagnosis lists them."""
