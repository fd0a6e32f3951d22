"""CP-SAT on independent parts: provinces nobody can travel between are solved apart, stage by stage.

Agencies and communes joined by an eligible pair form a part (`optimizer.components.parts`). A
linear stage's optimum is the sum of the parts' optima, and holding that sum holds each part at its
own; a threshold's bounds hold when they hold in every part. So each stage runs on every part with
the same objective sliced to it, and the plan is the parts' plans side by side.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from models.plan import StageResult
from models.scenario import Scenario
from optimizer.components import parts
from optimizer.cpsat_runner import CpSatRunner
from optimizer.eligibility import Pairs
from optimizer.stages import Bounds, Linear, NoSolution, Runner, Threshold, stage_result

T = TypeVar("T")
LANES = 2
"""Parts solved at once (with two or more workers): their LPs run side by side, GLOP releasing
Python's lock; measured on two national parts' LPs, both took 6.5 s where one takes 5.6 s."""


@dataclass(frozen=True)
class Part:
    """One independent part: its sub-scenario's runner and where its pairs sit among all pairs."""

    runner: CpSatRunner
    positions: np.ndarray
    communes: frozenset[str]
    agencies: frozenset[str]

    def bounds(self, bounds: Bounds) -> Bounds:
        """The bounds that concern this part."""
        return Bounds(
            {c: n for c, n in bounds.hosted_at_least.items() if c in self.communes},
            {a: n for a, n in bounds.released_at_most.items() if a in self.agencies},
        )


