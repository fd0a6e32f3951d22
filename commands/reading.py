"""Commands that read a scenario and a plan folder: validate, audit, explain, report, compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from commands.errors import CliError
from commands.files import not_an_input, output_path, write_output
from i18n import _
from models.loader import load_scenario
from models.plan import Conflict, Plan, SolveParams
from models.plan_files import read_plan_files
from models.plan_io import ASSIGNMENTS_FILE
from models.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.audit import Violation
    from optimizer.eligibility import Pairs
    from optimizer.explain import Explainer
    from optimizer.levers import Lever
    from optimizer.suggest import Suggestions
    from reports.compare import Comparison


def validate_scenario(
    scenario_path: str, allow_outside_paths: bool = False, time_limit: float = 20.0
) -> tuple[Scenario, Pairs, list[Conflict]]:
    """The scenario, its eligible pairs, and every conflict set of the rules that stay hard (those
    `policy.soften` names are not: solve keeps as many of them as it can)."""
    from optimizer import soft
    from optimizer.diagnosis import diagnose
    from optimizer.eligibility import eligible_pairs
    from reports.terminal import ProgressLine

    scenario = load_scenario(scenario_path, allow_outside_paths)
    pairs = eligible_pairs(scenario)
    params = SolveParams(time_limit_s=time_limit)
    hard = soft.hardened(scenario, soft.families(scenario, params))
    with ProgressLine() as progress:
        progress(_("feasibility checks"), None, None, 0.0)
        conflicts = diagnose(hard, pairs, params)
    return scenario, pairs, conflicts


@dataclass(frozen=True)
class Audited:
    """What the auditor found in a plan folder and the objectives it recomputed."""

    folder: Path
    violations: list[Violation]
    broken: list[Violation]
    """Softened pins and floors the plan breaks, as the scenario allows: not violations."""
    recomputed: dict[str, float]
    claimed: dict[str, object]


def audit_plan(scenario_path: str, plan_dir: str, baseline: str | None = None) -> Audited:
    """Re-check a plan folder against its scenario (and baseline) with the independent auditor."""
    from optimizer.audit import audit, costs

    scenario = load_scenario(scenario_path, baseline=baseline)
    folder = Path(plan_dir)
    if not (folder / ASSIGNMENTS_FILE).is_file():
        raise CliError(_("{folder} is not a plan folder (no assignments.csv)").format(folder=folder))
    return Audited(folder, *audit(scenario, folder), *costs(scenario, folder))


@dataclass(frozen=True)
class Explained:
    """A plan's explainer and what to explain: one person's alternatives, or these shortages' seats."""

    explainer: Explainer
    candidate_id: str | None
    shortages: list[int]
    levers: list[Lever] = field(default_factory=list)
    top: int = 5


def explain_plan(
    scenario_path: str,
    plan_dir: str,
    shortage_key: str | None = None,
    candidate_id: str | None = None,
    time_limit: float = 20.0,
    top: int = 5,
    baseline: str | None = None,
) -> Explained:
    """Read a plan folder and set up its explanations: one person's, or the levers and then one
    shortage's or every empty seat's (the specialty of `--shortage` in any case)."""
    from optimizer.explain import Explainer

    scenario = load_scenario(scenario_path, baseline=baseline)
    rows = read_plan_files(Path(plan_dir)).checked((ASSIGNMENTS_FILE,)).assignment_keys()
    if candidate_id is not None and candidate_id not in scenario.candidate_by_id:
        raise CliError(_("--candidate {id}: no such candidate in the scenario").format(id=candidate_id))
    wanted = None
    if shortage_key is not None and candidate_id is None:
        commune_id, _colon, specialty = shortage_key.partition(":")
        wanted = scenario.shortage_index.get((commune_id.strip(), specialty.strip().casefold()))
        if wanted is None:
            raise CliError(
                _("--shortage {key}: no such shortage; expected COMMUNE:SPECIALTY").format(key=shortage_key)
            )
    params = SolveParams(time_limit_s=time_limit)
    explainer = Explainer(scenario, rows, params)
    if candidate_id is not None:
        return Explained(explainer, candidate_id, [])
    found = all_levers(scenario, params, explainer.optimum)
    shortages = [wanted] if wanted is not None else explainer.unfilled()
    return Explained(explainer, None, shortages, found, top)


