"""`secondment sweep`: the contract's table, the same on one process, two processes and a Dask
LocalCluster; resuming; kept plans audited; bad input refused; the page checked in Chromium."""

from __future__ import annotations

import csv
import json
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from builders import agency, commune, person, scenario, short
from click.testing import CliRunner
from conftest import REPO
from test_report import browser, open_page  # noqa: F401 (browser: the headless Chromium fixture)

from cli import main
from models.loader import load_scenario
from models.plan import SolveParams
from models.scenario import Scenario
from models.scenario_writer import write_scenario
from optimizer.audit import audit_folder
from sweeps.records import RECORDS
from sweeps.runner import Dask, Job, Local, SchedulerUnreachable, variant_scenario
from sweeps.sweep import prepare, run_sweep
from sweeps.variants import parse_vary, product

KM = {"03158": 50.0, "03127": 120.0, "03169": 200.0}
SKILL = {"03158": "it", "03127": "land", "03169": "health"}
CAPS = ("40", "60", "150", "250")
RELEASES = ("1", "3")
CONTRACT = ["status", "coverage", "distance", "seats_filled", "seats_demanded", "total_km"]


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three communes 50, 120 and 200 km due north of the capital, one seat each (priority 3) in a
    different specialty, and one holder of each specialty in the capital's agency.

    With a travel cap c and a release cap r the optimum fills min(r, communes within c) seats, the
    nearest first: coverage 3 per seat, distance the sum of their km (detour factor 1).
    """
    tiny = scenario(
        [commune(c, km) for c, km in KM.items()],
        [short(c, s) for c, s in SKILL.items()],
        [person(f"P{n}", s) for n, s in enumerate(SKILL.values(), start=1)],
        [agency("A", max_release=3)],
        objectives=["coverage", "distance"],
    )
    return write_scenario(tiny, tmp_path_factory.mktemp("tiny-sweep") / "scenario")


def reference(cap: float, release: int) -> tuple[int, float]:
    """Seats filled and km by hand: the `release` nearest communes within the cap."""
    reached = sorted(km for km in KM.values() if km <= cap)[:release]
    return len(reached), sum(reached)


def rows(path: Path) -> list[dict[str, str]]:
    """sweep.csv as dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sweep(folder: Path, out: Path, *extra: object):
    """Sweep the travel cap and the release cap."""
    caps, releases = ",".join(CAPS), ",".join(RELEASES)
    return run(
        "sweep",
        folder,
        "--vary",
        f"policy.max_distance_km={caps}",
        "--vary",
        f"agencies.max_release={releases}",
        "--out",
        out,
        *extra,
    )


