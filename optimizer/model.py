"""The CP-SAT model: counts per cohort column and cell; each hard rule's rows come from its catalogue entry.

A column counts a cohort's people filling one shortage, a cell its people seconded to one commune
(`optimizer.cohorts`; unpooled, each is one person's Boolean). Where people may fill several seats
the cell is its own variable, linked to its columns by `column <= cell` (a shortage once per
person) and `sum of columns <= posts x cell` (at most `max_posts` seats per person): with these two
rows the LP relaxation of each person's choices is exactly their convex hull (what it can still split
across people, the odd-seat cuts of `optimizer.seat_cuts` cut off). Elsewhere a cell is the sum of
its columns, as in the plain assignment model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.scenario import Scenario
from optimizer.cohorts import Cohorts
from optimizer.eligibility import PairIndex, Pairs
from optimizer.rules import GROUP_RULES, Instance

Terms = tuple[list[int], list[int]]
"""A linear expression as (variable indices, coefficients)."""


@dataclass
class SecondmentModel:
    """Variables and hard rules for one scenario; objectives are added by the stages."""

    scenario: Scenario
    pairs: Pairs
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    rule_switches: dict[Instance, cp_model.IntVar] | None = None
    pooled: bool = True
    marks: list[np.ndarray] = field(default_factory=list)
    """Per-pair weights beyond the scenario's objectives that pooled people must share."""

    def __post_init__(self) -> None:
        self.upper: list[int] = []
        """The largest value of each count, by its index."""
        self.variables: list[cp_model.IntVar] = []
        """The counts, by their index."""
        self.index = PairIndex.of(self.scenario, self.pairs)
        self._seated: dict[int, list[cp_model.Constraint]] = {}
        self.cohorts = Cohorts.of(self.scenario, self.pairs, self.pooled, self.marks)
        co = self.cohorts
        sizes = co.sizes()
        seats = np.array([s.seats for s in self.scenario.shortages], dtype=np.int64)
        capacity = np.array([c.capacity for c in self.scenario.communes], dtype=np.int64)
        column_top = np.minimum(sizes[co.cell_cohort[co.column_cell]], seats[co.column_shortage])
        self.x = [self._count(int(top), f"x{j}") for j, top in enumerate(column_top.tolist())]
        self._x_index = np.array([x.index for x in self.x], dtype=np.int64)
        self.cell_posts = co.cell_posts()
        widths = np.array([len(columns) for columns in co.cell_columns], dtype=np.int64)
        diagnosing = self.rule_switches is not None
        self.separate = ((self.cell_posts > 1) | (diagnosing & (widths > 1))).tolist()
        """Cells with a variable of their own: their people may fill several seats, or (diagnosing)
        the seats-per-person rule may be switched off, and capacity and release must still count heads."""
        cell_top = np.minimum(sizes[co.cell_cohort], capacity[co.cell_commune])
        self.y: dict[int, cp_model.IntVar] = {
            cell: self._count(int(cell_top[cell]), f"y{cell}")
            for cell, own in enumerate(self.separate)
            if own
        }
        self._people_index, self._people_starts = self._people_by_cell()
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

    def _people_by_cell(self) -> tuple[np.ndarray, np.ndarray]:
        """The counts of people in each cell, as one array and each cell's start in it: the cell's
        own variable, or its columns (ascending) where it has none."""
        co = self.cohorts
        separate = np.array(self.separate, dtype=bool)
        own = np.flatnonzero(separate)
        shared = np.flatnonzero(~separate[co.column_cell])
        owner = np.concatenate([co.column_cell[shared], own])
        x_index = self._x_index[shared]
        y_index = np.array([self.y[cell].index for cell in own.tolist()], dtype=np.int64)
        order = np.argsort(owner, kind="stable")
        starts = np.searchsorted(owner[order], np.arange(len(separate) + 1))
        return np.concatenate([x_index, y_index])[order], starts

    def _count(self, top: int, name: str) -> cp_model.IntVar:
        """A Boolean when at most one, else an integer count (fixed to 0 when `top` is 0)."""
        self.upper.append(max(top, 0))
        var = self.model.new_bool_var(name) if top == 1 else self.model.new_int_var(0, max(top, 0), name)
        self.variables.append(var)
        return var

    def build(self) -> SecondmentModel:
        """Add every hard rule that involves more than one pair, instance by instance, from the catalogue."""
        for rule in GROUP_RULES:
            for instance in rule.instances(self.scenario, self.pairs, self.index):
                self._add(instance, rule.constrain(self, instance))
        return self

    def seats(self, columns: np.ndarray) -> Terms:
        """Seats filled in some columns."""
        return self._x_index[columns].tolist(), [1] * len(columns)

    def people(self, cells: np.ndarray) -> Terms:
        """People seconded in some cells."""
        starts = self._people_starts[cells]
        lengths = self._people_starts[cells + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        indices = self._people_index[offsets + np.arange(len(offsets))].tolist()
        return indices, [1] * len(indices)

    def people_at(self, values: np.ndarray) -> np.ndarray:
        """People in each cell at a point given by every variable's value."""
        cells = len(self._people_starts) - 1
        owner = np.repeat(np.arange(cells), np.diff(self._people_starts))
        return np.bincount(owner, weights=values[self._people_index], minlength=cells)

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

    def total(self, ps: np.ndarray) -> cp_model.LinearExpr:
        """Seats filled by some pairs (whole columns: a shortage's, a commune's, a pinned person's)."""
        return self.expr(self.seats(np.unique(self.cohorts.column_of_pair[ps])))

    def headcount(self, ps: np.ndarray) -> cp_model.LinearExpr:
        """People seconded through some pairs (whole cells: a commune's, an agency's, a person's)."""
        columns = np.unique(self.cohorts.column_of_pair[ps])
        return self.expr(self.people(np.unique(self.cohorts.column_cell[columns])))

    def most(self, terms: Terms) -> int:
        """The largest value a sum of counts can take."""
        return sum(self.upper[i] for i in terms[0])

    def person_rows(self, candidate: int) -> list[cp_model.Constraint]:
        """The rows that seat a candidate's cohort: its people in at most one commune each, at most
        `max_posts` seats each, a shortage at most once each, and at least one seat for whoever goes.

        Added once per cohort (for its first member); the others' instances share them.
        """
        g = int(self.cohorts.cohort_of(candidate))
        if g in self._seated:
            return self._seated[g]
        co, size = self.cohorts, len(self.cohorts.members[g])
        cells = self.cells_by_cohort[g]
        rows: list[cp_model.Constraint] = []
        people = self.people(cells)
        if self.most(people) > size:
            rows.append(self.model.add(self.expr(people) <= size))
        for cell in cells.tolist():
            if self.separate[cell]:
                y, columns = self.y[cell], co.cell_columns[cell]
                rows += [self.model.add(self.x[j] <= y) for j in columns.tolist()]
                seats = self.expr(self.seats(columns))
                rows.append(self.model.add(seats <= int(self.cell_posts[cell]) * y))
                rows.append(self.model.add(seats >= y))
        self._seated[g] = rows
        return rows

    def _add(self, instance: Instance, constraint: cp_model.Constraint | list[cp_model.Constraint]) -> None:
        """Record a rule instance; when diagnosing, make it switchable by one literal."""
        if self.rule_switches is not None:
            switch = self.model.new_bool_var(f"{instance.rule}:{instance.item}")
            for row in constraint if isinstance(constraint, list) else [constraint]:
                row.only_enforce_if(switch)
            self.rule_switches[instance] = switch


def _grouped(codes: np.ndarray, size: int) -> list[np.ndarray]:
    """Positions of each code 0..size-1, ascending."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(size + 1))
    return [order[a:b] for a, b in itertools.pairwise(bounds)]
