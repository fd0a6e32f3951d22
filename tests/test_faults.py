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


HOLDING = """
import sys, time
from ortools.sat.python import cp_model
real = cp_model.CpSolver.solve
calls = []
def held(message):
    if len(calls) == HELD:
        calls.append(message)
        print("CP-SAT searching", file=sys.stderr, flush=True)
        time.sleep(2)
def announced(self, *args, **kwargs):
    calls.append(None)
    print("CP-SAT solving", file=sys.stderr, flush=True)
    if len(calls) == HELD:
        self.parameters.log_search_progress = True
        self.parameters.log_to_stdout = False
        self.log_callback = held
    return real(self, *args, **kwargs)
cp_model.CpSolver.solve = announced
import cli
cli.run()
"""
"""The CLI with each CP-SAT solve announced; search number HELD pauses 2 s at its first log line."""


def held_solve(out: Path, search: int, *extra: str) -> subprocess.Popen:
    """`secondment solve` of the bundled scenario on CP-SAT, returned once its `search`-th CP-SAT
    search is under way and paused (so a Ctrl-C sent now lands inside it)."""
    script = HOLDING.replace("HELD", str(search))
    command = [sys.executable, "-c", script, "solve", str(BUNDLED), "--out", str(out), "--engine", "cpsat"]
    process = subprocess.Popen(
        [*command, *extra], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    lines = [process.stderr.readline() for _ in range(search + 1)]
    assert lines == ["CP-SAT solving\n"] * search + ["CP-SAT searching\n"], lines
    return process


def test_ctrl_c_in_a_cpsat_solve_writes_the_best_plan_so_far(tmp_path: Path):
    """SIGINT inside a CP-SAT search (the third, with a plan in hand): the search stops, the plan
    found so far is written and valid."""
    out = tmp_path / "plan"
    process = held_solve(out, 3)
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
        with pytest.raises(cli.Interrupted):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert signal.getsignal(signal.SIGINT) is before


def test_an_abort_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """KeyboardInterrupt reaching the entry point: a short message, exit 130, no traceback."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    assert cli._outcome() == cli.EXIT_INTERRUPTED  # run() exits with this code
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


@pytest.mark.parametrize("engine", ["flow", "cpsat"])
def test_a_billion_seats_under_fairness_solve_within_the_limit(tmp_path: Path, engine: str):
    """10^9 seats and capacity under fairness: the candidate shares follow the eligible pairs, not
    the demand, so the solve ends well inside its limit and the plan audits."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "s"))
    shortages = scenario / "shortages.csv"
    shortages.write_text(shortages.read_text().replace("03158,it,2,", "03158,it,1000000000,"))
    communes = scenario / "communes.csv"
    communes.write_text(communes.read_text(encoding="utf-8").replace(",2,border", ",1000000000,border"))
    started = time.monotonic()
    result = run("solve", scenario, "--out", tmp_path / "plan", "--engine", engine, "--time-limit", 5)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    loaded = load_scenario(scenario)
    assert audit_folder(loaded, tmp_path / "plan") == []
    plan = json.loads((tmp_path / "plan" / "plan.json").read_text(encoding="utf-8"))
    assert plan["kpis"]["seats_demanded"] == 1_000_000_002


def test_force_never_replaces_a_folder_that_is_not_a_plan(tmp_path: Path):
    """--force on a folder of someone's files (or an empty one's sub-folder): exit 2, all kept."""
    out = tmp_path / "documents"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"mine")
    (out / "plan.json").write_text("{}", encoding="utf-8")
    kept = snapshot(out)
    result = run("solve", TINY, "--out", out, "--force")
    assert result.exit_code == 2 and "budget.xlsx, which this command does not write" in result.output
    assert snapshot(out) == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]


