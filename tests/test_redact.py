"""--redact: plans for public notice boards carry stable pseudonyms, never names or candidate ids."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import BUNDLED, REPO

from cli import main
from models.loader import load_scenario
from models.redact import pseudonyms, real_ids
from optimizer.audit import audit_folder

TINY = REPO / "tests" / "data" / "tiny"


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def all_text(folder: Path) -> str:
    """Every file of a folder as one text."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_redacted_plan_names_nobody(tmp_path: Path):
    """The public plan holds no candidate name, id or home commune; the full plan is kept for HR."""
    public, full = tmp_path / "public", tmp_path / "hr"
    result = run("solve", TINY, "--out", public, "--redact", "--full-out", full)
    assert result.exit_code == 0, result.output
    scenario = load_scenario(TINY)
    text = all_text(public)
    for person in scenario.candidates:
        assert person.name not in text and person.id not in text
    assert "home_commune" not in text
    assert json.loads((public / "plan.json").read_text(encoding="utf-8"))["provenance"]["redacted"] is True
    assert "Lò Văn Thành" in all_text(full)
    assert audit_folder(scenario, full) == []


def test_pseudonyms_are_stable_and_restore_the_full_plan(tmp_path: Path):
    """The same scenario gives the same pseudonyms; mapped back, the public plan is the full plan."""
    for name in ("a", "b"):
        assert (
            run(
                "solve", TINY, "--out", tmp_path / name, "--redact", "--full-out", tmp_path / f"{name}-hr"
            ).exit_code
            == 0
        )
    first = pd.read_csv(tmp_path / "a" / "assignments.csv", dtype=str)
    second = pd.read_csv(tmp_path / "b" / "assignments.csv", dtype=str)
    assert first["candidate_id"].tolist() == second["candidate_id"].tolist()
    assert all(pid.startswith("R-") and len(pid) == 14 for pid in first["candidate_id"])
    back = {pseudonym: cid for cid, pseudonym in pseudonyms(load_scenario(TINY)).items()}
    full = pd.read_csv(tmp_path / "a-hr" / "assignments.csv", dtype=str)
    restored = first.assign(candidate_id=first["candidate_id"].map(back)).sort_values("candidate_id")
    restored = restored.reset_index(drop=True)
    assert restored["candidate_id"].tolist() == full["candidate_id"].tolist()
    assert restored.drop(columns=["candidate_name"]).equals(full.drop(columns=["candidate_name"]))


