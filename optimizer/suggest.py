"""Who fits a seat: each eligible person held there and re-solved, ranked by what it costs.

The mirror of `explain --candidate`. Each holder of the seat's specialty is either eligible (held at
the seat with a pin, every stage re-solved: the exact cost against the free optimum, and how many
others of the plan would move) or kept out for a plain reason (the certificate of the seat says
which per-pair rule). With `keep_others` the re-solve first keeps as much of the given plan as it can
(the plan as a baseline, `stability` ranked first), so only what must move moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from i18n import _
from models.plan import SolveParams
from models.scenario import Pin, Scenario
from optimizer.eligibility import Pairs, eligible_pairs
from optimizer.reasons import Certifier
from optimizer.rounds import PAIR_REASONS
from optimizer.solve import run_stages
from optimizer.stages import Linear, NoSolution, ceiling_of


@dataclass(frozen=True)
class Suggestion:
    """One person held at the seat: each stage's value, its change from the optimum, the others moved."""

    candidate_id: str
    name: str
    stages: dict[str, float | int]
    costs: dict[str, float | int]
    moved: int
    feasible: bool = True
    reason: str = ""
    in_plan: bool = False


@dataclass(frozen=True)
class Suggestions:
    """The seat, the free optimum's stages, the ranked people and those who cannot take it."""

    commune_id: str
    specialty: str
    optimum: dict[str, float | int]
    ranked: tuple[Suggestion, ...]
    cannot: tuple[tuple[str, str], ...]
    unranked: int = 0
    """Eligible people not re-solved: even at no cost they could not enter the top asked for."""


