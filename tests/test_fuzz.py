"""Property-based fuzzing of the loaders and of solve on random small scenarios, valid and not.

Whatever the files hold, the only exception that may escape loading is ScenarioError; whatever
valid scenario is solved, every plan written passes the independent audit and opens as text.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from models.errors import ScenarioError
from models.loader import load_scenario
from models.plan import SolveParams, SolveStatus
from models.plan_io import FORMULA_START, write_plan
from optimizer.audit import audit_folder
from optimizer.solve import solve

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPECIALTIES = ("it", "land", "health")
TABLES = ("communes", "shortages", "candidates", "agencies")
NAME_STARTS = ("", "=", "+", "-", "@", '=HYPERLINK("http://x")', "Xã ", "Phường ")
Tables = dict[str, list[dict[str, str]]]


def names() -> st.SearchStrategy[str]:
    """Free text a planner might type, sometimes starting like a spreadsheet formula."""
    body = st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    )
    return st.builds(lambda start, text: start + text, st.sampled_from(NAME_STARTS), body).filter(
        lambda name: name.strip().lower() not in {"nan", "null", "none", "n/a", "#n/a", "undefined"}
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], Tables]:
    """A small valid scenario: the YAML settings and the rows of each table."""
    commune_ids = draw(
        st.lists(st.integers(3000, 3400).map(lambda n: f"{n:05d}"), min_size=1, max_size=4, unique=True)
    )
    agency_ids = [f"A{i}" for i in range(draw(st.integers(1, 2)))]
    coordinates = st.tuples(st.floats(20.5, 22.5), st.floats(102.5, 104.0))
    communes = []
    for cid in commune_ids:
        lat, lon = draw(coordinates)
        communes.append(
            {
                "id": cid,
                "name": draw(names()),
                "type": draw(st.sampled_from(["ward", "commune"])),
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "capacity": str(draw(st.integers(0, 3))),
                "tags": draw(st.sampled_from(["", "border", "border;highland"])),
            }
        )
    agencies = []
    for aid in agency_ids:
        lat, lon = draw(coordinates)
        staff = draw(st.integers(0, 40))
        agencies.append(
            {
                "id": aid,
                "name": draw(names()),
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "staff": str(staff),
                "max_release": str(draw(st.integers(0, 3))),
            }
        )
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(commune_ids), st.sampled_from(SPECIALTIES)),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    shortages = [
        {
            "commune_id": cid,
            "specialty": specialty,
            "seats": str(draw(st.integers(1, 3))),
            "priority": str(draw(st.integers(1, 5))),
            "min_level": str(draw(st.integers(1, 3))),
        }
        for cid, specialty in keys
    ]
    candidates = []
    for i in range(draw(st.integers(1, 6))):
        skills = draw(st.lists(st.sampled_from(SPECIALTIES), min_size=1, max_size=3, unique=True))
        candidates.append(
            {
                "id": f"P{i:03d}",
                "name": draw(names()),
                "agency_id": draw(st.sampled_from(agency_ids)),
                "specialties": ";".join(f"{s}:{draw(st.integers(1, 3))}" for s in skills),
                "home_commune_id": draw(st.sampled_from(["", *commune_ids])),
                "max_distance_km": draw(st.sampled_from(["", "50", "400"])),
                "available_from": draw(st.sampled_from(["", "2025-01-01", "2025-09-01"])),
                "preferences": ";".join(
                    draw(st.lists(st.sampled_from(commune_ids), max_size=2, unique=True))
                ),
            }
        )
    objectives = draw(
        st.lists(
            st.sampled_from(["coverage", "fairness", "distance", "preference", "disruption"]),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    header: dict[str, Any] = {
        "name": draw(names()),
        "period": {"start": "2025-08-01", "end": "2026-07-31"},
        "tables": {t: f"{t}.csv" for t in TABLES},
        "policy": {
            "max_distance_km": draw(st.sampled_from([None, 150, 500])),
            "avoid_home_commune": draw(st.booleans()),
            "objectives": objectives,
        },
    }
    if draw(st.booleans()):
        header["forbid"] = [{"candidate": candidates[0]["id"], "commune": commune_ids[0]}]
    return header, {
        "communes": communes,
        "shortages": shortages,
        "candidates": candidates,
        "agencies": agencies,
    }


def write_scenario(folder: Path, header: dict[str, Any], tables: Tables) -> Path:
    """Write scenario.yaml and the CSV tables into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml.safe_dump(header, allow_unicode=True), encoding="utf-8")
    for table, rows in tables.items():
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            columns = list(rows[0]) if rows else ["id"]
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def load_or_refuse(folder: Path) -> Any:
    """The scenario, or None when the loader refused it with ScenarioError (the only allowed failure)."""
    try:
        return load_scenario(folder)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert str(problem).startswith(problem.file)
        return None


