"""Explanations a planner can act on: why seats stay empty, what a person's alternatives cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from i18n import _
from models.plan import Plan, SolveParams, SolveStatus
from models.rules import Rule
from models.scenario import Forbid, Pin, Scenario
from optimizer.eligibility import eligible_pairs
from optimizer.levers import Lever
from optimizer.reasons import Certificate, Certifier
from optimizer.rules import RELAXATIONS, RULE
from optimizer.solve import solve

TRAVEL_CAPS = (Rule.MAX_DISTANCE, Rule.MAX_TRAVEL_MINUTES)


@dataclass(frozen=True)
class WhatIf:
    """One relaxation of one cause, and the optimum after re-solving with it."""

    change: str
    seats_gained: int
    stages: dict[str, float | int]


@dataclass(frozen=True)
class SeatExplanation:
    """Why one shortage keeps empty seats, and the change that would fill one (if a single one does)."""

    certificate: Certificate
    reason: str
    what_ifs: tuple[WhatIf, ...]
    """The relaxations of this seat's own causes that gain a seat here, re-solved."""
    lever: Lever | None = None
    """The best-ranked lever that fills a seat here, when one does."""

    @property
    def fix(self) -> str | None:
        """The change that fills a seat here, in words."""
        if self.lever is not None:
            return _(" or ").join(self.lever.changes)
        return self.what_ifs[0].change if self.what_ifs else None


@dataclass(frozen=True)
class Alternative:
    """A seat a candidate could take instead (or none), with the stage values that would follow."""

    option: str
    status: SolveStatus
    stages: dict[str, float | int]


def stage_values(plan: Plan) -> dict[str, float | int]:
    """Each stage's value by name."""
    return {stage.name: stage.value for stage in plan.objectives}


def _filled(plan: Plan, key: tuple[str, str]) -> int:
    return sum(1 for a in plan.assignments if (a.commune_id, a.specialty) == key)


class Explainer:
    """Explains one plan (as written, possibly hand-edited) against re-solved optima."""

    def __init__(
        self, scenario: Scenario, assignments: list[tuple[str, str, str]], params: SolveParams
    ) -> None:
        self.scenario, self.params = scenario, params
        self.pairs = eligible_pairs(scenario)
        position = {
            (scenario.candidates[c].id, scenario.shortages[s].commune_id, scenario.shortages[s].specialty): p
            for p, (c, s) in enumerate(
                zip(self.pairs.candidate.tolist(), self.pairs.shortage.tolist(), strict=True)
            )
        }
        self.chosen = np.zeros(len(self.pairs), dtype=np.int64)
        for row in assignments:
            if row in position:
                self.chosen[position[row]] = 1
        self.certifier = Certifier(scenario, self.pairs, self.chosen)
        self.optimum = solve(scenario, params, changes=False)

    def unfilled(self) -> list[int]:
        """Shortages the plan leaves short, in scenario order."""
        filled = self.certifier.filled
        return [s for s, shortage in enumerate(self.scenario.shortages) if filled[s] < shortage.seats]

    def seat(self, shortage_index: int, levers: list[Lever] | None = None) -> SeatExplanation:
        """The certificate of an unfilled shortage and the change that fills it: the best of the
        levers that gains a seat here, else the relaxations of its own causes that do (re-solved)."""
        certificate = self.certifier.certify(shortage_index)
        key = certificate.shortage.key
        reason = certificate.summary(self.scenario, brief=levers is not None)
        lever = next((lever for lever in levers or [] if key in lever.gained), None)
        if lever is not None:
            return SeatExplanation(certificate, reason, (), lever)
        what_ifs = []
        for change, relaxed in _relaxations(self.scenario, certificate, travel_only=levers is not None):
            plan = solve(relaxed, self.params, changes=False)
            gained = _filled(plan, key) - _filled(self.optimum, key)
            if gained > 0:
                what_ifs.append(WhatIf(change, gained, stage_values(plan)))
        return SeatExplanation(certificate, reason, tuple(what_ifs))

    def candidate(self, candidate_id: str) -> list[Alternative]:
        """Every seat the candidate is eligible for, and staying home, each solved with them held there."""
        scenario = self.scenario
        c = scenario.candidate_index[candidate_id]
        others = tuple(p for p in scenario.pins if p.candidate != candidate_id)
        options, communes = [], set()
        for s in self.pairs.shortage[self.pairs.candidate == c].tolist():
            shortage = scenario.shortages[s]
            communes.add(shortage.commune_id)
            pin = Pin(candidate=candidate_id, commune=shortage.commune_id, specialty=shortage.specialty)
            plan = solve(scenario.model_copy(update={"pins": (*others, pin)}), self.params, changes=False)
            options.append(
                Alternative(f"{shortage.commune_id}/{shortage.specialty}", plan.status, stage_values(plan))
            )
        home = (*scenario.forbid, *(Forbid(candidate=candidate_id, commune=k) for k in sorted(communes)))
        plan = solve(scenario.model_copy(update={"pins": others, "forbid": home}), self.params, changes=False)
        options.append(Alternative(_("not seconded"), plan.status, stage_values(plan)))
        return options


def _relaxations(
    scenario: Scenario, certificate: Certificate, travel_only: bool = False
) -> list[tuple[str, Scenario]]:
    """One relaxed scenario per cause a planner controls, each from its rule's own relaxation (or only
    the travel caps, raised to the nearest holder kept out: the levers try the others)."""
    names = TRAVEL_CAPS if travel_only else RELAXATIONS
    return [found for name in names for found in RULE[name].relax(scenario, certificate)]
