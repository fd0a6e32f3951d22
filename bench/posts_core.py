"""The multi-post coverage MIP as plain rows over x (per pair) and y (per candidate x commune cell).

Numpy only: the HiGHS worker imports this and must never import OR-Tools. `tight` is the model our
engine uses (x <= y and sum of x <= posts x y in each cell); the naive one links a cell only by the
big-M row sum of x <= posts x y, the careless formulation the issue measured.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from models.scenario import Scenario
from optimizer.eligibility import eligible_pairs

Rows = list[tuple[np.ndarray, np.ndarray, float, float]]
"""(columns, coefficients, lower, upper) per row; columns index x then y."""


@dataclass(frozen=True)
class PostsCore:
    """Pairs, cells and every core rule's limits (pins and floors included)."""

    pair_cell: np.ndarray
    pair_shortage: np.ndarray
    priority: np.ndarray
    cell_candidate: np.ndarray
    cell_commune: np.ndarray
    cell_agency: np.ndarray
    cell_posts: np.ndarray
    seats: np.ndarray
    floor: np.ndarray
    capacity: np.ndarray
    release: np.ndarray
    pinned_pairs: list[np.ndarray]
    candidates: int

    @classmethod
    def of(cls, scenario: Scenario) -> PostsCore:
        """The core rules of a scenario with `max_posts`."""
        pairs = eligible_pairs(scenario)
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        agencies = {a.id: i for i, a in enumerate(scenario.agencies)}
        commune = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)[
            pairs.shortage
        ]
        keys = pairs.candidate * len(communes) + commune
        found, pair_cell, width = np.unique(keys, return_inverse=True, return_counts=True)
        candidate = found // len(communes)
        posts = np.array(scenario.posts, dtype=np.int64)
        floor = np.zeros(len(scenario.shortages), dtype=np.int64)
        for rule in scenario.policy.min_coverage:
            for commune_id in scenario.floor_communes(rule):
                s = scenario.shortage_index.get((commune_id, rule.specialty))
                if s is not None:
                    floor[s] = max(floor[s], min(rule.at_least, scenario.shortages[s].seats))
        pinned = []
        for pin in scenario.pins:
            c = scenario.candidate_index[pin.candidate]
            match = [
                p
                for p in np.flatnonzero(pairs.candidate == c).tolist()
                if scenario.shortages[pairs.shortage[p]].commune_id == pin.commune
                and pin.specialty in (None, scenario.shortages[pairs.shortage[p]].specialty)
            ]
            pinned.append(np.array(match, dtype=np.int64))
        return cls(
            pair_cell=pair_cell.reshape(-1),
            pair_shortage=pairs.shortage.astype(np.int64),
            priority=np.array([s.priority for s in scenario.shortages], dtype=np.int64)[pairs.shortage],
            cell_candidate=candidate.astype(np.int64),
            cell_commune=(found % len(communes)).astype(np.int64),
            cell_agency=np.array([agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64)[
                candidate
            ],
            cell_posts=np.minimum(posts[candidate], width),
            seats=np.array([s.seats for s in scenario.shortages], dtype=np.int64),
            floor=floor,
            capacity=np.array([c.capacity for c in scenario.communes], dtype=np.int64),
            release=np.array([a.max_release for a in scenario.agencies], dtype=np.int64),
            pinned_pairs=pinned,
            candidates=len(scenario.candidates),
        )

    @property
    def columns(self) -> int:
        """Number of x and y variables."""
        return len(self.pair_cell) + len(self.cell_candidate)

    def rows(self, tight: bool) -> Rows:
        """Every row of the coverage MIP (objective: max priority . x)."""
        x, y = len(self.pair_cell), len(self.cell_candidate)
        rows: Rows = []
        if tight:
            rows += [
                (np.array([p, x + c]), np.array([1.0, -1.0]), -np.inf, 0.0)
                for p, c in enumerate(self.pair_cell.tolist())
            ]
        for c, members in enumerate(_grouped(self.pair_cell, y)):
            rows.append(
                (
                    np.r_[members, x + c],
                    np.r_[np.ones(len(members)), -float(self.cell_posts[c])],
                    -np.inf,
                    0.0,
                )
            )
        for cells in _grouped(self.cell_candidate, self.candidates):
            if len(cells) > 1:
                rows.append((x + cells, np.ones(len(cells)), -np.inf, 1.0))
        for s, members in enumerate(_grouped(self.pair_shortage, len(self.seats))):
            if len(members):
                rows.append((members, np.ones(len(members)), float(self.floor[s]), float(self.seats[s])))
        for limits, keys in ((self.capacity, self.cell_commune), (self.release, self.cell_agency)):
            for k, cells in enumerate(_grouped(keys, len(limits))):
                if len(cells) > limits[k]:
                    rows.append((x + cells, np.ones(len(cells)), -np.inf, float(limits[k])))
        rows += [(members, np.ones(len(members)), 1.0, 1.0) for members in self.pinned_pairs if len(members)]
        return rows

    def coverage(self, x: np.ndarray) -> int:
        """Priority-weighted seats of a 0/1 choice of pairs."""
        return int(self.priority @ (np.asarray(x) > 0.5))


def _grouped(codes: np.ndarray, size: int) -> list[np.ndarray]:
    """Positions of each code 0..size-1."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(size + 1))
    return [order[a:b] for a, b in itertools.pairwise(bounds)]
