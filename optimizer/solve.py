"""The one entry point: solve(scenario, params) -> Plan."""

from __future__ import annotations

import threading

from models.plan import Plan, SolveParams, SolveStatus, StageResult
from models.scenario import Scenario
from optimizer.cpsat_runner import CpSatRunner
from optimizer.diagnosis import diagnose
from optimizer.eligibility import Pairs, eligible_pairs
from optimizer.flow_runner import FlowRunner, FlowUnsuited
from optimizer.plan_builder import build_plan, empty_plan
from optimizer.rules.objectives import run_stage
from optimizer.stages import Linear, NoSolution, Progress, Runner, reaches


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    changes: bool = True,
) -> Plan:
    """Optimise the scenario's objectives in their declared order under every hard rule.

    Setting `stop` (e.g. on Ctrl-C) ends the search: the best plan found so far comes back, its
    unfinished stages marked unproven. With a baseline, `changes` says what became of each of its
    assignments (re-solving those still possible but not kept).

    The exact min-cost flow engine runs the stages when their combined costs fit in 64 bits;
    otherwise (or when asked) CP-SAT does, warm-started stage after stage.
    """
    params = params or SolveParams()
    return _plan(scenario, eligible_pairs(scenario), params, progress, stop, changes)


def run_stages(
    scenario: Scenario,
    pairs: Pairs,
    params: SolveParams,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    keep: Linear | None = None,
    keep_first: bool = False,
    ceiling: dict[str, float | int] | None = None,
) -> tuple[Runner, list[StageResult]]:
    """Every stage on the engine `params` asks for; the runner holds the choice (NoSolution: none).

    `keep` is one more stage, held but not reported: first with `keep_first`, else a last tie-break.
    `ceiling`: the stage values of a less constrained scenario (the free optimum of a re-solve).
    """
    engines: list[type[Runner]] = {
        "auto": [FlowRunner, CpSatRunner],
        "flow": [FlowRunner],
        "cpsat": [CpSatRunner],
    }[params.engine]
    for engine in engines:
        try:
            runner = engine(scenario, pairs, params, progress, stop)
            runner.ceiling = dict(ceiling or {})
            return _stages(runner, scenario, keep, keep_first)
        except FlowUnsuited:
            if engine is engines[-1]:
                raise
    raise AssertionError("unreachable")


def _stages(
    runner: Runner, scenario: Scenario, keep: Linear | None, keep_first: bool
) -> tuple[Runner, list[StageResult]]:
    """All stages on one engine, then a canonical choice among the plans equal on every stage."""
    if keep is not None and keep_first:
        runner.optimize(keep)
    elif keep is not None:
        runner.tail = [keep]
    stages = []
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
    pairs: Pairs,
    params: SolveParams,
    progress: Progress | None,
    stop: threading.Event | None,
    changes: bool,
) -> Plan:
    """The plan of every stage (or the diagnosis when no plan exists), with its baseline's changes."""
    try:
        runner, stages = run_stages(scenario, pairs, params, progress, stop)
    except NoSolution as failure:
        if failure.infeasible:
            return empty_plan(scenario, SolveStatus.INFEASIBLE, params, diagnose(scenario, pairs, params))
        return empty_plan(scenario, SolveStatus.UNKNOWN, params, [])
    assert runner.chosen is not None
    status = SolveStatus.OPTIMAL if all(stage.proven for stage in stages) else SolveStatus.FEASIBLE
    plan = build_plan(scenario, pairs, runner.chosen, status, stages, params, runner.engine)
    if scenario.baseline is None or not changes:
        return plan
    from optimizer.rounds import baseline_changes

    changes = baseline_changes(scenario, pairs, runner.chosen, stages, params, progress, stop)
    return plan.model_copy(update={"baseline": changes})
