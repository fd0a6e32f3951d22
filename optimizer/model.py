"""The CP-SAT model: counts per cohort column and cell, and one small method per hard rule.

A column counts a cohort's people filling one shortage, a cell its people seconded to one commune
(`optimizer.cohorts`; unpooled, each is one person's Boolean). Where people may fill several seats
the cell is its own variable, linked to its columns by `column <= cell` (a shortage once per
person) and `sum of columns <= posts x cell` (at most `max_posts` seats per person): with these two
rows the LP relaxation of each person's choices is exactly their convex hull, so the bound is
tight. Elsewhere a cell is the sum of its columns, as in the plain assignment model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.rules import Rule
from models.scenario import Scenario
from optimizer.cohorts import Cohorts
from optimizer.eligibility import Pairs

Terms = tuple[list[int], list[int]]
"""A linear expression as (variable indices, coefficients)."""


@dataclass
class SecondmentModel:
    """Variables and hard rules for one scenario; objectives are added by the stages."""

    scenario: Scenario
    pairs: Pairs
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    rule_switches: dict[tuple[Rule, str], cp_model.IntVar] | None = None
    pooled: bool = True

    def __post_init__(self) -> None:
        self.upper: list[int] = []
        """The largest value of each count, by its index."""
        self.variables: list[cp_model.IntVar] = []
        """The counts, by their index."""
        self.cohorts = Cohorts.of(self.scenario, self.pairs, self.pooled)
        co = self.cohorts
        sizes = co.sizes()
        seats = np.array([s.seats for s in self.scenario.shortages], dtype=np.int64)
        capacity = np.array([c.capacity for c in self.scenario.communes], dtype=np.int64)
        column_top = np.minimum(sizes[co.cell_cohort[co.column_cell]], seats[co.column_shortage])
        self.x = [self._count(int(top), f"x{j}") for j, top in enumerate(column_top.tolist())]
        self.cell_posts = co.cell_posts()
        self.separate = (self.cell_posts > 1).tolist()
        """Cells with a variable of their own (their people may fill several seats)."""
        cell_top = np.minimum(sizes[co.cell_cohort], capacity[co.cell_commune])
        self.y: dict[int, cp_model.IntVar] = {
            cell: self._count(int(cell_top[cell]), f"y{cell}")
            for cell, own in enumerate(self.separate)
            if own
        }
        communes = {c.id: i for i, c in enumerate(self.scenario.communes)}
        agencies = {a.id: i for i, a in enumerate(self.scenario.agencies)}
        shortage_commune = np.array([communes[s.commune_id] for s in self.scenario.shortages])
        cohort_agency = np.array(
            [agencies[self.scenario.candidates[m[0]].agency_id] for m in co.members], dtype=np.int64
        )
        self.columns_by_shortage = _grouped(co.column_shortage, len(seats))
        self.columns_by_commune = _grouped(shortage_commune[co.column_shortage], len(capacity))
        self.cells_by_commune = _grouped(co.cell_commune, len(capacity))
        self.cells_by_agency = _grouped(cohort_agency[co.cell_cohort], len(agencies))
        self.cells_by_cohort = _grouped(co.cell_cohort, len(co.members))

    def _count(self, top: int, name: str) -> cp_model.IntVar:
        """A Boolean when at most one, else an integer count (fixed to 0 when `top` is 0)."""
        self.upper.append(max(top, 0))
        var = self.model.new_bool_var(name) if top == 1 else self.model.new_int_var(0, max(top, 0), name)
        self.variables.append(var)
        return var

    def build(self) -> SecondmentModel:
        """Add every hard rule that involves more than one pair."""
        self.add_max_posts()
        self.add_shortage_seats()
        self.add_commune_capacity()
        self.add_agency_release()
        self.add_pins()
        self.add_min_coverage()
        return self

    def seats(self, columns: np.ndarray) -> Terms:
        """Seats filled in some columns."""
        return [self.x[j].index for j in columns.tolist()], [1] * len(columns)

    def people(self, cells: np.ndarray) -> Terms:
        """People seconded in some cells."""
        indices: list[int] = []
        for cell in cells.tolist():
            if self.separate[cell]:
                indices.append(self.y[cell].index)
            else:
                indices += [self.x[j].index for j in self.cohorts.cell_columns[cell].tolist()]
        return indices, [1] * len(indices)

    def hosted_seats(self, commune: int) -> Terms:
        """Seats filled in one commune (fairness counts seats)."""
        return self.seats(self.columns_by_commune[commune])

    def released(self, agency: int) -> Terms:
        """People released by one agency."""
        return self.people(self.cells_by_agency[agency])

    def expr(self, terms: Terms, model: cp_model.CpModel | None = None) -> cp_model.LinearExpr:
        """The expression of some terms, on this model or on a clone of it."""
        indices, coefficients = terms
        if model is None or model is self.model:
            variables = [self.variables[i] for i in indices]
        else:
            variables = [model.get_int_var_from_proto_index(i) for i in indices]
        return cp_model.LinearExpr.weighted_sum(variables, coefficients)

    def _add(self, rule: Rule, item: str, *constraints: cp_model.Constraint) -> None:
        """Record a rule instance; when diagnosing, make it switchable by one literal."""
        if self.rule_switches is not None:
            switch = self.model.new_bool_var(f"{rule}:{item}")
            for constraint in constraints:
                constraint.only_enforce_if(switch)
            self.rule_switches[(rule, item)] = switch

    def add_max_posts(self) -> None:
        """A person fills at most max_posts seats, all in one commune, a shortage at most once (and
        whoever is seconded fills at least one)."""
        co, sizes = self.cohorts, self.cohorts.sizes()
        for g, cells in enumerate(self.cells_by_cohort):
            several = bool(co.posts[g] > 1)
            rows: list[cp_model.Constraint] = []
            people = self.people(cells)
            if self._most(people) > sizes[g]:
                rows.append(self.model.add(self.expr(people) <= int(sizes[g])))
            for cell in cells.tolist():
                if self.separate[cell]:
                    y, columns = self.y[cell], co.cell_columns[cell]
                    rows += [self.model.add(self.x[j] <= y) for j in columns.tolist()]
                    seats = self.expr(self.seats(columns))
                    rows.append(self.model.add(seats <= int(self.cell_posts[cell]) * y))
                    rows.append(self.model.add(seats >= y))
            if rows:
                person = self.scenario.candidates[int(co.members[g][0])].id
                self._add(Rule.MAX_POSTS if several else Rule.ONE_SEAT_PER_PERSON, person, *rows)

    def add_shortage_seats(self) -> None:
        """A shortage gets at most its number of seats."""
        for s, columns in enumerate(self.columns_by_shortage):
            shortage = self.scenario.shortages[s]
            if self._most(self.seats(columns)) > shortage.seats:
                self._add(
                    Rule.SHORTAGE_SEATS,
                    f"{shortage.commune_id}/{shortage.specialty}",
                    self.model.add(self.expr(self.seats(columns)) <= shortage.seats),
                )

    def add_commune_capacity(self) -> None:
        """A commune hosts at most its capacity, counted in people."""
        for k, cells in enumerate(self.cells_by_commune):
            commune = self.scenario.communes[k]
            terms = self.people(cells)
            if len(terms[0]) and self._most(terms) > commune.capacity:
                self._add(
                    Rule.COMMUNE_CAPACITY, commune.id, self.model.add(self.expr(terms) <= commune.capacity)
                )

    def add_agency_release(self) -> None:
        """An agency releases at most max_release of its people."""
        for k, cells in enumerate(self.cells_by_agency):
            agency = self.scenario.agencies[k]
            terms = self.people(cells)
            if len(terms[0]) and self._most(terms) > agency.max_release:
                self._add(
                    Rule.AGENCY_RELEASE, agency.id, self.model.add(self.expr(terms) <= agency.max_release)
                )

    def _most(self, terms: Terms) -> int:
        """The largest value a sum of counts can take."""
        return sum(self.upper[i] for i in terms[0])

    def add_pins(self) -> None:
        """Each pinned candidate is seconded to the pinned commune (and fills the pinned specialty)."""
        co = self.cohorts
        for n, pin in enumerate(self.scenario.pins):
            c = self.scenario.candidate_index[pin.candidate]
            mine = [g for g, m in enumerate(co.members) if len(m) == 1 and m[0] == c]
            cells = [
                cell
                for g in mine
                for cell in self.cells_by_cohort[g].tolist()
                if self.scenario.communes[co.cell_commune[cell]].id == pin.commune
            ]
            if pin.specialty is None:
                terms = self.people(np.array(cells, dtype=np.int64))
            else:
                columns = [
                    j
                    for cell in cells
                    for j in co.cell_columns[cell].tolist()
                    if self.scenario.shortages[co.column_shortage[j]].specialty == pin.specialty
                ]
                terms = self.seats(np.array(columns, dtype=np.int64))
            self._add(Rule.PIN, f"pins[{n}]", self.model.add(self.expr(terms) == 1))

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
                    self.model.add(self.expr(self.seats(self.columns_by_shortage[s])) >= need),
                )


def _grouped(codes: np.ndarray, size: int) -> list[np.ndarray]:
    """Positions of each code 0..size-1, ascending."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(size + 1))
    return [order[a:b] for a, b in itertools.pairwise(bounds)]
