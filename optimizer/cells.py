"""Cells: each candidate x commune with eligible pairs. A seconded person sits in exactly one cell.

With `max_posts` a person may fill several seats, all in one commune: capacity, release, travel
and preferences count the person (their cell) once, coverage and fairness count the seats (pairs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from models.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.eligibility import Pairs


@dataclass(frozen=True)
class Cells:
    """The candidate x commune cells of the eligible pairs, in (candidate, commune) order."""

    of_pair: np.ndarray
    """The cell of each pair."""
    candidate: np.ndarray
    commune: np.ndarray
    """Position in `scenario.communes` of each cell's commune."""
    first: np.ndarray
    """A pair of each cell (its first): travel and preference are the same for all of them."""
    size: np.ndarray
    """How many pairs (shortages) each cell holds."""

    @classmethod
    def of(cls, scenario: Scenario, pairs: Pairs) -> Cells:
        """Group the pairs by candidate and commune."""
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        shortage_commune = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)
        commune = shortage_commune[pairs.shortage] if len(pairs) else np.zeros(0, dtype=np.int64)
        keys = pairs.candidate.astype(np.int64) * max(len(communes), 1) + commune
        found, first, of_pair, size = np.unique(
            keys, return_index=True, return_inverse=True, return_counts=True
        )
        return cls(
            of_pair=of_pair.reshape(-1),
            candidate=(found // max(len(communes), 1)).astype(np.int64),
            commune=(found % max(len(communes), 1)).astype(np.int64),
            first=first.astype(np.int64),
            size=size.astype(np.int64),
        )

    def __len__(self) -> int:
        return len(self.candidate)

    def occupied(self, chosen: np.ndarray) -> np.ndarray:
        """Whether each cell holds a chosen pair (its person is seconded there)."""
        return np.bincount(self.of_pair, weights=chosen, minlength=len(self)) > 0

    def people(self, chosen: np.ndarray, positions: np.ndarray) -> int:
        """How many people the chosen pairs among `positions` belong to."""
        picked = positions[chosen[positions] > 0]
        return len(np.unique(self.of_pair[picked]))