@pytest.mark.parametrize("where", ["plan_folder", "workbook_table"])
def test_report_and_compare_never_overwrite_their_inputs(earlier: Path, tmp_path: Path, where: str):
    """`report`/`compare --out` naming a file they read (a workbook holding the scenario's tables) or
    a file inside a plan folder they read: exit 2, every input byte kept."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "s"))
    book = scenario / "book.xlsx"
    import pandas as pd

    pd.read_csv(scenario / "communes.csv", dtype=str, keep_default_na=False).to_excel(
        book, sheet_name="communes", index=False
    )
    yaml = scenario / "scenario.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace(": communes.csv", ": book.xlsx#communes"), "utf-8"
    )
    assert run("solve", scenario, "--out", earlier, "--force").exit_code == 0
    target = earlier / "report.xlsx" if where == "plan_folder" else book
    inputs = {**snapshot(earlier), **{f"s/{k}": v for k, v in snapshot(scenario).items()}}
    for args in (
        ["report", scenario, earlier, "--out", target],
        ["compare", earlier, earlier, "--scenario", scenario, "--out", target],
    ):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "write the output" in result.output
        assert {**snapshot(earlier), **{f"s/{k}": v for k, v in snapshot(scenario).items()}} == inputs


def test_a_second_solve_into_a_locked_folder_fails_at_once(tmp_path: Path):
    """While one run holds --out (from its check to its last rename), another into the same folder
    exits 2 before solving, with or without --force; once the first is done, the folder is free."""
    out = tmp_path / "plan"
    with plan_io.reserve_plan(out) as held:
        for extra in ([], ["--force"]):
            result = run("solve", TINY, "--out", out, *extra)
            assert result.exit_code == 2 and "another run is writing" in result.output
        plan_io.write_into(held, solve(load_scenario(TINY)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert run("solve", TINY, "--out", out, "--force").exit_code == 0
    assert audit_folder(load_scenario(TINY), out) == []


def test_two_concurrent_solves_cannot_both_succeed(tmp_path: Path):
    """Two processes solving into one new --out at the same moment: exactly one writes its plan, the
    other exits 2 (the folder is locked, or already holds the first plan); no plan is lost."""
    out = tmp_path / "plan"
    command = [sys.executable, "-m", "cli", "solve", str(BUNDLED), "--out", str(out)]
    runs = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    codes = sorted(process.wait(timeout=120) for process in runs)
    assert codes == [0, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert audit_folder(load_scenario(BUNDLED), out) == []


KILLED = """
import os, signal, sys
from models.plan_io import reserve_plan
with reserve_plan(sys.argv[1], force=True) as target:
    def die(folder):
        (folder / "plan.json").write_text("half", encoding="utf-8")
        if sys.argv[2] == "between_renames":
            target.out.rename(target.out.with_name("." + target.out.name + ".old"))
        os.kill(os.getpid(), signal.SIGKILL)
    target.replace(die)
"""


@pytest.mark.parametrize("moment", ["while_staging", "between_renames"])
def test_what_a_killed_run_left_is_reclaimed(earlier: Path, moment: str):
    """kill -9 while a plan is staged, or after the earlier plan was renamed aside: the next run puts
    the earlier plan back and removes the staging folder before it writes anything."""
    kept = snapshot(earlier)
    process = subprocess.run([sys.executable, "-c", KILLED, str(earlier), moment], cwd=REPO, timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert any(p.name.startswith(".plan.staging-") for p in earlier.parent.iterdir())
    result = run("solve", TINY, "--out", earlier)
    assert result.exit_code == 2 and "--force" in result.output
    assert snapshot(earlier) == kept
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["plan"]


def test_an_unknown_plan_never_replaces_a_good_one(earlier: Path, monkeypatch: pytest.MonkeyPatch):
    """No plan found in the time limit (UNKNOWN), with --force over a good plan: the good plan is
    kept and the summary says so."""
    from optimizer.plan_builder import empty_plan

    kept = snapshot(earlier)
    monkeypatch.setattr(
        "optimizer.solve.solve",
        lambda scenario, params, *_: empty_plan(scenario, SolveStatus.UNKNOWN, params, []),
    )
    result = run("solve", TINY, "--out", earlier, "--force")
    assert result.exit_code == 0, result.output
    assert "the earlier plan in" in result.output and "is kept" in result.output
    assert snapshot(earlier) == kept


def test_ctrl_c_before_any_plan_writes_nothing(earlier: Path, monkeypatch: pytest.MonkeyPatch):
    """A first Ctrl-C in the first seconds, before any plan is found: exit 130, nothing written, the
    earlier plan (even with --force) kept."""
    from optimizer.plan_builder import empty_plan

    kept = snapshot(earlier)

    def interrupted(scenario, params, progress, stop):
        stop.set()
        return empty_plan(scenario, SolveStatus.UNKNOWN, params, [])

    monkeypatch.setattr("optimizer.solve.solve", interrupted)
    result = run("solve", TINY, "--out", earlier, "--force")
    assert result.exit_code == 130, result.output
    assert "nothing was written" in result.output
    assert snapshot(earlier) == kept


def test_generate_on_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The disk fills up while the third table is written: exit 2, no folder, no staging left."""
    import models.scenario_writer as writer

    real, written = writer._write_csv, []

    def disk_full(path: Path, *args: object) -> None:
        written.append(path.name)
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, *args)

    monkeypatch.setattr(writer, "_write_csv", disk_full)
    out = tmp_path / "generated"
    result = run("generate", "--communes-per-province", 5, "--candidates-per-province", 20, "--out", out)
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("searches", [1, 3])
def test_a_second_ctrl_c_always_exits_130(earlier: Path, searches: int):
    """Two Ctrl-C inside a CP-SAT search (the first, or a later fairness probe): exit 130 with one
    line, never click's "Aborted!" (exit 1) nor OR-Tools' SIGABRT (134); the earlier plan is kept."""
    kept = snapshot(earlier)
    process = held_solve(earlier, searches, "--force", "--time-limit", "60")
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)  # the first press is handled; the search is paused, so the run goes on
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "was written" in stderr
    assert "Aborted!" not in stderr and "Traceback" not in stderr
    assert snapshot(earlier) == kept


