"""Soft rules: pins and floors kept as far as they can be, the rest of the rules hard as ever.

The engines solve the scenario without its softened pins and floors, after a first stage
`rules_kept` that counts the items kept: a pin is kept when its person sits in a seat it names (a
weight on those pairs: one seat per person makes it exact), a floor's commune when enough of its
seats are filled (all or nothing: `Linear.needs`, which only CP-SAT takes).
"""

from __future__ import annotations

import numpy as np

from models.plan import Broken, SolveParams
from models.rules import Rule
from models.scenario import Scenario, Softenable
from optimizer.conflict_text import broken_detail
from optimizer.diagnosis import why_broken
from optimizer.eligibility import Pairs
from optimizer.stages import Linear

RULES_KEPT = "rules_kept"


def families(scenario: Scenario, params: SolveParams) -> tuple[str, ...]:
    """The families softened by the scenario or the parameters, in catalogue order."""
    asked = {str(f) for f in scenario.policy.soften} | set(params.soften)
    return tuple(str(f) for f in Softenable if str(f) in asked)


def hardened(scenario: Scenario, softened: tuple[str, ...]) -> Scenario:
    """The scenario the engines solve: without the softened pins and floors."""
    update: dict[str, object] = {}
    if Softenable.PINS in softened:
        update["pins"] = ()
    if Softenable.MIN_COVERAGE in softened:
        update["policy"] = scenario.policy.model_copy(update={"min_coverage": ()})
    return scenario.model_copy(update=update)


def _pin_pairs(scenario: Scenario, pairs: Pairs, n: int) -> np.ndarray:
    """The pairs that keep pin n."""
    pin = scenario.pins[n]
    c = scenario.candidate_index[pin.candidate]
    mine = np.flatnonzero(pairs.candidate == c)
    return np.array(
        [
            p
            for p in mine.tolist()
            if scenario.shortages[pairs.shortage[p]].commune_id == pin.commune
            and pin.specialty in (None, scenario.shortages[pairs.shortage[p]].specialty)
        ],
        dtype=np.int64,
    )


def _floor_items(scenario: Scenario, pairs: Pairs) -> list[tuple[str, np.ndarray, int]]:
    """Each floor on each commune it selects that is short: its item, its shortage's pairs, its need."""
    found = []
    for n, floor in enumerate(scenario.policy.min_coverage):
        for commune_id in scenario.floor_communes(floor):
            s = scenario.shortage_index.get((commune_id, floor.specialty))
            if s is not None:
                need = min(floor.at_least, scenario.shortages[s].seats)
                item = f"min_coverage[{n}]:{commune_id}/{floor.specialty}"
                found.append((item, np.flatnonzero(pairs.shortage == s), need))
    return found


def rules_kept(scenario: Scenario, pairs: Pairs, softened: tuple[str, ...]) -> Linear:
    """The first stage: the number of softened items kept."""
    weights = np.zeros(len(pairs), dtype=np.int64)
    if Softenable.PINS in softened:
        for n in range(len(scenario.pins)):
            weights[_pin_pairs(scenario, pairs, n)] += 1
    needs: tuple[tuple[np.ndarray, int], ...] = ()
    if Softenable.MIN_COVERAGE in softened:
        needs = tuple((ps, need) for _item, ps, need in _floor_items(scenario, pairs))
    return Linear(RULES_KEPT, True, weights, needs=needs)


def broken(
    scenario: Scenario, pairs: Pairs, chosen: np.ndarray, softened: tuple[str, ...], params: SolveParams
) -> tuple[Broken, ...]:
    """The softened items a choice of pairs does not keep, each with the rules it cannot hold with."""
    kept: set[tuple[str, str]] = set()
    missed: list[tuple[str, str]] = []
    if Softenable.PINS in softened:
        for n in range(len(scenario.pins)):
            keeps = bool(chosen[_pin_pairs(scenario, pairs, n)].any())
            (kept.add if keeps else missed.append)((Rule.PIN, f"pins[{n}]"))
    else:
        kept.update((Rule.PIN, f"pins[{n}]") for n in range(len(scenario.pins)))
    for item, ps, need in _floor_items(scenario, pairs):
        keeps = Softenable.MIN_COVERAGE not in softened or int(chosen[ps].sum()) >= need
        (kept.add if keeps else missed.append)((Rule.MIN_COVERAGE, item))
    if not missed:
        return ()
    reasons = why_broken(scenario, pairs, kept, params)
    return tuple(
        Broken(rule=rule, item=item, detail=broken_detail(scenario, *_members(reasons[(rule, item)], item)))
        for rule, item in missed
    )


def _members(found, item: str):
    """The broken item among its conflict set's members, and the members."""
    target = next(m for m in found.members if m.item == item)
    return target, found.members
