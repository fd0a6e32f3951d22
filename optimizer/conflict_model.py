"""Every hard-rule instance as a switch, on the only pairs that can matter to a conflict.

Only pins and floors demand anything; a pair that neither fills a floor's shortage nor meets its
candidate's pin can always be left out of a plan, so the model holds just the others: eligible
ones, and ineligible ones barred by named per-pair items (a travel cap for one person and commune,
a forbid, the level, availability, the home-commune rule). Background rules (one seat per person,
seats) are switches too, so a conflict names everything that closes its last way out.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.rules import Rule
from models.scenario import Scenario
from optimizer.conflict_flow import Bounds, holds
from optimizer.eligibility import Pairs
from optimizer.reasons import Certifier
from optimizer.rules import PAIR_RULES, Instance

DEMANDS = (Rule.PIN, Rule.MIN_COVERAGE)
PER_PAIR = tuple(rule.name for rule in PAIR_RULES)
NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, eq=True)
class Item:
    """One switchable rule instance: its catalogue instance (which its rule describes) and the fields
    that say where it lives (nothing to parse)."""

    rule: Rule
    item: str
    instance: Instance = field(compare=False, repr=False)
    index: int | None = None
    candidate: str | None = None
    commune: str | None = None
    specialty: str | None = None
    agency: str | None = None
    need: int = 0
    """A cap's limit or a floor's need."""

    def __hash__(self) -> int:
        return hash((self.rule, self.item))


def _item(instance: Instance, **where: object) -> Item:
    """The diagnosis's switch for a catalogue instance."""
    return Item(instance.rule, instance.item, instance, need=instance.bound, **where)  # type: ignore[arg-type]


class Outcome:
    """A feasibility check's answer."""

    FEASIBLE, INFEASIBLE, UNKNOWN = "feasible", "infeasible", "unknown"


