"""Rounds from the files: the `baseline:` key and `--baseline`, bad baselines, round 2, suggest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from test_cli import run
from test_report import browser  # noqa: F401  (the headless Chromium fixture)

from models.loader import load_scenario
from models.plan import SolveParams, SolveStatus
from models.plan_io import write_plan
from optimizer.audit import audit_folder, costs
from optimizer.solve import solve

ROUND1 = REPO / "scenarios" / "dien-bien-2025"
ROUND2 = REPO / "scenarios" / "dien-bien-2025-round2"


@pytest.fixture(scope="module")
def round2(tmp_path_factory: pytest.TempPathFactory):
    """The bundled round 2, solved from its own baseline key and audited."""
    scenario = load_scenario(ROUND2)
    plan = solve(scenario, SolveParams(time_limit_s=30))
    folder = tmp_path_factory.mktemp("round2") / "plan"
    write_plan(plan, folder)
    assert audit_folder(scenario, folder) == []
    return scenario, plan, folder


def test_round2_keeps_what_still_works_and_says_why_the_rest_changed(round2):
    """OPTIMAL; stability right after coverage; the auditor's own count of kept assignments agrees."""
    scenario, plan, folder = round2
    assert plan.status == SolveStatus.OPTIMAL
    assert [o.name for o in plan.objectives] == ["coverage", "stability", "fairness", "distance"]
    recomputed, claimed = costs(scenario, folder)
    assert claimed["stability"] == recomputed["stability"] == sum(c.status == "kept" for c in plan.baseline)
    assert len(plan.baseline) == len(scenario.baseline) == 122
    cause = {c.candidate_id: c.cause for c in plan.baseline if c.status != "kept"}
    assert {p for p, c in cause.items() if c == "availability"} == {"P001", "P011", "P102"}
    assert cause["P191"] == "personal_distance"
    assert cause["P006"] == cause["P101"] == "shortage_closed"
    assert all(c.reason for c in plan.baseline if c.status != "kept")


def test_the_bundled_baseline_is_what_solving_round1_gives(bundled_plan):
    """scenarios/dien-bien-2025-round2/baseline: round 1's plan as `solve` writes it, and it audits clean."""
    scenario, folder = bundled_plan
    assert audit_folder(scenario, ROUND2 / "baseline") == []
    for name in ("assignments.csv", "unfilled.csv"):
        assert (ROUND2 / "baseline" / name).read_bytes() == (folder / name).read_bytes(), name
    ours = json.loads((ROUND2 / "baseline" / "plan.json").read_text(encoding="utf-8"))
    fresh = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    for key in ("status", "objectives", "assignments", "kpis"):
        assert ours[key] == fresh[key], key


def hand_made(folder: Path, text: str) -> Path:
    """A plan folder holding only assignments.csv."""
    folder.mkdir(parents=True)
    (folder / "assignments.csv").write_text(text, encoding="utf-8")
    return folder


def test_the_flag_wins_over_the_key_and_a_hand_made_folder_works(tmp_path: Path):
    """--baseline with two rows (one person who left the scenario): stability 1, the other released."""
    baseline = hand_made(
        tmp_path / "mine", "candidate_id,commune_id,specialty\nP165,03203,health\nP999,03203,health\n"
    )
    out = tmp_path / "plan"
    result = run("solve", ROUND2, "--out", out, "--baseline", baseline)
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert {o["name"]: o["value"] for o in plan["objectives"]}["stability"] == 1
    assert [(c["candidate_id"], c["status"], c["cause"]) for c in plan["baseline"]] == [
        ("P165", "kept", ""),
        ("P999", "released", "person_gone"),
    ]
    assert "Baseline: 1 of 2 assignments kept" in " ".join(result.output.split())
    assert run("audit", ROUND2, out, "--baseline", baseline).exit_code == 0
    assert run("audit", ROUND2, out).exit_code == 1  # against the key's baseline: another scenario


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("candidate_id,specialty\nP165,health\n", "column 'commune_id'"),
        (
            "candidate_id,commune_id,specialty\nP165,03203,health\nP166,,health\n",
            "row 3, column 'commune_id'",
        ),
        (
            "candidate_id,commune_id,specialty\nP165,03203,health\nP165,03203,health\n",
            "row 3, column 'candidate_id'",
        ),
    ],
    ids=["missing-column", "empty-cell", "listed-twice"],
)
def test_a_malformed_baseline_is_refused_naming_file_row_and_column(tmp_path: Path, text: str, where: str):
    """Exit 2, the file and the place named, no plan written."""
    baseline = hand_made(tmp_path / "bad", text)
    result = run("solve", ROUND2, "--out", tmp_path / "plan", "--baseline", baseline)
    assert result.exit_code == 2, result.output
    assert "assignments.csv" in result.output and where in result.output
    assert not (tmp_path / "plan").exists()


