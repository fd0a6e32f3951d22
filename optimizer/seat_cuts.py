"""Odd-seat cuts: people come whole, which the LP relaxation of multi-post seats forgets.

At one commune take a set U of its shortages with an odd number of seats b. Everyone seconded there
fills at most c = min(max_posts, their shortages in U) seats of U, and U holds at most b, so the
seats T filled in U meet 2T <= b + sum of c y over the commune's cells (y: people in the cell).
Halved and rounded down, with T and y whole (a Chvatal-Gomory cut):

    T <= floor(b / 2) + sum of ceil(c / 2) y

The LP's favourite way round it is three one-seat shortages filled by three half-people, each
holding two of them: three seats for one and a half people, where whole people need two. Measured
on the 600-person `bench.posts` province, two such cuts lift the distance stage's LP bound from
6741661 to the optimum, 6796772 (every stage is then settled by its LP: the solve took 3.7 s, not
12.8 s); on a 3600-person national part ten lift coverage's from 4634 to
4631.1, where the optimum (HiGHS, 316 s) is 4630. The cuts hold for every plan of the hard rules,
so once found they stay in the model for the stages after.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np

from optimizer.lp_rows import Cut
from optimizer.model import SecondmentModel
from optimizer.relaxation import INTEGRAL

VIOLATION = 1e-3
"""Least excess of a cut's activity over its bound that counts as a violation."""
SUBSET_SHORTAGES = 10
"""Most shortages of one commune whose subsets are tried (the most fractional first)."""


@dataclass(frozen=True)
class CommuneCells:
    """One commune's cells against its shortages: where each cell's column for each shortage is."""

    cells: np.ndarray
    """The commune's cells (cohort x this commune)."""
    seats: np.ndarray
    """Each shortage's seats."""
    columns: np.ndarray
    """Cell x shortage: the variable index of the cell's column for that shortage, or -1."""
    posts: np.ndarray
    """Seats each person of a cell may fill."""


@dataclass(frozen=True)
class SeatCuts:
    """The communes where people may fill several seats, ready for separating odd-seat cuts."""

    sm: SecondmentModel
    communes: list[CommuneCells]

    @classmethod
    def of(cls, sm: SecondmentModel) -> SeatCuts | None:
        """The model's communes with a multi-post cell (None when there are none: nothing to cut)."""
        separate = np.array(sm.separate, dtype=bool)
        if not separate.any():
            return None
        co, scenario = sm.cohorts, sm.scenario
        index = {c.id: k for k, c in enumerate(scenario.communes)}
        shortage_commune = np.array([index[s.commune_id] for s in scenario.shortages], dtype=np.int64)
        seats = np.array([s.seats for s in scenario.shortages], dtype=np.int64)
        x_index = np.array([x.index for x in sm.x], dtype=np.int64)
        cell_rank = _rank(co.cell_commune)
        shortage_rank = _rank(shortage_commune)
        column_commune = co.cell_commune[co.column_cell]
        order = np.argsort(column_commune, kind="stable")
        starts = np.searchsorted(column_commune[order], np.arange(len(scenario.communes) + 1))
        communes = []
        for k, cells in enumerate(sm.cells_by_commune):
            if not separate[cells].any():
                continue
            shortages = np.flatnonzero(shortage_commune == k)
            mine = order[starts[k] : starts[k + 1]]
            columns = np.full((len(cells), len(shortages)), -1, dtype=np.int64)
            columns[cell_rank[co.column_cell[mine]], shortage_rank[co.column_shortage[mine]]] = x_index[mine]
            posts = co.posts[co.cell_cohort[cells]]
            communes.append(CommuneCells(cells, seats[shortages], columns, posts))
        return cls(sm, communes)

    def violated(self, values: np.ndarray) -> list[Cut]:
        """The most violated odd-seat cut of each commune where the LP vertex `values` has one."""
        heads = self.sm.people_at(values)
        found = []
        for commune in self.communes:
            cut = self._most_violated(commune, values, heads[commune.cells])
            if cut is not None:
                found.append(cut)
        return found

    def _most_violated(self, commune: CommuneCells, values: np.ndarray, heads: np.ndarray) -> Cut | None:
        """The commune's cut the vertex violates most (None if it violates none); `heads`: people
        in each of its cells."""
        has_column = commune.columns >= 0
        filled = np.where(has_column, values[np.maximum(commune.columns, 0)], 0.0)
        fractional = np.abs(filled - np.round(filled)) > INTEGRAL
        if not fractional.any() and np.all(np.abs(heads - np.round(heads)) <= INTEGRAL):
            return None
        seat_totals = filled.sum(axis=0)
        active = np.flatnonzero(seat_totals > INTEGRAL)
        if not len(active):
            return None
        if len(active) > SUBSET_SHORTAGES:
            most = np.argsort(-fractional[:, active].sum(axis=0), kind="stable")[:SUBSET_SHORTAGES]
            active = np.sort(active[most])
        masks = _subsets(len(active))
        masks = masks[(masks @ commune.seats[active]) % 2 == 1]
        if not len(masks):
            return None
        counts = has_column[:, active].astype(np.int64) @ masks.T
        weights = -(-np.minimum(commune.posts[:, None], counts) // 2)
        high = (masks @ commune.seats[active]) // 2
        excess = masks @ seat_totals[active] - high - heads @ weights
        best = int(np.argmax(excess))
        if excess[best] <= VIOLATION:
            return None
        inside = commune.columns[:, active[masks[best] == 1]]
        indices = [inside[inside >= 0]]
        coefficients = [np.ones(len(indices[0]), dtype=np.int64)]
        for row in np.flatnonzero(weights[:, best]).tolist():
            people = np.array(self.sm.people(commune.cells[[row]])[0], dtype=np.int64)
            indices.append(people)
            coefficients.append(np.full(len(people), -int(weights[row, best]), dtype=np.int64))
        flat, at = np.unique(np.concatenate(indices), return_inverse=True)
        summed = np.bincount(at, weights=np.concatenate(coefficients)).astype(np.int64)
        kept = summed != 0
        return Cut(flat[kept], summed[kept], int(high[best]))


def _rank(codes: np.ndarray) -> np.ndarray:
    """Each item's position among the items with its code, in index order."""
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], codes[order])
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - starts
    return rank


@cache
def _subsets(size: int) -> np.ndarray:
    """Every non-empty subset of `size` items, as rows of 0/1."""
    return np.array(list(itertools.product((0, 1), repeat=size))[1:], dtype=np.int64).reshape(-1, size)
