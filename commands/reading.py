"""Commands that read a scenario and a plan folder: validate, audit, explain, report, compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from commands.errors import CliError
from commands.files import output_path, write_output
from i18n import _
from models.loader import load_scenario
from models.plan import SolveParams
from models.plan_files import read_plan_files
from models.plan_io import ASSIGNMENTS_FILE
from models.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.audit import Violation
    from optimizer.eligibility import Pairs
    from optimizer.explain import Explainer
    from reports.compare import Comparison


def validate_scenario(scenario_path: str, allow_outside_paths: bool = False) -> tuple[Scenario, Pairs]:
    """The scenario and its eligible pairs."""
    from optimizer.eligibility import eligible_pairs

    scenario = load_scenario(scenario_path, allow_outside_paths)
    return scenario, eligible_pairs(scenario)


@dataclass(frozen=True)
class Audited:
    """What the auditor found in a plan folder and the objectives it recomputed."""

    folder: Path
    violations: list[Violation]
    recomputed: dict[str, float]
    claimed: dict[str, object]


def audit_plan(scenario_path: str, plan_dir: str) -> Audited:
    """Re-check a plan folder against its scenario with the independent auditor."""
    from optimizer.audit import audit_folder, costs

    scenario = load_scenario(scenario_path)
    folder = Path(plan_dir)
    if not (folder / ASSIGNMENTS_FILE).is_file():
        raise CliError(_("{folder} is not a plan folder (no assignments.csv)").format(folder=folder))
    return Audited(folder, audit_folder(scenario, folder), *costs(scenario, folder))


@dataclass(frozen=True)
class Explained:
    """A plan's explainer and what to explain: one person's alternatives, or these shortages' seats."""

    explainer: Explainer
    candidate_id: str | None
    shortages: list[int]


def explain_plan(
    scenario_path: str,
    plan_dir: str,
    shortage_key: str | None = None,
    candidate_id: str | None = None,
    time_limit: float = 20.0,
) -> Explained:
    """Read a plan folder and set up its explanations: one person's, one shortage's or every empty seat's."""
    from optimizer.explain import Explainer

    scenario = load_scenario(scenario_path)
    rows = read_plan_files(Path(plan_dir)).checked((ASSIGNMENTS_FILE,)).assignment_keys()
    if candidate_id is not None and candidate_id not in scenario.candidate_by_id:
        raise CliError(_("--candidate {id}: no such candidate in the scenario").format(id=candidate_id))
    wanted = None
    if shortage_key is not None and candidate_id is None:
        commune_id, _colon, specialty = shortage_key.partition(":")
        wanted = scenario.shortage_index.get((commune_id, specialty))
        if wanted is None:
            raise CliError(
                _("--shortage {key}: no such shortage; expected COMMUNE:SPECIALTY").format(key=shortage_key)
            )
    explainer = Explainer(scenario, rows, SolveParams(time_limit_s=time_limit))
    if candidate_id is not None:
        return Explained(explainer, candidate_id, [])
    return Explained(explainer, None, [wanted] if wanted is not None else explainer.unfilled())


@dataclass(frozen=True)
class Reported:
    """The report written, and whether the plan records another scenario than the one given."""

    target: Path
    other_scenario: bool


def report_plan(scenario_path: str, plan_dir: str, out_file: str) -> Reported:
    """Write a plan folder as an offline HTML page or a workbook."""
    from reports.outputs import REPORT_SUFFIXES, write_report
    from reports.plan_data import read_plan_folder

    target = output_path(out_file, REPORT_SUFFIXES)
    scenario = load_scenario(scenario_path)
    plan = read_plan_folder(Path(plan_dir), scenario)
    write_output(lambda: write_report(plan, scenario, target), target)
    return Reported(target, bool(plan.scenario_sha256 and plan.scenario_sha256 != scenario.sha256))


def compare_plan_folders(
    plan_a: str, plan_b: str, scenario_paths: Sequence[str] = (), out_file: str | None = None
) -> tuple[Comparison, Path | None]:
    """Compare two plan folders, with one scenario for both or one each; also write it to `out_file`."""
    from reports.compare import compare_folders
    from reports.outputs import COMPARE_SUFFIXES, write_comparison

    target = output_path(out_file, COMPARE_SUFFIXES) if out_file else None
    if len(scenario_paths) > 2:
        raise click.UsageError(_("give --scenario once (for both plans) or twice (plan A's, then plan B's)"))
    scenarios = [load_scenario(path) for path in scenario_paths]
    comparison = compare_folders(Path(plan_a), Path(plan_b), scenarios)
    if target is not None:
        write_output(lambda: write_comparison(comparison, target), target)
    return comparison, target


def decision_annex(scenario_path: str, plan_dir: str, out_file: str, by: str = "commune") -> Path:
    """Write the decision annex (.docx) of a plan folder, grouped by commune or agency; the file written."""
    from reports.decision import annex_groups, write_annex
    from reports.plan_data import read_plan_folder

    target = output_path(out_file, (".docx",))
    scenario = load_scenario(scenario_path)
    plan = read_plan_folder(Path(plan_dir), scenario)
    groups = annex_groups(plan.assignments, scenario, by)
    return write_output(lambda: write_annex(target, groups, scenario), target)