def solve_and_audit(scenario: Any, folder: Path, engine: str = "flow") -> None:
    """Solve, write the plan, and check it passes the audit and has no formula-like text cell."""
    plan = solve(scenario, SolveParams(time_limit_s=5, engine=engine))
    write_plan(plan, folder)
    if plan.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        assert audit_folder(scenario, folder) == []
    for name in ("assignments.csv", "unfilled.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            assert not any(cell.startswith(FORMULA_START) for row in csv.reader(handle) for cell in row)


@FUZZ
@given(scenarios(), st.sampled_from(["flow", "cpsat"]))
def test_valid_scenarios_load_and_every_plan_passes_audit(drawn: tuple[dict, Tables], engine: str):
    """A valid random scenario loads; its plan passes the audit on either engine."""
    with tempfile.TemporaryDirectory() as root:
        folder = write_scenario(Path(root) / "s", *drawn)
        scenario = load_scenario(folder)
        solve_and_audit(scenario, Path(root) / "plan", engine)


JUNK = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "",
            "NaN",
            "#REF!",
            "=1+1",
            "3.5",
            "-1",
            "0",
            "1e309",
            "21,4",
            "01/08/2025",
            "45870",
            "03158",
            "3158",
        ]
    ),
    st.integers(-5, 100_000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@FUZZ
@given(scenarios(), st.sampled_from(TABLES), st.integers(0, 20), st.integers(0, 20), JUNK)
def test_a_junk_cell_is_refused_or_read(
    drawn: tuple[dict, Tables], table: str, row: int, column: int, junk: str
):
    """One cell replaced by junk: the scenario is refused with ScenarioError, or it loads and solves."""
    header, tables = drawn
    rows = tables[table]
    record = rows[row % len(rows)]
    record[list(record)[column % len(record)]] = junk
    with tempfile.TemporaryDirectory() as root:
        scenario = load_or_refuse(write_scenario(Path(root) / "s", header, tables))
        if scenario is not None:
            solve_and_audit(scenario, Path(root) / "plan")


@FUZZ
@given(scenarios(), st.sampled_from(TABLES), st.binary(max_size=64), st.integers(0, 400))
def test_corrupted_bytes_are_refused_or_read(drawn: tuple[dict, Tables], table: str, junk: bytes, at: int):
    """Random bytes spliced into a table: only ScenarioError may escape the loader."""
    with tempfile.TemporaryDirectory() as root:
        folder = write_scenario(Path(root) / "s", *drawn)
        path = folder / f"{table}.csv"
        data = path.read_bytes()
        path.write_bytes(data[:at] + junk + data[at:])
        scenario = load_or_refuse(folder)
        if scenario is not None:
            solve_and_audit(scenario, Path(root) / "plan")


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@FUZZ
@given(
    scenarios(),
    st.sampled_from(["name", "period", "tables", "policy", "forbid", "pins", "specialties"]),
    YAML_VALUES,
)
def test_a_junk_yaml_value_is_refused_or_read(drawn: tuple[dict, Tables], key: str, value: Any):
    """A top-level key of scenario.yaml replaced by any YAML value: refused cleanly or loaded."""
    header, tables = drawn
    header[key] = value
    with tempfile.TemporaryDirectory() as root:
        load_or_refuse(write_scenario(Path(root) / "s", header, tables))


@FUZZ
@given(st.text(max_size=200))
def test_any_yaml_text_is_refused_or_read(text: str):
    """scenario.yaml holding any text at all: only ScenarioError may escape."""
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "scenario.yaml").write_text(text, encoding="utf-8")
        load_or_refuse(Path(root))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), JUNK, st.booleans())
