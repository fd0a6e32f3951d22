"""compare: plans with known differences, hand-edited folders, other scenarios, every output format."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import BUNDLED

from cli import main
from models.loader import load_scenario
from models.plan import SolveParams
from models.plan_io import write_plan
from optimizer.audit import audit_folder
from optimizer.solve import solve
from reports.compare import verdict
from reports.metrics import gini
from reports.plan_data import read_plan_folder

COMPARE_SHEETS = [
    "Summary",
    "Scenario changes",
    "Audit",
    "Changes",
    "Assignments",
    "Unfilled",
    "By commune",
    "By specialty",
    "By agency",
]


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def flat(text: str) -> str:
    """Terminal output with rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def edited(bundled_plan, tmp_path_factory: pytest.TempPathFactory):
    """Plan B: A edited by hand in a spreadsheet (only assignments.csv, three columns, `;`).

    Known differences: the first person is removed, the second moved to a seat A left empty, and
    one person A did not second is added to another seat A left empty.
    """
    scenario, folder = bundled_plan
    rows = pd.read_csv(folder / "assignments.csv", dtype=str)[["candidate_id", "commune_id", "specialty"]]
    empty = pd.read_csv(folder / "unfilled.csv", dtype=str)
    seated = set(rows["candidate_id"])
    removed, moved = rows.iloc[0].to_dict(), rows.iloc[1].to_dict()
    person = scenario.candidate_by_id[moved["candidate_id"]]
    gaps = [
        (c, s)
        for c, s in zip(empty["commune_id"], empty["specialty"], strict=True)
        if c != moved["commune_id"]
    ]
    move_to = next((c, s) for c, s in gaps if s in person.specialties)
    newcomer, add_to = next(
        (p, (c, s))
        for p in scenario.candidates
        if p.id not in seated
        for c, s in gaps
        if s in p.specialties and (c, s) != move_to and c not in (removed["commune_id"], move_to[0])
    )
    rows = rows.iloc[1:].copy()
    rows.loc[rows["candidate_id"] == moved["candidate_id"], ["commune_id", "specialty"]] = move_to
    rows.loc[len(rows) + 10] = [newcomer.id, *add_to]
    target = folder.parent / "b"
    target.mkdir()
    rows.to_csv(target / "assignments.csv", sep=";", index=False)
    return {
        "folder": target,
        "removed": removed,
        "moved": (moved, move_to),
        "added": (newcomer, add_to),
    }


def test_compare_names_who_was_added_removed_and_moved(bundled_plan, edited, tmp_path: Path):
    """With the scenario, a hand-edited folder compares: exactly the three known changes come out."""
    scenario, folder = bundled_plan
    target = tmp_path / "diff.json"
    result = run("compare", folder, edited["folder"], "--scenario", BUNDLED, "--out", target)
    assert result.exit_code == 0, result.output
    diff = json.loads(target.read_text(encoding="utf-8"))
    people = diff["people"]
    removed, (moved, move_to), (newcomer, add_to) = edited["removed"], edited["moved"], edited["added"]
    assert [p["candidate_id"] for p in people["removed"]] == [removed["candidate_id"]]
    assert people["removed"][0]["from_commune_id"] == removed["commune_id"]
    assert people["removed"][0]["to_commune_id"] == ""
    assert [p["candidate_id"] for p in people["moved"]] == [moved["candidate_id"]]
    assert (people["moved"][0]["from_commune_id"], people["moved"][0]["from_specialty"]) == (
        moved["commune_id"],
        moved["specialty"],
    )
    assert (people["moved"][0]["to_commune_id"], people["moved"][0]["to_specialty"]) == move_to
    assert [p["candidate_id"] for p in people["added"]] == [newcomer.id]
    assert people["added"][0]["candidate_name"] == newcomer.name
    assert (people["added"][0]["to_commune_id"], people["added"][0]["to_specialty"]) == add_to
    seconded = len(pd.read_csv(folder / "assignments.csv"))
    assert people["unchanged"] == seconded - 2
    assert diff["same_scenario"] is True

    summary = diff["summary"]
    assert summary["people_seconded"] == {"a": seconded, "b": seconded, "delta": 0, "verdict": ""}
    assert summary["seats_filled"]["verdict"] == "same"
    assert summary["seats_filled"]["delta"] == 0
    expected: Counter[str] = Counter()
    for commune, sign in (
        (removed["commune_id"], -1),
        (moved["commune_id"], -1),
        (move_to[0], 1),
        (add_to[0], 1),
    ):
        expected[commune] += sign
    communes = {r["commune_id"]: r["delta_filled"] for r in diff["by_commune"]}
    assert {c: d for c, d in communes.items() if d} == {c: d for c, d in expected.items() if d}
    priority = {s.key: s.priority for s in scenario.shortages}
    coverage = next(s for s in diff["objectives"] if s["stage"] == "coverage")
    assert coverage["delta"] == (
        priority[move_to]
        + priority[add_to]
        - priority[(moved["commune_id"], moved["specialty"])]
        - priority[(removed["commune_id"], removed["specialty"])]
    )
    assert coverage["source_b"].startswith("recomputed")
    agencies = {r["agency_id"]: r["delta"] for r in diff["by_agency"] if r["delta"]}
    change: Counter[str] = Counter({newcomer.agency_id: 1})
    change[scenario.candidate_by_id[removed["candidate_id"]].agency_id] -= 1
    assert agencies == {k: v for k, v in change.items() if v}


