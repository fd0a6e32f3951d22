"""The command line: exit codes of the contract, readable output, nothing half-written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import BUNDLED, REPO

from cli import main

TINY = REPO / "tests" / "data" / "tiny"


def run(*args: str):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def test_solve_writes_the_plan_folder(tmp_path: Path):
    """solve exits 0, prints the status and writes the three files of the contract."""
    result = run("solve", TINY, "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output
    assert {p.name for p in (tmp_path / "plan").iterdir()} == {"plan.json", "assignments.csv", "unfilled.csv"}
    plan = json.loads((tmp_path / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "OPTIMAL"
    assert {"seats_demanded", "seats_filled", "coverage_pct", "total_km"} <= set(plan["kpis"])
    assert "Sín Thầu" in (tmp_path / "plan" / "assignments.csv").read_text(encoding="utf-8-sig")


def test_solve_accepts_an_empty_existing_folder(tmp_path: Path):
    """An empty folder given as --out is simply filled."""
    (tmp_path / "plan").mkdir()
    assert run("solve", TINY, "--out", tmp_path / "plan").exit_code == 0


def test_solve_refuses_to_overwrite_without_force(tmp_path: Path):
    """A plan folder is kept unless --force is given; a folder holding anything else is never
    replaced, even with --force (it is not a plan: deleting it would lose someone's files)."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    result = run("solve", TINY, "--out", out)
    assert result.exit_code == 2 and "--force" in result.output
    assert run("solve", TINY, "--out", out, "--force").exit_code == 0
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    (out / "notes").mkdir()
    for extra in ([], ["--force"]):
        result = run("solve", TINY, "--out", out, *extra)
        assert result.exit_code == 2 and "mine.txt, notes, which this command does not write" in result.output
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path):
    """A scenario with bad cells: exit 2, every problem named, no plan folder."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "bad"))
    text = (scenario / "communes.csv").read_text(encoding="utf-8")
    (scenario / "communes.csv").write_text(
        text.replace("21.4061", "north").replace(",2,border", ",-1,border"), encoding="utf-8"
    )
    result = run("solve", scenario, "--out", tmp_path / "plan")
    assert result.exit_code == 2
    assert "communes.csv, row 2, column 'lat'" in result.output
    assert "communes.csv, row 3, column 'capacity'" in result.output
    assert not (tmp_path / "plan").exists()


def test_missing_scenario_exits_2(tmp_path: Path):
    """A path with no scenario.yaml is named."""
    result = run("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "nowhere" in result.output and "not found" in result.output


def test_infeasible_exits_3_with_the_conflict(tmp_path: Path):
    """Sín Thầu hosts 0, yet a pin and the border-IT floor send someone there: two conflicts, each
    with the capacity; solve exits 3 and validate says the same before any solve."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "infeasible"))
    text = (scenario / "communes.csv").read_text(encoding="utf-8")
    (scenario / "communes.csv").write_text(text.replace(",2,border", ",0,border"), encoding="utf-8")
    result = run("solve", scenario, "--out", tmp_path / "plan")
    assert result.exit_code == 3, result.output
    assert "pins[0]" in result.output and "commune_capacity" in result.output
    assert "2 independent conflict(s)" in result.output
    diagnosis = json.loads((tmp_path / "plan" / "diagnosis.json").read_text(encoding="utf-8"))
    sets = [{c["item"] for c in diagnosis if c["set"] == n} for n in (0, 1)]
    assert sets == [{"pins[0]", "03158"}, {"min_coverage[0]:03158/it", "03158"}]
    assert all(c["minimal"] for c in diagnosis)
    checked = run("validate", scenario)
    assert checked.exit_code == 3, checked.output
    assert "min_coverage[0]:03158/it" in checked.output and "pins[0]" in checked.output


def test_validate_reports_unreachable_shortages():
    """The tiny scenario's health seat at Sín Thầu cannot be reached: validate says so."""
    result = run("validate", TINY)
    assert result.exit_code == 0
    assert "Xã Sín Thầu / health" in result.output