def all_levers(scenario: Scenario, params: SolveParams, baseline: Plan) -> list[Lever]:
    """Every lever of the scenario, with a live line naming the change being re-solved."""
    from optimizer.levers import levers
    from reports.terminal import ProgressLine

    with ProgressLine() as progress:
        return levers(
            scenario,
            params,
            baseline,
            lambda n, total, label: progress(f"{n + 1}/{total}: {label}", None, None, 0.0),
        )


@dataclass(frozen=True)
class Levered:
    """The levers of a scenario, with its optimum and the plan folder's seat count beside them."""

    scenario: Scenario
    seats_in_plan: int
    optimum: Plan
    levers: list[Lever]
    top: int


def levers_of_plan(scenario_path: str, plan_dir: str, top: int = 10, time_limit: float = 20.0) -> Levered:
    """Re-solve every single change a planner controls, ranked by what it buys over the optimum."""
    from optimizer.solve import solve

    scenario = load_scenario(scenario_path)
    rows = read_plan_files(Path(plan_dir)).checked((ASSIGNMENTS_FILE,)).assignment_keys()
    params = SolveParams(time_limit_s=time_limit)
    optimum = solve(scenario, params)
    return Levered(scenario, len(rows), optimum, all_levers(scenario, params, optimum), top)


def suggest_for_seat(
    scenario_path: str,
    plan_dir: str,
    seat: str,
    keep_others: bool = False,
    time_limit: float = 20.0,
    baseline: str | None = None,
    top: int | None = None,
) -> Suggestions:
    """Everyone who could take the seat `COMMUNE:SPECIALTY`, ranked, and why the others cannot."""
    from optimizer.suggest import Suggester

    scenario = load_scenario(scenario_path, baseline=baseline)
    rows = read_plan_files(Path(plan_dir)).checked((ASSIGNMENTS_FILE,)).assignment_keys()
    commune_id, _colon, specialty = seat.partition(":")
    if (commune_id, specialty) not in scenario.shortage_index:
        raise CliError(_("--seat {key}: no such shortage; expected COMMUNE:SPECIALTY").format(key=seat))
    suggester = Suggester(scenario, rows, SolveParams(time_limit_s=time_limit), keep_others)
    return suggester.seat(commune_id, specialty, top)


@dataclass(frozen=True)
class Reported:
    """The report written, and whether the plan records another scenario than the one given."""

    target: Path
    other_scenario: bool


def report_plan(
    scenario_path: str, plan_dir: str, out_file: str, levers: int = 5, baseline: str | None = None
) -> Reported:
    """Write a plan folder as an offline HTML page (with the `levers` changes that buy the most) or a
    workbook."""
    from optimizer.levers import describe
    from optimizer.solve import solve
    from reports.outputs import REPORT_SUFFIXES, write_report
    from reports.plan_data import read_plan_folder

    target = output_path(out_file, REPORT_SUFFIXES)
    scenario = load_scenario(scenario_path, baseline=baseline)
    plan = read_plan_folder(Path(plan_dir), scenario)
    not_an_input(target, (Path(plan_dir),), (scenario_path,))
    lines: list[str] = []
    if levers and target.suffix.lower() == ".html":
        params = SolveParams(time_limit_s=20)
        found = all_levers(scenario, params, solve(scenario, params))[:levers]
        lines = [describe(scenario, lever) for lever in found]
    write_output(lambda: write_report(plan, scenario, target, lines), target)
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
        not_an_input(target, (Path(plan_a), Path(plan_b)), scenario_paths)
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
