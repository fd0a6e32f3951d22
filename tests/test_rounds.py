"""Rounds: a baseline plan, the `stability` objective and the reasons a baseline assignment changed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from builders import agency, commune, every_seating, person, scenario, short
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, random_scenario

from models.baseline import with_baseline
from models.plan import SolveParams, SolveStatus
from models.scenario import BaselineAssignment, Objective, Period, Scenario
from optimizer.audit import check_rules, objective_values
from optimizer.solve import solve


def kept(*triples: str) -> tuple[BaselineAssignment, ...]:
    """Baseline assignments from `P1@C1/it` strings."""
    found = []
    for triple in triples:
        who, _, seat = triple.partition("@")
        where, _, specialty = seat.partition("/")
        found.append(BaselineAssignment(candidate=who, commune=where, specialty=specialty))
    return tuple(found)


def changes(plan) -> dict[str, tuple[str, str, str]]:
    """Each baseline person's status, where they are now and the cause code."""
    return {
        c.candidate_id: (c.status, f"{c.to_commune_id}/{c.to_specialty}".strip("/"), c.cause)
        for c in plan.baseline
    }


def twins() -> Scenario:
    """Two identical IT officers, two IT seats 10 and 50 km out: every plan costs 60 km, a tie."""
    return scenario(
        [commune("C1", 10), commune("C2", 50)],
        [short("C1", "it", priority=3), short("C2", "it", priority=5)],
        [person("P1", "it"), person("P2", "it")],
        objectives=["coverage", "distance"],
    )


def test_stability_keeps_a_tie_as_the_baseline_had_it(solved):
    """P1 at C2, P2 at C1 in the baseline: any swap costs the same, so both stay: kept 2."""
    plan = solved(with_baseline(twins(), kept("P1@C2/it", "P2@C1/it")))
    assert [(o.name, o.value) for o in plan.objectives] == [
        ("coverage", 8),
        ("stability", 2),
        ("distance", 60),
    ]
    assert changes(plan) == {"P1": ("kept", "C2/it", ""), "P2": ("kept", "C1/it", "")}


def test_a_person_no_longer_available_is_released_with_that_reason(solved):
    """P2 leaves before the period ends; P3 takes C1: kept 1 (P1 at C2), P2 released (availability)."""
    s = twins().model_copy(
        update={
            "period": Period(start=date(2025, 11, 1), end=date(2026, 7, 31)),
            "candidates": (
                person("P1", "it"),
                person("P2", "it", available_to="2025-10-31"),
                person("P3", "it"),
            ),
        }
    )
    plan = solved(with_baseline(s, kept("P1@C2/it", "P2@C1/it")))
    assert plan.objectives[1].value == 1
    assert changes(plan) == {"P1": ("kept", "C2/it", ""), "P2": ("released", "", "availability")}
    assert "no longer available" in plan.baseline[1].reason


def test_a_lower_release_cap_keeps_the_higher_priority_seat_and_says_which(solved):
    """Agency A may now release one: C2 (priority 5) beats C1 (3), so P1 goes home; held at C1, C2 is lost."""
    s = twins().model_copy(update={"agencies": (agency("A", max_release=1),)})
    plan = solved(with_baseline(s, kept("P1@C1/it", "P2@C2/it")))
    assert [(o.name, o.value) for o in plan.objectives][:2] == [("coverage", 5), ("stability", 1)]
    assert changes(plan) == {"P1": ("released", "", "displaced"), "P2": ("kept", "C2/it", "")}
    assert (
        "C2/it (priority 5)" in plan.baseline[0].reason
        and "coverage 3 instead of 5" in plan.baseline[0].reason
    )


def moved_for_land() -> Scenario:
    """P1 (IT and land) sat at C1/it; C2 now needs land (priority 5) and only P1 holds it; P2 joins for IT."""
    return scenario(
        [commune("C1", 10), commune("C2", 50)],
        [short("C1", "it", priority=3), short("C2", "land", priority=5)],
        [person("P1", "it;land"), person("P2", "it")],
        objectives=["coverage"],
    )


def test_coverage_first_moves_a_person_to_the_seat_only_they_can_fill(solved):
    """Coverage 8 needs P1 at C2/land and P2 at C1/it: kept 0, and P1's reason names C2/land."""
    plan = solved(with_baseline(moved_for_land(), kept("P1@C1/it")))
    assert [(o.name, o.value) for o in plan.objectives] == [("coverage", 8), ("stability", 0)]
    assert changes(plan) == {"P1": ("moved", "C2/land", "displaced")}
    assert "C2/land (priority 5)" in plan.baseline[0].reason


def test_stability_ranked_first_keeps_the_person_at_the_cost_of_coverage(solved):
    """Ranked before coverage, stability keeps P1 at C1/it (kept 1): coverage falls to 3 (P2 has no land)."""
    s = moved_for_land()
    s = s.model_copy(
        update={
            "policy": s.policy.model_copy(update={"objectives": (Objective.STABILITY, Objective.COVERAGE)})
        }
    )
    plan = solved(with_baseline(s, kept("P1@C1/it")))
    assert [(o.name, o.value) for o in plan.objectives] == [("stability", 1), ("coverage", 3)]


def test_gone_people_closed_shortages_and_unknown_seats_cannot_be_kept(solved):
    """Rows naming a person, commune or specialty the scenario lacks are not errors: each says why."""
    plan = solved(with_baseline(twins(), kept("P9@C1/it", "P1@C1/land", "P2@C7/it")))
    found = changes(plan)
    assert found["P9"] == ("released", "", "person_gone")
    assert found["P1"][2] == found["P2"][2] == "shortage_closed"
    assert plan.objectives[1].value == 0


