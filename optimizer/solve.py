"""The one entry point: solve(scenario, params) -> Plan."""

from __future__ import annotations

import threading
import time

from models.plan import Plan, SolveParams, SolveStatus, StageResult
from models.scenario import Scenario
from optimizer import soft
from optimizer.cpsat_runner import CpSatRunner
from optimizer.diagnosis import diagnose
from optimizer.eligibility import Pairs, eligible_pairs
from optimizer.flow_runner import FlowRunner, FlowUnsuited
from optimizer.parts_runner import PartsRunner
from optimizer.plan_builder import build_plan, empty_plan
from optimizer.rules.objectives import run_stage
from optimizer.stages import Linear, NoSolution, Progress, Runner, reaches

MIN_DIAGNOSIS_S = 0.05
"""The diagnosis gets what is left of the time limit (this much at least, to report a lone pin)."""


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    pairs: Pairs | None = None,
    changes: bool = True,
) -> Plan:
    """Optimise the scenario's objectives in their declared order under every hard rule.

    Setting `stop` (e.g. on Ctrl-C) ends the search: the best plan found so far comes back, its
    unfinished stages marked unproven. `pairs`, when given, must be `eligible_pairs(scenario)`
    (a sweep passes the ones it derived from its base scenario's). With a baseline, `changes` says
    what became of each of its assignments (re-solving those still possible but not kept).

    The exact min-cost flow engine runs the stages when their combined costs fit in 64 bits and
    everyone fills one seat; otherwise (or when asked) CP-SAT does, warm-started stage after stage,
    on each independent part apart when people may fill several seats.
    """
    params = params or SolveParams()
    softened = soft.families(scenario, params)
    hard = soft.hardened(scenario, softened) if softened else scenario
    pairs = eligible_pairs(hard) if pairs is None or softened else pairs
    return _plan(scenario, hard, pairs, params, progress, stop, softened, changes)


def run_stages(
    scenario: Scenario,
    pairs: Pairs,
    params: SolveParams,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    keep: Linear | None = None,
    keep_first: bool = False,
    ceiling: dict[str, float | int] | None = None,
    first: Linear | None = None,
) -> tuple[Runner, list[StageResult]]:
    """Every stage on the engine `params` asks for; the runner holds the choice (NoSolution: none).

    `first` is a reported stage before the declared ones (with soft rules: how many of them hold).
    `keep` is one more stage, held but not reported: first with `keep_first`, else a last tie-break.
    `ceiling`: the stage values of a less constrained scenario (the free optimum of a re-solve).
    People with several seats are solved part by part, unless a soft-rule stage links the parts.
    """
    general: type[Runner] = PartsRunner if scenario.multi_post and first is None else CpSatRunner
    engines: list[type[Runner]] = {
        "auto": [FlowRunner, general],
        "flow": [FlowRunner],
        "cpsat": [general],
    }[params.engine]
    for engine in engines:
        try:
            runner = engine(scenario, pairs, params, progress, stop)
            runner.ceiling = dict(ceiling or {})
            return _stages(runner, scenario, keep, keep_first, first)
        except FlowUnsuited:
            if engine is engines[-1]:
                raise
    raise AssertionError("unreachable")


def _stages(
    runner: Runner, scenario: Scenario, keep: Linear | None, keep_first: bool, first: Linear | None
) -> tuple[Runner, list[StageResult]]:
    """All stages on one engine, then a canonical choice among the plans equal on every stage."""
    if keep is not None:
        runner.mark(keep.pair_weights)
    if keep is not None and keep_first:
        runner.optimize(keep)
    elif keep is not None:
        runner.tail = [keep]
    stages = [runner.optimize(first)] if first is not None else []
    if stages:
        runner.at_ceiling = reaches(stages[-1], runner.ceiling)
    for objective in scenario.policy.objectives:
        stages.append(run_stage(runner, objective))
        runner.at_ceiling = runner.at_ceiling and reaches(stages[-1], runner.ceiling)
    if keep is not None and not keep_first:
        runner.optimize(keep)
    if runner.chosen is None:
        runner.settle()
    runner.canonicalize()
    return runner, stages


def _plan(
    scenario: Scenario,
    hard: Scenario,
    pairs: Pairs,
    params: SolveParams,
    progress: Progress | None,
    stop: threading.Event | None,
    softened: tuple[str, ...],
    changes: bool,
) -> Plan:
    """All stages on the rules still hard (first, with soft rules, how many of them hold), then the
    plan with its baseline's changes (or the diagnosis of the hard rules when no plan exists)."""
    first = soft.rules_kept(scenario, pairs, softened) if softened else None
    started = time.monotonic()
    try:
        runner, stages = run_stages(hard, pairs, params, progress, stop, first=first)
    except NoSolution as failure:
        if failure.infeasible:
            left = params.time_limit_s - (time.monotonic() - started)
            conflicts = diagnose(
                hard, pairs, params.model_copy(update={"time_limit_s": max(left, MIN_DIAGNOSIS_S)})
            )
            return empty_plan(scenario, SolveStatus.INFEASIBLE, params, conflicts, softened)
        return empty_plan(scenario, SolveStatus.UNKNOWN, params, [], softened)
    assert runner.chosen is not None
    status = SolveStatus.OPTIMAL if all(stage.proven for stage in stages) else SolveStatus.FEASIBLE
    broken = soft.broken(scenario, pairs, runner.chosen, softened, params) if softened else ()
    plan = build_plan(scenario, pairs, runner.chosen, status, stages, params, runner.engine)
    plan = plan.model_copy(
        update={"broken": broken, "provenance": plan.provenance.model_copy(update={"soften": softened})}
    )
    if scenario.baseline is None or not changes:
        return plan
    from optimizer.rounds import baseline_changes

    found = baseline_changes(hard, pairs, runner.chosen, stages, params, progress, stop, first)
    return plan.model_copy(update={"baseline": found})
