"""A worker's warm state: eligibility found once per base scenario, reused by every variant.

A variant that changes only seats, priorities, capacities or release caps has the base's eligible
pairs; one that changes only the policy's travel caps has the pairs of the base without those caps
that meet the variant's caps (the cap is the last test `eligible_pairs` makes of a pair, so this is
the same array, in the same order). Any other change finds its pairs afresh.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from models.plan import Plan, SolveParams
from models.scenario import Scenario
from optimizer.eligibility import Pairs, eligible_pairs
from optimizer.rules.pair_view import CAP_TOLERANCE
from optimizer.solve import solve

CAPS = ("max_distance_km", "max_travel_minutes")
UNCAPPED_CELLS = 4_000_000
"""Largest holder x shortage count for which the uncapped pairs are kept in memory."""
_CACHE: dict[str, Warm] = {}


@dataclass
class Warm:
    """Eligible pairs of one base scenario, as they are and without the policy's travel caps."""

    base: Scenario
    _pairs: Pairs | None = None
    _uncapped: Pairs | None = None
    _usable: bool | None = field(default=None)

    @classmethod
    def of(cls, base: Scenario) -> Warm:
        """This process's warm state for a base scenario (one is kept: a sweep has one base)."""
        sha = base.sha256
        if sha not in _CACHE:
            _CACHE.clear()
            _CACHE[sha] = cls(base)
        return _CACHE[sha]

    def solve(self, variant: Scenario, params: SolveParams) -> Plan:
        """Solve a variant of the base with the pairs derived from the base's where that is exact."""
        return solve(variant, params, pairs=self.pairs(variant))

    def pairs(self, variant: Scenario) -> Pairs:
        """`eligible_pairs(variant)`, from the base's pairs when only neutral columns or caps changed."""
        base = self.base
        same_tables = all(
            _neutral(getattr(base, table), getattr(variant, table), columns)
            for table, columns in NEUTRAL_COLUMNS.items()
        )
        untouched = ("specialties", "distances", "adjacency", "pins", "forbid", "period", "candidates")
        if not same_tables or any(getattr(base, f) != getattr(variant, f) for f in untouched):
            return eligible_pairs(variant)
        policy, varied = base.policy, variant.policy
        if policy == varied:
            return self._base_pairs()
        other = {k: v for k, v in varied.model_dump().items() if k not in CAPS}
        if {k: v for k, v in policy.model_dump().items() if k not in CAPS} != other or not self._can_uncap():
            return eligible_pairs(variant)
        return _within(self._uncapped_pairs(), varied.max_distance_km, varied.max_travel_minutes)

    def prime(self) -> None:
        """Find now the pairs every later variant derives its own from."""
        self._base_pairs()
        if self._can_uncap():
            self._uncapped_pairs()

    def _base_pairs(self) -> Pairs:
        if self._pairs is None:
            self._pairs = eligible_pairs(self.base)
        return self._pairs

    def _uncapped_pairs(self) -> Pairs:
        if self._uncapped is None:
            free = self.base.policy.model_copy(update=dict.fromkeys(CAPS))
            self._uncapped = eligible_pairs(self.base.model_copy(update={"policy": free}))
        return self._uncapped

    def _can_uncap(self) -> bool:
        """Whether the pairs without travel caps are few enough to keep."""
        if self._usable is None:
            holders = Counter(s for c in self.base.candidates for s in c.specialties)
            seats = Counter(s.specialty for s in self.base.shortages)
            self._usable = sum(holders[s] * n for s, n in seats.items()) <= UNCAPPED_CELLS
        return self._usable


NEUTRAL_COLUMNS = {
    "agencies": ("max_release", "staff"),
    "communes": ("capacity",),
    "shortages": ("seats", "priority"),
}
"""Columns eligibility never reads: a variant may change them and keep the base's pairs."""


def _neutral(base_rows: tuple, variant_rows: tuple, columns: tuple[str, ...]) -> bool:
    """Whether two tables differ at most in the given columns."""
    if base_rows is variant_rows:
        return True
    if len(base_rows) != len(variant_rows):
        return False
    drop = set(columns)
    return all(
        a is b or a.model_dump(exclude=drop) == b.model_dump(exclude=drop)
        for a, b in zip(base_rows, variant_rows, strict=True)
    )


def _within(pairs: Pairs, km: float | None, minutes: float | None) -> Pairs:
    """The pairs within the travel caps, with the same tolerance eligibility applies."""
    keep = np.ones(len(pairs), dtype=bool)
    if km is not None:
        keep &= pairs.km <= km + CAP_TOLERANCE
    if minutes is not None:
        keep &= pairs.minutes <= minutes + CAP_TOLERANCE
    return Pairs(pairs.candidate[keep], pairs.shortage[keep], pairs.km[keep], pairs.minutes[keep])