@pytest.fixture(scope="module")
def one_process(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep on this process, plans kept."""
    out = tmp_path_factory.mktemp("sweep") / "one"
    result = sweep(folder, out, "--jobs", 1, "--keep-plans")
    assert result.exit_code == 0, result.output
    return out


def test_table_has_the_contract_columns_and_the_reference_optimum(folder: Path, one_process: Path):
    """One row per variant in declared order, every KEY a column holding its value, each OPTIMAL with
    the seats and km worked out by hand."""
    table = rows(one_process / "sweep.csv")
    keys = ["policy.max_distance_km", "agencies.max_release"]
    assert list(table[0])[: len(keys) + len(CONTRACT)] == keys + CONTRACT
    assert [(r[keys[0]], r[keys[1]]) for r in table] == [(c, r) for c in CAPS for r in RELEASES]
    for row in table:
        seats, km = reference(float(row[keys[0]]), int(row[keys[1]]))
        assert row["status"] == "OPTIMAL"
        assert (int(row["seats_filled"]), int(row["coverage"])) == (seats, 3 * seats)
        assert float(row["total_km"]) == pytest.approx(km, abs=1e-3)
        assert float(row["distance"]) == pytest.approx(km, abs=1e-3)
        assert row["seats_demanded"] == "3"


def test_every_kept_plan_belongs_to_its_variant_and_audits_clean(folder: Path, one_process: Path):
    """Each variant's plan folder holds its own scenario's hash and passes the independent auditor."""
    base = load_scenario(folder)
    for row in rows(one_process / "sweep.csv"):
        changes = (("policy.max_distance_km", row["policy.max_distance_km"]),)
        changes += (("agencies.max_release", row["agencies.max_release"]),)
        variant = variant_scenario(base, changes)
        assert row["scenario_sha256"] == variant.sha256
        assert audit_folder(variant, one_process / row["plan"]) == []


def test_two_processes_and_a_dask_cluster_give_the_same_table(
    folder: Path, one_process: Path, tmp_path: Path
):
    """--jobs 2 and --scheduler (a real LocalCluster on loopback) write the one-process sweep.csv."""
    from distributed import LocalCluster

    assert sweep(folder, tmp_path / "two", "--jobs", 2, "--keep-plans").exit_code == 0
    expected = (one_process / "sweep.csv").read_bytes()
    assert (tmp_path / "two" / "sweep.csv").read_bytes() == expected
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert _warmed(cluster.scheduler_address, load_scenario(folder)) == [True, True]
        result = sweep(folder, tmp_path / "dask", "--scheduler", cluster.scheduler_address, "--keep-plans")
    assert result.exit_code == 0, result.output
    assert "Dask scheduler tcp://127.0.0.1" in result.output
    assert (tmp_path / "dask" / "sweep.csv").read_bytes() == expected


@pytest.fixture
def dask_cli(tmp_path: Path) -> Iterator[str]:
    """A scheduler and a worker started by Dask's own command line, as a planner would: the
    scheduler's address, once the worker has joined."""
    from distributed import Client

    dask = Path(sys.executable).parent / "dask"
    file = tmp_path / "scheduler.json"
    common = ["--no-dashboard"]
    started = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", file, *common],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text():
            assert time.monotonic() < deadline and started[0].poll() is None, "dask scheduler did not start"
            time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        worker = [dask, "worker", address, "--nworkers", "1", "--nthreads", "1", *common]
        started.append(subprocess.Popen(worker, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)


def test_a_scheduler_and_worker_started_beside_it_give_the_same_table(
    folder: Path, one_process: Path, tmp_path: Path, dask_cli: str
):
    """`dask scheduler` and `dask worker` in their own processes: the one-process sweep.csv, each
    row OPTIMAL with the hand-computed optimum."""
    result = sweep(folder, tmp_path / "cli", "--scheduler", dask_cli, "--keep-plans")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "sweep.csv").read_bytes() == (one_process / "sweep.csv").read_bytes()
    for row in rows(tmp_path / "cli" / "sweep.csv"):
        cap, release = float(row["policy.max_distance_km"]), int(row["agencies.max_release"])
        assert row["status"] == "OPTIMAL"
        assert int(row["seats_filled"]) == reference(cap, release)[0]


def _warmed(address: str, base: Scenario) -> list[bool]:
    """Start a Dask sweep's connection and say, per worker, whether the base's pairs are ready there
    once the warm-up tasks are done (before any variant is sent)."""
    where = Dask(address)
    where.start(base)
    assert where._opening is not None
    connection = where._opening.result()
    connection.client.gather(connection.warming)
    primed = connection.client.run(_primed, base.sha256)
    connection.client.close()
    return list(primed.values())


def _primed(sha: str) -> bool:
    """On a worker: whether its warm state holds this base with its eligible pairs found."""
    from sweeps.warm import _CACHE

    return sha in _CACHE and _CACHE[sha]._pairs is not None


def test_rerun_resumes_from_the_records(folder: Path, tmp_path: Path):
    """A second run solves nothing; a lost record or a new value is solved alone; --fresh solves all."""
    out = tmp_path / "sweep"
    assert sweep(folder, out, "--jobs", 1).exit_code == 0
    first = (out / "sweep.csv").read_bytes()
    again = sweep(folder, out, "--jobs", 1)
    assert again.exit_code == 0 and "8 variant(s) (8 reused)" in again.output
    assert (out / "sweep.csv").read_bytes() == first
    next(iter(sorted((out / RECORDS).iterdir()))).unlink()
    assert "8 variant(s) (7 reused)" in sweep(folder, out, "--jobs", 1).output
    assert (out / "sweep.csv").read_bytes() == first
    assert "8 variant(s) (0 reused)" in sweep(folder, out, "--jobs", 1, "--fresh").output


def test_an_interrupted_sweep_keeps_what_it_solved(folder: Path, tmp_path: Path):
    """Ctrl-C after two variants leaves their records; the re-run solves only the other six."""
    base, out = load_scenario(folder), tmp_path / "sweep"
    axes = [parse_vary(f"policy.max_distance_km={','.join(CAPS)}"), parse_vary("agencies.max_release=1,3")]
    prepared = prepare(base, product(axes))

    class Interrupted:
        def run(self, *args):
            for n, outcome in enumerate(Local(1).run(*args)):
                if n == 2:
                    raise KeyboardInterrupt
                yield outcome

    class Quiet:
        def started(self, total: int, reused: int) -> None: ...
        def running(self, count: int) -> None: ...
        def solved(self, record) -> None: ...

    with pytest.raises(KeyboardInterrupt):
        run_sweep(base, prepared, SolveParams(), out, Interrupted(), False, Quiet())
    assert len(list((out / RECORDS).iterdir())) == 2
    assert not (out / "sweep.csv").exists()
    assert "8 variant(s) (2 reused)" in sweep(folder, out, "--jobs", 1).output


def test_an_infeasible_variant_is_a_row_not_an_error(tmp_path: Path):
    """A cap that strands a pin: that row is INFEASIBLE with no objective values; the sweep exits 0."""
    tiny = REPO / "tests" / "data" / "tiny"
    result = run(
        "sweep", tiny, "--vary", "policy.max_distance_km=1,250", "--out", tmp_path / "s", "--jobs", 1
    )
    assert result.exit_code == 0, result.output
    low, high = rows(tmp_path / "s" / "sweep.csv")
    assert low["status"] == "INFEASIBLE" and low["coverage"] == "" and low["seats_filled"] == "0"
    assert high["status"] == "OPTIMAL" and int(high["coverage"]) > 0


def test_bad_input_exits_2_and_writes_nothing(folder: Path, tmp_path: Path):
    """An unknown column, a value that breaks a row, a bad sweep file: a message, exit 2, no folder."""
    out = tmp_path / "sweep"
    for option, message in [
        ("communes.colour=1", "'colour' cannot be varied"),
        ("communes.capacity=-6", "communes[03158].capacity would be -1"),
        ("policy.max_distance_km=1,ten", "expected a number"),
    ]:
        result = run("sweep", folder, "--vary", option, "--out", out)
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output
    grid = tmp_path / "grid.yaml"
    grid.write_text("vary:\n  policy.speed_kmh: [fast]\n", encoding="utf-8")
    result = run("sweep", folder, "--grid", grid, "--out", out)
    assert result.exit_code == 2 and "grid.yaml" in result.output and "policy.speed_kmh" in result.output
    assert run("sweep", folder, "--out", out).exit_code == 2
    assert (
        run(
            "sweep", folder, "--vary", "policy.speed_kmh=20", "--out", out, "--jobs", 2, "--scheduler", "x"
        ).exit_code
        == 2
    )
    assert not out.exists()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("sweep", folder, "--vary", "policy.speed_kmh=20", "--out", tmp_path / "busy").exit_code == 2


def test_unreachable_scheduler_is_a_clear_error():
    """No scheduler listening: SchedulerUnreachable (the CLI prints it and exits 2)."""
    base = load_scenario(REPO / "tests" / "data" / "tiny")
    with pytest.raises(SchedulerUnreachable, match=r"127\.0\.0\.1:9"):
        list(Dask("tcp://127.0.0.1:9", connect_s=1).run(base, [Job(0, ())], SolveParams(), False, print))


def test_help_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The example in `sweep --help` runs as written (from a folder that has the bundled scenario)."""
    help_text = run("sweep", "--help").output
    example = re.search(r"Example:\s*\n\s*(secondment sweep .+)", help_text)
    assert example, help_text
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    args = shlex.split(example.group(1))[1:]
    result = run(*args, "--jobs", 1)
    assert result.exit_code == 0, result.output
    table = rows(tmp_path / args[args.index("--out") + 1] / "sweep.csv")
    assert [r["status"] for r in table] and len(table) == len(args[3].split("=")[1].split(","))


def test_workbook_holds_the_same_table(one_process: Path):
    """sweep.xlsx's first sheet is sweep.csv, numbers as numbers."""
    book = openpyxl.load_workbook(one_process / "sweep.xlsx", read_only=True)
    sheet = book[book.sheetnames[0]]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    table = rows(one_process / "sweep.csv")
    assert got[0] == list(table[0])
    assert [r[got[0].index("seats_filled")] for r in got[1:]] == [int(r["seats_filled"]) for r in table]
    assert book.sheetnames[1] == "About"


def test_page_in_headless_chromium(
    browser,  # noqa: F811
    one_process: Path,
    tmp_path: Path,
):
    """sweep.html: a line chart per KEY and the heat map, drawn offline, without console errors."""
    page = one_process / "sweep.html"
    seen = open_page(browser, page, plots=3)
    assert seen["errors"] == []
    assert not [url for url in seen["anywhere"] if re.match(r"(https?|wss?|ftp):", url)]
    heat = browser.execute_script("return document.getElementById('heat').data[0]")
    assert heat["x"] == list(CAPS) and heat["y"] == list(RELEASES)
    assert heat["z"] == [[reference(float(c), int(r))[0] for c in CAPS] for r in RELEASES]
    lines = browser.execute_script("return document.getElementById('key0').data.map(t => t.y)")
    assert [reference(float(c), 3)[0] for c in CAPS] in lines
    browser.save_screenshot(str(tmp_path / "sweep.png"))
    assert (tmp_path / "sweep.png").stat().st_size > 10_000
