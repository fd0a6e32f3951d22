"""Shared fixtures: solve a scenario, write its plan folder and audit it independently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from i18n import set_language
from models.loader import load_scenario
from models.plan import Plan, SolveParams
from models.plan_io import write_plan
from models.scenario import Scenario
from optimizer.audit import audit_folder
from optimizer.solve import solve

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "scenarios" / "dien-bien-2025"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch):
    """Every test starts in English with no language in the environment, whatever the machine's locale."""
    for variable in ("SECONDMENT_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(params=["flow", "cpsat"])
def solved(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Plan]:
    """Solve on each engine, write the plan folder, and fail if the auditor finds any violation.

    CP-SAT runs without the flow engine's start and bounds, so the two engines stay independent.
    """

    def run(scenario: Scenario, **params: float) -> Plan:
        independent = {"warm_start": False} if request.param == "cpsat" else {}
        plan = solve(
            scenario, SolveParams(**{"time_limit_s": 20, "engine": request.param, **independent, **params})
        )
        folder = tmp_path / f"plan{len(list(tmp_path.iterdir()))}"
        write_plan(plan, folder)
        if plan.status.value in ("OPTIMAL", "FEASIBLE"):
            assert audit_folder(scenario, folder) == []
        return plan

    return run


@pytest.fixture(scope="session")
def bundled_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Path]:
    """The bundled scenario and its optimal plan folder, solved once for the whole run."""
    scenario = load_scenario(BUNDLED)
    folder = tmp_path_factory.mktemp("bundled") / "plan"
    write_plan(solve(scenario, SolveParams(time_limit_s=30)), folder)
    return scenario, folder
