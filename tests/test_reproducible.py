"""Same scenario, seed and engine: the same plan folder, byte for byte apart from created_at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.plan import SolveParams
from models.plan_io import write_plan
from models.synthetic import province_scenario
from optimizer.solve import solve

FILES = ("assignments.csv", "unfilled.csv")


def folder_without_timestamp(folder: Path) -> dict[str, object]:
    """The plan folder's content, created_at left out."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    del plan["provenance"]["created_at"]
    return {"plan.json": plan, **{name: (folder / name).read_bytes() for name in FILES}}


@pytest.mark.parametrize("engine", ["flow", "cpsat"])
def test_same_plan_whatever_the_number_of_workers(engine: str, tmp_path: Path):
    """A small province with many equally good plans: 1 and 2 workers write the same folder."""
    scenario = province_scenario(communes_per_province=12, candidates_per_province=40, seed=3, fairness=True)
    folders = []
    for workers in (1, 2):
        plan = solve(scenario, SolveParams(time_limit_s=60, seed=5, workers=workers, engine=engine))
        assert plan.status == "OPTIMAL"
        write_plan(plan, tmp_path / f"w{workers}")
        folders.append(folder_without_timestamp(tmp_path / f"w{workers}"))
    assert folders[0] == folders[1]