def test_the_cli_exits_with_a_contract_code(drawn: tuple[dict, Tables], junk: str, spoil: bool):
    """solve from the command line: 0, 2 or 3, never a crash; a plan exists only when the input was valid."""
    header, tables = drawn
    if spoil:
        tables["agencies"][0]["staff"] = junk
    with tempfile.TemporaryDirectory() as root:
        folder = write_scenario(Path(root) / "s", header, tables)
        result = CliRunner().invoke(main, ["solve", str(folder), "--out", str(Path(root) / "plan")])
        assert result.exit_code in (0, 2, 3), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert (Path(root) / "plan").exists() == (result.exit_code != 2)
        if result.exit_code == 0:
            assert audit_folder(load_scenario(folder), Path(root) / "plan") == []


HUGE = st.one_of(st.integers(0, 3), st.integers(10**6, 10**9), st.integers(10**9 + 1, 10**30))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), HUGE, HUGE, HUGE, HUGE, st.sampled_from(["flow", "cpsat"]))
def test_numeric_extremes_are_refused_at_load_or_solved_within_the_limit(
    drawn: tuple[dict, Tables], seats: int, capacity: int, release: int, staff: int, engine: str
):
    """Seats, capacity, staff and release from 0 to 10^30, under fairness and disruption: a number
    beyond 10^9 is refused naming its file, row and column; anything else solves and audits."""
    header, tables = drawn
    header["policy"]["objectives"] = ["coverage", "fairness", "disruption", "distance"]
    tables["shortages"][0]["seats"] = str(max(seats, 1))
    tables["communes"][0]["capacity"] = str(capacity)
    tables["agencies"][0]["max_release"] = str(release)
    tables["agencies"][0]["staff"] = str(staff)
    with tempfile.TemporaryDirectory() as root:
        folder = write_scenario(Path(root) / "s", header, tables)
        result = CliRunner().invoke(main, ["validate", str(folder)])
        too_big = {
            ("shortages.csv, row 2, column 'seats'", max(seats, 1)),
            ("communes.csv, row 2, column 'capacity'", capacity),
            ("agencies.csv, row 2, column 'max_release'", release),
            ("agencies.csv, row 2, column 'staff'", staff),
        }
        refused = [where for where, value in too_big if value > 10**9]
        if refused:
            assert result.exit_code == 2, result.output
            assert all(where in result.output for where in refused), result.output
            return
        assert result.exit_code == 0, result.output
        solve_and_audit(load_scenario(folder), Path(root) / "plan", engine)


