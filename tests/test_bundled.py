"""The bundled Điện Biên scenario: real units, proven-optimal plan, audited, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import BUNDLED, REPO

from models.loader import load_scenario
from models.plan import SolveParams, SolveStatus
from models.plan_io import write_plan
from optimizer.audit import audit_folder
from optimizer.solve import solve

SHARED = REPO.parent / "shared" / "data" / "dien-bien" / "communes.csv"


@pytest.fixture(scope="module")
def scenario():
    """The bundled scenario, loaded once."""
    return load_scenario(BUNDLED)


def test_units_are_the_real_45(scenario):
    """Codes, names and coordinates are Điện Biên's 45 units after the 2025 merger."""
    assert len(scenario.communes) == 45
    if SHARED.exists():
        real = pd.read_csv(SHARED, dtype=str).set_index("code")
        for commune in scenario.communes:
            assert real.loc[commune.id, "name"] == commune.name
            assert abs(float(real.loc[commune.id, "lat"]) - commune.lat) < 1e-6


def test_every_unit_needs_a_health_station_head(scenario):
    """One health seat per unit: the 45 health-station heads of the first round."""
    health = [s for s in scenario.shortages if s.specialty == "health"]
    assert sorted(s.commune_id for s in health) == sorted(c.id for c in scenario.communes)
    assert all(s.seats == 1 for s in health)


def test_plan_is_optimal_and_passes_the_audit(scenario, tmp_path: Path):
    """The flow engine proves every stage and the written plan breaks no rule."""
    plan = solve(scenario, SolveParams(time_limit_s=30))
    assert plan.status == SolveStatus.OPTIMAL
    assert all(stage.proven and stage.value == stage.bound for stage in plan.objectives)
    write_plan(plan, tmp_path / "plan")
    assert audit_folder(scenario, tmp_path / "plan") == []


def test_engines_agree_on_every_stage(scenario):
    """CP-SAT, solving the same stages its own way, proves the same optimum values."""
    flow = solve(scenario, SolveParams(time_limit_s=60, engine="flow"))
    cpsat = solve(scenario, SolveParams(time_limit_s=60, engine="cpsat"))
    assert cpsat.status == SolveStatus.OPTIMAL
    assert [(s.name, s.value) for s in cpsat.objectives] == [(s.name, s.value) for s in flow.objectives]


def test_same_input_same_plan(scenario, tmp_path: Path):
    """Two solves write byte-identical folders apart from created_at."""
    for name in ("a", "b"):
        write_plan(solve(scenario, SolveParams(time_limit_s=30, seed=7)), tmp_path / name)
    for file in ("assignments.csv", "unfilled.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    a, b = (json.loads((tmp_path / n / "plan.json").read_text(encoding="utf-8")) for n in ("a", "b"))
    for plan in (a, b):
        del plan["provenance"]["created_at"]
    assert a == b