def test_terminal_output_is_readable(bundled_plan, edited):
    """The terminal shows the counts, the people by name and the scenario check."""
    _, folder = bundled_plan
    result = run("compare", folder, edited["folder"], "--scenario", BUNDLED)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "1 added, 1 removed, 1 moved" in text
    newcomer = edited["added"][0]
    assert newcomer.id in text and all(part in text for part in newcomer.name.split())
    assert "Both plans come from the same scenario (Điện Biên 2025 — round 1" in text
    assert "Seats per specialty" in text and "Agencies whose release changed" in text


def test_a_hand_edited_folder_needs_the_scenario(bundled_plan, edited):
    """Without plan.json and without --scenario: exit 2 naming --scenario, no traceback."""
    _, folder = bundled_plan
    result = run("compare", folder, edited["folder"])
    assert result.exit_code == 2
    assert "--scenario" in flat(result.output)


def test_identical_plans_show_no_change(bundled_plan):
    """A plan against itself: nobody moved and every delta is 0."""
    _, folder = bundled_plan
    result = run("compare", folder, folder)
    assert result.exit_code == 0, result.output
    assert "0 added, 0 removed, 0 moved" in flat(result.output)
    assert "Communes whose seats changed (0 of 45" in flat(result.output)


def test_plans_of_different_scenarios_are_flagged(bundled_plan, tmp_path: Path):
    """A plan of a scenario without the fairness stage: DIFFERENT scenarios said, the rest compared."""
    _, folder = bundled_plan
    other_scenario = Path(shutil.copytree(BUNDLED, tmp_path / "no-fairness"))
    yaml = other_scenario / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("[coverage, fairness, distance]", "[coverage, distance]"), encoding="utf-8")
    other = tmp_path / "c"
    write_plan(solve(load_scenario(other_scenario), SolveParams(time_limit_s=30)), other)
    result = run("compare", folder, other, "--out", tmp_path / "diff.json")
    assert result.exit_code == 0, result.output
    assert "DIFFERENT scenarios" in flat(result.output)
    diff = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert diff["same_scenario"] is False
    assert diff["summary"]["total_km"]["delta"] < 0
    assert diff["summary"]["seats_filled"]["delta"] == 0
    stages = {s["stage"]: s for s in diff["objectives"]}
    assert stages["fairness"]["b"] is None and stages["distance"]["better"] == "B"
    assert diff["people"]["moved"] and len(diff["people"]["added"]) == len(diff["people"]["removed"])
    used = run("compare", folder, other, "--scenario", BUNDLED)
    assert used.exit_code == 0 and "which is not used for it" in flat(used.output)
    both = run("compare", folder, other, "--scenario", BUNDLED, "--scenario", other_scenario)
    assert both.exit_code == 0 and "DIFFERENT scenarios" in flat(both.output)
    assert "not used" not in flat(both.output)


