"""People who cover several fields (`max_posts`): tiny instances with their optimum worked out by hand,
brute force on random small ones, and the one-seat case unchanged. Every plan is audited."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from builders import agency, commune, every_seating, person, scenario, short
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import random_scenario

from models.loader import load_scenario
from models.plan import Plan, SolveParams, SolveStatus
from models.plan_io import write_plan
from models.scenario import Objective, Pin, Scenario
from optimizer.audit import audit_folder, check_rules, objective_values
from optimizer.eligibility import eligible_pairs
from optimizer.solve import solve

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def audited(s: Scenario, tmp_path: Path, **params: object) -> Plan:
    """Solve, write the plan folder and require a clean audit."""
    plan = solve(s, SolveParams(time_limit_s=20, **params))
    folder = tmp_path / f"plan{len(list(tmp_path.iterdir()))}"
    write_plan(plan, folder)
    if plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        assert audit_folder(s, folder) == []
    return plan


def sin_thau(posts: int | None = 2) -> Scenario:
    """Two one-desk communes; Đông holds construction and finance, Lan construction only.

    A (10 km, capacity 1): construction priority 5, finance priority 3. B (40 km, capacity 1):
    construction priority 4. With one seat each, one person per desk: 5 (A) + 4 (B) = 9. With Đông
    allowed two seats he takes both of A's (5 + 3) and Lan goes to B (4): 12, the optimum, since
    every seat is then filled (5 + 3 + 4).
    """
    return scenario(
        [commune("A", 10, capacity=1), commune("B", 40, capacity=1)],
        [
            short("A", "construction", priority=5),
            short("A", "finance", priority=3),
            short("B", "construction", priority=4),
        ],
        [person("DONG", "construction;finance", max_posts=posts), person("LAN", "construction")],
        objectives=["coverage", "distance"],
    )


def test_a_person_fills_two_seats_in_one_commune(tmp_path: Path):
    """The optimum worked out above: 12, Đông on two rows at A, capacity counting him once."""
    plan = audited(sin_thau(), tmp_path)
    assert plan.status == SolveStatus.OPTIMAL
    assert plan.objectives[0].value == 12
    rows = sorted((a.candidate_id, a.commune_id, a.specialty) for a in plan.assignments)
    assert rows == [("DONG", "A", "construction"), ("DONG", "A", "finance"), ("LAN", "B", "construction")]
    assert plan.kpis.seats_filled == 3
    assert plan.kpis.people_seconded == 2


def test_distance_counts_each_person_once(tmp_path: Path):
    """Travel: Đông's 10 km once, Lan's 40 km: 50 km, although three rows list a distance."""
    plan = audited(sin_thau(), tmp_path)
    assert plan.objectives[1].value == pytest.approx(50.0)
    assert plan.kpis.total_km == pytest.approx(50.0)


def test_one_seat_each_gives_the_plain_optimum(tmp_path: Path):
    """Without max_posts the same scenario gives 9 (one desk, one person), on either engine."""
    for engine in ("flow", "cpsat"):
        plan = audited(sin_thau(None), tmp_path, engine=engine)
        assert plan.objectives[0].value == 9
        assert plan.provenance.solver.startswith("OR-Tools min-cost flow" if engine == "flow" else "CP-SAT")


def test_the_policy_default_applies_to_everyone(tmp_path: Path):
    """policy.max_posts_per_person 2 with no column: the same 12 as Đông's own max_posts."""
    base = sin_thau(None)
    s = base.model_copy(update={"policy": base.policy.model_copy(update={"max_posts_per_person": 2})})
    assert audited(s, tmp_path).objectives[0].value == 12


def test_a_shortage_is_never_filled_twice_by_one_person(tmp_path: Path):
    """A has two construction seats and Đông may take three: he still fills one of them, Lan the other.

    Optimum: Đông at A in construction and finance (5 + 3), Lan at A in construction (5)? A hosts one
    person only (capacity 1), so Lan goes nowhere: 8. With capacity 2: 5 + 3 + 5 = 13.
    """
    base = scenario(
        [commune("A", 10, capacity=1)],
        [short("A", "construction", seats=2, priority=5), short("A", "finance", priority=3)],
        [person("DONG", "construction;finance", max_posts=3), person("LAN", "construction")],
        objectives=["coverage"],
    )
    assert audited(base, tmp_path).objectives[0].value == 8
    roomy = base.model_copy(update={"communes": (commune("A", 10, capacity=2),)})
    assert audited(roomy, tmp_path).objectives[0].value == 13


