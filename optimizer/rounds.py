"""What became of each baseline assignment, and why a changed one could not be kept.

An assignment that is no longer possible says what is gone: the person, the shortage, or the
per-pair rule that now keeps the person from that seat (availability, a travel cap, …). One that is
still possible but was not kept is re-solved with it held: the first stage that holding it would
make worse, and the seats that would lose someone, are the honest answer to "needed where?".
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable

import numpy as np

from i18n import N_, _
from i18n.names import objective_name
from models.plan import BaselineChange, SolveParams, StageResult
from models.rules import Rule
from models.scenario import BaselineAssignment, Pin, Scenario
from optimizer.eligibility import Pairs
from optimizer.reasons import Certifier
from optimizer.stages import Linear, NoSolution, Progress, ceiling_of

SHOWN = 3
PAIR_REASONS = {
    Rule.AVAILABILITY: N_("person no longer available for the whole period"),
    Rule.MAX_DISTANCE: N_("now beyond the travel cap ({figure:.0f} km)"),
    Rule.MAX_TRAVEL_MINUTES: N_("now beyond the travel-time cap ({figure:.0f} min)"),
    Rule.PERSONAL_DISTANCE: N_("now beyond their personal travel cap ({figure:.0f} km)"),
    Rule.FORBID: N_("now forbidden there"),
    Rule.HOME_COMMUNE: N_("it is their home commune, which the policy now avoids"),
}


def baseline_changes(
    scenario: Scenario,
    pairs: Pairs,
    chosen: np.ndarray,
    stages: list[StageResult],
    params: SolveParams,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    first: Linear | None = None,
) -> tuple[BaselineChange, ...]:
    """Every baseline assignment as kept, moved or released, with the reason for each change
    (`first`: the soft rules' stage the plan ran before the declared ones, if any)."""
    explainer = _Changes(scenario, pairs, chosen, stages, params, progress, stop)
    explainer.first = first
    return tuple(explainer.change(entry) for entry in scenario.baseline or ())


def successors(
    baseline: Iterable[BaselineAssignment], seats: dict[str, list[tuple[str, str]]]
) -> dict[tuple[str, str, str], tuple[str, str] | None]:
    """Where each baseline seat went: itself when kept; else a person's lost seats (in baseline
    order) take their new seats (by commune, specialty) in turn, and those left over are released."""
    baseline = list(baseline)
    kept = {b.key for b in baseline if (b.commune, b.specialty) in seats.get(b.candidate, ())}
    had = {b.key for b in baseline}
    new = {person: sorted(key for key in held if (person, *key) not in had) for person, held in seats.items()}
    found: dict[tuple[str, str, str], tuple[str, str] | None] = {}
    taken: Counter[str] = Counter()
    for b in baseline:
        if b.key in kept:
            found[b.key] = (b.commune, b.specialty)
            continue
        options = new.get(b.candidate, [])
        found[b.key] = options[taken[b.candidate]] if taken[b.candidate] < len(options) else None
        taken[b.candidate] += 1
    return found


class _Changes:
    """The plan's seats and certificates, computed once for all baseline assignments."""

    def __init__(
        self,
        scenario: Scenario,
        pairs: Pairs,
        chosen: np.ndarray,
        stages: list[StageResult],
        params: SolveParams,
        progress: Progress | None,
        stop: threading.Event | None,
    ) -> None:
        self.scenario, self.pairs, self.chosen, self.stages = scenario, pairs, chosen, stages
        self.params, self.stop = params, stop or threading.Event()
        self.progress = progress or (lambda *_: None)
        self.deadline = time.monotonic() + params.time_limit_s
        self.certifier = Certifier(scenario, pairs, chosen)
        seats: dict[str, list[tuple[str, str]]] = {}
        placed = chosen == 1
        for c, s in zip(pairs.candidate[placed].tolist(), pairs.shortage[placed].tolist(), strict=True):
            seats.setdefault(scenario.candidates[c].id, []).append(scenario.shortages[s].key)
        self.to = successors(scenario.baseline or (), seats)
        self.eligible = {
            (scenario.candidates[c].id, *scenario.shortages[s].key)
            for c, s in zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True)
        }
        self.filled = Counter(key for held in seats.values() for key in held)
        self.examined = 0
        self.first: Linear | None = None

    def change(self, entry: BaselineAssignment) -> BaselineChange:
        """Kept, moved or released, and why."""
        person = self.scenario.candidate_by_id.get(entry.candidate)
        now = self.to[entry.key]
        fields = {
            "candidate_id": entry.candidate,
            "candidate_name": person.name if person else entry.candidate_name,
            "from_commune_id": entry.commune,
            "from_specialty": entry.specialty,
            "to_commune_id": now[0] if now else "",
            "to_specialty": now[1] if now else "",
        }
        if now == (entry.commune, entry.specialty):
            return BaselineChange(status="kept", **fields)
        cause, reason = self.why(entry)
        return BaselineChange(status="moved" if now else "released", cause=cause, reason=reason, **fields)

    def why(self, entry: BaselineAssignment) -> tuple[str, str]:
        """The cause code and the sentence for a baseline assignment the plan does not keep."""
        scenario = self.scenario
        if entry.candidate not in scenario.candidate_by_id:
            return "person_gone", _("the person is no longer a candidate")
        key = (entry.commune, entry.specialty)
        if key not in scenario.shortage_index:
            return "shortage_closed", _("shortage closed: {commune} no longer asks for {specialty}").format(
                commune=entry.commune, specialty=entry.specialty
            )
        if entry.key not in self.eligible:
            return self.ineligible(entry)
        single = scenario.posts[scenario.candidate_index[entry.candidate]] == 1
        pinned = [
            p
            for p in scenario.pins
            if p.candidate == entry.candidate
            and (p.commune != entry.commune or (single and p.specialty not in (None, entry.specialty)))
        ]
        if pinned:
            return str(Rule.PIN), _("pinned to {commune} {specialty}").format(
                commune=pinned[0].commune, specialty=pinned[0].specialty or ""
            )
        return self.displaced(entry)

    def ineligible(self, entry: BaselineAssignment) -> tuple[str, str]:
        """Which per-pair rule now keeps the person from the seat."""
        s = self.scenario.shortage_index[(entry.commune, entry.specialty)]
        certificate = self.certifier.certify(s)
        if entry.candidate in set(certificate.below_level.tolist()):
            level = self.scenario.candidate_by_id[entry.candidate].specialties.get(entry.specialty, 0)
            return str(Rule.SPECIALTY_LEVEL), _(
                "their level {level} is now below the {required} asked"
            ).format(level=level, required=certificate.shortage.min_level)
        for rule, (ids, figures) in certificate.blocked.items():
            hit = np.flatnonzero(ids == entry.candidate)
            if len(hit):
                return str(rule), _(PAIR_REASONS[rule]).format(figure=float(figures[hit[0]]))
        return str(Rule.SPECIALTY_LEVEL), _("they no longer hold {specialty}").format(
            specialty=entry.specialty
        )

    def displaced(self, entry: BaselineAssignment) -> tuple[str, str]:
        """Re-solve with the assignment held: the first stage it would cost, and the seats it would empty."""
        from optimizer.diagnosis import diagnose
        from optimizer.solve import run_stages

        if self.stop.is_set() or time.monotonic() > self.deadline:
            return "unexamined", _("not re-solved: the time limit was reached")
        self.examined += 1
        self.progress(_("why not kept"), float(self.examined), None, 0.0)
        pin = Pin(candidate=entry.candidate, commune=entry.commune, specialty=entry.specialty)
        held = self.scenario.model_copy(update={"pins": (*self.scenario.pins, pin)})
        left = max(0.1, self.deadline - time.monotonic())
        params = self.params.model_copy(update={"time_limit_s": left})
        try:
            ceiling = ceiling_of(self.stages)
            runner, stages = run_stages(
                held, self.pairs, params, stop=self.stop, ceiling=ceiling, first=self.first
            )
        except NoSolution as failure:
            if not failure.infeasible:
                return "unexamined", _("not re-solved: the time limit was reached")
            conflicts = [
                c for c in diagnose(held, self.pairs, params) if c.item != f"pins[{len(held.pins) - 1}]"
            ]
            rules = "; ".join(c.detail for c in conflicts[:SHOWN]) or _("the other hard rules")
            return "conflict", _("keeping it cannot hold together with: {rules}").format(rules=rules)
        assert runner.chosen is not None
        for at, (free, kept) in enumerate(zip(self.stages, stages, strict=True)):
            if kept.value != free.value:
                text = self.cost(free, kept, runner.chosen)
                if any(stage.name == "stability" for stage in self.stages[:at]):
                    text = _("an equally stable plan keeps it but lets another go; {cost}").format(cost=text)
                return "displaced", text
        return "tie", _("an equally good plan keeps it; the final tie-break chose another")

    def cost(self, free: StageResult, kept: StageResult, chosen: np.ndarray) -> str:
        """What holding the assignment costs on its first worse stage, and where seats are lost."""
        pairs, scenario = self.pairs, self.scenario
        filled = Counter(scenario.shortages[s].key for s in pairs.shortage[chosen == 1].tolist())
        lost = sorted(key for key, n in self.filled.items() if filled[key] < n)
        lost.sort(key=lambda key: -scenario.shortage_by_key[key].priority)
        seats = ", ".join(
            _("{commune}/{specialty} (priority {priority})").format(
                commune=c, specialty=s, priority=scenario.shortage_by_key[(c, s)].priority
            )
            for c, s in lost[:SHOWN]
        )
        figures = {"seats": seats, "stage": objective_name(free.name), "kept": kept.value, "free": free.value}
        if seats and free.name == "coverage":
            text = N_(
                "needed for a higher-priority seat: keeping it would leave {seats} short "
                "({stage} {kept} instead of {free})"
            )
        elif seats:
            text = N_("keeping it would cost {stage}: {kept} instead of {free}, leaving {seats} short")
        else:
            text = N_("keeping it would cost {stage}: {kept} instead of {free}")
        return _(text).format(**figures)