def test_a_folder_without_assignments_is_not_a_baseline(tmp_path: Path):
    """--baseline naming an empty folder: exit 2, "not a plan folder"."""
    (tmp_path / "empty").mkdir()
    result = run("solve", ROUND2, "--out", tmp_path / "plan", "--baseline", tmp_path / "empty")
    assert result.exit_code == 2 and "not a plan folder" in result.output


def copy_of_round2(tmp_path: Path) -> Path:
    """A copy of the bundled round 2 to edit."""
    return Path(shutil.copytree(ROUND2, tmp_path / "round2"))


def test_stability_without_a_baseline_is_refused(tmp_path: Path):
    """policy.objectives naming stability with no baseline: exit 2 at the objectives' line."""
    folder = copy_of_round2(tmp_path)
    yaml = folder / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8").replace("baseline: baseline\n", "")
    yaml.write_text(text.replace("[coverage, fairness, distance]", "[coverage, stability]"), encoding="utf-8")
    result = run("validate", folder)
    assert result.exit_code == 2 and "policy.objectives" in result.output and "baseline" in result.output


def test_a_baseline_outside_the_scenario_folder_needs_the_flag(tmp_path: Path):
    """`baseline: ../x` is refused like a table outside the folder, unless --allow-outside-paths."""
    folder = copy_of_round2(tmp_path)
    shutil.move(folder / "baseline", tmp_path / "round1-plan")
    yaml = folder / "scenario.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("baseline: baseline", "baseline: ../round1-plan"),
        encoding="utf-8",
    )
    result = run("validate", folder)
    assert result.exit_code == 2 and "column 'baseline'" in result.output and "outside" in result.output
    assert run("validate", folder, "--allow-outside-paths").exit_code == 0


def test_compare_works_on_the_baseline_and_the_new_plan(round2):
    """compare BASELINE NEW, each with its own scenario: the moves of the round are listed."""
    _scenario, plan, folder = round2
    result = run("compare", ROUND2 / "baseline", folder, "--scenario", ROUND1, "--scenario", ROUND2)
    assert result.exit_code == 0, result.output
    moved = next(c for c in plan.baseline if c.status == "moved")
    assert moved.candidate_id in result.output


