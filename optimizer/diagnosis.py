"""Why a scenario is infeasible: a minimal set of named hard-rule instances that conflict.

A pin or a floor that no eligible candidate can meet conflicts on its own. Otherwise every rule
instance (pin, floor, capacity, release cap, seats, one seat per person) gets a switch in the
CP-SAT model; CP-SAT's assumption core narrows them down and deletion filtering makes the set
minimal: dropping any one member makes the rest feasible.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from models.plan import Conflict, SolveParams
from models.rules import Rule
from models.scenario import Scenario
from optimizer.eligibility import Pairs
from optimizer.model import SecondmentModel
from optimizer.reasons import Certifier

Item = tuple[Rule, str]


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
    kept: list[Item] = []
    for index, item in enumerate(core):
        if _conflicts(sm.model, switches, kept + core[index + 1 :], params, deadline) is not True:
            kept.append(item)
    return [_describe(scenario, rule, label) for rule, label in kept]


def _impossible_alone(scenario: Scenario, pairs: Pairs) -> Conflict | None:
    """The first pin or floor that the eligible pairs alone cannot meet."""
    for n, pin in enumerate(scenario.pins):
        c = scenario.candidate_index[pin.candidate]
        options = [
            scenario.shortages[s]
            for s in pairs.shortage[pairs.candidate == c].tolist()
            if scenario.shortages[s].commune_id == pin.commune
            and pin.specialty in (None, scenario.shortages[s].specialty)
        ]
        if not options:
            return _describe(scenario, Rule.PIN, f"pins[{n}]")
    for n, floor in enumerate(scenario.policy.min_coverage):
        for commune_id in scenario.floor_communes(floor):
            s = scenario.shortage_index.get((commune_id, floor.specialty))
            if s is None:
                continue
            need = min(floor.at_least, scenario.shortages[s].seats)
            if len(np.unique(pairs.candidate[pairs.shortage == s])) < need:
                return _describe(
                    scenario, Rule.MIN_COVERAGE, f"min_coverage[{n}]:{commune_id}/{floor.specialty}", pairs
                )
    return None


def _core(
    model: cp_model.CpModel,
    switches: dict[Item, cp_model.IntVar],
    items: list[Item],
    params: SolveParams,
    deadline: float,
) -> list[Item] | None:
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
    switches: dict[Item, cp_model.IntVar],
    items: list[Item],
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
    solver.parameters.catch_sigint_signal = False  # else OR-Tools leaves Ctrl-C at SIG_DFL afterwards
    return solver


def _describe(scenario: Scenario, rule: Rule, label: str, pairs: Pairs | None = None) -> Conflict:
    """Name the rule instance where the planner will find it, with the numbers."""
    match rule:
        case Rule.PIN:
            pin = scenario.pins[int(label.removeprefix("pins[").removesuffix("]"))]
            target = f"{pin.commune}/{pin.specialty}" if pin.specialty else pin.commune
            detail = f"scenario.yaml {label}: {pin.candidate} must go to {target}"
            return Conflict(
                rule=rule,
                item=label,
                detail=detail + _pin_blockers(scenario, pin.candidate, pin.commune, pin.specialty),
            )
        case Rule.COMMUNE_CAPACITY:
            commune = scenario.commune_by_id[label]
            return Conflict(
                rule=rule,
                item=label,
                detail=f"communes.csv {label} {commune.name}: hosts at most {commune.capacity}",
            )
        case Rule.AGENCY_RELEASE:
            agency = scenario.agency_by_id[label]
            return Conflict(
                rule=rule,
                item=label,
                detail=f"agencies.csv {label} {agency.name}: releases at most {agency.max_release}",
            )
        case Rule.SHORTAGE_SEATS:
            shortage = scenario.shortage_by_key[tuple(label.split("/", 1))]  # type: ignore[index]
            return Conflict(
                rule=rule, item=label, detail=f"shortages.csv {label}: at most {shortage.seats} seat(s)"
            )
        case Rule.ONE_SEAT_PER_PERSON:
            return Conflict(rule=rule, item=label, detail=f"candidates.csv {label}: fills at most one seat")
        case Rule.MIN_COVERAGE:
            floor_ref, _, target = label.partition(":")
            floor = scenario.policy.min_coverage[int(floor_ref.removeprefix("min_coverage[")[:-1])]
            s = scenario.shortage_index[tuple(target.split("/", 1))]  # type: ignore[index]
            shortage = scenario.shortages[s]
            name = scenario.commune_by_id[shortage.commune_id].name
            detail = (
                f"scenario.yaml policy.{floor_ref} ({floor.label}): {name} must get at least "
                f"{min(floor.at_least, shortage.seats)} in {shortage.specialty}"
            )
            if pairs is not None:
                nobody = Certifier(scenario, pairs, np.zeros(len(pairs), dtype=np.int64)).certify(s)
                detail += f", but too few candidates can go there: {nobody.summary(scenario)}"
            return Conflict(rule=rule, item=label, detail=detail)
    return Conflict(rule=rule, item=label, detail="")


def _pin_blockers(scenario: Scenario, candidate_id: str, commune_id: str, specialty: str | None) -> str:
    """What makes a pin impossible on its own, if anything."""
    candidate = scenario.candidate_by_id[candidate_id]
    options = [
        s for s in scenario.shortages if s.commune_id == commune_id and specialty in (None, s.specialty)
    ]
    if not options:
        return f", but {commune_id} has no shortage{' in ' + specialty if specialty else ''}"
    held = [s for s in options if s.specialty in candidate.specialties]
    if not held:
        return f", but they do not hold {' or '.join(s.specialty for s in options)}"
    reasons = [_blocked(scenario, candidate_id, s) for s in held]
    return f", but cannot: {'; '.join(reasons)}" if all(reasons) else ""


def _blocked(scenario: Scenario, candidate_id: str, shortage) -> str:
    """The per-pair rules keeping a candidate from one shortage, as text ('' when none)."""
    s = scenario.shortage_index[shortage.key]
    certificate = Certifier(scenario, Pairs.empty(), np.zeros(0, dtype=np.int64)).certify(s)
    found = [rule for rule, (ids, _) in certificate.blocked.items() if candidate_id in set(ids.tolist())]
    if candidate_id in certificate.below_level.tolist():
        found.insert(0, Rule.SPECIALTY_LEVEL)
    return ", ".join(found)