SLOW_LOAD = """
import sys, time
import models.loader as loader
real = loader.load_scenario
def slow(*args, **kwargs):
    print("loading", file=sys.stderr, flush=True)
    time.sleep(30)
    return real(*args, **kwargs)
loader.load_scenario = slow
import cli
cli.load_scenario = slow
cli.run()
"""


@pytest.mark.parametrize("command", ["validate", "solve"])
def test_ctrl_c_outside_a_solve_exits_130(tmp_path: Path, command: str):
    """Ctrl-C while the scenario loads (no search to stop): exit 130 at once, not "Aborted!"."""
    extra = ["--out", str(tmp_path / "plan")] if command == "solve" else []
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_LOAD, command, str(TINY), *extra],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("loading")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Aborted!" not in stderr
    assert list(tmp_path.iterdir()) == []


AFTER_DIAGNOSIS = """
import os, signal, sys, time
from models.loader import load_scenario
from models.plan import SolveParams
from optimizer.solve import solve
pressed = []
signal.signal(signal.SIGINT, lambda *_: pressed.append(1))
plan = solve(load_scenario(sys.argv[1]), SolveParams(engine="cpsat", time_limit_s=10))
os.kill(os.getpid(), signal.SIGINT)
time.sleep(0.1)
print(plan.status, len(plan.conflicts), pressed)
"""


def test_ctrl_c_stays_ours_after_a_diagnosis(tmp_path: Path):
    """The diagnosis of an infeasible scenario runs CP-SAT too; afterwards Ctrl-C still reaches the
    tool's handler (OR-Tools' own would leave it at the system default, killing the run outright)."""
    scenario = Path(shutil.copytree(TINY, tmp_path / "s"))
    yaml = scenario / "scenario.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("at_least: 1", "at_least: 2"), encoding="utf-8")
    shortages = scenario / "shortages.csv"
    shortages.write_text(shortages.read_text().replace("03158,it,2,5,2", "03158,it,2,5,3"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", AFTER_DIAGNOSIS, str(scenario)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "INFEASIBLE" and done.stdout.strip().endswith("[1]"), done.stdout


SLOW_IMPORT = """
import sys, time
import entry
class Slow:
    def find_spec(self, name, path=None, target=None):
        if name == "cli":
            print("loading cli", file=sys.stderr, flush=True)
            time.sleep(30)
        return None
sys.meta_path.insert(0, Slow())
sys.argv = ["secondment", *sys.argv[1:]]
entry.run()
"""


def test_ctrl_c_while_the_tool_loads_exits_130(tmp_path: Path):
    """Ctrl-C while the console script is still importing the tool (made slow here): exit 130 with one
    line, no traceback, nothing written."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, "solve", str(TINY), "--out", str(tmp_path / "plan")],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("loading cli")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert list(tmp_path.iterdir()) == []
