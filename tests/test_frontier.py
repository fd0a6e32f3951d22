"""`secondment frontier`: every point of the front against brute force on tiny cases (including
points no weighted sum reaches), plans audited, the CLI, the page in Chromium."""

from __future__ import annotations

import csv
import itertools
import random
import re
import shlex
from pathlib import Path

import pytest
from builders import agency, commune, person, scenario, short
from click.testing import CliRunner
from conftest import REPO
from test_report import browser, open_page  # noqa: F401 (browser: the headless Chromium fixture)

from cli import main
from models.plan import SolveParams
from models.plan_io import write_plan
from models.scenario import Objective, Scenario
from models.scenario_writer import write_scenario
from optimizer.audit import audit_folder
from optimizer.eligibility import eligible_pairs
from optimizer.tradeoff import linear
from optimizer.tradeoff_flow import flow_extreme, hull_of, supported_points
from sweeps.frontier import CPSAT, FLOW, front_frame, frontier

COVERAGE_DISTANCE = (Objective.COVERAGE, Objective.DISTANCE)


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def brute_front(s: Scenario) -> list[tuple[int, float]]:
    """Every (coverage, km) of the Pareto front, by trying every assignment of every person."""
    pairs = eligible_pairs(s)
    options = {c: [None] for c in range(len(s.candidates))}
    for p, c in enumerate(pairs.candidate.tolist()):
        options[c].append(p)
    reached: dict[int, float] = {}
    for pick in itertools.product(*options.values()):
        chosen = [p for p in pick if p is not None]
        shortages = [int(pairs.shortage[p]) for p in chosen]
        communes = [s.shortages[i].commune_id for i in shortages]
        agencies = [s.candidates[int(pairs.candidate[p])].agency_id for p in chosen]
        if any(shortages.count(i) > s.shortages[i].seats for i in set(shortages)):
            continue
        if any(communes.count(c) > s.commune_by_id[c].capacity for c in set(communes)):
            continue
        if any(agencies.count(a) > s.agency_by_id[a].max_release for a in set(agencies)):
            continue
        value = sum(s.shortages[i].priority for i in shortages)
        km = sum(round(float(pairs.km[p]) * 1000) for p in chosen) / 1000  # whole metres a pair, as engines
        reached[value] = min(km, reached.get(value, float("inf")))
    front, best = [], float("inf")
    for value in sorted(reached, reverse=True):
        if reached[value] < best - 1e-6:
            front.append((value, reached[value]))
            best = reached[value]
    return sorted(front)


def weighted_case() -> Scenario:
    """Seats of priority 1, 2 and 5 at 10, 30 and 60 km, one holder each: the front is
    (0, 0), (1, 10), (2, 30), (3, 40), (5, 60), (6, 70), (7, 90), (8, 100); (2, 30) lies above the
    segment from (1, 10) to (3, 40), so no weighted sum of the two objectives reaches it."""
    return scenario(
        [commune("03158", 10), commune("03127", 30), commune("03169", 60)],
        [
            short("03158", "it", priority=1),
            short("03127", "land", priority=2),
            short("03169", "health", priority=5),
        ],
        [person("P1", "it"), person("P2", "land"), person("P3", "health")],
        objectives=["coverage", "distance"],
    )


def points(front) -> list[tuple[int, float]]:
    """The front's (coverage, km) values."""
    return [(int(a), round(float(b), 3)) for a, b in (front.values(p) for p in front.points)]


def audited(front, s: Scenario, folder: Path) -> None:
    """Every point's plan passes the independent auditor."""
    for n, point in enumerate(front.points):
        write_plan(point.plan, folder / f"p{n}")
        assert audit_folder(s, folder / f"p{n}") == []


def test_every_point_including_unsupported_ones(tmp_path: Path):
    """All points of the hand-worked front, each proven; the ends by the flow engine."""
    s = weighted_case()
    front = frontier(s, COVERAGE_DISTANCE, None, False, SolveParams(time_limit_s=20))
    expected = [(0, 0.0), (1, 10.0), (2, 30.0), (3, 40.0), (5, 60.0), (6, 70.0), (7, 90.0), (8, 100.0)]
    assert brute_front(s) == expected
    assert points(front) == expected
    # The envelope's vertices are (0, 0), (1, 10), (6, 70), (8, 100): the flow proves those.
    assert [p.proof for p in front.points] == [FLOW, FLOW, CPSAT, CPSAT, CPSAT, FLOW, CPSAT, FLOW]
    assert all(p.plan.status.value == "OPTIMAL" for p in front.points)
    audited(front, s, tmp_path)
    frame = front_frame(front)
    assert frame["marginal_distance_per_coverage"].tolist()[1:3] == [10.0, 20.0]
    assert frame["km_per_extra_seat"].tolist()[1] == 10.0


def test_hull_bounds_every_plan():
    """No plan beats the flow's envelope: at each coverage c the best km is at least the hull's bound."""
    s = weighted_case()
    pairs = eligible_pairs(s)
    first, second = (linear(o, s, pairs) for o in COVERAGE_DISTANCE)
    ends = tuple(
        flow_extreme(s, pairs, (), COVERAGE_DISTANCE, SolveParams(), flag)[0] for flag in (False, True)
    )
    vertices = supported_points(s, pairs, (), COVERAGE_DISTANCE, SolveParams(), ends)
    hull = hull_of(vertices, (first, second))
    assert [v.first for v in vertices] == [0, 1, 6, 8]
    for coverage, km in brute_front(s):
        assert -hull.cap_second(coverage) <= round(km * 1000)
        assert hull.cap_first(-round(km * 1000)) >= coverage
    assert hull.cap_second(9) is None