def test_release_counts_people_not_seats(tmp_path: Path):
    """Agency A may release one person: Đông alone, filling both of A's seats (8), beats Lan (5)."""
    s = scenario(
        [commune("A", 10, capacity=2)],
        [short("A", "construction", priority=5), short("A", "finance", priority=3)],
        [person("DONG", "construction;finance", max_posts=2), person("LAN", "construction")],
        agencies=[agency("A", max_release=1)],
        objectives=["coverage"],
    )
    plan = audited(s, tmp_path)
    assert plan.objectives[0].value == 8
    assert {a.candidate_id for a in plan.assignments} == {"DONG"}


def test_a_pin_holds_with_extra_seats(tmp_path: Path):
    """Lan pinned to A construction: Đông can only add finance at A? A's one desk is Lan's, so Đông
    goes to B: 5 (Lan) + 4 (Đông at B) = 9; A's finance stays empty."""
    s = sin_thau().model_copy(update={"pins": (Pin(candidate="LAN", commune="A", specialty="construction"),)})
    plan = audited(s, tmp_path)
    assert plan.objectives[0].value == 9
    assert ("LAN", "A", "construction") in {
        (a.candidate_id, a.commune_id, a.specialty) for a in plan.assignments
    }


def test_disruption_counts_people(tmp_path: Path):
    """Two seats filled by one person of a 10-strong agency: disruption 1/10, not 2/10."""
    s = scenario(
        [commune("A", 10, capacity=1)],
        [short("A", "construction", priority=5), short("A", "finance", priority=3)],
        [person("DONG", "construction;finance", max_posts=2)],
        agencies=[agency("A", staff=10)],
        objectives=["coverage", "disruption"],
    )
    plan = audited(s, tmp_path)
    assert [o.value for o in plan.objectives] == [8, 0.1]


def multi_post_scenario(seed: int) -> Scenario:
    """A random small scenario in which each person may fill one to three seats."""
    s = random_scenario(seed, people=4, places=3)
    rng = np.random.default_rng(seed + 1)
    people = tuple(c.model_copy(update={"max_posts": int(rng.integers(1, 4))}) for c in s.candidates)
    return s.model_copy(update={"candidates": people})


def best_by_brute_force(s: Scenario) -> int:
    """Every way of giving each person one commune and a set of its shortages (or nothing), kept
    when the auditor accepts it: the best coverage."""
    best = -1
    for rows in every_seating(s, several=True):
        if not check_rules(s, rows):
            best = max(best, int(objective_values(s, rows)["coverage"]))
    return best


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_no_multi_post_assignment_beats_an_optimal_coverage(tmp_path: Path, seed: int):
    """Brute force over every multi-post assignment finds no better coverage than the OPTIMAL plan's."""
    s = multi_post_scenario(seed)
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"objectives": (Objective.COVERAGE,)})})
    plan = audited(s, tmp_path)
    best = best_by_brute_force(s)
    if plan.status == SolveStatus.INFEASIBLE:
        assert best == -1
    else:
        assert plan.status == SolveStatus.OPTIMAL
        assert plan.objectives[0].value == best


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_every_multi_post_plan_passes_the_audit(tmp_path: Path, seed: int):
    """Every objective mix, with and without the flow's start: the plan breaks no rule, claims nothing
    false, and both ways prove the same stage values."""
    s = multi_post_scenario(seed)
    warm = audited(s, tmp_path)
    cold = audited(s, tmp_path, warm_start=False)
    assert warm.status == cold.status
    if warm.status == SolveStatus.OPTIMAL:
        assert [(o.name, o.value) for o in warm.objectives] == [(o.name, o.value) for o in cold.objectives]


def test_independent_parts_give_the_one_model_optimum(tmp_path: Path):
    """Two provinces nobody travels between, solved apart (the default) and as one CP-SAT model:
    the same proven value at every stage, fairness included, and an audited plan."""
    from models.synthetic import province_scenario
    from optimizer.cpsat_runner import CpSatRunner
    from optimizer.solve import _stages

    s = province_scenario(2, 8, 25, seed=3, fairness=True, multi_post=0.5, most_posts=3)
    apart = audited(s, tmp_path)
    pairs = eligible_pairs(s)
    params = SolveParams(time_limit_s=20)
    _, whole = _stages(CpSatRunner(s, pairs, params, None), s, None, False, None)
    assert apart.status == SolveStatus.OPTIMAL and all(stage.proven for stage in whole)
    assert [(o.name, o.value) for o in apart.objectives] == [(o.name, o.value) for o in whole]


