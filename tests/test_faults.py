"""Faults during a solve: time limits, Ctrl-C, full disks and unwritable folders never lose a plan."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED, REPO

import cli
import models.plan_io as plan_io
from models.loader import load_scenario
from models.plan import SolveStatus, StageResult
from models.plan_io import write_plan
from optimizer.audit import audit_folder
from optimizer.solve import solve

TINY = REPO / "tests" / "data" / "tiny"


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """A plan folder already written by an earlier solve."""
    out = tmp_path / "plan"
    assert run("solve", TINY, "--out", out).exit_code == 0
    return out


def test_a_feasible_plan_shows_its_gap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A plan cut short (time limit or Ctrl-C) is FEASIBLE and the summary shows each unproven gap."""
    real = solve

    def cut_short(*args: object, **kwargs: object):
        plan = real(*args, **kwargs)
        stage = StageResult(name="fairness", sense="max", value=0.4, bound=0.5, proven=False)
        return plan.model_copy(update={"status": SolveStatus.FEASIBLE, "objectives": (stage,)})

    monkeypatch.setattr("optimizer.solve.solve", cut_short)
    result = run("solve", TINY, "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    assert "FEASIBLE" in result.output
    assert "fairness: 0.4 (bound 0.5, not proven, gap 20.0%)" in result.output


def test_a_time_limit_gives_a_valid_plan(tmp_path: Path):
    """CP-SAT stopped by a short time limit: whatever it reached is written, recorded and valid."""
    out = tmp_path / "plan"
    result = run("solve", BUNDLED, "--out", out, "--engine", "cpsat", "--time-limit", 2)
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] in ("OPTIMAL", "FEASIBLE", "UNKNOWN")
    proven = bool(plan["objectives"]) and all(s["proven"] for s in plan["objectives"])
    assert (plan["status"] == "OPTIMAL") == proven
    if plan["status"] == "FEASIBLE":
        assert "not proven" in result.output
        assert audit_folder(load_scenario(BUNDLED), out) == []
    if plan["status"] == "UNKNOWN":
        assert "No plan was found within the time limit" in result.output


# Runs the CLI, announcing on stderr when each CP-SAT solve starts, so Ctrl-C can be sent inside one.
ANNOUNCING = """
import sys
from ortools.sat.python import cp_model
real = cp_model.CpSolver.solve
def announced(self, *args, **kwargs):
    print("CP-SAT solving", file=sys.stderr, flush=True)
    return real(self, *args, **kwargs)
cp_model.CpSolver.solve = announced
import cli
cli.run()
"""


def test_ctrl_c_in_a_cpsat_solve_writes_the_best_plan_so_far(tmp_path: Path):
    """SIGINT inside a CP-SAT search: the search stops, the plan found so far is written and valid."""
    out = tmp_path / "plan"
    process = subprocess.Popen(
        [sys.executable, "-c", ANNOUNCING, "solve", str(BUNDLED), "--out", str(out), "--engine", "cpsat"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for _ in range(3):  # the third solve is a long fairness probe, with a plan already in hand
        assert process.stderr.readline().startswith("CP-SAT solving")
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] in ("OPTIMAL", "FEASIBLE")
    assert audit_folder(load_scenario(BUNDLED), out) == []


def test_ctrl_c_outside_a_search_finishes_the_solve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """SIGINT while Python code of the solve runs: noted, the solve ends and its plan is written."""
    real = solve

    def pressed(*args: object, **kwargs: object):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr("optimizer.solve.solve", pressed)
    result = run("solve", TINY, "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    assert "Ctrl-C: finishing with the best plan found so far" in result.output
    assert audit_folder(load_scenario(TINY), tmp_path / "plan") == []


def test_first_ctrl_c_is_noted_and_the_second_aborts():
    """The handler lets the first Ctrl-C finish the solve and turns the second into an abort."""
    before = signal.getsignal(signal.SIGINT)
    with cli.CtrlC() as ctrl_c:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert ctrl_c.stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is before


def test_an_abort_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """KeyboardInterrupt reaching the entry point: a short message, exit 130, no traceback."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == cli.EXIT_INTERRUPTED
    assert "interrupted" in capsys.readouterr().err


def test_a_full_disk_keeps_the_earlier_plan(earlier: Path, monkeypatch: pytest.MonkeyPatch):
    """No space left while writing: exit 2, the earlier plan untouched, no staging folder left."""
    kept = snapshot(earlier)
    real = plan_io._write_files

    def disk_full(plan: object, folder: Path, extra: dict[str, str]) -> None:
        real(plan, folder, extra)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plan_io, "_write_files", disk_full)
    result = run("solve", TINY, "--out", earlier, "--force")
    assert result.exit_code == 2
    assert "cannot write the plan" in result.output and "No space left on device" in result.output
    assert snapshot(earlier) == kept
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["plan"]


def test_a_failed_swap_puts_the_earlier_plan_back(earlier: Path, monkeypatch: pytest.MonkeyPatch):
    """If the new folder cannot be renamed into place, the earlier one is renamed back."""
    kept = snapshot(earlier)
    real = Path.rename

    def refuse_staging(self: Path, target: Path) -> Path:
        if self.name.startswith(".plan.") and not self.name.endswith(".old"):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refuse_staging)
    result = run("solve", TINY, "--out", earlier, "--force")
    assert result.exit_code == 2
    assert snapshot(earlier) == kept
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["plan"]


def test_an_interrupted_write_leaves_nothing_behind(earlier: Path, monkeypatch: pytest.MonkeyPatch):
    """Ctrl-C while the files are written: the staging folder goes, the earlier plan stays."""
    kept = snapshot(earlier)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_io, "_write_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_plan(solve(load_scenario(TINY)), earlier, force=True)
    assert snapshot(earlier) == kept
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["plan"]


def test_an_existing_plan_needs_force(earlier: Path):
    """Without --force an existing plan folder is refused before solving and left as it was."""
    kept = snapshot(earlier)
    result = run("solve", TINY, "--out", earlier)
    assert result.exit_code == 2 and "--force" in result.output
    assert snapshot(earlier) == kept


@pytest.mark.parametrize("where", ["file", "under_a_file"])
def test_an_unwritable_out_is_refused_before_solving(tmp_path: Path, where: str):
    """--out naming a file, or a folder under a file: exit 2 and nothing created."""
    blocker = tmp_path / "blocker.txt"
    blocker.write_text("keep", encoding="utf-8")
    out = blocker if where == "file" else blocker / "plan"
    result = run("solve", TINY, "--out", out)
    assert result.exit_code == 2
    assert "cannot write the plan" in result.output
    assert blocker.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused_before_solving(tmp_path: Path):
    """--out inside a folder without write permission: exit 2, nothing written."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run("solve", TINY, "--out", locked / "plan")
        assert result.exit_code == 2 and "not a writable folder" in result.output
    finally:
        locked.chmod(0o755)


def test_out_may_not_hold_the_scenario(tmp_path: Path):
    """--out naming the scenario's own folder (or one above it) is refused even with --force."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "s"))
    kept = snapshot(scenario)
    for out in (scenario, tmp_path):
        result = run("solve", scenario, "--out", out, "--force")
        assert result.exit_code == 2 and "would delete" in result.output
    assert snapshot(scenario) == kept