def split(scenario: Scenario, pairs: Pairs) -> list[tuple[Scenario, Pairs, np.ndarray]]:
    """The independent parts with pairs: each as a scenario, its pairs, and their positions."""
    communes = {c.id: i for i, c in enumerate(scenario.communes)}
    agencies = {a.id: i for i, a in enumerate(scenario.agencies)}
    shortage_commune = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)
    candidate_agency = np.array([agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64)
    part = parts(
        candidate_agency[pairs.candidate], shortage_commune[pairs.shortage], len(agencies), len(communes)
    )
    pair_part = part[candidate_agency[pairs.candidate]]
    found = []
    for k in np.unique(pair_part).tolist():
        positions = np.flatnonzero(pair_part == k)
        people = np.flatnonzero(part[candidate_agency] == k)
        needs = np.flatnonzero(part[len(agencies) + shortage_commune] == k)
        kept_communes = {c.id for i, c in enumerate(scenario.communes) if part[len(agencies) + i] == k}
        kept_agencies = {a.id for i, a in enumerate(scenario.agencies) if part[i] == k}
        ids = {scenario.candidates[c].id for c in people.tolist()}
        sub = scenario.model_copy(
            update={
                "communes": tuple(c for c in scenario.communes if c.id in kept_communes),
                "agencies": tuple(a for a in scenario.agencies if a.id in kept_agencies),
                "candidates": tuple(scenario.candidates[c] for c in people.tolist()),
                "shortages": tuple(scenario.shortages[s] for s in needs.tolist()),
                "pins": tuple(p for p in scenario.pins if p.candidate in ids),
            }
        )
        candidate_rank = np.full(len(scenario.candidates), -1, dtype=np.int64)
        candidate_rank[people] = np.arange(len(people))
        shortage_rank = np.full(len(scenario.shortages), -1, dtype=np.int64)
        shortage_rank[needs] = np.arange(len(needs))
        sub_pairs = Pairs(
            candidate_rank[pairs.candidate[positions]],
            shortage_rank[pairs.shortage[positions]],
            pairs.km[positions],
            pairs.minutes[positions],
        )
        found.append((sub, sub_pairs, positions))
    return found


class PartsRunner(Runner):
    """Runs every stage on each independent part's CP-SAT runner and puts the plans together."""

    engine = CpSatRunner.engine

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parts = []
        for sub, sub_pairs, positions in split(self.scenario, self.pairs):
            runner = CpSatRunner(sub, sub_pairs, self.params, self.progress, self.stop)
            runner.started, runner.deadline, runner.overall = self.started, self.deadline, self.deadline
            communes = frozenset(c.id for c in sub.communes)
            self.parts.append(Part(runner, positions, communes, frozenset(a.id for a in sub.agencies)))
        self.covered = frozenset().union(*(part.communes for part in self.parts))
        placed = {c.id for part in self.parts for c in part.runner.scenario.candidates}
        self.stranded = any(pin.candidate not in placed for pin in self.scenario.pins)
        """A pinned person with no eligible pair: no plan exists."""

    def mark(self, weights: np.ndarray) -> None:
        """Each part learns its slice of the weights."""
        super().mark(weights)
        for part in self.parts:
            part.runner.mark(weights[part.positions])

    def _feasible(self) -> None:
        """Stop at once when a pin cannot hold in any part."""
        if self.stranded:
            raise NoSolution(infeasible=True)

    def _combine(self) -> None:
        """The plan: each part's choice at its pairs' positions."""
        chosen = np.zeros(len(self.pairs), dtype=np.int64)
        for part in self.parts:
            if part.runner.chosen is not None:
                chosen[part.positions] = part.runner.chosen
        self.chosen = chosen

    def _share(self, k: int, lanes: int, running: Sequence[Part]) -> Part:
        """Part k, given its share of the time left: of the lanes' seconds not promised to the
        running parts, in proportion to its pairs among those of the parts still to start
        (measured at national scale, a part's LP and model grow with its pairs)."""
        now, left = time.monotonic(), self.remaining()
        promised = sum(max(0.0, other.runner.deadline - now) for other in running)
        sizes = [len(part.positions) for part in self.parts[k:]]
        part = self.parts[k]
        share = max(0.0, lanes * left - promised) * sizes[0] / max(1, sum(sizes))
        part.runner.deadline = now + min(left, share)
        return part

    def _each(self, work: Callable[[Part], T], until: Callable[[T], bool] = lambda _: False) -> list[T]:
        """`work` on every part, LANES at a time when there are workers for them, each started with
        its share of the time; no part is started once one's outcome meets `until`. The outcomes
        come in the parts' order."""
        lanes = max(1, min(LANES, self.params.workers, len(self.parts)))
        outcomes: dict[int, T] = {}
        with ThreadPoolExecutor(lanes, thread_name_prefix="part") as pool:
            running: dict[Future, int] = {}
            started, done = 0, False
            while running or (started < len(self.parts) and not done):
                while not done and started < len(self.parts) and len(running) < lanes:
                    part = self._share(started, lanes, [self.parts[k] for k in running.values()])
                    running[pool.submit(work, part)] = started
                    started += 1
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = outcomes[running.pop(future)] = future.result()
                    done = done or until(outcome)
        return [outcomes[k] for k in sorted(outcomes)]

    def settle(self) -> None:
        """Any plan of every part."""
        self._feasible()
        self._each(lambda part: part.runner.settle())
        self._combine()

    def canonicalize(self) -> None:
        """Each part's own canonical plan."""
        self._each(lambda part: part.runner.canonicalize())
        self._combine()

    def optimize(self, objective: Linear) -> StageResult:
        """The stage on every part; its value and bound are their sums."""
        self._feasible()
        found = self._each(lambda part: part.runner.optimize(_sliced(objective, part.positions)))
        self._combine()
        assert self.chosen is not None
        value = objective.value(self.chosen, self.index)
        bounds = [r.bound for r in found]
        bound = None if any(b is None for b in bounds) else sum(bounds) * objective.scale  # type: ignore[misc]
        proven = all(r.proven for r in found)
        return stage_result(objective.name, objective.maximize, value, bound, proven, objective.scale)

    def _probe(self, bounds: Bounds, label: str, objective: Threshold | None = None) -> bool | None:
        """Whether every part meets its share of the bounds (no, if a commune no one reaches needs seats)."""
        self._feasible()
        if any(n > 0 and c not in self.covered for c, n in bounds.hosted_at_least.items()):
            return False
        outcomes = list(self._each(lambda part: part.runner._probe(part.bounds(bounds), label), _refuted))
        if any(outcome is False for outcome in outcomes):
            return False
        if any(outcome is None for outcome in outcomes):
            return None
        self._combine()
        return True

    def _hold(self, bounds: Bounds) -> None:
        self.held_bounds = self.held_bounds.merged(bounds)
        for part in self.parts:
            part.runner._hold(part.bounds(bounds))


def _refuted(outcome: bool | None) -> bool:
    """Whether a part's probe says no (then no other part needs asking)."""
    return outcome is False


def _sliced(objective: Linear, positions: np.ndarray) -> Linear:
    """The objective on one part's pairs (soft rules' terms never reach here: softening runs whole)."""
    assert objective.opened_weights is None and not objective.needs
    return replace(objective, pair_weights=objective.pair_weights[positions])