TINY = Path(__file__).parent / "data" / "tiny"
WRONG_SHAPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def json_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path inside a JSON value (mappings and lists), the value itself included."""
    paths = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            paths += json_paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value[:2]):
            paths += json_paths(inner, (*prefix, n))
    return paths


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), WRONG_SHAPES, st.sampled_from(["audit", "report", "compare"]))
def test_a_tampered_plan_json_is_bad_input_or_read(data: st.DataObject, junk: Any, command: str):
    """Any key of plan.json replaced by any JSON value: audit, report and compare exit 0, 1 or 2,
    never crash, and exit 2 names plan.json and the key whose shape is wrong."""
    with tempfile.TemporaryDirectory() as root:
        plan = Path(root) / "plan"
        assert CliRunner().invoke(main, ["solve", str(TINY), "--out", str(plan)]).exit_code == 0
        claims = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
        path = data.draw(st.sampled_from([p for p in json_paths(claims) if p]))
        target = claims
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = junk
        (plan / "plan.json").write_text(json.dumps(claims), encoding="utf-8")
        args = {
            "audit": ["audit", str(TINY), str(plan)],
            "report": ["report", str(TINY), str(plan), "--out", str(Path(root) / "r.xlsx")],
            "compare": ["compare", str(plan), str(plan)],
        }[command]
        result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1, 2), result.output
        if result.exit_code == 2:
            assert "plan.json" in result.output, result.output


@pytest.mark.parametrize(
    ("key", "junk", "said"),
    [
        ("assignments", {"P001": "03158"}, "column 'assignments'"),
        ("objectives", "coverage", "column 'objectives'"),
        ("kpis", [1, 2], "column 'kpis'"),
        ("provenance", None, "column 'provenance'"),
        ("status", 5, "column 'status'"),
        ("status", "DONE", "column 'status'"),
    ],
)
@pytest.mark.parametrize("command", ["audit", "report", "compare"])
def test_each_tampered_key_is_named(tmp_path: Path, key: str, junk: Any, said: str, command: str):
    """The review's examples: a wrong shape at the top of plan.json is exit 2 naming file and key."""
    plan = tmp_path / "plan"
    assert CliRunner().invoke(main, ["solve", str(TINY), "--out", str(plan)]).exit_code == 0
    claims = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    claims[key] = junk
    (plan / "plan.json").write_text(json.dumps(claims), encoding="utf-8")
    args = {
        "audit": ["audit", str(TINY), str(plan)],
        "report": ["report", str(TINY), str(plan), "--out", str(tmp_path / "r.html")],
        "compare": ["compare", str(plan), str(plan)],
    }[command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "plan.json" in result.output and said in result.output, result.output
    assert not (tmp_path / "r.html").exists()


INVISIBLE = st.characters(categories=("Cc", "Cf", "Co", "Zl", "Zp", "Zs"), exclude_characters=" ")


@FUZZ
@given(scenarios(), st.sampled_from(["communes", "candidates", "agencies"]), INVISIBLE, st.integers(0, 9))
def test_an_invisible_character_in_an_id_is_refused(
    drawn: tuple[dict, Tables], table: str, char: str, at: int
):
    """An id holding a zero-width space, a bidi control, a no-break space or any other character
    nobody sees is refused naming its row and column, never read as a second person or commune.
    (Whitespace at either end is trimmed, as for every cell: the id stays the same id.)"""
    header, tables = drawn
    record = tables[table][0]
    plain = record["id"]
    at = at % (len(plain) + 1)
    record["id"] = plain[:at] + char + plain[at:]
    with tempfile.TemporaryDirectory() as root:
        folder = write_scenario(Path(root) / "s", header, tables)
        if char.isspace() and at in (0, len(plain)):
            loaded = load_scenario(folder)
            assert plain in {row.id for row in getattr(loaded, table)}
            return
        with pytest.raises(ScenarioError) as refused:
            load_scenario(folder)
        said = "\n".join(str(p) for p in refused.value.problems)
        if char == "\x00":
            assert f"{table}.csv: holds NUL characters" in said
        else:
            assert f"{table}.csv, row 2, column 'id'" in said, said
            assert f"U+{ord(char):04X}" in said, said


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["plan.json", "assignments.csv", "unfilled.csv", "diagnosis.json"]),
    st.floats(0, 1),
    st.sampled_from(["audit", "report", "compare", "explain"]),
)
def test_any_output_file_cut_short_is_refused_or_read(name: str, keep: float, command: str):
    """A plan file truncated at any byte (a full disk, a copy cut short): audit, report, compare and
    explain end with a contract code (0, 1 or 2), never a crash; a cut plan.json never passes audit."""
    with tempfile.TemporaryDirectory() as root:
        plan = Path(root) / "plan"
        assert CliRunner().invoke(main, ["solve", str(TINY), "--out", str(plan)]).exit_code == 0
        path = plan / name
        if not path.exists():
            path.write_text("[]", encoding="utf-8")
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])  # the last newline alone may go: still the plan
        args = {
            "audit": ["audit", str(TINY), str(plan)],
            "report": ["report", str(TINY), str(plan), "--out", str(Path(root) / "r.xlsx")],
            "compare": ["compare", str(plan), str(plan)],
            "explain": ["explain", str(TINY), str(plan), "--time-limit", "5"],
        }[command]
        result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1, 2), result.output
        cut = data[: int(len(data) * keep)]
        if command == "audit" and name == "plan.json" and cut and cut.strip() != data.strip():
            assert result.exit_code in (1, 2), result.output
