"""The exact Pareto front between two objectives: its two ends on the flow engine, the points between
by ε-constraint on CP-SAT, each proven; the knee and the marginal rate between neighbours."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from i18n import _
from models.plan import Plan, SolveParams
from models.scenario import Objective, Scenario
from optimizer.eligibility import eligible_pairs
from optimizer.tradeoff import TRADABLE, Point, Tradeoff, linear
from optimizer.tradeoff_flow import flow_extreme, hull_of, supported_points

FLOW, CPSAT = "min-cost flow", "CP-SAT"
POINTS = "points"


class TradeError(ValueError):
    """A --trade that cannot be drawn; the message says what was expected."""


def parse_trade(text: str) -> tuple[Objective, Objective]:
    """`coverage:distance` as two different tradable objectives."""
    names = text.split(":")
    tradable = [str(o) for o in TRADABLE]
    if len(names) != 2 or names[0] == names[1] or any(n not in tradable for n in names):
        raise TradeError(
            _("--trade {value}: expected FIRST:SECOND, two of {allowed}").format(
                value=text, allowed=", ".join(tradable)
            )
        )
    return Objective(names[0]), Objective(names[1])


@dataclass(frozen=True)
class FrontPoint:
    """One point: the engine's integer values, how it was proven, its plan."""

    at: Point
    proof: str
    plan: Plan


@dataclass(frozen=True)
class Front:
    """The points from the worst to the best first objective, the objectives held, their scales."""

    first: Objective
    second: Objective
    held: tuple[Objective, ...]
    points: list[FrontPoint]
    scales: tuple[float, float]

    def values(self, point: FrontPoint) -> tuple[float | int, float | int]:
        """A point's two objective values in their units (km for distance), whole numbers as int."""
        return _tidy(point.at.first / self.scales[0]), _tidy(point.at.second / self.scales[1])


def _tidy(value: float) -> float | int:
    """Whole numbers as int, others to 6 decimals."""
    return int(value) if float(value).is_integer() else round(value, 6)


def frontier(
    scenario: Scenario,
    trade: tuple[Objective, Objective],
    count: int | None,
    hold_others: bool,
    params: SolveParams,
    tick: Callable[[], None] = lambda: None,
) -> Front:
    """`count` points evenly spread over the first objective's range (None: every point of the front).

    Raises NoSolution when no plan meets the hard rules (and the held objectives)."""
    first, second = trade
    held = tuple(o for o in scenario.policy.objectives if o not in trade) if hold_others else ()
    pairs = eligible_pairs(scenario)
    engine = Tradeoff(scenario, pairs, first, second, held, params)
    ends = []
    for second_first in (False, True):
        found = flow_extreme(scenario, pairs, held, trade, params, second_first)
        if found is not None:
            ends.append(FrontPoint(*found[:1], FLOW, found[1]))
        tick()
    if len(ends) < 2:
        ends = [FrontPoint(p, CPSAT, engine.plan(p)) for p in engine.ends()]
    top, bottom = ends
    points = {(p.at.first, p.at.second): p for p in ends}
    vertices = supported_points(scenario, pairs, held, trade, params, (top.at, bottom.at))
    tick()
    if vertices is not None:
        engine.hull = hull_of(vertices, (engine.first, engine.second))
    supported = {v.first: v for v in vertices or []}

    def add(found: Point | None) -> Point | None:
        if found is not None and (found.first, found.second) not in points:
            vertex = supported.get(found.first)
            proof = FLOW if vertex is not None and vertex.second == found.second else CPSAT
            points[(found.first, found.second)] = FrontPoint(found, proof, engine.plan(found, proof))
        tick()
        return found

    if count is None:
        here: Point | None = top.at
        while here is not None and here.second != bottom.at.second:
            here = add(engine.next_point(here))
    else:
        low, high = bottom.at.first, top.at.first
        for k in range(1, count - 1):
            bound = low + math.ceil(k * (high - low) / (count - 1))
            add(supported[bound] if bound in supported else engine.point(bound))
    ordered = sorted(points.values(), key=lambda p: p.at.first, reverse=not engine.first.maximize)
    scales = (linear(first, scenario, pairs).scale, linear(second, scenario, pairs).scale)
    return Front(first, second, held, ordered, scales)


def front_frame(front: Front) -> pd.DataFrame:
    """frontier.csv: a row per point, the marginal rate from the point before, the knee marked."""
    a, b = str(front.first), str(front.second)
    knee = knee_index(front)
    rows = []
    for n, point in enumerate(front.points):
        x, y = front.values(point)
        kpis = point.plan.kpis
        rate = per_seat = None
        if n:
            px, py = front.values(front.points[n - 1])
            rate = round((y - py) / (x - px), 6) if x != px else None
            before = front.points[n - 1].plan.kpis
            seats = kpis.seats_filled - before.seats_filled
            per_seat = round((kpis.total_km - before.total_km) / seats, 3) if seats else None
        rows.append(
            {
                "point": n + 1,
                a: x,
                b: y,
                "status": point.plan.status.value,
                "proof": point.proof,
                f"marginal_{b}_per_{a}": rate,
                "knee": n == knee,
                "seats_filled": kpis.seats_filled,
                "seats_demanded": kpis.seats_demanded,
                "total_km": kpis.total_km,
                "km_per_extra_seat": per_seat,
                "plan": f"{POINTS}/{n + 1:03d}",
            }
        )
    return pd.DataFrame(rows)


def knee_index(front: Front) -> int | None:
    """The point farthest from the chord between the two ends, both axes scaled to [0, 1]."""
    if len(front.points) < 3:
        return None
    xs, ys = zip(*(front.values(p) for p in front.points), strict=True)
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    x = [(v - xs[0]) / span_x for v in xs]
    y = [(v - ys[0]) / span_y for v in ys]
    length = math.hypot(x[-1], y[-1]) or 1.0
    distance = [abs(y[-1] * x[n] - x[-1] * y[n]) / length for n in range(len(x))]
    best = max(range(1, len(x) - 1), key=distance.__getitem__)
    return best if distance[best] > 1e-9 else None