class ConflictModel:
    """The demand-relevant pairs and every rule instance over them; each check solves only the
    instances it is given, on the pairs their pins and floors can use."""

    def __init__(self, scenario: Scenario, pairs: Pairs) -> None:
        self.scenario = scenario
        self.rows: dict[Item, tuple[list[int], int, int]] = {}
        """Each demand or cap: its pairs (positions), and the least and most of them that may be chosen."""
        eligible = set(zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True))
        floors = self._floors()
        self.pairs = sorted(self._relevant(floors))
        position = {pair: p for p, pair in enumerate(self.pairs)}
        blocks = self._blocks(set(self.pairs) - eligible, pairs)
        self.barred: dict[Item, list[int]] = defaultdict(list)
        """The pairs each per-pair item keeps out."""
        for pair, items in sorted(blocks.items()):
            for item in items:
                self.barred[item].append(position[pair])
        for n, pin in enumerate(scenario.pins):
            matches = [position[p] for p in self._pin_matches(n)]
            instance = Instance(Rule.PIN, f"pins[{n}]", n, np.array(matches, dtype=np.int64), 1)
            item = _item(
                instance, index=n, candidate=pin.candidate, commune=pin.commune, specialty=pin.specialty
            )
            self.rows[item] = (matches, 1, len(self.pairs))
        into: dict[int, list[int]] = defaultdict(list)
        for p, (_, s) in enumerate(self.pairs):
            into[s].append(p)
        for item, s in floors:
            self.rows[item] = (into[s], item.need, len(self.pairs))
        self._add_caps()
        self.demands = {
            item: np.array(ps, dtype=np.int64)
            for item, (ps, _, _) in self.rows.items()
            if item.rule in DEMANDS
        }
        self.pair_candidate = np.array([c for c, _ in self.pairs], dtype=np.int64)
        self.pair_shortage = np.array([s for _, s in self.pairs], dtype=np.int64)
        self.agency_index = {a.id: i for i, a in enumerate(scenario.agencies)}
        self.commune_index = {c.id: i for i, c in enumerate(scenario.communes)}
        self.candidate_agency = np.array(
            [self.agency_index[c.agency_id] for c in scenario.candidates], dtype=np.int64
        )
        self.shortage_commune = np.array(
            [self.commune_index[s.commune_id] for s in scenario.shortages], dtype=np.int64
        )
        self.number = {item: n for n, item in enumerate(self.items)}
        """Each item's position in `items`, which the circulation check reads its bounds by."""
        self.bounds = Bounds(self)

    @property
    def items(self) -> list[Item]:
        """Every rule instance: pins, floors, per-pair items, caps."""
        demands = [i for i in self.rows if i.rule in DEMANDS]
        return demands + list(self.barred) + [i for i in self.rows if i.rule not in DEMANDS]

    def check(self, items: list[Item], deadline: float) -> tuple[str, list[Item]]:
        """Whether these items hold together; when they cannot, a subset that already cannot (a core).

        Only the pairs the given pins and floors can use are modelled: any other pair can be left
        out of a plan without breaking anything.
        """
        if self.holds(items):
            return Outcome.FEASIBLE, []
        used = self._used(items)
        model = cp_model.CpModel()
        x = {p: model.new_bool_var(f"x{p}") for p in used.tolist()}
        switch = {}
        for item in items:
            switch[item] = literal = model.new_bool_var(item.item)
            if item in self.barred:
                for p in self.barred[item]:
                    if p in x:
                        model.add_implication(literal, x[p].Not())
                continue
            positions, least, most = self.rows[item]
            chosen = [x[p] for p in positions if p in x]
            if least > len(chosen):
                model.add_bool_or([literal.Not()])
            elif least > 0 or most < len(chosen):
                model.add_linear_constraint(cp_model.LinearExpr.sum(chosen), least, most).only_enforce_if(
                    literal
                )
        model.add_assumptions(list(switch.values()))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.01)
        solver.parameters.num_workers = 1
        solver.parameters.cp_model_presolve = False
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            core = set(solver.sufficient_assumptions_for_infeasibility())
            return Outcome.INFEASIBLE, [i for i in items if switch[i].index in core] or items
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Outcome.FEASIBLE, []
        return Outcome.UNKNOWN, []

    def holds(self, items: list[Item]) -> bool | None:
        """Whether these items hold together, decided exactly by a circulation (None: not a network)."""
        return holds(self, items, self._used(items))

    def _used(self, items: list[Item]) -> np.ndarray:
        """The pairs the given pins and floors can use."""
        found = [self.demands[i] for i in items if i.rule in DEMANDS]
        return np.unique(np.concatenate(found)) if found else np.array([], dtype=np.int64)

    def _floors(self) -> list[tuple[Item, int]]:
        """Each floor on each commune it selects that is short in its specialty, and the shortage."""
        scenario, found = self.scenario, []
        for n, floor in enumerate(scenario.policy.min_coverage):
            for commune_id in scenario.floor_communes(floor):
                s = scenario.shortage_index.get((commune_id, floor.specialty))
                if s is not None:
                    need = min(floor.at_least, scenario.shortages[s].seats)
                    item = f"min_coverage[{n}]:{commune_id}/{floor.specialty}"
                    instance = Instance(Rule.MIN_COVERAGE, item, (n, s), NONE, need)
                    found.append((_item(instance, index=n, commune=commune_id, specialty=floor.specialty), s))
        return found

    def _pin_matches(self, n: int) -> list[tuple[int, int]]:
        """The candidate x shortage pairs that would meet pin n, among specialties the person holds."""
        scenario = self.scenario
        pin = scenario.pins[n]
        c = scenario.candidate_index[pin.candidate]
        held = scenario.candidates[c].specialties
        return [
            (c, s)
            for s, shortage in enumerate(scenario.shortages)
            if shortage.commune_id == pin.commune
            and pin.specialty in (None, shortage.specialty)
            and shortage.specialty in held
        ]

    def _relevant(self, floors: list[tuple[Item, int]]) -> set[tuple[int, int]]:
        """Pairs into a floor's shortage (every holder of its specialty) and pairs meeting a pin."""
        scenario = self.scenario
        wanted: set[tuple[int, int]] = set()
        for n in range(len(scenario.pins)):
            wanted.update(self._pin_matches(n))
        for _, s in floors:
            specialty = scenario.shortages[s].specialty
            wanted.update((c, s) for c, who in enumerate(scenario.candidates) if specialty in who.specialties)
        return wanted

    def _blocks(self, barred: set[tuple[int, int]], pairs: Pairs) -> dict[tuple[int, int], list[Item]]:
        """The catalogue instances (as switches) that keep each ineligible pair out: each per-pair
        rule's own mask says whether it bars the pair, its own `bars` how it is named."""
        scenario = self.scenario
        certifier = Certifier(scenario, pairs, np.zeros(len(pairs), dtype=np.int64))
        by_specialty: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for c, s in barred:
            by_specialty[scenario.shortages[s].specialty].add((c, s))
        made: dict[tuple[str, str], Item] = {}
        found: dict[tuple[int, int], list[Item]] = defaultdict(list)
        for specialty, group in sorted(by_specialty.items()):
            holders = np.array(sorted({c for c, _ in group}), dtype=np.int64)
            shortages = sorted({s for _, s in group})
            level = np.array([scenario.candidates[c].specialties[specialty] for c in holders], dtype=np.int64)
            view = certifier.view(holders, level, shortages)
            column = {c: k for k, c in enumerate(holders.tolist())}
            row = {s: j for j, s in enumerate(shortages)}
            for rule in PAIR_RULES:
                kept, figure = rule.keeps(view), rule.figure(view)
                if kept is None:
                    continue
                for c, s in sorted(group):
                    k, j = column[c], row[s]
                    if kept[k, j]:
                        continue
                    value = 0.0 if figure is None else float(figure[view.origin[k], j])
                    for instance in rule.bars(scenario, c, s, value):
                        key = (str(instance.rule), instance.item)
                        if key not in made:
                            made[key] = self._barring(instance, c, s)
                        found[(c, s)].append(made[key])
        for pair in barred:
            if not found[pair]:
                raise AssertionError(f"pair {pair} is ineligible but no rule bars it")
        return found

    def _barring(self, instance: Instance, c: int, s: int) -> Item:
        """The switch of a per-pair instance, with who and where it bars (the level and a forbid of one
        specialty: which specialty)."""
        candidate, seat = self.scenario.candidates[c].id, self.scenario.shortages[s]
        if instance.rule == Rule.AVAILABILITY:
            return _item(instance, candidate=candidate)
        specialty = None
        if instance.rule == Rule.SPECIALTY_LEVEL:
            specialty = seat.specialty
        elif instance.rule == Rule.FORBID:
            specialty = self.scenario.forbid[int(instance.key)].specialty  # type: ignore[call-overload]
        return _item(instance, candidate=candidate, commune=seat.commune_id, specialty=specialty)

    def _add_caps(self) -> None:
        """One seat per person, seats, commune capacity and release caps, wherever they can bind."""
        scenario = self.scenario
        groups: dict[tuple[Rule, object], list[int]] = defaultdict(list)
        for p, (c, s) in enumerate(self.pairs):
            candidate, shortage = scenario.candidates[c], scenario.shortages[s]
            groups[(Rule.ONE_SEAT_PER_PERSON, c)].append(p)
            groups[(Rule.SHORTAGE_SEATS, s)].append(p)
            groups[(Rule.COMMUNE_CAPACITY, shortage.commune_id)].append(p)
            groups[(Rule.AGENCY_RELEASE, candidate.agency_id)].append(p)
        for (rule, key), positions in groups.items():
            item = self._cap(rule, key, np.array(positions, dtype=np.int64))
            if len(positions) > item.need:
                self.rows[item] = (positions, 0, item.need)

    def _cap(self, rule: Rule, key: object, positions: np.ndarray) -> Item:
        """A cap's switch, keyed as its catalogue entry looks the instance up."""
        scenario = self.scenario
        match rule:
            case Rule.ONE_SEAT_PER_PERSON:
                person = scenario.candidates[int(key)]  # type: ignore[call-overload]
                return _item(Instance(rule, person.id, key, positions, 1), candidate=person.id)
            case Rule.SHORTAGE_SEATS:
                seat = scenario.shortages[int(key)]  # type: ignore[call-overload]
                instance = Instance(rule, "/".join(seat.key), key, positions, seat.seats)
                return _item(instance, commune=seat.commune_id, specialty=seat.specialty)
            case Rule.COMMUNE_CAPACITY:
                capacity = scenario.commune_by_id[str(key)].capacity
                return _item(Instance(rule, str(key), key, positions, capacity), commune=str(key))
        cap = scenario.agency_by_id[str(key)].max_release
        return _item(Instance(rule, str(key), key, positions, cap), agency=str(key))
