"""The one plan-folder reader: decodes cells, interprets nothing, reports unreadable files as problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.errors import ScenarioError
from models.plan_files import read_plan_files
from optimizer.audit import audit_folder


@pytest.fixture
def copy(bundled_plan, tmp_path: Path) -> Path:
    """A copy of the bundled plan folder to edit."""
    _, folder = bundled_plan
    return Path(shutil.copytree(folder, tmp_path / "plan"))


def test_cells_are_decoded_but_not_interpreted(bundled_plan, copy: Path):
    """A written plan reads back as text: guard quote and NFD undone, numbers left as written."""
    scenario, _ = bundled_plan
    assert audit_folder(scenario, copy) == []
    path = copy / "assignments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("candidate_name")] = "'=Nguyê\u0303n"  # guarded by a spreadsheet, written in NFD
    first[header.index("distance_km")] = " 12.50 "
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    files = read_plan_files(copy)
    assert files.problems == ()
    number, row = files.assignments.rows[0]
    assert number == 2
    assert row["candidate_name"] == "=Nguyễn"
    assert row["distance_km"] == "12.50"
    assert isinstance(files.claims, dict) and files.claims["status"] == "OPTIMAL"
    assert len(files.assignment_keys()) == len(lines) - 1


def test_an_unreadable_file_is_a_problem_the_auditor_reports(bundled_plan, copy: Path):
    """Broken plan.json: the reader names it; the auditor reports it and still checks assignments.csv."""
    scenario, _ = bundled_plan
    (copy / "plan.json").write_text("[1, 2", encoding="utf-8")
    files = read_plan_files(copy)
    assert files.claims is None and files.assignments is not None
    assert [Path(p.file).name for p in files.problems] == ["plan.json"]
    with pytest.raises(ScenarioError, match=r"plan\.json"):
        files.checked()
    found = audit_folder(scenario, copy)
    assert [(v.rule, v.subject) for v in found] == [("files_agree", "plan.json")]


def test_a_folder_without_assignments_is_refused(tmp_path: Path):
    """checked() names a folder that is not a plan folder, and a missing key column."""
    with pytest.raises(ScenarioError, match="not a plan folder"):
        read_plan_files(tmp_path).checked()
    (tmp_path / "assignments.csv").write_text("candidate_id,specialty\nP1,it\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="commune_id"):
        read_plan_files(tmp_path).checked()
