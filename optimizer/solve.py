"""The one entry point: solve(scenario, params) -> Plan."""

from __future__ import annotations

import threading

from models.plan import Plan, SolveParams, SolveStatus, StageResult
from models.scenario import Scenario
from optimizer import soft
from optimizer.cpsat_runner import CpSatRunner
from optimizer.diagnosis import diagnose
from optimizer.eligibility import Pairs, eligible_pairs
from optimizer.flow_runner import FlowRunner, FlowUnsuited
from optimizer.plan_builder import build_plan, empty_plan
from optimizer.rules.objectives import run_stage
from optimizer.stages import NoSolution, Progress, Runner


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    pairs: Pairs | None = None,
) -> Plan:
    """Optimise the scenario's objectives in their declared order under every hard rule.

    Setting `stop` (e.g. on Ctrl-C) ends the search: the best plan found so far comes back, its
    unfinished stages marked unproven. `pairs`, when given, must be `eligible_pairs(scenario)`
    (a sweep passes the ones it derived from its base scenario's).

    The exact min-cost flow engine runs the stages when their combined costs fit in 64 bits;
    otherwise (or when asked) CP-SAT does, warm-started stage after stage.
    """
    params = params or SolveParams()
    softened = soft.families(scenario, params)
    hard = soft.hardened(scenario, softened) if softened else scenario
    pairs = eligible_pairs(hard) if pairs is None or softened else pairs
    engines: list[type[Runner]] = {
        "auto": [FlowRunner, CpSatRunner],
        "flow": [FlowRunner],
        "cpsat": [CpSatRunner],
    }[params.engine]
    for engine in engines:
        try:
            runner = engine(hard, pairs, params, progress, stop)
            return _run(runner, scenario, pairs, params, softened)
        except FlowUnsuited:
            if engine is engines[-1]:
                raise
    raise AssertionError("unreachable")


def _run(
    runner: Runner, scenario: Scenario, pairs: Pairs, params: SolveParams, softened: tuple[str, ...]
) -> Plan:
    """All stages on one engine (first, with soft rules, how many of them hold), then the plan
    (or the diagnosis of the rules still hard when no plan exists)."""
    stages: list[StageResult] = []
    try:
        if softened:
            stages.append(runner.optimize(soft.rules_kept(scenario, pairs, softened)))
        for objective in scenario.policy.objectives:
            stages.append(run_stage(runner, objective))
        if runner.chosen is None:
            runner.settle()
        runner.canonicalize()
    except NoSolution as failure:
        if failure.infeasible:
            conflicts = diagnose(runner.scenario, pairs, params)
            return empty_plan(scenario, SolveStatus.INFEASIBLE, params, conflicts, softened)
        return empty_plan(scenario, SolveStatus.UNKNOWN, params, [], softened)
    assert runner.chosen is not None
    status = SolveStatus.OPTIMAL if all(stage.proven for stage in stages) else SolveStatus.FEASIBLE
    broken = soft.broken(scenario, pairs, runner.chosen, softened, params) if softened else ()
    plan = build_plan(scenario, pairs, runner.chosen, status, stages, params, runner.engine)
    return plan.model_copy(
        update={"broken": broken, "provenance": plan.provenance.model_copy(update={"soften": softened})}
    )
