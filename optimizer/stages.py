"""Strict-priority stages: optimise one objective, hold it, go on to the next.

The objectives are engine-neutral; a runner (exact min-cost flow or CP-SAT) optimises and holds
them. Threshold stages (best worst-share) are found by bisection over the possible fractions.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from models.plan import SolveParams, StageResult
from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs

Progress = Callable[[str, float | None, float | None, float], None]


class NoSolution(Exception):
    """No plan was found: the hard rules conflict (infeasible) or time ran out (unknown)."""

    def __init__(self, infeasible: bool) -> None:
        self.infeasible = infeasible
        super().__init__("infeasible" if infeasible else "no solution within the time limit")


@dataclass
class Bounds:
    """Bounds held from threshold stages: hosted per commune >= n, released per agency <= n."""

    hosted_at_least: dict[str, int] = field(default_factory=dict)
    released_at_most: dict[str, int] = field(default_factory=dict)

    def merged(self, other: Bounds) -> Bounds:
        """Both sets of bounds at once (the tighter of each)."""
        hosted = dict(self.hosted_at_least)
        for key, need in other.hosted_at_least.items():
            hosted[key] = max(need, hosted.get(key, 0))
        released = dict(self.released_at_most)
        for key, cap in other.released_at_most.items():
            released[key] = min(cap, released.get(key, cap))
        return Bounds(hosted, released)


@dataclass(frozen=True)
class Linear:
    """An objective that sums integer weights over chosen pairs, over communes served and over
    shortages with a seat filled (`opened_weights`), plus one for each group of pairs of which at
    least `need` are chosen (`needs`: all or nothing, so CP-SAT only)."""

    name: str
    maximize: bool
    pair_weights: np.ndarray
    served_weight: int = 0
    scale: float = 1.0
    opened_weights: np.ndarray | None = None
    needs: tuple[tuple[np.ndarray, int], ...] = ()

    def value(self, chosen: np.ndarray, index: PairIndex) -> int:
        """The objective's integer value for a 0/1 choice of pairs."""
        total = int(self.pair_weights @ chosen)
        if self.served_weight:
            total += self.served_weight * sum(1 for ps in index.by_commune.values() if chosen[ps].any())
        if self.opened_weights is not None:
            total += sum(
                int(self.opened_weights[s]) for s, ps in index.by_shortage.items() if chosen[ps].any()
            )
        return total + sum(1 for ps, need in self.needs if int(chosen[ps].sum()) >= need)


@dataclass(frozen=True)
class Threshold:
    """The best fraction q whose bounds can hold (a max-min or min-max share)."""

    name: str
    maximize: bool
    fractions: tuple[Fraction, ...]
    bounds: Callable[[Fraction], Bounds]
    achieved: Callable[[np.ndarray], Fraction]


class Runner(ABC):
    """Solves the stages in order, holding each result for the stages after it."""

    engine: str

    def __init__(
        self,
        scenario: Scenario,
        pairs: Pairs,
        params: SolveParams,
        progress: Progress | None,
        stop: threading.Event | None = None,
    ) -> None:
        self.scenario, self.pairs, self.params = scenario, pairs, params
        self.stop = stop or threading.Event()
        self.index = PairIndex.of(scenario, pairs)
        self.progress = progress or (lambda *_: None)
        self.started = time.monotonic()
        self.deadline = self.started + params.time_limit_s
        self.chosen: np.ndarray | None = None
        self.held_bounds = Bounds()

    def remaining(self) -> float:
        """Seconds left of the overall time limit (none once a stop is asked for)."""
        if self.stop.is_set():
            return 0.0
        return max(0.0, self.deadline - time.monotonic())

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.monotonic() - self.started

    @abstractmethod
    def settle(self) -> None:
        """Find any plan that meets the hard rules (when no objective is declared)."""

    @abstractmethod
    def canonicalize(self) -> None:
        """Among plans equal on every stage, settle on one that does not depend on the search."""

    @abstractmethod
    def optimize(self, objective: Linear) -> StageResult:
        """Optimise a linear objective, then hold its value."""

    @abstractmethod
    def _probe(self, bounds: Bounds, label: str) -> bool | None:
        """Whether the bounds can hold with everything held so far (None: undecided in time)."""

    @abstractmethod
    def _hold(self, bounds: Bounds) -> None:
        """Keep these bounds for every later stage."""

    def threshold(self, objective: Threshold) -> StageResult:
        """Bisect the sorted fractions for the best one whose bounds can hold, then hold it."""
        fractions = objective.fractions if objective.maximize else tuple(reversed(objective.fractions))
        if self.chosen is None and not self._probe(objective.bounds(fractions[0]), objective.name):
            raise NoSolution(infeasible=True)
        assert self.chosen is not None
        best = fractions.index(objective.achieved(self.chosen))
        limit, proven = len(fractions) - 1, True
        while best < limit:
            probe = (best + limit + 2) // 2
            outcome = self._probe(
                objective.bounds(fractions[probe]), f"{objective.name} {float(fractions[probe]):.3f}?"
            )
            if outcome is None:
                proven = False
                break
            if outcome:
                best = fractions.index(objective.achieved(self.chosen))
                if best < probe:
                    raise RuntimeError(f"{objective.name}: a plan meeting the bounds falls short of them")
            else:
                limit = probe - 1
            self.progress(objective.name, float(fractions[best]), float(fractions[limit]), self.elapsed())
        self._hold(objective.bounds(fractions[best]))
        return stage_result(objective.name, objective.maximize, fractions[best], fractions[limit], proven)


def stage_result(
    name: str,
    maximize: bool,
    value: float,
    bound: float | None,
    proven: bool,
    scale: float = 1.0,
) -> StageResult:
    """A stage's figures, scaled back to their units and free of float noise."""
    return StageResult(
        name=name,
        sense="max" if maximize else "min",
        value=_rounded(float(value) / scale),
        bound=None if bound is None else _rounded(float(bound) / scale),
        proven=proven,
    )


def _rounded(number: float) -> float | int:
    """Whole numbers as int, others to 6 decimals."""
    return int(number) if number.is_integer() else round(number, 6)
