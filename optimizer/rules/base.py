"""What every catalogue entry says about itself: a stable name, a statement, where it lives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from models.rules import Rule
from models.scenario import Scenario

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from models.plan import Plan
    from optimizer.eligibility import PairIndex, Pairs
    from optimizer.model import SecondmentModel
    from optimizer.reasons import Certificate
    from optimizer.rules.pair_view import PairView


@dataclass(frozen=True, eq=False)
class Instance:
    """One application of a group rule: its label for people, what it is about, the pairs it sums."""

    rule: Rule
    item: str
    """How messages and conflicts name it (`pins[0]`, `03158`); never parsed back."""
    key: object
    """What the rule's own methods look it up by: an index, an id or a (commune, specialty) key."""
    pairs: np.ndarray = field(repr=False)
    bound: int


class HardRule:
    """A hard rule of the contract: a plan that breaks it is invalid."""

    name: ClassVar[Rule]
    statement: ClassVar[str]
    """One plain-English sentence (marked with N_, translated at use)."""
    where: ClassVar[str]
    """Where a planner sets it: file and column, or YAML key."""

    def relax(self, scenario: Scenario, certificate: Certificate) -> list[tuple[str, Scenario]]:
        """Scenarios with this rule eased just enough to help the certificate's seats (none by default)."""
        return []

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """Single changes of this rule a planner controls, worth re-solving given the optimum (none by
        default): one step each, e.g. one more release."""
        return []


class GroupRule(HardRule):
    """A rule that bounds a sum over pairs: a CP-SAT row and a bound on one named network segment."""

    segments: ClassVar[tuple[str, ...]]
    """The flow network's segments whose arc bounds carry the rule."""
    family: ClassVar[str | None] = None
    """The `soften` family that makes the rule soft (None: it is always hard)."""

    def without(self, scenario: Scenario) -> Scenario:
        """The scenario with none of the rule's instances: what the engines solve once it is soft."""
        raise NotImplementedError

    def kept(self, instance: Instance, stage: KeptStage) -> None:
        """Count the instance in the `rules_kept` stage: one when it holds (for a soft rule)."""
        raise NotImplementedError

    def instances(self, scenario: Scenario, pairs: Pairs, index: PairIndex) -> list[Instance]:
        """Every place the rule applies, in a stable order."""
        raise NotImplementedError

    def constrain(self, sm: SecondmentModel, instance: Instance) -> cp_model.Constraint:
        """The instance as a CP-SAT constraint (`sm.total` sums its pairs)."""
        raise NotImplementedError

    def describe(self, scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> str:
        """The instance where the planner will find it, with the numbers (pairs: say who can go)."""
        raise NotImplementedError

    def impossible_alone(self, instance: Instance, pairs: Pairs) -> bool:
        """Whether the eligible pairs alone already make the instance fail (checked before any search)."""
        return False


@dataclass
class KeptStage:
    """The terms of the `rules_kept` stage, gathered from the soft rules' instances."""

    pair_weights: np.ndarray
    """One per pair that keeps an instance (exact where a person fills one seat)."""
    opened_weights: np.ndarray
    """One per shortage whose first filled seat keeps an instance."""
    needs: list[tuple[np.ndarray, int]]
    """Groups of pairs of which so many must be chosen to keep an instance (all or nothing)."""


class PairRule(HardRule):
    """A rule about one person at one seat: eligibility drops the pairs that break it."""

    def keeps(self, view: PairView) -> np.ndarray | None:
        """Which holder x shortage pairs of the view the rule allows (None: all of them)."""
        raise NotImplementedError

    def figure(self, view: PairView) -> np.ndarray | None:
        """The km or minutes a certificate quotes for the holders the rule keeps out (None: no figure)."""
        return None

    def blocked(self, scenario: Scenario, count: int, nearest: float) -> str:
        """Why `count` holders of a short specialty cannot go (nearest: their best km or minutes)."""
        raise NotImplementedError

    def bars(self, scenario: Scenario, candidate: int, shortage: int, figure: float) -> list[Instance]:
        """The rule's instances that keep this candidate from this shortage, as conflicts name them
        (by default one: this person at this commune, whatever the specialty)."""
        person, seat = scenario.candidates[candidate], scenario.shortages[shortage]
        item = f"{person.id}@{seat.commune_id}"
        return [Instance(self.name, item, (candidate, shortage, figure), np.zeros(0, dtype=np.int64), 0)]

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        """One of the rule's barring instances where the planner will find it, with the numbers."""
        raise NotImplementedError
