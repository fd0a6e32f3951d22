"""Strict-priority stages: optimise one objective, hold it, go on to the next.

The objectives are engine-neutral; a runner (exact min-cost flow or CP-SAT) optimises and holds
them. Threshold stages (best worst-share) are found by bisection over the possible fractions.
"""

from __future__ import annotations

import bisect
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

ROUNDING = 5e-7
"""How far a stage value written to 6 decimals may be from the exact fraction."""
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
    least `need` are chosen (`needs`: all or nothing, so CP-SAT only).

    `per_person`: the weights are the same on all pairs of a candidate x commune cell and count once
    per person seconded (travel, preference), not once per seat; with one seat each that is the same.
    """

    name: str
    maximize: bool
    pair_weights: np.ndarray
    served_weight: int = 0
    scale: float = 1.0
    opened_weights: np.ndarray | None = None
    needs: tuple[tuple[np.ndarray, int], ...] = ()
    per_person: bool = False

    def value(self, chosen: np.ndarray, index: PairIndex) -> int:
        """The objective's integer value for a 0/1 choice of pairs."""
        if self.per_person and index.posts.size and index.posts.max() > 1:
            total = int(self.pair_weights[index.cells.first] @ index.cells.occupied(chosen))
        else:
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
    then: Linear | None = None
    """The linear stage its objective optimises right after it (fairness: the communes served)."""


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
        self.overall = self.deadline
        """The whole solve's deadline (`deadline` may be a part's share of it)."""
        self.chosen: np.ndarray | None = None
        self.held_bounds = Bounds()
        self.ceiling: dict[str, float | int] = {}
        """Stage values no plan of this runner can beat while every earlier stage reaches its own
        (those of a less constrained scenario): a threshold stage then bisects below them only."""
        self.at_ceiling = True
        self.tail: list[Linear] = []
        """Linear stages that run after the declared ones (an engine may fold them in early)."""
        self.marks: list[np.ndarray] = []
        """Per-pair weights of stages beyond the scenario's (a re-solve's keep): people they tell
        apart are not interchangeable to an engine that pools them."""

    def mark(self, weights: np.ndarray) -> None:
        """Tell the engine, before its first stage, of per-pair weights a later stage will use."""
        self.marks.append(weights)

    def remaining(self) -> float:
        """Seconds left of the overall time limit (none once a stop is asked for)."""
        if self.stop.is_set():
            return 0.0
        return max(0.0, self.deadline - time.monotonic())

    def remaining_overall(self) -> float:
        """Seconds left of the whole solve's time, past a part's share (none once a stop is asked for)."""
        if self.stop.is_set():
            return 0.0
        return max(0.0, self.overall - time.monotonic())

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
    def _probe(self, bounds: Bounds, label: str, objective: Threshold | None = None) -> bool | None:
        """Whether the bounds can hold with everything held so far (None: undecided in time); an engine
        may break ties by the stages after the objective, so a probe can be its next solve too."""

    @abstractmethod
    def _hold(self, bounds: Bounds) -> None:
        """Keep these bounds for every later stage."""

    def threshold(self, objective: Threshold) -> StageResult:
        """Bisect the sorted fractions for the best one whose bounds can hold, then hold it."""
        fractions = objective.fractions if objective.maximize else tuple(reversed(objective.fractions))
        if self.chosen is None and not self._probe(objective.bounds(fractions[0]), objective.name, objective):
            raise NoSolution(infeasible=True)
        assert self.chosen is not None
        position = _position(fractions, objective.maximize)
        best = position(objective.achieved(self.chosen))
        limit, proven = max(best, self._limit(objective, fractions)), True
        ceiling_first = limit < len(fractions) - 1
        """Under a ceiling the ceiling itself is the likeliest answer: probe it before bisecting."""
        while best < limit:
            probe = limit if ceiling_first else (best + limit + 2) // 2
            ceiling_first = False
            label = f"{objective.name} {float(fractions[probe]):.3f}?"
            outcome = self._probe(objective.bounds(fractions[probe]), label, objective)
            if outcome is None:
                proven = False
                break
            if outcome:
                best = position(objective.achieved(self.chosen))
                if best < probe:
                    raise RuntimeError(f"{objective.name}: a plan meeting the bounds falls short of them")
            else:
                limit = probe - 1
            self.progress(objective.name, float(fractions[best]), float(fractions[limit]), self.elapsed())
        self._hold(objective.bounds(fractions[best]))
        return stage_result(objective.name, objective.maximize, fractions[best], fractions[limit], proven)

    def _limit(self, objective: Threshold, fractions: tuple[Fraction, ...]) -> int:
        """The best position the bisection must consider: the last, or the ceiling's when it holds."""
        cap = self.ceiling.get(objective.name) if self.at_ceiling else None
        if cap is None:
            return len(fractions) - 1
        sign = 1 if objective.maximize else -1
        reachable = [i for i, f in enumerate(fractions) if sign * (float(f) - cap) <= ROUNDING]
        return max(reachable, default=0)


def ceiling_of(stages: list[StageResult]) -> dict[str, float | int]:
    """The values of solved stages (fairness' communes served too), as a ceiling for a re-solve."""
    found: dict[str, float | int] = {}
    for stage in stages:
        found[stage.name] = stage.value
        served = getattr(stage, "communes_served", None)
        if served is not None:
            found["communes_served"] = served
    return found


def reaches(stage: StageResult, ceiling: dict[str, float | int]) -> bool:
    """Whether a stage reaches the ceiling's value (and communes served, for fairness)."""
    served = getattr(stage, "communes_served", None)
    return stage.value == ceiling.get(stage.name) and (
        served is None or served == ceiling.get("communes_served")
    )


def _position(fractions: tuple[Fraction, ...], ascending: bool) -> Callable[[Fraction], int]:
    """Where a fraction stands in the sorted (ascending or descending) candidates, in log time."""

    def position(value: Fraction) -> int:
        found = (
            bisect.bisect_left(fractions, value)
            if ascending
            else bisect.bisect_left(fractions, -value, key=lambda f: -f)
        )
        if not 0 <= found < len(fractions) or fractions[found] != value:
            raise RuntimeError(f"a plan reaches {value}, which is not among the candidate fractions")
        return found

    return position


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
