"""Property tests on random small scenarios: audited plans, exact optima (conflicts: test_conflicts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from builders import agency, commune, every_seating, person, scenario, short
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import SolveParams, SolveStatus
from models.plan_io import write_plan
from models.scenario import CoverageFloor, Objective, Pin, Scenario
from optimizer.audit import audit_folder, check_rules, objective_values
from optimizer.eligibility import eligible_pairs
from optimizer.solve import solve

FIELDS = ("it", "land", "health")
RANKABLE = [o for o in Objective if o is not Objective.STABILITY]
"""Objectives a scenario without a baseline may rank."""
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def random_scenario(
    seed: int, people: int = 5, places: int = 3, floors: bool = False, pins: bool = False
) -> Scenario:
    """A small random scenario; every hard rule may bind."""
    rng = np.random.default_rng(seed)
    communes = [
        commune(
            f"C{i}",
            float(rng.integers(5, 140)),
            capacity=int(rng.integers(0, 3)),
            tags="border" if i % 2 else "",
        )
        for i in range(places)
    ]
    shortages = [
        short(
            c.id,
            f,
            seats=int(rng.integers(1, 3)),
            priority=int(rng.integers(1, 6)),
            min_level=int(rng.integers(1, 3)),
        )
        for c in communes
        for f in FIELDS
        if rng.random() < 0.5
    ] or [short("C0", "it")]
    candidates = [
        person(
            f"P{i}",
            ";".join(
                f"{f}:{int(rng.integers(1, 4))}"
                for f in rng.choice(FIELDS, int(rng.integers(1, 3)), replace=False)
            ),
            agency_id=str(rng.choice(["A", "B"])),
            max_distance_km=float(rng.integers(30, 150)) if rng.random() < 0.3 else None,
            home_commune_id=f"C{int(rng.integers(places))}",
            preferences=";".join(f"C{int(k)}" for k in rng.permutation(places)[: int(rng.integers(0, 3))]),
        )
        for i in range(people)
    ]
    built = scenario(
        communes,
        shortages,
        candidates,
        agencies=[
            agency("A", max_release=int(rng.integers(0, 4)), staff=10),
            agency("B", max_release=int(rng.integers(1, 4)), staff=40),
        ],
        max_distance_km=120,
        avoid_home_commune=bool(rng.random() < 0.5),
        objectives=list(rng.permutation(RANKABLE)[: int(rng.integers(1, 6))]),
    )
    update: dict[str, object] = {}
    if floors:
        update["policy"] = built.policy.model_copy(
            update={
                "min_coverage": (
                    CoverageFloor(communes="tag:border", specialty=str(rng.choice(FIELDS)), at_least=1),
                )
            }
        )
    if pins:
        pairs = eligible_pairs(built)
        chosen = (
            rng.choice(len(pairs), size=min(len(pairs), int(rng.integers(1, 3))), replace=False)
            if len(pairs)
            else []
        )
        update["pins"] = tuple(
            Pin(
                candidate=built.candidates[pairs.candidate[p]].id,
                commune=built.shortages[pairs.shortage[p]].commune_id,
                specialty=built.shortages[pairs.shortage[p]].specialty,
            )
            for p in chosen
        )
    return built.model_copy(update=update)


def best_coverage_by_brute_force(s: Scenario) -> int:
    """Try every way of seating each person in one eligible pair or none; keep what the auditor accepts."""
    best = -1
    for rows in every_seating(s):
        if not check_rules(s, rows):
            best = max(best, int(objective_values(s, rows)["coverage"]))
    return best


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    engine=st.sampled_from(["flow", "cpsat"]),
    floors=st.booleans(),
    pins=st.booleans(),
)
def test_every_written_plan_passes_the_audit(
    tmp_path: Path, seed: int, engine: str, floors: bool, pins: bool
):
    """Whatever the scenario, a plan the tool writes breaks no rule and claims nothing false."""
    s = random_scenario(seed, floors=floors, pins=pins)
    plan = solve(s, SolveParams(time_limit_s=10, engine=engine))
    if plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        folder = tmp_path / f"plan-{seed}-{engine}-{floors}-{pins}"
        write_plan(plan, folder)
        assert audit_folder(s, folder) == []


@SETTINGS
@given(seed=st.integers(0, 10**6), floors=st.booleans())
def test_no_assignment_beats_an_optimal_coverage(seed: int, floors: bool):
    """Brute force over every assignment finds no better coverage than an OPTIMAL plan's."""
    s = random_scenario(seed, people=4, places=3, floors=floors)
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"objectives": (Objective.COVERAGE,)})})
    plan = solve(s, SolveParams(time_limit_s=10))
    best = best_coverage_by_brute_force(s)
    if plan.status == SolveStatus.INFEASIBLE:
        assert best == -1
    else:
        assert plan.status == SolveStatus.OPTIMAL
        assert plan.objectives[0].value == best


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_engines_prove_the_same_stage_values(seed: int):
    """The flow and CP-SAT engines, each proving every stage on its own, agree on every stage's value."""
    s = random_scenario(seed, people=6, floors=True)
    flow = solve(s, SolveParams(time_limit_s=10, engine="flow"))
    cpsat = solve(s, SolveParams(time_limit_s=10, engine="cpsat", warm_start=False))
    assert flow.status == cpsat.status
    assert [(o.name, o.value) for o in flow.objectives] == [(o.name, o.value) for o in cpsat.objectives]
