"""The concave envelope of a front's supported points, in gains (both objectives larger-is-better)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor


@dataclass(frozen=True)
class Hull:
    """Vertices (first gain, second gain), the first gain ascending and the second descending."""

    vertices: tuple[tuple[int, int], ...]

    def cap_second(self, first: int) -> int | None:
        """The most second gain any plan has with a first gain of at least `first` (None: none has)."""
        v = self.vertices
        if first > v[-1][0]:
            return None
        if first <= v[0][0]:
            return v[0][1]
        i = next(n for n in range(len(v) - 1) if v[n][0] < first <= v[n + 1][0])
        (a1, b1), (a2, b2) = v[i], v[i + 1]
        return floor(b1 + Fraction(b2 - b1) * (first - a1) / (a2 - a1))

    def cap_first(self, second: int) -> int | None:
        """The most first gain any plan has with a second gain of at least `second`."""
        v = self.vertices
        if second > v[0][1]:
            return None
        if second <= v[-1][1]:
            return v[-1][0]
        i = next(n for n in range(len(v) - 1) if v[n][1] >= second > v[n + 1][1])
        (a1, b1), (a2, b2) = v[i], v[i + 1]
        return floor(a1 + Fraction(a2 - a1) * (b1 - second) / (b1 - b2))