def test_audit_exit_codes(tmp_path: Path):
    """audit exits 0 on the written plan and 1 once a row is edited to break a rule."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    assert run("audit", TINY, out).exit_code == 0
    path = out / "assignments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",03127,", ",03158,", 1), encoding="utf-8")
    result = run("audit", TINY, out)
    assert result.exit_code == 1
    assert "shortage_seats" in result.output and "03158/land" in result.output


def test_every_command_has_help_with_an_example():
    """--help works everywhere and shows an example."""
    for command in ("validate", "solve", "audit", "explain"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_console_script_never_shows_a_traceback(tmp_path: Path):
    """The installed entry point turns bad input into a message and exit 2."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("name: [unclosed\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "import cli; cli.run()", "validate", str(scenario)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "scenario.yaml" in result.stderr


def test_explain_empty_seats_and_alternatives(tmp_path: Path):
    """explain names why Sín Thầu's health seat is empty, and lists P001's options."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    result = run("explain", TINY, out, "--shortage", "03158:health")
    assert result.exit_code == 0, result.output
    assert "03158 Xã Sín Thầu / health: 0 of 1 filled" in result.output
    assert "1 from this commune (home-commune rule)" in result.output
    shouted = run("explain", TINY, out, "--shortage", "03158:Health")
    assert shouted.exit_code == 0 and "03158 Xã Sín Thầu / health: 0 of 1 filled" in shouted.output
    result = run("explain", TINY, out, "--candidate", "P001")
    assert result.exit_code == 0, result.output
    assert "03158/it" in result.output and "not seconded" in result.output


def test_explain_rejects_unknown_targets(tmp_path: Path):
    """A shortage or candidate that does not exist is a usage error, exit 2."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    assert run("explain", TINY, out, "--shortage", "03158:cooking").exit_code == 2
    assert run("explain", TINY, out, "--candidate", "P404").exit_code == 2


def test_validate_lists_every_conflict_before_any_solve(tmp_path: Path):
    """The bundled scenario at 150 km: validate exits 3 naming the pins and floors of all six sets,
    and its supply table shows what the release caps let go."""
    scenario = Path(shutil.copytree(BUNDLED, tmp_path / "db150"))
    text = (scenario / "scenario.yaml").read_text(encoding="utf-8")
    (scenario / "scenario.yaml").write_text(text.replace("max_distance_km: 250", "max_distance_km: 150"))
    result = run("validate", scenario)
    assert result.exit_code == 3, result.output
    assert "6 independent conflict(s)" in result.output
    for item in ("pins[3]", "pins[4]", "min_coverage[0]:03158/it", "min_coverage[1]:03160/health"):
        assert item in result.output
    assert "releasable" in result.output and "release at most 130" in result.output
    assert run("validate", BUNDLED).exit_code == 0


def test_explain_is_short_and_leads_with_the_levers(bundled_plan):
    """Each empty seat takes two or three lines: the cause and, when one change fills it, that change;
    no counterfactual that changes nothing, and the levers come first, each named once."""
    result = run("explain", BUNDLED, bundled_plan[1])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "each re-solved exactly" in lines[0]
    assert "unchanged" not in result.output and "no more seats" not in result.output
    heads = [n for n, line in enumerate(lines) if " filled (priority " in line]
    assert len(heads) == len((bundled_plan[1] / "unfilled.csv").read_text(encoding="utf-8").splitlines()) - 1
    blocks = [lines[a:b] for a, b in zip(heads, [*heads[1:], len(lines)], strict=True)]
    assert all(sum(line.startswith("  fix: ") for line in block) <= 1 for block in blocks)
    assert all(sum(line.startswith("  why: ") for line in block) == 1 for block in blocks)
    levers = [line for line in lines[1 : heads[0]] if line[:5].strip().rstrip(".").isdigit()]
    assert len(levers) == 5 and len(set(levers)) == 5
