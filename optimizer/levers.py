"""The single changes a planner controls, each re-solved exactly and ranked by what it buys.

A lever is one relaxation: one more release for an agency, one more desk in a commune, 10 more km
(or minutes) on a travel cap, one level lower on a short post, one pin or one forbid dropped. Each is
solved with `optimizer.solve` like any scenario and compared with the optimum of the scenario as it
is, objective by objective in the scenario's own order; changes that buy exactly the same are one
lever with several ways to pull it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from i18n import _
from i18n.names import objective_name
from models.plan import Plan, SolveParams, SolveStatus
from models.scenario import Scenario
from optimizer.rules import HARD_RULES
from optimizer.solve import solve

SOLVED = (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Change:
    """One relaxation: what a planner would write, and the scenario with it."""

    label: str
    scenario: Scenario


@dataclass(frozen=True)
class Lever:
    """What one change (or several that buy the same) gains over the optimum of the scenario as it is."""

    changes: tuple[str, ...]
    feasible: bool
    """Whether the changed scenario has a plan (for an infeasible scenario: the change resolves it)."""
    seats: int
    gained: tuple[tuple[str, str], ...]
    lost: tuple[tuple[str, str], ...]
    km: float
    stages: tuple[tuple[str, float], ...]
    """Each objective's change, signed so that positive is better (with no plan before: its value)."""

    @property
    def rank(self) -> tuple:
        """Sort key, best first: a plan at all, then the objectives in order, then fewer km."""
        return (not self.feasible, *(-gain for _, gain in self.stages), self.km, self.changes)


Progress = Callable[[int, int, str], None]


def levers(
    scenario: Scenario,
    params: SolveParams,
    baseline: Plan | None = None,
    progress: Progress | None = None,
) -> list[Lever]:
    """Every change that buys something, best first (changes buying the same merged into one)."""
    baseline = baseline or solve(scenario, params)
    changes = list(candidate_changes(scenario, baseline))
    found: dict[tuple, Lever] = {}
    for n, change in enumerate(changes):
        if progress:
            progress(n, len(changes), change.label)
        lever = _compare(scenario, baseline, change.label, solve(change.scenario, params))
        if lever is None:
            continue
        key = (lever.feasible, lever.gained, lever.lost, lever.stages, round(lever.km, 3))
        if key in found:
            lever = _merged(found[key], lever)
        found[key] = lever
    return sorted(found.values(), key=lambda lever: lever.rank)


def top_levers(scenario: Scenario, params: SolveParams, count: int = 5) -> list[Lever]:
    """The `count` changes that buy the most (for reports)."""
    return levers(scenario, params)[:count]


def candidate_changes(scenario: Scenario, baseline: Plan) -> Iterator[Change]:
    """The single relaxations worth solving, each from its rule's own levers in the catalogue: caps
    that bind in the optimum, the travel caps, the levels of short posts, every pin and forbid."""
    for rule in HARD_RULES:
        for label, changed in rule.levers(scenario, baseline):
            yield Change(label, changed)


def _compare(scenario: Scenario, baseline: Plan, label: str, plan: Plan) -> Lever | None:
    """The lever if the changed optimum is better than the baseline's on the scenario's objectives."""
    feasible = plan.status in SOLVED
    if not feasible:
        return None
    before = Counter((a.commune_id, a.specialty) for a in baseline.assignments)
    after = Counter((a.commune_id, a.specialty) for a in plan.assignments)
    stages = []
    if baseline.status in SOLVED:
        was = {s.name: s for s in baseline.objectives}
        for stage in plan.objectives:
            old = was.get(stage.name)
            if old is not None:
                gain = float(stage.value) - float(old.value)
                stages.append((stage.name, round(gain if stage.sense == "max" else -gain, 6)))
        if not any(gain for _, gain in stages) or next(gain for _, gain in stages if gain) < 0:
            return None
    else:
        stages = [(s.name, float(s.value) if s.sense == "max" else -float(s.value)) for s in plan.objectives]
    return Lever(
        changes=(label,),
        feasible=baseline.status not in SOLVED,
        seats=plan.kpis.seats_filled - (baseline.kpis.seats_filled if baseline.status in SOLVED else 0),
        gained=tuple(sorted(k for k in after if after[k] > before[k])),
        lost=tuple(sorted(k for k in before if before[k] > after[k])),
        km=round(plan.kpis.total_km - (baseline.kpis.total_km if baseline.status in SOLVED else 0.0), 3),
        stages=tuple(stages),
    )


def _merged(first: Lever, other: Lever) -> Lever:
    """One lever, two ways to pull it."""
    return Lever(
        changes=first.changes + other.changes,
        feasible=first.feasible,
        seats=first.seats,
        gained=first.gained,
        lost=first.lost,
        km=first.km,
        stages=first.stages,
    )


def _name(scenario: Scenario, commune_id: str) -> str:
    commune = scenario.commune_by_id.get(commune_id)
    return commune.name if commune else commune_id


def describe(scenario: Scenario, lever: Lever) -> str:
    """`SNNMT releases one more: +2 seat(s) (Nà Hỳ land, Mường Nhé land), +120 km, coverage +6`."""
    ways = _(" or ").join(lever.changes)
    if lever.feasible:
        return _("{ways}: a plan exists, {seats} seat(s) filled").format(ways=ways, seats=lever.seats)
    where = ", ".join(f"{_name(scenario, c)} {s}" for c, s in lever.gained)
    if lever.lost:
        lost = ", ".join(f"{_name(scenario, c)} {s}" for c, s in lever.lost)
        where = _("{gained}; moved away from {lost}").format(gained=where, lost=lost)
    text = _("{ways}: {seats:+d} seat(s) ({where}), {km:+,.0f} km").format(
        ways=ways, seats=lever.seats, where=where or _("the same seats"), km=lever.km
    )
    name, gain = next(((name, gain) for name, gain in lever.stages if gain), ("", 0.0))
    if name and name != "distance":
        text += f", {objective_name(name)} {gain:+g}"
    return text