def test_solve_summary_lists_the_changes(tmp_path: Path):
    """The terminal summary counts kept, moved and released, and gives each change's reason."""
    result = run("solve", ROUND2, "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Baseline: 110 of 122 assignments kept · 6 moved · 6 released" in text
    assert "P001 Cà Văn Xôm: 03328/it → released: person no longer available" in text
    assert "P006 Lèo Thị Phanh: 03226/home_affairs → 03370/home_affairs: shortage closed" in text


def test_a_redacted_round_names_nobody_and_still_audits(tmp_path: Path):
    """--redact: baseline changes carry pseudonyms and no names; the auditor maps them back."""
    out = tmp_path / "public"
    assert run("solve", ROUND2, "--out", out, "--redact").exit_code == 0
    text = (out / "plan.json").read_text(encoding="utf-8")
    assert "Cà Văn Xôm" not in text and '"P001"' not in text
    assert audit_folder(load_scenario(ROUND2), out) == []


def test_suggest_ranks_the_holder_first_and_says_why_others_cannot(bundled_plan):
    """The help's example: the plan's own holder first at no cost; the unavailable are named."""
    _scenario, folder = bundled_plan
    result = run("suggest", ROUND1, folder, "--seat", "03203:health", "--top", "5")
    assert result.exit_code == 0, result.output
    first = next(line for line in result.output.splitlines() if line.startswith("│ 1 "))
    assert "◀" in first
    assert "could rank in the top 5" in " ".join(result.output.split())
    assert "no longer available" in result.output or "not available" in result.output
    assert run("suggest", ROUND1, folder, "--seat", "03160:it", "--keep-others").exit_code == 0


def test_suggest_refuses_an_unknown_seat(bundled_plan):
    """--seat naming no shortage: exit 2."""
    _scenario, folder = bundled_plan
    result = run("suggest", ROUND1, folder, "--seat", "03203:astronomy")
    assert result.exit_code == 2 and "COMMUNE:SPECIALTY" in result.output


def test_round_workbook_has_the_changes_and_who_arrives_and_leaves(round2, tmp_path: Path):
    """report --out .xlsx: Round changes (one row per baseline assignment), Round by agency / commune."""
    import pandas as pd

    _scenario, plan, folder = round2
    target = tmp_path / "round2.xlsx"
    assert run("report", ROUND2, folder, "--out", target).exit_code == 0
    sheets = pd.read_excel(target, sheet_name=None, dtype={"commune_id": str})
    assert len(sheets["Round changes"]) == 122
    agencies = sheets["Round by agency"].set_index("agency_id")
    assert agencies.loc["SGDDT"].tolist() == [2, 1, 0, 1]  # its cap fell from 2 to 1
    communes = sheets["Round by commune"].set_index("commune_id")
    leaving = sum(c.status != "kept" for c in plan.baseline)
    assert communes["leaving"].sum() == leaving
    assert (communes["baseline"] - communes["leaving"] + communes["arriving"] == communes["plan"]).all()


def test_round_section_of_the_report_in_headless_chromium(browser, round2, tmp_path: Path):  # noqa: F811
    """The HTML report of round 2 loads offline without errors and shows the changes; a screenshot."""
    from test_report import open_page

    _scenario, _plan, folder = round2
    target = tmp_path / "round2.html"
    assert run("report", ROUND2, folder, "--out", target).exit_code == 0
    seen = open_page(browser, target, plots=5)
    assert seen["errors"] == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"])
    heading = browser.find_element("xpath", "//h2[text()='Against the baseline']")
    browser.execute_script("arguments[0].scrollIntoView();", heading)
    assert "110 of 122 baseline assignments kept" in browser.find_element("css selector", "body").text
    assert browser.save_screenshot(str(tmp_path / "round2.png"))


def test_suggest_top_n_is_the_head_of_the_full_ranking(bundled_plan):
    """Ranking only the top 5 skips people who could not enter it, and gives the full ranking's head."""
    from models.plan_files import read_plan_files
    from optimizer.suggest import Suggester

    scenario, folder = bundled_plan
    rows = read_plan_files(folder).checked().assignment_keys()
    suggester = Suggester(scenario, rows, SolveParams(time_limit_s=20), keep_others=True)
    top = suggester.seat("03203", "health", top=5)
    full = suggester.seat("03203", "health")
    assert [r.candidate_id for r in top.ranked[:5]] == [r.candidate_id for r in full.ranked[:5]]
    assert top.unranked > 0 and len(top.ranked) + top.unranked == len(full.ranked)
    assert top.cannot == full.cannot


def test_both_engines_keep_as_many_of_round1_in_round2(round2):
    """CP-SAT, on its own, proves the flow engine's coverage and kept count on the bundled round 2."""
    from models.scenario import Objective

    scenario, plan, _folder = round2
    ranked = (Objective.COVERAGE, Objective.STABILITY)
    short = scenario.model_copy(update={"policy": scenario.policy.model_copy(update={"objectives": ranked})})
    cpsat = solve(short, SolveParams(engine="cpsat", time_limit_s=60), changes=False)
    assert cpsat.status == SolveStatus.OPTIMAL
    assert [o.value for o in cpsat.objectives] == [o.value for o in plan.objectives[:2]]