def test_explain_names_who_could_also_take_an_empty_seat():
    """A hand-made plan leaves A's finance seat empty though Đông, at A with a seat to spare, holds
    finance: the reason names him. With max_posts 1 he has none to spare, and the lever "let DONG
    also take finance here (max_posts 2 instead of 1)" fills the seat: one more."""
    from optimizer.explain import Explainer

    params = SolveParams(time_limit_s=10)
    rows = [("DONG", "A", "construction"), ("LAN", "B", "construction")]
    spare = Explainer(sin_thau(), rows, params).seat(sin_thau().shortage_index[("A", "finance")])
    assert "1 seconded here could also take it: DONG" in spare.reason
    plain = sin_thau(None)
    seat = Explainer(plain, rows, params).seat(plain.shortage_index[("A", "finance")])
    [lever] = [w for w in seat.what_ifs if "max_posts" in w.change]
    assert lever.change.startswith(
        "let DONG Nguyễn Văn DONG also take finance here (max_posts 2 instead of 1)"
    )
    assert lever.seats_gained == 1


def test_reports_show_a_persons_seats_together(tmp_path: Path):
    """Compare and the report read Đông as one person with two seats: `construction + finance`, one
    release, his 10 km once; a redacted copy still passes the audit."""
    from models.redact import redact_plan
    from reports.compare import compare_folders
    from reports.metrics import by_agency, headline
    from reports.plan_data import read_plan_folder

    s = sin_thau()
    plan = audited(s, tmp_path)
    folder = tmp_path / "full"
    write_plan(plan, folder)
    data = read_plan_folder(folder, s)
    people = data.people.set_index("candidate_id")
    assert people.loc["DONG", "specialty"] == "construction + finance"
    assert headline(data)["people_seconded"] == 2 and headline(data)["total_km"] == pytest.approx(50.0)
    assert int(by_agency(data).set_index("agency_id").loc["A", "released"]) == 2
    one_seat = audited(sin_thau(None), tmp_path)
    write_plan(one_seat, tmp_path / "one")
    changes = compare_folders(tmp_path / "one", folder, [s]).changes.set_index("candidate_id")
    assert changes.loc["DONG", "to_specialty"] == "construction + finance"
    write_plan(redact_plan(plan, s), tmp_path / "public")
    assert audit_folder(s, tmp_path / "public") == []


def test_max_posts_one_everywhere_changes_nothing(tmp_path: Path):
    """An explicit max_posts 1 for everyone (and the policy's 1) keeps the flow engine and the very
    same plan: assignments, unfilled seats, stages and figures."""
    base = random_scenario(7, people=6, places=3)
    ones = base.model_copy(
        update={"candidates": tuple(c.model_copy(update={"max_posts": 1}) for c in base.candidates)}
    )
    first, second = audited(base, tmp_path), audited(ones, tmp_path)
    assert second.provenance.solver.startswith("OR-Tools min-cost flow")
    keep = {"provenance"}
    assert first.model_dump(exclude=keep) == second.model_dump(exclude=keep)
    assert base.sha256 != ones.sha256 and base.sha256 == random_scenario(7, people=6, places=3).sha256


MULTI = REPO / "scenarios" / "dien-bien-2025-multi-post"