def test_the_whole_redacted_folder_audits_once_ids_are_restored(tmp_path: Path):
    """Whoever holds the scenario can audit a public plan: restore the ids and every check passes."""
    assert run("solve", TINY, "--out", tmp_path / "public", "--redact").exit_code == 0
    scenario = load_scenario(TINY)
    back = {pseudonym: cid for cid, pseudonym in pseudonyms(scenario).items()}
    restored = Path(shutil.copytree(tmp_path / "public", tmp_path / "restored"))
    frame = pd.read_csv(restored / "assignments.csv", dtype=str, keep_default_na=False)
    frame["candidate_id"] = frame["candidate_id"].map(back)
    frame.to_csv(restored / "assignments.csv", index=False, lineterminator="\n")
    plan = json.loads((restored / "plan.json").read_text(encoding="utf-8"))
    for row in plan["assignments"]:
        row["candidate_id"] = back[row["candidate_id"]]
    (restored / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert audit_folder(scenario, restored) == []


def test_another_scenario_gives_other_pseudonyms(tmp_path: Path):
    """Pseudonyms are keyed by the scenario: a changed scenario does not link people across rounds."""
    changed = Path(shutil.copytree(TINY, tmp_path / "changed"))
    path = changed / "communes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",4,ward", ",5,ward"), encoding="utf-8")
    before, after = pseudonyms(load_scenario(TINY)), pseudonyms(load_scenario(changed))
    assert before.keys() == after.keys()
    assert not set(before.values()) & set(after.values())


def test_an_infeasible_redacted_plan_hides_people_in_its_diagnosis(tmp_path: Path):
    """The conflicts of an infeasible scenario name the pinned person by pseudonym only."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "infeasible"))
    path = scenario / "communes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2,border", ",0,border"), encoding="utf-8")
    result = run("solve", scenario, "--out", tmp_path / "public", "--redact")
    assert result.exit_code == 3, result.output
    text = all_text(tmp_path / "public")
    assert "P001" not in text and "pins[0]" in text
    assert pseudonyms(load_scenario(scenario))["P001"] in text


def test_full_out_needs_redact(tmp_path: Path):
    """--full-out alone is a usage error: exit 2, nothing written."""
    result = run("solve", TINY, "--out", tmp_path / "plan", "--full-out", tmp_path / "hr")
    assert result.exit_code == 2 and "--full-out needs --redact" in result.output
    assert list(tmp_path.iterdir()) == []


def test_redacted_plan_is_audited_with_its_pseudonyms_resolved(tmp_path: Path):
    """Whoever holds the scenario can audit the public plan as it is."""
    out = tmp_path / "public"
    assert CliRunner().invoke(main, ["solve", str(TINY), "--out", str(out), "--redact"]).exit_code == 0
    result = CliRunner().invoke(main, ["audit", str(TINY), str(out)])
    assert result.exit_code == 0, result.output
    assert "no violation of the hard rules" in " ".join(result.output.split())


def test_public_rows_do_not_keep_the_real_order(tmp_path: Path):
    """Rows of the public plan are sorted by pseudonym, so row k of the public plan is not row k
    of the HR plan (which is sorted by the real id): position gives nobody away."""
    public, hr = tmp_path / "public", tmp_path / "hr"
    result = run("solve", BUNDLED, "--out", public, "--redact", "--full-out", hr)
    assert result.exit_code == 0, result.output
    shown = [
        row["candidate_id"] for row in csv.DictReader((public / "assignments.csv").open(encoding="utf-8-sig"))
    ]
    assert shown == sorted(shown)
    real = real_ids(load_scenario(BUNDLED))
    hr_order = [
        row["candidate_id"] for row in csv.DictReader((hr / "assignments.csv").open(encoding="utf-8-sig"))
    ]
    assert sorted(real[p] for p in shown) == sorted(hr_order)
    assert [real[p] for p in shown] != hr_order
    listed = [
        a["candidate_id"]
        for a in json.loads((public / "plan.json").read_text(encoding="utf-8"))["assignments"]
    ]
    assert listed == shown


@pytest.mark.parametrize("out_name", ["report.html", "report.xlsx"])
def test_report_reads_a_redacted_plan_with_its_scenario(tmp_path: Path, out_name: str):
    """`report SCENARIO PUBLIC_PLAN`: the pseudonyms are resolved to find agencies and distances, and
    the report still names nobody."""
    public = tmp_path / "public"
    assert run("solve", TINY, "--out", public, "--redact").exit_code == 0
    target = tmp_path / out_name
    result = run("report", TINY, public, "--out", target)
    assert result.exit_code == 0, result.output
    if out_name.endswith("xlsx"):
        sheets = pd.read_excel(target, sheet_name=None, dtype=str)
        text = "\n".join(frame.to_csv() for frame in sheets.values())
    else:
        text = target.read_text(encoding="utf-8")
    scenario = load_scenario(TINY)
    assert not any(c.name in text for c in scenario.candidates)
    assert pseudonyms(scenario)["P001"] in text


def test_compare_reads_redacted_plans_with_the_scenario(tmp_path: Path):
    """Two public plans of one scenario compare person by person (by pseudonym), hand edits included."""
    public = tmp_path / "public"
    assert run("solve", TINY, "--out", public, "--redact").exit_code == 0
    edited = Path(shutil.copytree(public, tmp_path / "edited"))
    (edited / "plan.json").unlink()
    out = tmp_path / "diff.json"
    result = run("compare", public, edited, "--scenario", TINY, "--out", out)
    assert result.exit_code == 0, result.output
    people = json.loads(out.read_text(encoding="utf-8"))["people"]
    assert people["moved"] == [] and people["added"] == [] and people["removed"] == []