class Suggester:
    """Ranks the people who could take one seat of a scenario, against a plan's assignments."""

    def __init__(
        self,
        scenario: Scenario,
        assignments: list[tuple[str, str, str]],
        params: SolveParams,
        keep_others: bool = False,
    ) -> None:
        self.scenario, self.params, self.keep_others = scenario, params, keep_others
        self.pairs = eligible_pairs(scenario)
        self.seat_of = {person: (commune, specialty) for person, commune, specialty in assignments}
        self.plan = assignments
        _runner, stages = run_stages(scenario, self.pairs, params)
        self.optimum = {stage.name: stage.value for stage in stages}
        self.ceiling = ceiling_of(stages)
        self.sense = {stage.name: stage.sense for stage in stages}
        ids = [scenario.candidates[c].id for c in self.pairs.candidate.tolist()]
        keys = [scenario.shortages[s].key for s in self.pairs.shortage.tolist()]
        self.unchanged = np.array(
            [
                1 if self.seat_of.get(i) == key else 0 if i in self.seat_of else -1
                for i, key in zip(ids, keys, strict=True)
            ],
            dtype=np.int64,
        )
        """Per pair: +1 when the plan holds it, -1 when it seconds someone the plan does not: their sum,
        maximised, is the fewest people whose seat changes."""

    def seat(self, commune_id: str, specialty: str, top: int | None = None) -> Suggestions:
        """Every holder of the specialty: held at the seat and ranked, or the reason they cannot go.

        With `top`, only the best `top` are ranked exactly: a person is re-solved unless even the
        best they could reach (every stage at the optimum, the fewest moves possible) ranks below
        the `top` found so far.
        """
        scenario = self.scenario
        s = scenario.shortage_index[(commune_id, specialty)]
        eligible = self.pairs.candidate[self.pairs.shortage == s].tolist()
        holders = {p for p, seat in self.seat_of.items() if seat == (commune_id, specialty)}
        full = len(holders) >= scenario.shortages[s].seats
        ids = sorted((scenario.candidates[c].id for c in eligible), key=lambda i: (i not in holders, i))
        ranked: list[Suggestion] = []
        cannot: list[tuple[str, str]] = []
        unranked = 0
        for candidate_id in ids:
            blocked = self._pinned(candidate_id, commune_id, specialty)
            if blocked:
                cannot.append((candidate_id, blocked))
                continue
            fewest = int(full and candidate_id not in holders)
            if (
                top is not None
                and len(ranked) >= top
                and self._best_case(candidate_id, fewest) > self._rank(ranked[top - 1])
            ):
                unranked += 1
                continue
            found = self._held(candidate_id, commune_id, specialty)
            if found.feasible:
                ranked.append(found)
                ranked.sort(key=self._rank)
            else:
                cannot.append((candidate_id, found.reason))
        cannot += self._ineligible(s, set(eligible))
        return Suggestions(commune_id, specialty, self.optimum, tuple(ranked), tuple(cannot), unranked)

    def _best_case(self, candidate_id: str, fewest: int) -> tuple:
        """The best rank a person could reach: every stage at the optimum, `fewest` others moved."""
        best = Suggestion(candidate_id, "", dict(self.optimum), {}, fewest)
        return self._rank(best)

    def _rank(self, suggestion: Suggestion) -> tuple:
        """Better stage values first (in priority order), then fewer others moved, then the id."""
        values = [
            -v if self.sense[name] == "max" else v
            for name, v in suggestion.stages.items()
            if name in self.sense
        ]
        head = [suggestion.moved, *values] if self.keep_others else [*values, suggestion.moved]
        return (not suggestion.feasible, *head, suggestion.candidate_id)

    def _held(self, candidate_id: str, commune_id: str, specialty: str) -> Suggestion:
        """Re-solve with the person held at the seat: stage values, costs and others moved."""
        scenario = self.scenario
        name = scenario.candidate_by_id[candidate_id].name
        blocked = self._pinned(candidate_id, commune_id, specialty)
        if blocked:
            return Suggestion(candidate_id, name, {}, {}, 0, feasible=False, reason=blocked)
        pin = Pin(candidate=candidate_id, commune=commune_id, specialty=specialty)
        held = scenario.model_copy(update={"pins": (*scenario.pins, pin)})
        pairs = self.pairs
        keep = self._keeping(candidate_id)
        try:
            runner, stages = run_stages(
                held, pairs, self.params, keep=keep, keep_first=self.keep_others, ceiling=self.ceiling
            )
        except NoSolution as failure:
            why = _("held there, the hard rules cannot all hold")
            if not failure.infeasible:
                why = _("no plan found in the time limit with them held there")
            return Suggestion(candidate_id, name, {}, {}, 0, feasible=False, reason=why)
        assert runner.chosen is not None
        values = {stage.name: stage.value for stage in stages if stage.name in self.optimum}
        costs = {key: _delta(values[key], self.optimum[key]) for key in values}
        moved = self._moved(held, pairs, runner.chosen, candidate_id)
        here = self.seat_of.get(candidate_id) == (commune_id, specialty)
        return Suggestion(candidate_id, name, values, costs, moved, in_plan=here)

    def _pinned(self, candidate_id: str, commune_id: str, specialty: str) -> str:
        """Why pins rule the choice out: the person is pinned elsewhere, or the seat's seats are pinned."""
        scenario = self.scenario
        own = [p for p in scenario.pins if p.candidate == candidate_id]
        if own and all((p.commune, p.specialty or specialty) != (commune_id, specialty) for p in own):
            return _("pinned to {commune} {specialty}").format(
                commune=own[0].commune, specialty=own[0].specialty or ""
            )
        taken = sorted(
            p.candidate
            for p in scenario.pins
            if p.candidate != candidate_id and (p.commune, p.specialty) == (commune_id, specialty)
        )
        if len(taken) >= scenario.shortage_by_key[(commune_id, specialty)].seats:
            return _("the seat is pinned to {people}").format(people=", ".join(taken))
        return ""

    def _keeping(self, candidate_id: str) -> Linear:
        """A stage that changes as few of the plan's other people as it can."""
        weights = self.unchanged.copy()
        weights[self.pairs.candidate == self.scenario.candidate_index[candidate_id]] = 0
        return Linear("plan_kept", True, weights)

    def _moved(self, scenario: Scenario, pairs: Pairs, chosen: np.ndarray, candidate_id: str) -> int:
        """People other than the candidate whose seat differs from the plan's (moved, released or added)."""
        picked = np.flatnonzero(chosen)
        now = {
            scenario.candidates[pairs.candidate[p]].id: scenario.shortages[pairs.shortage[p]].key
            for p in picked.tolist()
        }
        people = (set(now) | set(self.seat_of)) - {candidate_id}
        return sum(1 for person in people if now.get(person) != self.seat_of.get(person))

    def _ineligible(self, s: int, eligible: set[int]) -> list[tuple[str, str]]:
        """Holders of the specialty who are not eligible for the seat, each with the rule keeping them out."""
        certificate = Certifier(self.scenario, self.pairs, np.zeros(len(self.pairs), dtype=np.int64)).certify(
            s
        )
        found = [
            (
                str(p),
                _("level {level} is below the {required} asked").format(
                    level=self.scenario.candidate_by_id[str(p)].specialties[certificate.shortage.specialty],
                    required=certificate.shortage.min_level,
                ),
            )
            for p in certificate.below_level.tolist()
        ]
        for rule, (ids, figures) in certificate.blocked.items():
            found += [
                (str(p), _(PAIR_REASONS[rule]).format(figure=float(f)))
                for p, f in zip(ids.tolist(), figures.tolist(), strict=True)
            ]
        return sorted(found)


def _delta(value: float | int, optimum: float | int) -> float | int:
    """value − optimum, free of float noise."""
    delta = value - optimum
    return round(delta, 6) if isinstance(delta, float) else delta
