"""Soft rules: with pins and floors softened, the plan breaks as few of them as any plan can."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import commune, every_seating, person, scenario, short
from click.testing import CliRunner
from conftest import BUNDLED
from hypothesis import given
from hypothesis import strategies as st
from test_conflicts import with_conflicts
from test_properties import SETTINGS

from cli import main
from models.loader import load_scenario
from models.plan import SolveParams, SolveStatus
from models.plan_io import write_plan
from models.rules import Rule
from models.scenario import Objective, Pin, Scenario, Softenable
from optimizer.audit import audit, check_rules, objective_values
from optimizer.solve import solve

SOFT = (Softenable.PINS, Softenable.MIN_COVERAGE)


def best_by_brute_force(s: Scenario) -> tuple[int, int]:
    """Over every way of seating each person in one eligible pair or none that breaks no other rule:
    the fewest pins and floors broken, and the best coverage among the plans that break that few."""
    best = (10**9, -1)
    for rows in every_seating(s):
        found = check_rules(s, rows)
        if any(v.rule not in (Rule.PIN, Rule.MIN_COVERAGE) for v in found):
            continue
        broken, coverage = len(found), int(objective_values(s, rows)["coverage"])
        best = min(best, (broken, -coverage))
    return best[0], -best[1]


def softened(s: Scenario) -> Scenario:
    """The scenario with pins and floors soft and coverage its only objective after rules_kept."""
    policy = s.policy.model_copy(update={"soften": SOFT, "objectives": (Objective.COVERAGE,)})
    return s.model_copy(update={"policy": policy})


@pytest.mark.parametrize("engine", ["auto", "cpsat"])
@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_breaks_as_few_as_brute_force_then_covers_as_much(tmp_path_factory, engine: str, seed: int):
    """Random small scenarios full of conflicting pins and floors: rules_kept and coverage match the
    brute-force optimum, and the written plan passes the audit with exactly its broken items listed."""
    s = softened(with_conflicts(seed))
    s = s.model_copy(update={"candidates": s.candidates[:4]})
    s = s.model_copy(update={"pins": tuple(p for p in s.pins if p.candidate in s.candidate_by_id)})
    plan = solve(s, SolveParams(time_limit_s=20, engine=engine))
    assert plan.status == SolveStatus.OPTIMAL
    fewest, coverage = best_by_brute_force(s)
    values = {stage.name: stage.value for stage in plan.objectives}
    assert [stage.name for stage in plan.objectives] == ["rules_kept", "coverage"]
    assert len(plan.broken) == fewest
    assert values["coverage"] == coverage
    folder = tmp_path_factory.mktemp("soft") / "plan"
    write_plan(plan, folder)
    violations, broken = audit(s, folder)
    assert violations == []
    assert sorted((v.rule, v.subject) for v in broken) == sorted((b.rule, b.item) for b in plan.broken)


def test_a_pin_beyond_the_cap_is_broken_and_says_why(solved):
    """P1 is pinned to C1 at 150 km under a 100 km cap; softened, the plan keeps the floor at C2 and
    breaks the pin, naming the cap that keeps P1 out."""
    s = scenario(
        [commune("C1", 150), commune("C2", 20, tags="border")],
        [short("C1", "it"), short("C2", "it")],
        [person("P1", "it")],
        max_distance_km=100,
        min_coverage=[{"communes": "tag:border", "specialty": "it", "at_least": 1}],
        soften=["pins"],
    ).model_copy(update={"pins": (Pin(candidate="P1", commune="C1", specialty="it"),)})
    plan = solved(s)
    assert plan.status == SolveStatus.OPTIMAL
    assert [(b.rule, b.item) for b in plan.broken] == [("pin", "pins[0]")]
    assert "P1 cannot go to Xã C1: 150 km > cap 100 km" in plan.broken[0].detail
    assert plan.objectives[0].name == "rules_kept" and plan.objectives[0].value == 0
    assert [a.commune_id for a in plan.assignments] == ["C2"]


def test_soften_on_the_command_line(tmp_path: Path):
    """The bundled scenario at 150 km cannot be solved; with --soften pins,min_coverage it exits 0,
    lists the broken items in plan.json, audit accepts the plan, listing them apart, and the report
    shows them."""
    folder = tmp_path / "db150"
    text = (BUNDLED / "scenario.yaml").read_text(encoding="utf-8")
    import shutil

    shutil.copytree(BUNDLED, folder)
    (folder / "scenario.yaml").write_text(
        text.replace("max_distance_km: 250", "max_distance_km: 150"), encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(folder), "--out", str(tmp_path / "hard")]).exit_code == 3
    result = runner.invoke(
        main, ["solve", str(folder), "--out", str(tmp_path / "soft"), "--soften", "pins,min_coverage"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "soft" / "plan.json").read_text(encoding="utf-8"))
    items = sorted(b["item"] for b in plan["broken"])
    assert items == sorted(
        [
            "pins[3]",
            "pins[4]",
            "min_coverage[0]:03158/it",
            "min_coverage[0]:03160/it",
            "min_coverage[1]:03158/health",
            "min_coverage[1]:03160/health",
        ]
    )
    assert plan["objectives"][0]["name"] == "rules_kept"
    checked = runner.invoke(main, ["audit", str(folder), str(tmp_path / "soft")])
    assert checked.exit_code == 0, checked.output
    assert "6 softened rule(s) broken" in checked.output
    page = tmp_path / "soft.html"
    assert (
        runner.invoke(main, ["report", str(folder), str(tmp_path / "soft"), "--out", str(page)]).exit_code
        == 0
    )
    html = page.read_text(encoding="utf-8")
    assert "Softened rules broken (6)" in html and "min_coverage[1]:03160/health" in html
    assert load_scenario(folder).policy.soften == ()
    bad = runner.invoke(main, ["solve", str(folder), "--out", str(tmp_path / "x"), "--soften", "pins,seats"])
    assert bad.exit_code == 2


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_the_flow_engine_runs_pins_and_one_seat_floors_and_agrees_with_cpsat(seed: int):
    """Softened pins and floors of one seat are network costs: the flow engine runs them and proves
    the same stage values as CP-SAT (which items break may differ between equal plans; how many may not)."""
    s = softened(with_conflicts(seed))
    floors = tuple(f.model_copy(update={"at_least": 1}) for f in s.policy.min_coverage)
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"min_coverage": floors})})
    flow = solve(s, SolveParams(time_limit_s=20, engine="flow"))
    cpsat = solve(s, SolveParams(time_limit_s=20, engine="cpsat"))
    assert flow.status == cpsat.status == SolveStatus.OPTIMAL
    assert [(o.name, o.value) for o in flow.objectives] == [(o.name, o.value) for o in cpsat.objectives]
    assert len(flow.broken) == len(cpsat.broken)


def test_the_auditor_catches_a_false_broken_list(tmp_path: Path, solved):
    """A softened plan whose plan.json hides a broken pin, or claims one kept as broken, or misstates
    rules_kept, fails the audit; the same assignments with the truthful list pass."""
    s = scenario(
        [commune("C1", 150), commune("C2", 20)],
        [short("C1", "it"), short("C2", "it")],
        [person("P1", "it"), person("P2", "it")],
        max_distance_km=100,
        soften=["pins"],
    ).model_copy(
        update={
            "pins": (
                Pin(candidate="P1", commune="C1", specialty="it"),
                Pin(candidate="P2", commune="C2", specialty="it"),
            )
        }
    )
    plan = solved(s)
    assert [b.item for b in plan.broken] == ["pins[0]"]
    folder = tmp_path / "plan"
    write_plan(plan, folder)
    assert audit(s, folder)[0] == []
    claims = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    for lie in (
        {"broken": []},
        {"broken": [*claims["broken"], {"rule": "pin", "item": "pins[1]", "detail": "?"}]},
        {"objectives": [{**claims["objectives"][0], "value": 2}, *claims["objectives"][1:]]},
    ):
        (folder / "plan.json").write_text(json.dumps({**claims, **lie}), encoding="utf-8")
        found = audit(s, folder)[0]
        assert found and {v.rule for v in found} <= {"broken", "objective"}, found


def test_policy_soften_in_the_yaml(tmp_path: Path):
    """policy.soften in scenario.yaml does what --soften does; validate then checks only the rules
    that stay hard, so the bundled scenario at 150 km is valid and solves with its broken items listed."""
    import shutil

    folder = Path(shutil.copytree(BUNDLED, tmp_path / "db150"))
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("max_distance_km: 250", "max_distance_km: 150").replace(
        "  objectives: [coverage, fairness, distance]",
        "  objectives: [coverage, fairness, distance]\n  soften: [pins, min_coverage]",
    )
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(folder)]).exit_code == 0
    result = runner.invoke(main, ["solve", str(folder), "--out", str(tmp_path / "plan")])
    assert result.exit_code == 0, result.output
    assert "6 softened rule(s) broken" in result.output
    violations, broken = audit(load_scenario(folder), tmp_path / "plan")
    assert violations == [] and len(broken) == 6
