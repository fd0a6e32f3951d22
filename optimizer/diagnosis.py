"""Why a scenario is infeasible: a minimal set of named hard-rule instances that conflict."""

from __future__ import annotations

from ortools.sat.python import cp_model

from models.plan import Conflict, SolveParams
from models.rules import Rule
from models.scenario import Scenario
from optimizer.eligibility import Pairs, why_not
from optimizer.model import SecondmentModel

Item = tuple[Rule, str]


def diagnose(scenario: Scenario, pairs: Pairs, params: SolveParams) -> list[Conflict]:
    """Find a minimal set of rule instances that cannot hold together (deletion filtering)."""
    sm = SecondmentModel(scenario, pairs, rule_switches={}).build()
    switches = sm.rule_switches or {}
    core = _core(sm.model, switches, list(switches), params)
    if core is None:
        return []
    kept: list[Item] = []
    for index, item in enumerate(core):
        trial = kept + core[index + 1 :]
        if _conflicts(sm.model, switches, trial, params) is False:
            kept.append(item)
    return [_describe(scenario, rule, label) for rule, label in kept]


def _core(
    model: cp_model.CpModel, switches: dict[Item, cp_model.IntVar], items: list[Item], params: SolveParams
) -> list[Item] | None:
    """A (not necessarily minimal) infeasible subset, from CP-SAT's assumption core."""
    model.clear_assumptions()
    model.add_assumptions([switches[i] for i in items])
    solver = _solver(params)
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return None
    core_indices = set(solver.sufficient_assumptions_for_infeasibility())
    return [i for i in items if switches[i].index in core_indices] or items


def _conflicts(
    model: cp_model.CpModel, switches: dict[Item, cp_model.IntVar], items: list[Item], params: SolveParams
) -> bool | None:
    """Whether these rule instances alone already conflict (None: undecided in time)."""
    model.clear_assumptions()
    model.add_assumptions([switches[i] for i in items])
    status = _solver(params).solve(model)
    if status == cp_model.INFEASIBLE:
        return True
    return False if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _solver(params: SolveParams) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = params.time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = params.seed
    return solver


def _describe(scenario: Scenario, rule: Rule, label: str) -> Conflict:
    """Name the rule instance with the numbers a planner needs."""
    match rule:
        case Rule.PIN:
            pin = scenario.pins[int(label.removeprefix("pins[").removesuffix("]"))]
            target = f"{pin.commune}/{pin.specialty}" if pin.specialty else pin.commune
            detail = f"{pin.candidate} must go to {target}"
            blockers = _pin_blockers(scenario, pin.candidate, pin.commune, pin.specialty)
            if blockers:
                detail += f" but cannot: {blockers}"
            return Conflict(rule=rule, item=label, detail=detail)
        case Rule.COMMUNE_CAPACITY:
            commune = scenario.commune_by_id[label]
            return Conflict(rule=rule, item=label, detail=f"{commune.name} hosts at most {commune.capacity}")
        case Rule.AGENCY_RELEASE:
            agency = scenario.agency_by_id[label]
            return Conflict(
                rule=rule, item=label, detail=f"{agency.name} releases at most {agency.max_release}"
            )
        case Rule.SHORTAGE_SEATS:
            shortage = scenario.shortage_by_key[tuple(label.split("/", 1))]  # type: ignore[index]
            return Conflict(rule=rule, item=label, detail=f"at most {shortage.seats} seats")
        case Rule.ONE_SEAT_PER_PERSON:
            return Conflict(rule=rule, item=label, detail=f"{label} fills at most one seat")
        case Rule.MIN_COVERAGE:
            floor_ref, _, target = label.partition(":")
            floor = scenario.policy.min_coverage[int(floor_ref.removeprefix("min_coverage[")[:-1])]
            shortage = scenario.shortage_by_key[tuple(target.split("/", 1))]  # type: ignore[index]
            need = min(floor.at_least, shortage.seats)
            name = scenario.commune_by_id[shortage.commune_id].name
            return Conflict(
                rule=rule, item=label, detail=f"{name} must get at least {need} in {shortage.specialty}"
            )
    return Conflict(rule=rule, item=label, detail="")


def _pin_blockers(scenario: Scenario, candidate_id: str, commune_id: str, specialty: str | None) -> str:
    """Per-pair rules that make a pin impossible on its own, if any."""
    candidate = scenario.candidate_by_id[candidate_id]
    options = [
        s for s in scenario.shortages if s.commune_id == commune_id and specialty in (None, s.specialty)
    ]
    if not options:
        return f"{commune_id} has no shortage{' in ' + specialty if specialty else ''}"
    reasons = [why_not(scenario, candidate, s) for s in options]
    if all(reasons):
        return "; ".join(f"{rule}: {text}" for found in reasons for rule, text in found)
    return ""
