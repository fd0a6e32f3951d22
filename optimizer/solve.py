"""The one entry point: solve(scenario, params) -> Plan."""

from __future__ import annotations

from models.plan import Plan, SolveParams, SolveStatus, StageResult
from models.scenario import Scenario
from optimizer.diagnosis import diagnose
from optimizer.eligibility import eligible_pairs
from optimizer.model import SecondmentModel
from optimizer.objectives import run_stage
from optimizer.plan_builder import build_plan, empty_plan
from optimizer.stages import NoSolution, Progress, StageRunner


def solve(scenario: Scenario, params: SolveParams | None = None, progress: Progress | None = None) -> Plan:
    """Optimise the scenario's objectives in their declared order under every hard rule."""
    params = params or SolveParams()
    pairs = eligible_pairs(scenario)
    runner = StageRunner(SecondmentModel(scenario, pairs).build(), params, progress)
    stages: list[StageResult] = []
    try:
        for objective in scenario.policy.objectives:
            stages.append(run_stage(runner, objective))
        if runner.chosen is None:
            runner.settle()
    except NoSolution as failure:
        if failure.infeasible:
            return empty_plan(scenario, SolveStatus.INFEASIBLE, params, diagnose(scenario, pairs, params))
        return empty_plan(scenario, SolveStatus.UNKNOWN, params, [])
    chosen = runner.chosen
    assert chosen is not None
    proven = all(stage.proven for stage in stages)
    status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    return build_plan(scenario, pairs, chosen, status, stages, params)