@pytest.mark.parametrize("seed", range(5))
def test_random_tiny_fronts_match_brute_force(seed: int, tmp_path: Path):
    """Random people, priorities, distances, capacities and release caps: the same front as brute force."""
    rng = random.Random(seed)
    skills = ["it", "land", "health"]
    places = [f"0{3100 + n}" for n in range(3)]
    s = scenario(
        [commune(c, rng.uniform(5, 80), capacity=rng.randint(1, 2)) for c in places],
        [
            short(c, k, seats=rng.randint(1, 2), priority=rng.randint(1, 5))
            for c in places
            for k in rng.sample(skills, 2)
        ],
        [
            person(f"P{n}", ";".join(rng.sample(skills, rng.randint(1, 2))), rng.choice("AB"))
            for n in range(5)
        ],
        [agency("A", max_release=rng.randint(1, 3)), agency("B", max_release=rng.randint(1, 3))],
        objectives=["coverage", "distance"],
    )
    front = frontier(s, COVERAGE_DISTANCE, None, False, SolveParams(time_limit_s=20))
    assert points(front) == brute_front(s)
    audited(front, s, tmp_path)


def test_without_the_flow_cp_sat_alone_finds_the_same_front(monkeypatch: pytest.MonkeyPatch):
    """When the flow's costs do not fit (here: made to not fit), the ends and every point come from CP-SAT."""
    import sweeps.frontier as module

    monkeypatch.setattr(module, "flow_extreme", lambda *args: None)
    monkeypatch.setattr(module, "supported_points", lambda *args: None)
    s = weighted_case()
    front = frontier(s, COVERAGE_DISTANCE, None, False, SolveParams(time_limit_s=20))
    assert points(front) == brute_front(s)
    assert {p.proof for p in front.points} == {CPSAT}


def test_spread_points_lie_on_the_whole_front():
    """--points 4: both ends and two points between, each one of the full front's."""
    s = weighted_case()
    front = frontier(s, COVERAGE_DISTANCE, 4, False, SolveParams(time_limit_s=20))
    found = points(front)
    assert found[0] == (0, 0.0) and found[-1] == (8, 100.0) and len(found) == 4
    assert set(found) <= set(brute_front(s))


def test_held_objectives_are_kept_at_every_point():
    """--others hold: fairness, ranked before distance, is optimised first and the same at every point."""
    s = weighted_case().model_copy(
        update={"policy": weighted_case().policy.model_copy(update={"objectives": tuple(Objective)})}
    )
    front = frontier(s, COVERAGE_DISTANCE, None, True, SolveParams(time_limit_s=20))
    assert front.held == (Objective.FAIRNESS, Objective.PREFERENCE, Objective.DISRUPTION)
    shares = {next(o.value for o in p.plan.objectives if o.name == "fairness") for p in front.points}
    assert shares == {1}
    assert points(front) == [(8, 100.0)]


def test_cli_writes_table_page_and_audited_plans(tmp_path: Path):
    """frontier.csv names both objectives; each row's plan folder audits clean; bad --trade exits 2."""
    folder = write_scenario(weighted_case(), tmp_path / "scenario")
    out = tmp_path / "front"
    result = run("frontier", folder, "--trade", "coverage:distance", "--points", "all", "--out", out)
    assert result.exit_code == 0, result.output
    with (out / "frontier.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(int(r["coverage"]), float(r["distance"])) for r in rows] == brute_front(weighted_case())
    assert [r["knee"] for r in rows].count("True") == 1
    for row in rows:
        assert audit_folder(weighted_case(), out / row["plan"]) == []
    for trade in ("coverage", "fairness:distance", "coverage:coverage"):
        bad = run("frontier", folder, "--trade", trade, "--out", tmp_path / "bad")
        assert bad.exit_code == 2 and "--trade" in bad.output
    assert (
        run(
            "frontier", folder, "--trade", "coverage:distance", "--points", "1", "--out", tmp_path / "b"
        ).exit_code
        == 2
    )
    assert run("frontier", folder, "--trade", "coverage:distance", "--out", out).exit_code == 2


def test_infeasible_scenario_exits_3(tmp_path: Path):
    """A pin nobody can meet: no front, exit 3, nothing written."""
    from models.scenario import Pin

    stranded = weighted_case().model_copy(update={"pins": (Pin(candidate="P1", commune="03127"),)})
    folder = write_scenario(stranded, tmp_path / "scenario")
    result = run("frontier", folder, "--trade", "coverage:distance", "--out", tmp_path / "front")
    assert result.exit_code == 3, result.output
    assert not (tmp_path / "front").exists()


def test_help_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The example in `frontier --help` runs as written on the bundled scenario."""
    example = re.search(r"Example:\s*\n\s*(secondment frontier .+)", run("frontier", "--help").output)
    assert example
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    args = shlex.split(example.group(1))[1:]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / args[args.index("--out") + 1] / "frontier.html").is_file()


def test_page_in_headless_chromium(browser, tmp_path: Path):  # noqa: F811
    """frontier.html: the front and the marginal rates drawn offline, the knee starred."""
    folder = write_scenario(weighted_case(), tmp_path / "scenario")
    assert (
        run(
            "frontier", folder, "--trade", "coverage:distance", "--points", "all", "--out", tmp_path / "f"
        ).exit_code
        == 0
    )
    seen = open_page(browser, tmp_path / "f" / "frontier.html", plots=2)
    assert seen["errors"] == []
    assert not [url for url in seen["anywhere"] if re.match(r"(https?|wss?|ftp):", url)]
    xs = browser.execute_script("return document.getElementById('front').data[0].x")
    assert list(xs) == [0, 1, 2, 3, 5, 6, 7, 8]
    assert len(browser.execute_script("return document.getElementById('front').data")) == 2
    browser.save_screenshot(str(tmp_path / "frontier.png"))
