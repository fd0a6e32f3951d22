"""Levers: each single change is re-solved, ranked by what it buys, equal outcomes merged."""

from __future__ import annotations

from builders import agency, commune, person, scenario, short
from click.testing import CliRunner
from conftest import REPO

from cli import main
from models.plan import SolveParams
from models.scenario import Forbid, Pin
from optimizer.levers import describe, levers, top_levers
from optimizer.solve import solve

PARAMS = SolveParams(time_limit_s=10)


def test_two_agencies_that_buy_the_same_seat_are_one_lever(solved):
    """A and B release nobody; P1 (A) and P2 (B) leave from the same place for C1's IT seat: one
    more release from either fills it the same way, so they are one lever with two ways."""
    s = scenario(
        [commune("C1", 40)],
        [short("C1", "it", priority=4)],
        [person("P1", "it"), person("P2", "it", agency_id="B")],
        agencies=[agency("A", max_release=0), agency("B", max_release=0)],
    )
    assert solved(s).kpis.seats_filled == 0
    [lever] = levers(s, PARAMS)
    assert lever.changes == ("A releases one more (1 instead of 0)", "B releases one more (1 instead of 0)")
    assert (lever.seats, lever.gained, lever.lost, round(lever.km)) == (1, (("C1", "it"),), (), 40)
    assert lever.stages[0] == ("coverage", 4.0)
    assert describe(s, lever) == (
        "A releases one more (1 instead of 0) or B releases one more (1 instead of 0): "
        "+1 seat(s) (Xã C1 it), +40 km, coverage +4"
    )


def test_ranked_by_the_first_objective_then_km():
    """Ten more km reach C1 (priority 5, 105 km); a second desk at C2 fills its land seat (priority 2);
    dropping the forbid on P3 fills C3 (priority 3): ranked cap, forbid, desk."""
    s = scenario(
        [commune("C1", 105), commune("C2", 20, capacity=1), commune("C3", 30)],
        [
            short("C1", "it", priority=5),
            short("C2", "health", priority=4),
            short("C2", "land", priority=2),
            short("C3", "justice", priority=3),
        ],
        [person("P1", "it"), person("P2", "health"), person("P4", "land"), person("P3", "justice")],
        max_distance_km=100,
    ).model_copy(update={"forbid": (Forbid(candidate="P3", commune="C3"),)})
    found = levers(s, PARAMS)
    assert [lever.changes[0] for lever in found] == [
        "travel cap 110 km instead of 100",
        "drop forbid[0] (P3 at Xã C3)",
        "Xã C2 hosts one more (2 instead of 1)",
    ]
    assert [lever.stages[0] for lever in found] == [("coverage", 5.0), ("coverage", 3.0), ("coverage", 2.0)]
    assert top_levers(s, PARAMS, 1) == found[:1]


def test_a_lower_level_and_a_dropped_pin_are_levers():
    """C1 wants level 3, P1 has 2: accepting level 2 fills it. P2 is pinned to C2 (priority 1) though
    C3 (priority 5) needs them: dropping the pin moves them."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20), commune("C3", 30)],
        [short("C1", "it", min_level=3), short("C2", "land", priority=1), short("C3", "land", priority=5)],
        [person("P1", "it:2"), person("P2", "land")],
    ).model_copy(update={"pins": (Pin(candidate="P2", commune="C2"),)})
    found = {lever.changes[0]: lever for lever in levers(s, PARAMS)}
    assert set(found) == {"drop pins[0] (P2 to Xã C2)", "accept level 2 instead of 3 for Xã C1 it"}
    moved = found["drop pins[0] (P2 to Xã C2)"]
    assert (moved.seats, moved.gained, moved.lost) == (0, (("C3", "land"),), (("C2", "land"),))


def test_for_an_infeasible_scenario_the_levers_are_what_resolves_it():
    """P1 is pinned to C1 at 105 km under a 100 km cap: ten more km, or dropping the pin, give a plan."""
    s = scenario(
        [commune("C1", 105)], [short("C1", "it")], [person("P1", "it")], max_distance_km=100
    ).model_copy(update={"pins": (Pin(candidate="P1", commune="C1"),)})
    assert solve(s, PARAMS).status == "INFEASIBLE"
    found = levers(s, PARAMS)
    assert [lever.changes for lever in found] == [
        ("travel cap 110 km instead of 100",),
        ("drop pins[0] (P1 to Xã C1)",),
    ]
    assert all(lever.feasible for lever in found)
    assert describe(s, found[0]) == "travel cap 110 km instead of 100: a plan exists, 1 seat(s) filled"


def test_levers_command_lists_the_best(tmp_path):
    """The tiny scenario's plan: levers exits 0 and numbers what it lists."""
    tiny = REPO / "tests" / "data" / "tiny"
    plan = tmp_path / "plan"
    assert CliRunner().invoke(main, ["solve", str(tiny), "--out", str(plan)]).exit_code == 0
    result = CliRunner().invoke(main, ["levers", str(tiny), str(plan), "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "each re-solved exactly" in result.output or "No single change" in result.output


def test_the_report_lists_the_changes_that_buy_the_most(bundled_plan, tmp_path):
    """The HTML report of the bundled plan names the five best levers, the same ones `levers` ranks."""
    from conftest import BUNDLED

    scenario, folder = bundled_plan
    page = tmp_path / "plan.html"
    result = CliRunner().invoke(main, ["report", str(BUNDLED), str(folder), "--out", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "The 5 change(s) that buy the most" in html
    best = describe(scenario, top_levers(scenario, SolveParams(time_limit_s=20), 1)[0])
    assert best.split(":")[0] in html
    quiet = tmp_path / "quiet.html"
    assert (
        CliRunner()
        .invoke(main, ["report", str(BUNDLED), str(folder), "--out", str(quiet), "--levers", "0"])
        .exit_code
        == 0
    )
    assert "buy the most" not in quiet.read_text(encoding="utf-8")
