"""Cohorts: interchangeable people modelled as counts, so CP-SAT does not search their permutations.

People of one agency with the same posts, the same eligible shortages at the same travel (and the
same preference scores when preference is an objective, the same baseline seats in a round, the
same weights in a re-solve's extra stage) are interchangeable: which of them goes
where changes nothing. A cohort gets one count per shortage (a column: how many of its people
fill it) and, when its people may fill several seats, one count per commune (a cell: how many of
its people are seconded there). Counts map back to people one way only (`unpack`): members in id
order fill the communes in order, and a commune's seats go round its people in turn, so nobody gets
a shortage twice or more seats than allowed. Pinned people keep a cohort of their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.scenario import Objective, Scenario
from optimizer.eligibility import Pairs
from optimizer.objectives import METRES_PER_KM, preference, stability


@dataclass(frozen=True)
class Cohorts:
    """Cohorts, their columns (cohort x shortage) and cells (cohort x commune), as arrays."""

    members: list[np.ndarray]
    """Each cohort's candidates, ascending."""
    posts: np.ndarray
    """Seats each member of a cohort may fill (at most the shortages of one commune)."""
    column_of_pair: np.ndarray
    column_shortage: np.ndarray
    column_pair: np.ndarray
    """A pair of each column (its first member's): weights are read there."""
    column_cell: np.ndarray
    cell_cohort: np.ndarray
    cell_commune: np.ndarray
    cell_columns: list[np.ndarray]
    """Each cell's columns, ascending (so by shortage)."""

    @classmethod
    def of(
        cls, scenario: Scenario, pairs: Pairs, pooled: bool = True, marks: Sequence[np.ndarray] = ()
    ) -> Cohorts:
        """Gather interchangeable people (each person alone unless `pooled`); people must also
        share the weights of `marks`, stages beyond the scenario's objectives."""
        starts = np.searchsorted(pairs.candidate, np.arange(len(scenario.candidates) + 1))
        metres = np.round(pairs.km * METRES_PER_KM).astype(np.int64)
        weights = [*marks]
        if Objective.PREFERENCE in scenario.policy.objectives:
            weights.append(preference(scenario, pairs).pair_weights)
        if scenario.baseline is not None:
            weights.append(stability(scenario, pairs).pair_weights)
        scores = np.stack([np.asarray(w, dtype=np.int64) for w in weights], axis=1) if weights else None
        pinned = {scenario.candidate_index[p.candidate] for p in scenario.pins}
        keys: dict[tuple, int] = {}
        groups: list[list[int]] = []
        for c in np.flatnonzero(starts[1:] > starts[:-1]).tolist():
            span = slice(int(starts[c]), int(starts[c + 1]))
            key: tuple = (
                (c,)
                if not pooled or c in pinned
                else (
                    scenario.candidates[c].agency_id,
                    scenario.posts[c],
                    pairs.shortage[span].tobytes(),
                    metres[span].tobytes(),
                    b"" if scores is None else scores[span].tobytes(),
                )
            )
            g = keys.setdefault(key, len(groups))
            if g == len(groups):
                groups.append([])
            groups[g].append(c)
        return cls._columns(scenario, pairs, starts, [np.array(g, dtype=np.int64) for g in groups])

    @classmethod
    def _columns(
        cls, scenario: Scenario, pairs: Pairs, starts: np.ndarray, members: list[np.ndarray]
    ) -> Cohorts:
        """Number the columns cohort by cohort, in the order of the first member's pairs."""
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        shortage_commune = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)
        first = np.array([starts[m[0]] for m in members], dtype=np.int64)
        width = np.array([starts[m[0] + 1] - starts[m[0]] for m in members], dtype=np.int64)
        column_start = np.r_[0, np.cumsum(width)].astype(np.int64)
        column_cohort = np.repeat(np.arange(len(members)), width)
        column_pair = first[column_cohort] + np.arange(len(column_cohort)) - column_start[column_cohort]
        column_of_pair = np.full(len(pairs), -1, dtype=np.int64)
        for g, people in enumerate(members):
            span = np.arange(column_start[g], column_start[g + 1])
            for c in people.tolist():
                column_of_pair[starts[c] : starts[c + 1]] = span
        column_shortage = pairs.shortage[column_pair].astype(np.int64)
        keys = column_cohort * max(len(communes), 1) + shortage_commune[column_shortage]
        found, column_cell = np.unique(keys, return_inverse=True)
        column_cell = column_cell.reshape(-1)
        order = np.argsort(column_cell, kind="stable")
        bounds = np.searchsorted(column_cell[order], np.arange(len(found) + 1))
        posts = np.array([scenario.posts[m[0]] for m in members], dtype=np.int64)
        return cls(
            members=members,
            posts=posts,
            column_of_pair=column_of_pair,
            column_shortage=column_shortage,
            column_pair=column_pair,
            column_cell=column_cell,
            cell_cohort=(found // max(len(communes), 1)).astype(np.int64),
            cell_commune=(found % max(len(communes), 1)).astype(np.int64),
            cell_columns=[order[a:b] for a, b in itertools.pairwise(bounds)],
        )

    def cohort_of(self, candidate: int) -> int:
        """The cohort of a candidate with pairs."""
        if not hasattr(self, "_cohort_of"):
            found = {int(c): g for g, members in enumerate(self.members) for c in members.tolist()}
            object.__setattr__(self, "_cohort_of", found)
        return self._cohort_of[candidate]  # type: ignore[attr-defined]

    @property
    def columns(self) -> int:
        """Number of columns."""
        return len(self.column_shortage)

    def sizes(self) -> np.ndarray:
        """Members per cohort."""
        return np.array([len(m) for m in self.members], dtype=np.int64)

    def cell_posts(self) -> np.ndarray:
        """Most seats one member may fill in each cell: their posts, at most the cell's shortages."""
        widths = np.array([len(c) for c in self.cell_columns], dtype=np.int64)
        return np.minimum(self.posts[self.cell_cohort], widths)

    def counts(self, chosen: np.ndarray, cell_of_pair: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Seats per column and people per cell of a 0/1 choice of pairs (for hints)."""
        picked = np.flatnonzero(chosen)
        seats = np.bincount(self.column_of_pair[picked], minlength=self.columns)
        people_cells = np.unique(cell_of_pair[picked])
        first_pair = {int(cell_of_pair[p]): p for p in picked.tolist()}
        cells = self.column_cell[self.column_of_pair[[first_pair[int(c)] for c in people_cells]]]
        return seats, np.bincount(cells.astype(np.int64), minlength=len(self.cell_cohort))

    def unpack(self, pairs: Pairs, seats: np.ndarray, people: np.ndarray) -> np.ndarray:
        """The 0/1 choice of pairs for counts: members in id order fill the cells in order; a cell's
        seats, shortage by shortage, go round its people in turn."""
        chosen = np.zeros(len(pairs), dtype=np.int64)
        starts = np.searchsorted(pairs.candidate, np.arange(int(pairs.candidate.max(initial=0)) + 2))
        taken = np.zeros(len(self.members), dtype=np.int64)
        for cell in np.flatnonzero(people).tolist():
            g, n = int(self.cell_cohort[cell]), int(people[cell])
            who = self.members[g][taken[g] : taken[g] + n]
            taken[g] += n
            columns = self.cell_columns[cell]
            seat_columns = np.repeat(columns, seats[columns])
            for turn, column in enumerate(seat_columns.tolist()):
                person = int(who[turn % n])
                offset = column - int(self.column_of_pair[starts[person]])
                chosen[starts[person] + offset] = 1
        return chosen
