"""The flow engine's part of `frontier`: the ends of the front, its supported points, and the hull
they span, which bounds every plan.

A supported point maximises a weighted sum of the two objectives' gains; on the network the
weighted problem's linear relaxation is integral, so the concave envelope of the supported points
is the Lagrangian bound of "the best second objective with the first at least c": no plan lies
above it. A point the ε-constraint finds on that envelope is therefore proven without search.
"""

from __future__ import annotations

import math

from models.plan import Plan, SolveParams, SolveStatus
from models.scenario import Objective, Scenario
from optimizer.eligibility import Pairs
from optimizer.flow_runner import FlowRunner, FlowUnsuited
from optimizer.plan_builder import build_plan
from optimizer.rules.objectives import run_stage
from optimizer.stages import Linear
from optimizer.tradeoff import Point, gain_of, linear
from optimizer.tradeoff_hull import Hull


def flow_extreme(
    scenario: Scenario,
    pairs: Pairs,
    held: tuple[Objective, ...],
    trade: tuple[Objective, Objective],
    params: SolveParams,
    second_first: bool = False,
) -> tuple[Point, Plan] | None:
    """An end of the front on the exact min-cost flow engine: the held stages, then the traded
    objectives lexicographically (the second before the first when `second_first`); None when the
    folded costs do not fit the flow solver."""
    order = tuple(reversed(trade)) if second_first else trade
    try:
        runner = FlowRunner(scenario, pairs, params, None)
        stages = [run_stage(runner, objective) for objective in held]
        for objective in order:
            stages.append(runner.optimize(linear(objective, scenario, pairs)))
    except FlowUnsuited:
        return None
    assert runner.chosen is not None
    first, second = (linear(o, scenario, pairs).value(runner.chosen, runner.index) for o in trade)
    plan = build_plan(scenario, pairs, runner.chosen, SolveStatus.OPTIMAL, stages, params, runner.engine)
    return Point(first, second, True, runner.chosen.copy()), plan


def flow_weighted(
    scenario: Scenario,
    pairs: Pairs,
    held: tuple[Objective, ...],
    trade: tuple[Objective, Objective],
    weights: tuple[int, int],
    params: SolveParams,
) -> Point | None:
    """The best weighted sum of the two objectives' gains (each counted better when larger) on the
    flow engine, ties broken by the first (which fixes the second): a supported point of the front.
    None when the folded costs do not fit the flow solver."""
    first, second = (linear(o, scenario, pairs) for o in trade)
    gain = [
        w * (o.pair_weights if o.maximize else -o.pair_weights)
        for w, o in zip(weights, (first, second), strict=True)
    ]
    combined = Linear("weighted", True, gain[0] + gain[1])
    try:
        runner = FlowRunner(scenario, pairs, params, None)
        for objective in held:
            run_stage(runner, objective)
        for stage in (combined, first):
            runner.optimize(stage)
    except (FlowUnsuited, OverflowError):
        return None
    assert runner.chosen is not None
    a, b = (o.value(runner.chosen, runner.index) for o in (first, second))
    return Point(a, b, True, runner.chosen.copy())


def supported_points(
    scenario: Scenario,
    pairs: Pairs,
    held: tuple[Objective, ...],
    trade: tuple[Objective, Objective],
    params: SolveParams,
    ends: tuple[Point, Point],
) -> list[Point] | None:
    """Every extreme supported point from the best first objective to the best second (both ends
    included), by dichotomic search over the weights; None when the costs do not fit the flow."""
    first, second = (linear(o, scenario, pairs) for o in trade)

    def gains(p: Point) -> tuple[int, int]:
        return gain_of(first, p.first), gain_of(second, p.second)

    found, todo = [*ends], [ends]
    while todo:
        left, right = todo.pop()
        (a1, b1), (a2, b2) = gains(left), gains(right)
        weights = (b2 - b1, a1 - a2)
        if weights[0] <= 0 or weights[1] <= 0:
            continue
        divisor = math.gcd(*weights)
        weights = (weights[0] // divisor, weights[1] // divisor)
        point = flow_weighted(scenario, pairs, held, trade, weights, params)
        if point is None:
            return None
        a, b = gains(point)
        if weights[0] * a + weights[1] * b > weights[0] * a1 + weights[1] * b1:
            found.append(point)
            todo += [(left, point), (point, right)]
    return sorted(found, key=lambda p: gains(p)[0])


def hull_of(points: list[Point], trade: tuple[Linear, Linear]) -> Hull:
    """The hull spanned by supported points."""
    first, second = trade
    return Hull(tuple((gain_of(first, p.first), gain_of(second, p.second)) for p in points))