def test_workbook_and_page_outputs(bundled_plan, edited, tmp_path: Path):
    """--out .xlsx: the HR sheets with frozen headers and numbers; --out .html: the changes listed."""
    _, folder = bundled_plan
    book_path, page_path = tmp_path / "diff.xlsx", tmp_path / "diff.html"
    for target in (book_path, page_path):
        result = run("compare", folder, edited["folder"], "--scenario", BUNDLED, "--out", target)
        assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == COMPARE_SHEETS
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    summary = book["Summary"]
    rules = summary.conditional_formatting
    assert [c.value for c in summary[1]][-1] == "better or worse"
    assert any('"better"' in r.formula[0] for cf in rules for r in cf.rules)
    assert any('"worse"' in r.formula[0] for cf in rules for r in cf.rules)
    changes = pd.read_excel(book_path, sheet_name="Changes", dtype={"from_commune_id": str})
    assert sorted(changes["change"]) == ["added", "moved", "removed"]
    communes = book["By commune"]
    assert communes.cell(2, 3).data_type == "n"
    assignments = pd.read_excel(book_path, sheet_name="Assignments")
    assert Counter(assignments["change"])["unchanged"] == len(assignments) - 3
    html = page_path.read_text(encoding="utf-8")
    assert edited["added"][0].name in html and "1 added, 1 removed, 1 moved" in html


def test_bad_output_suffix_is_refused(bundled_plan, tmp_path: Path):
    """--out with a suffix compare cannot write: exit 2, nothing written."""
    _, folder = bundled_plan
    result = run("compare", folder, folder, "--out", tmp_path / "diff.pdf")
    assert result.exit_code == 2 and not (tmp_path / "diff.pdf").exists()


def test_plan_files_alone_give_the_scenarios_figures(bundled_plan):
    """Read without its scenario, a solved folder yields the same demand and fill per shortage."""
    scenario, folder = bundled_plan
    key = ["commune_id", "specialty"]
    alone = read_plan_folder(folder).shortages.sort_values(key).reset_index(drop=True)
    known = read_plan_folder(folder, scenario).shortages.sort_values(key).reset_index(drop=True)
    columns = [*key, "seats", "filled", "missing"]
    pd.testing.assert_frame_equal(alone[columns], known[columns], check_dtype=False)
    assert not read_plan_folder(folder).edited


def test_gini_of_filled_shares():
    """0 when every commune is equally filled; 2/3 when one of three communes has everything."""
    assert gini(np.array([0.5, 0.5, 0.5])) == 0
    assert gini(np.array([0.0, 0.0, 1.0])) == pytest.approx(2 / 3)


@pytest.fixture(scope="module")
def other_policy(tmp_path_factory: pytest.TempPathFactory):
    """Plan B of a scenario whose policy and one commune differ from the bundled one (audited)."""
    root = tmp_path_factory.mktemp("policy-b")
    folder = Path(shutil.copytree(BUNDLED, root / "scenario"))
    yaml = folder / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8")
    text = text.replace("[coverage, fairness, distance]", "[coverage, distance]")
    yaml.write_text(text.replace("max_distance_km: 250", "max_distance_km: 230"), encoding="utf-8")
    communes = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False)
    communes.loc[communes["id"] == "03158", "capacity"] = "4"
    communes.to_csv(folder / "communes.csv", index=False)
    scenario = load_scenario(folder)
    plan = root / "plan"
    write_plan(solve(scenario, SolveParams(time_limit_s=30)), plan)
    assert audit_folder(scenario, plan) == []
    return folder, plan


