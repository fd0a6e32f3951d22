"""Why a scenario is infeasible: a minimal set of named hard-rule instances that conflict.

A pin or a floor that no eligible candidate can meet conflicts on its own. Otherwise every rule
instance (pin, floor, capacity, release cap, seats, one seat per person) gets a switch in the
CP-SAT model; CP-SAT's assumption core narrows them down and deletion filtering makes the set
minimal: dropping any one member makes the rest feasible. Each rule's catalogue entry describes
its own instances.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from models.plan import Conflict, SolveParams
from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs
from optimizer.model import SecondmentModel
from optimizer.rules import GROUP_RULES, RULE, GroupRule, Instance


def diagnose(scenario: Scenario, pairs: Pairs, params: SolveParams) -> list[Conflict]:
    """A minimal set of rule instances that cannot hold together (empty if none is found in time)."""
    alone = _impossible_alone(scenario, pairs)
    if alone:
        return [alone]
    sm = SecondmentModel(scenario, pairs, rule_switches={}).build()
    switches = sm.rule_switches or {}
    deadline = time.monotonic() + params.time_limit_s
    core = _core(sm.model, switches, list(switches), params, deadline)
    if core is None:
        return []
    kept: list[Instance] = []
    for index, item in enumerate(core):
        if _conflicts(sm.model, switches, kept + core[index + 1 :], params, deadline) is not True:
            kept.append(item)
    return [_conflict(scenario, instance) for instance in kept]


def _impossible_alone(scenario: Scenario, pairs: Pairs) -> Conflict | None:
    """The first rule instance (a pin, a floor) that the eligible pairs alone cannot meet."""
    index = PairIndex.of(scenario, pairs)
    for rule in GROUP_RULES:
        for instance in rule.instances(scenario, pairs, index):
            if rule.impossible_alone(instance, pairs):
                return _conflict(scenario, instance, pairs)
    return None


def _conflict(scenario: Scenario, instance: Instance, pairs: Pairs | None = None) -> Conflict:
    """The instance as its rule describes it."""
    rule = RULE[instance.rule]
    assert isinstance(rule, GroupRule)
    return Conflict(rule=instance.rule, item=instance.item, detail=rule.describe(scenario, instance, pairs))


def _core(
    model: cp_model.CpModel,
    switches: dict[Instance, cp_model.IntVar],
    items: list[Instance],
    params: SolveParams,
    deadline: float,
) -> list[Instance] | None:
    """A (not necessarily minimal) infeasible subset, from CP-SAT's assumption core."""
    model.clear_assumptions()
    model.add_assumptions([switches[i] for i in items])
    solver = _solver(params, deadline)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    core_indices = set(solver.sufficient_assumptions_for_infeasibility())
    return [i for i in items if switches[i].index in core_indices] or items


def _conflicts(
    model: cp_model.CpModel,
    switches: dict[Instance, cp_model.IntVar],
    items: list[Instance],
    params: SolveParams,
    deadline: float,
) -> bool | None:
    """Whether these rule instances alone already conflict (None: undecided in time)."""
    model.clear_assumptions()
    model.add_assumptions([switches[i] for i in items])
    status = _solver(params, deadline).solve(model)
    if status == cp_model.INFEASIBLE:
        return True
    return False if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _solver(params: SolveParams, deadline: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = params.seed
    return solver