def test_stability_goes_right_after_coverage_or_first():
    """Unranked, stability follows coverage; without coverage it comes first; ranked, it stays put."""
    s = twins()
    assert with_baseline(s, ()).policy.objectives == ("coverage", "stability", "distance")
    distance_only = s.model_copy(
        update={"policy": s.policy.model_copy(update={"objectives": (Objective.DISTANCE,)})}
    )
    assert with_baseline(distance_only, ()).policy.objectives == ("stability", "distance")
    ranked = s.model_copy(
        update={
            "policy": s.policy.model_copy(update={"objectives": (Objective.DISTANCE, Objective.STABILITY)})
        }
    )
    assert with_baseline(ranked, ()).policy.objectives == ("distance", "stability")


def random_baseline(s: Scenario, seed: int) -> tuple[BaselineAssignment, ...]:
    """Some eligible pairs (possibly clashing), some ineligible ones, and one unknown person."""
    rng = np.random.default_rng(seed + 1)
    found = [BaselineAssignment(candidate="P99", commune=s.communes[0].id, specialty="it")]
    for c in s.candidates:
        if rng.random() < 0.7:
            shortage = s.shortages[int(rng.integers(len(s.shortages)))]
            found.append(
                BaselineAssignment(candidate=c.id, commune=shortage.commune_id, specialty=shortage.specialty)
            )
    return tuple(found)


def best_kept_by_brute_force(s: Scenario) -> tuple[int, int]:
    """Over every assignment the auditor accepts: the best coverage, then the most baseline kept at it."""
    best = (-1, -1)
    for rows in every_seating(s):
        if not check_rules(s, rows):
            values = objective_values(s, rows)
            best = max(best, (int(values["coverage"]), int(values["stability"])))
    return best


@SETTINGS
@given(seed=st.integers(0, 10**6), engine=st.sampled_from(["flow", "cpsat"]))
def test_no_plan_keeps_more_of_the_baseline_at_the_same_coverage(seed: int, engine: str):
    """Brute force finds no assignment with the optimal coverage that keeps more baseline assignments."""
    s = random_scenario(seed, people=4, places=3, floors=bool(seed % 2))
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"objectives": (Objective.COVERAGE,)})})
    s = with_baseline(s, random_baseline(s, seed))
    plan = solve(s, SolveParams(time_limit_s=10, engine=engine))
    best = best_kept_by_brute_force(s)
    if plan.status == SolveStatus.INFEASIBLE:
        assert best == (-1, -1)
        return
    assert plan.status == SolveStatus.OPTIMAL
    assert (plan.objectives[0].value, plan.objectives[1].value) == best
    assert sum(c.status == "kept" for c in plan.baseline) == best[1]


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_engines_agree_with_a_baseline(seed: int):
    """Flow and CP-SAT prove the same value on every stage, stability included, and keep as many."""
    s = random_scenario(seed, people=6, floors=True)
    s = with_baseline(s, random_baseline(s, seed))
    flow = solve(s, SolveParams(time_limit_s=10, engine="flow"))
    cpsat = solve(s, SolveParams(time_limit_s=10, engine="cpsat"))
    assert flow.status == cpsat.status
    assert [(o.name, o.value) for o in flow.objectives] == [(o.name, o.value) for o in cpsat.objectives]
    assert [c.status == "kept" for c in flow.baseline].count(True) == [
        c.status == "kept" for c in cpsat.baseline
    ].count(True)


@pytest.mark.parametrize("bad", ["moved", "released"])
def test_the_auditor_catches_a_false_baseline_claim(tmp_path, bad):
    """plan.json saying a kept assignment moved (or was released) is a `baseline` violation."""
    import json

    from models.plan_io import write_plan
    from optimizer.audit import audit_folder

    s = with_baseline(twins(), kept("P1@C2/it", "P2@C1/it"))
    write_plan(solve(s), tmp_path / "plan")
    path = tmp_path / "plan" / "plan.json"
    claims = json.loads(path.read_text(encoding="utf-8"))
    claims["baseline"][0]["status"] = bad
    path.write_text(json.dumps(claims), encoding="utf-8")
    assert [v.rule for v in audit_folder(s, tmp_path / "plan")] == ["baseline"]


def test_suggest_ranks_the_holder_then_a_swap_and_names_who_cannot(tmp_path):
    """Seat C2/it, plan P1@C2 and P2@C1: P1 costs nothing and moves nobody; P2 costs nothing but moves
    P1 (to C1); P3, capped at 30 km, cannot reach C2 (50 km)."""
    from optimizer.suggest import Suggester

    s = twins().model_copy(
        update={
            "candidates": (person("P1", "it"), person("P2", "it"), person("P3", "it", max_distance_km=30))
        }
    )
    found = Suggester(s, [("P1", "C2", "it"), ("P2", "C1", "it")], SolveParams()).seat("C2", "it")
    assert [(r.candidate_id, r.costs, r.moved, r.in_plan) for r in found.ranked] == [
        ("P1", {"coverage": 0, "distance": 0}, 0, True),
        ("P2", {"coverage": 0, "distance": 0}, 1, False),
    ]
    assert [p for p, _reason in found.cannot] == ["P3"] and "personal travel cap" in found.cannot[0][1]
    assert found.optimum == {"coverage": 8, "distance": 60}