def test_compare_says_what_differs_and_which_way(bundled_plan, other_policy, tmp_path: Path):
    """With both scenarios: the differing policy keys and rows; every delta judged better or worse."""
    _, folder = bundled_plan
    scenario_b, plan_b = other_policy
    target = tmp_path / "diff.json"
    result = run("compare", folder, plan_b, "--scenario", BUNDLED, "--scenario", scenario_b, "--out", target)
    assert result.exit_code == 0, result.output
    diff = json.loads(target.read_text(encoding="utf-8"))
    changes = {(c["part"], c["key"], c["column"]): (c["a"], c["b"]) for c in diff["scenario_changes"]}
    assert changes == {
        ("policy", "max_distance_km", ""): ("250.0", "230.0"),
        ("policy", "objectives", ""): ('["coverage", "fairness", "distance"]', '["coverage", "distance"]'),
        ("communes", "03158", "capacity"): ("3", "4"),
    }
    for figure, row in diff["summary"].items():
        expected = verdict(figure, row["delta"])
        assert row["verdict"] == expected
    assert diff["audit"]["a"] == diff["audit"]["b"] == {"hard_rules_broken": [], "claims_not_borne_out": []}
    text = flat(result.output)
    assert "What differs between the scenarios" in text and "max_distance_km" in text
    assert "every hard rule holds" in text


def test_verdicts_follow_each_figures_direction():
    """Fewer communes left short is better; more communes with nothing filled is worse; demand is neutral."""
    assert verdict("communes_left_short", -5) == "better"
    assert verdict("communes_with_nothing_filled", 7) == "worse"
    assert verdict("worst_commune_share", -0.25) == "worse"
    assert verdict("total_km", -10.5) == "better"
    assert verdict("coverage_pct", 0) == "same"
    assert verdict("seats_demanded", 3) == verdict("people_seconded", -2) == ""


def test_a_hand_edit_that_breaks_a_hard_rule_is_flagged(bundled_plan, tmp_path: Path):
    """Plan B seats someone in a field they do not hold: the audit of B names the broken rule."""
    scenario, folder = bundled_plan
    rows = pd.read_csv(folder / "assignments.csv", dtype=str)[["candidate_id", "commune_id", "specialty"]]
    seated = set(rows["candidate_id"])
    person = next(p for p in scenario.candidates if p.id not in seated and "land" not in p.specialties)
    seat = next(s for s in scenario.shortages if s.specialty == "land")
    rows.loc[len(rows)] = [person.id, seat.commune_id, "land"]
    edited = tmp_path / "b"
    edited.mkdir()
    rows.to_csv(edited / "assignments.csv", index=False)
    assert any(v.rule == "specialty_level" for v in audit_folder(scenario, edited))
    target = tmp_path / "diff.json"
    result = run("compare", folder, edited, "--scenario", BUNDLED, "--out", target)
    assert result.exit_code == 0, result.output
    broken = json.loads(target.read_text(encoding="utf-8"))["audit"]["b"]["hard_rules_broken"]
    level = [v for v in broken if v["rule"] == "specialty_level"]
    assert len(level) == 1 and person.id in level[0]["subject"]
    assert len(broken) == len(audit_folder(scenario, edited))
    assert f"B BREAKS {len(broken)} hard rule(s)" in flat(result.output)
    page = tmp_path / "diff.html"
    assert run("compare", folder, edited, "--scenario", BUNDLED, "--out", page).exit_code == 0
    assert f"Plan B BREAKS {len(broken)} hard rule(s)" in page.read_text(encoding="utf-8")


def test_no_nan_anywhere_without_a_scenario(bundled_plan, other_policy, tmp_path: Path):
    """Plans of two scenarios compared without --scenario: no `nan` in terminal, page, JSON or workbook."""
    _, folder = bundled_plan
    _, plan_b = other_policy
    result = run("compare", folder, plan_b)
    assert result.exit_code == 0, result.output
    assert (
        "nan" not in result.output.lower().split() and "give --scenario twice" in flat(result.output).lower()
    )
    texts = {}
    for suffix in (".html", ".json", ".xlsx"):
        target = tmp_path / f"diff{suffix}"
        assert run("compare", folder, plan_b, "--out", target).exit_code == 0
        if suffix == ".xlsx":
            book = openpyxl.load_workbook(target)
            cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
            texts[suffix] = " ".join(str(v) for v in cells if v is not None)
        else:  # the page without plotly.js, whose code says NaN
            texts[suffix] = re.sub(r"<script.*?</script>", "", target.read_text(encoding="utf-8"), flags=re.S)
    for suffix, text in texts.items():
        assert not re.search(r"(?<![\w.])nan(?![\w])", text, re.IGNORECASE), suffix
