"""Why a scenario is infeasible: every independent set of hard-rule instances that cannot hold together.

Each set is minimal: CP-SAT's assumption core narrows the switches down, then a deletion filter
(refined by each new core) keeps only the members without which the rest can hold. A set is marked
proven minimal only when every deletion was decided in time. The pins and floors of a found set are
then dropped and the search repeats, so every later set has demands of its own; when none is left,
the remaining pins and floors can all hold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from models.plan import Conflict, SolveParams
from models.rules import Rule
from models.scenario import Scenario
from optimizer.conflict_model import DEMANDS, PER_PAIR, ConflictModel, Item, Outcome
from optimizer.conflict_text import describe
from optimizer.eligibility import Pairs
from optimizer.flow import FlowModel

DELETE_FIRST = (
    Rule.ONE_SEAT_PER_PERSON,
    Rule.SHORTAGE_SEATS,
    Rule.COMMUNE_CAPACITY,
    Rule.AGENCY_RELEASE,
)
"""Background and cap rules are tried for deletion first, so a set keeps the planner's own rules."""


@dataclass(frozen=True)
class ConflictSet:
    """Rule instances that cannot all hold; dropping any one member lets the rest hold (when proven)."""

    members: tuple[Item, ...]
    proven: bool


def find_conflicts(scenario: Scenario, pairs: Pairs, params: SolveParams) -> list[ConflictSet]:
    """Every independent minimal conflict set (none when the rules can hold or nothing is decided in time)."""
    deadline = time.monotonic() + params.time_limit_s
    if _holds_as_a_network(scenario, pairs):
        return []
    model = ConflictModel(scenario, pairs)
    active = model.items
    found: list[ConflictSet] = []
    while True:
        localised = _localised(model, active)
        outcome, core = model.check(localised, deadline)
        if outcome != Outcome.INFEASIBLE and len(localised) < len(active):
            outcome, core = model.check(active, deadline)
        if outcome != Outcome.INFEASIBLE:
            return found
        members, proven = _shrink(model, _ordered(core), deadline)
        found.append(ConflictSet(tuple(members), proven))
        demands = {m for m in members if m.rule in DEMANDS}
        if not demands:
            return found
        active = [i for i in active if i not in demands]


def _holds_as_a_network(scenario: Scenario, pairs: Pairs) -> bool:
    """Whether the engines' network finds a plan meeting every hard rule (then nothing conflicts)."""
    try:
        return FlowModel(scenario, pairs).solve([]) is not None
    except OverflowError:
        return False


def diagnose(scenario: Scenario, pairs: Pairs, params: SolveParams) -> list[Conflict]:
    """The conflict sets as the plan lists them: one row per member, numbered by set."""
    return [
        Conflict(
            rule=item.rule,
            item=item.item,
            detail=describe(scenario, item),
            set=n,
            minimal=found.proven,
            candidate=item.candidate if item.rule in PER_PAIR else None,
            commune=item.commune if item.rule in PER_PAIR else None,
            specialty=item.specialty if item.rule in (Rule.SPECIALTY_LEVEL, Rule.FORBID) else None,
        )
        for n, found in enumerate(find_conflicts(scenario, pairs, params))
        for item in found.members
    ]


def _localised(model: ConflictModel, active: list[Item]) -> list[Item]:
    """The active items with only the shortest run of pins and floors that still conflicts.

    Found by bisection on exact circulation checks, so CP-SAT's core comes from a small model.
    """
    demands = [i for i in active if i.rule in DEMANDS]
    rest = [i for i in active if i.rule not in DEMANDS]
    if model.holds(active) is not False:
        return active
    low, high = 0, len(demands)
    while low + 1 < high:
        middle = (low + high) // 2
        if model.holds(demands[:middle] + rest) is False:
            high = middle
        else:
            low = middle
    start, end = 0, high - 1
    while start < end:
        middle = (start + end + 1) // 2
        if model.holds(demands[middle:high] + rest) is False:
            start = middle
        else:
            end = middle - 1
    return demands[start:high] + rest


def _ordered(items: list[Item]) -> list[Item]:
    """Deletion order: background and caps first, then per-pair items, the planner's demands last."""

    def rank(item: Item) -> int:
        if item.rule in DELETE_FIRST:
            return 0
        return 2 if item.rule in DEMANDS else 1

    return sorted(items, key=rank)


def _shrink(model: ConflictModel, core: list[Item], deadline: float) -> tuple[list[Item], bool]:
    """A minimal subset of an infeasible core, and whether every step was decided."""
    kept: list[Item] = []
    work = list(core)
    proven = True
    while work:
        item, work = work[0], work[1:]
        outcome, smaller = model.check(kept + work, deadline)
        if outcome == Outcome.INFEASIBLE:
            inside = set(smaller)
            work = [i for i in work if i in inside]
            continue
        kept.append(item)
        proven &= outcome == Outcome.FEASIBLE
    return _in_scenario_order(model, kept), proven


def _in_scenario_order(model: ConflictModel, members: list[Item]) -> list[Item]:
    """Pins and floors as the scenario lists them, then per-pair items by rule and commune, then caps."""
    position = {item: n for n, item in enumerate(model.items)}

    def key(item: Item) -> tuple:
        if item.rule in DEMANDS:
            return (0, position[item])
        if item.rule in DELETE_FIRST:
            return (2, position[item])
        return (1, str(item.rule), item.commune or "", item.candidate or "", item.item)

    return sorted(members, key=key)


def why_broken(
    scenario: Scenario, pairs: Pairs, kept: set[tuple[str, str]], params: SolveParams
) -> dict[tuple[str, str], ConflictSet]:
    """For each pin or floor a softened plan breaks: a minimal set of rules it cannot hold with,
    given the pins and floors the plan keeps (had it held with them, the plan would keep it too)."""
    deadline = time.monotonic() + params.time_limit_s
    model = ConflictModel(scenario, pairs)
    rest = [i for i in model.items if i.rule not in DEMANDS]
    held = [i for i in model.items if i.rule in DEMANDS and (i.rule, i.item) in kept]
    found = {}
    for item in model.items:
        if item.rule not in DEMANDS or (item.rule, item.item) in kept:
            continue
        outcome, core = model.check([*rest, *held, item], deadline)
        if outcome != Outcome.INFEASIBLE:
            found[(item.rule, item.item)] = ConflictSet((item,), False)
            continue
        ordered = [i for i in _ordered(core) if i != item] + [item]
        members, proven = _shrink(model, ordered, deadline)
        found[(item.rule, item.item)] = ConflictSet(tuple(members), proven)
    return found
