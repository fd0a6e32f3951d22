"""Turn a 0/1 choice of eligible pairs into a Plan: assignments, unfilled seats, KPIs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version

import numpy as np
import ortools

from i18n import _
from models.plan import (
    Assignment,
    Conflict,
    Kpis,
    Plan,
    Provenance,
    SolveParams,
    SolveStatus,
    StageResult,
    Unfilled,
)
from models.scenario import Scenario
from optimizer.eligibility import Pairs
from optimizer.reasons import Certifier

KM_DECIMALS = 3


def provenance(scenario: Scenario, params: SolveParams, engine: str) -> Provenance:
    """Where a plan comes from: scenario hash, versions, seed and limits."""
    return Provenance(
        scenario_sha256=scenario.sha256,
        scenario_name=scenario.name,
        tool_version=version("secondment-planner"),
        solver=f"{engine} (OR-Tools {ortools.__version__})",
        seed=params.seed,
        time_limit_s=params.time_limit_s,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def build_plan(
    scenario: Scenario,
    pairs: Pairs,
    chosen: np.ndarray,
    status: SolveStatus,
    stages: list[StageResult],
    params: SolveParams,
    engine: str,
) -> Plan:
    """Assemble the plan for a choice of pairs."""
    picked = np.flatnonzero(chosen)
    assignments = sorted(
        (_assignment(scenario, pairs, p) for p in picked.tolist()), key=lambda a: a.candidate_id
    )
    filled = Counter(int(pairs.shortage[p]) for p in picked)
    short = [s for s, shortage in enumerate(scenario.shortages) if filled.get(s, 0) < shortage.seats]
    reasons = Certifier(scenario, pairs, chosen).summaries(short)
    return Plan(
        status=status,
        objectives=tuple(stages),
        assignments=tuple(assignments),
        unfilled=tuple(_unfilled(scenario, filled, reasons.__getitem__)),
        kpis=_kpis(scenario, assignments),
        provenance=provenance(scenario, params, engine),
    )


def empty_plan(
    scenario: Scenario,
    status: SolveStatus,
    params: SolveParams,
    conflicts: list[Conflict],
    softened: tuple[str, ...] = (),
) -> Plan:
    """A plan with no assignments: no solution was found or none exists."""
    why = _("no plan: the hard rules conflict") if conflicts else _("no plan was found in the time limit")
    return Plan(
        status=status,
        unfilled=tuple(_unfilled(scenario, Counter(), lambda _: why)),
        kpis=_kpis(scenario, []),
        provenance=provenance(scenario, params, "none").model_copy(update={"soften": softened}),
        conflicts=tuple(conflicts),
    )


def _assignment(scenario: Scenario, pairs: Pairs, p: int) -> Assignment:
    candidate = scenario.candidates[pairs.candidate[p]]
    shortage = scenario.shortages[pairs.shortage[p]]
    return Assignment(
        candidate_id=candidate.id,
        candidate_name=candidate.name,
        agency_id=candidate.agency_id,
        commune_id=shortage.commune_id,
        commune_name=scenario.commune_by_id[shortage.commune_id].name,
        specialty=shortage.specialty,
        distance_km=round(float(pairs.km[p]), KM_DECIMALS),
        travel_minutes=round(float(pairs.minutes[p]), 1),
    )


def _unfilled(scenario: Scenario, filled: Counter[int], reason: Callable[[int], str]) -> list[Unfilled]:
    """Every shortage not fully filled, with what keeps its seats empty (`explain` goes deeper)."""
    rows = []
    for s, shortage in enumerate(scenario.shortages):
        got = filled.get(s, 0)
        if got < shortage.seats:
            rows.append(
                Unfilled(
                    commune_id=shortage.commune_id,
                    specialty=shortage.specialty,
                    seats=shortage.seats,
                    filled=got,
                    missing=shortage.seats - got,
                    reason=reason(s),
                    commune_name=scenario.commune_by_id[shortage.commune_id].name,
                )
            )
    return rows


def _kpis(scenario: Scenario, assignments: list[Assignment]) -> Kpis:
    demanded = sum(s.seats for s in scenario.shortages)
    weight = {s.key: s.priority for s in scenario.shortages}
    hosted = Counter(a.commune_id for a in assignments)
    demand = Counter[str]()
    for s in scenario.shortages:
        demand[s.commune_id] += s.seats
    travel = {a.candidate_id: a.distance_km for a in assignments}
    """Each person travels once, however many seats they fill."""
    return Kpis(
        seats_demanded=demanded,
        seats_filled=len(assignments),
        coverage_pct=round(100.0 * len(assignments) / demanded, 2) if demanded else 100.0,
        total_km=round(sum(travel.values()), KM_DECIMALS),
        priority_weighted_demanded=sum(s.priority * s.seats for s in scenario.shortages),
        priority_weighted_filled=sum(weight[(a.commune_id, a.specialty)] for a in assignments),
        people_seconded=len(travel),
        communes_with_demand=len(demand),
        communes_left_short=sum(1 for c, d in demand.items() if hosted.get(c, 0) < d),
        max_km=max((a.distance_km for a in assignments), default=0.0),
    )