def test_the_bundled_variant_gains_seats_with_cpsat(bundled_plan, tmp_path: Path):
    """The two-fields variant (the help's example) solves OPTIMAL on CP-SAT, audited, with more seats
    filled than the bundled one-seat plan and some officials on two rows in one commune."""
    result = run_cli("solve", MULTI, "--out", tmp_path / "two")
    assert result.exit_code == 0, result.output
    s = load_scenario(MULTI)
    assert audit_folder(s, tmp_path / "two") == []
    plan = json.loads((tmp_path / "two" / "plan.json").read_text(encoding="utf-8"))
    one = json.loads((bundled_plan[1] / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "OPTIMAL" and plan["provenance"]["solver"].startswith("CP-SAT")
    assert plan["kpis"]["seats_filled"] > one["kpis"]["seats_filled"]
    assert plan["kpis"]["people_seconded"] < plan["kpis"]["seats_filled"]


def test_flow_engine_and_unknown_cpsat_parameters_are_refused(tmp_path: Path):
    """--engine flow on a multi-post scenario, or a CP-SAT parameter that does not exist: exit 2,
    nothing written."""
    refused = run_cli("solve", MULTI, "--out", tmp_path / "a", "--engine", "flow")
    assert refused.exit_code == 2 and "max_posts" in refused.output
    wrong = run_cli("solve", MULTI, "--out", tmp_path / "b", "--cpsat", "no_such_parameter=1")
    assert wrong.exit_code == 2 and "no_such_parameter" in wrong.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_solver_log_and_cpsat_parameters_reach_cpsat(tmp_path: Path):
    """--solver-log prints CP-SAT's own log on standard error, with the --cpsat parameter in it
    (one seat each with `--engine cpsat`: CP-SAT confirms each of the network's optima); where the
    LP settles a stage alone, the log says so."""
    from models.scenario_writer import write_scenario

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "solve",
            str(write_scenario(sin_thau(posts=1), tmp_path / "one").parent),
            "--engine",
            "cpsat",
            "--out",
            str(tmp_path / "p"),
            "--solver-log",
            "--cpsat",
            "max_presolve_iterations=2",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "Starting CP-SAT solver" in done.stderr and "max_presolve_iterations: 2" in done.stderr
    alone = run_cli("solve", sin_thau_folder(tmp_path), "--out", tmp_path / "q", "--solver-log")
    assert alone.exit_code == 0, alone.output
    assert "coverage: the LP relaxation reaches 12 at a plan that meets every row" in alone.stderr


def sin_thau_folder(tmp_path: Path) -> Path:
    """The hand-worked Sín Thầu scenario written as a folder."""
    from models.scenario_writer import write_scenario

    return write_scenario(sin_thau(), tmp_path / "sin-thau").parent


def run_cli(*args: object):
    """Invoke the command line in-process."""
    from click.testing import CliRunner

    from cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def test_multi_post_plans_are_canonical(tmp_path: Path):
    """Same scenario, one worker or two (its two parts one after the other, or side by side),
    another CP-SAT seed: the same multi-post plan (the tie-break stages settle it)."""
    from models.synthetic import province_scenario

    s = province_scenario(2, 8, 25, seed=5, multi_post=0.5, most_posts=3)
    one, two = audited(s, tmp_path), audited(s, tmp_path, workers=2)
    reseeded = audited(s, tmp_path, seed=7)
    assert one.status == two.status == reseeded.status == SolveStatus.OPTIMAL
    assert one.model_dump(exclude={"provenance"}) == two.model_dump(exclude={"provenance"})
    assert one.model_dump(exclude={"provenance"}) == reseeded.model_dump(exclude={"provenance"})


def test_the_diagnosis_counts_heads_at_a_commune():
    """P0 is pinned to C1/it and is the only one who may fill C1's health floor (P1 lives in C1, P3
    is beyond their own cap): one person cannot do both with one seat each, so the conflict names
    one_seat_per_person for P0, the pin, the floor and what keeps P1 and P3 out; C1's capacity of 1
    is not part of it (P0 alone would be one head)."""
    s = random_scenario(478, people=4, floors=True, pins=True)
    plan = solve(s, SolveParams(time_limit_s=10))
    assert plan.status == SolveStatus.INFEASIBLE
    assert sorted((c.rule, c.item) for c in plan.conflicts) == [
        ("home_commune", "P1@C1"),
        ("min_coverage", "min_coverage[0]:C1/health"),
        ("one_seat_per_person", "P0"),
        ("personal_distance", "P3@C1"),
        ("pin", "pins[1]"),
    ]


def test_a_round_keeps_each_of_a_persons_seats_on_its_own(tmp_path: Path):
    """Round 1 gave Đông A/construction and A/land; A no longer asks for land but for finance. He
    keeps construction, his lost land seat is `moved` to his new finance seat (shortage closed), Lan
    keeps B: stability 2. With one seat each, Đông cannot hold both of round 1's seats at A: the
    finance one is released, and the reason is what holding it would cost."""
    from models.baseline import with_baseline
    from models.scenario import BaselineAssignment

    def baseline(*rows: tuple[str, str, str]) -> tuple[BaselineAssignment, ...]:
        return tuple(BaselineAssignment(candidate=c, commune=m, specialty=s) for c, m, s in rows)

    def changes(plan: Plan) -> list[tuple[str, str, str, str, str]]:
        return [
            (b.candidate_id, b.from_specialty, b.status, f"{b.to_commune_id}/{b.to_specialty}", b.cause)
            for b in plan.baseline
        ]

    round1 = baseline(("DONG", "A", "construction"), ("DONG", "A", "land"), ("LAN", "B", "construction"))
    plan = audited(with_baseline(sin_thau(), round1), tmp_path)
    assert plan.status == SolveStatus.OPTIMAL
    assert [(o.name, o.value) for o in plan.objectives][:2] == [("coverage", 12), ("stability", 2)]
    assert changes(plan) == [
        ("DONG", "construction", "kept", "A/construction", ""),
        ("DONG", "land", "moved", "A/finance", "shortage_closed"),
        ("LAN", "construction", "kept", "B/construction", ""),
    ]
    round1 = baseline(("DONG", "A", "construction"), ("DONG", "A", "finance"))
    single = audited(with_baseline(sin_thau(None), round1), tmp_path)
    assert changes(single) == [
        ("DONG", "construction", "kept", "A/construction", ""),
        ("DONG", "finance", "released", "/", "displaced"),
    ]
