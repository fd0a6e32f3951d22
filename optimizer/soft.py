"""Soft rules: pins and floors kept as far as they can be, every other rule as hard as ever.

Softening is a switch of the rule catalogue: each group rule with a `family` named in `soften`
drops out of the scenario the engines solve (`without`) and instead counts its instances in a
first stage `rules_kept` (`kept`): a pin as a weight on the pairs that keep it, a floor of one seat
as its shortage's first seat (both network costs, so the flow engine runs them), a larger floor as
all or nothing (which CP-SAT runs).
"""

from __future__ import annotations

import numpy as np

from models.plan import Broken, SolveParams
from models.scenario import Scenario, Softenable
from optimizer.conflict_text import broken_detail
from optimizer.diagnosis import why_broken
from optimizer.eligibility import PairIndex, Pairs
from optimizer.rules import GROUP_RULES, GroupRule, Instance
from optimizer.rules.base import KeptStage
from optimizer.stages import Linear

RULES_KEPT = "rules_kept"


def families(scenario: Scenario, params: SolveParams) -> tuple[str, ...]:
    """The families softened by the scenario or the parameters, in catalogue order."""
    asked = {str(f) for f in scenario.policy.soften} | set(params.soften)
    return tuple(str(f) for f in Softenable if str(f) in asked)


def soft_rules(softened: tuple[str, ...]) -> list[GroupRule]:
    """The catalogue's rules those families make soft."""
    return [rule for rule in GROUP_RULES if rule.family in softened]


def hardened(scenario: Scenario, softened: tuple[str, ...]) -> Scenario:
    """The scenario the engines solve: without the soft rules' instances."""
    for rule in soft_rules(softened):
        scenario = rule.without(scenario)
    return scenario


def _instances(scenario: Scenario, pairs: Pairs, softened: tuple[str, ...]) -> list[Instance]:
    """Every instance of the soft rules, over the pairs the engines solve."""
    index = PairIndex.of(scenario, pairs)
    return [i for rule in soft_rules(softened) for i in rule.instances(scenario, pairs, index)]


def rules_kept(scenario: Scenario, pairs: Pairs, softened: tuple[str, ...]) -> Linear:
    """The first stage: how many of the soft rules' instances hold."""
    stage = KeptStage(
        np.zeros(len(pairs), dtype=np.int64), np.zeros(len(scenario.shortages), dtype=np.int64), []
    )
    rules = {rule.name: rule for rule in soft_rules(softened)}
    for instance in _instances(scenario, pairs, softened):
        rules[instance.rule].kept(instance, stage)
    return Linear(
        RULES_KEPT,
        True,
        stage.pair_weights,
        opened_weights=stage.opened_weights,
        needs=tuple(stage.needs),
    )


def broken(
    scenario: Scenario, pairs: Pairs, chosen: np.ndarray, softened: tuple[str, ...], params: SolveParams
) -> tuple[Broken, ...]:
    """The soft rules' instances a choice of pairs does not keep, each with the rules it cannot hold
    with (given the ones kept)."""
    kept: set[tuple[str, str]] = set()
    missed: list[tuple[str, str]] = []
    index = PairIndex.of(scenario, pairs)
    soft = {rule.name for rule in soft_rules(softened)}
    for rule in GROUP_RULES:
        if rule.family is None:
            continue
        for instance in rule.instances(scenario, pairs, index):
            holds = rule.name not in soft or int(chosen[instance.pairs].sum()) >= instance.bound
            (kept.add if holds else missed.append)((str(instance.rule), instance.item))
    if not missed:
        return ()
    reasons = why_broken(scenario, pairs, kept, params)
    found = []
    for rule, item in missed:
        members = reasons[(rule, item)].members
        target = next(m for m in members if m.item == item)
        found.append(Broken(rule=rule, item=item, detail=broken_detail(scenario, target, members)))
    return tuple(found)
