"""Command line: validate a scenario, solve it into a plan folder."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from i18n import LANGUAGES, _, language_from, set_language
from i18n.help import translate_help
from models.errors import ScenarioError
from models.loader import load_scenario
from models.plan import Plan, SolveParams, SolveStatus
from models.plan_io import OutputExists, check_output, spreadsheet_text, write_plan
from models.scenario import Scenario
from reports.terminal import (
    ProgressLine,
    err,
    out,
    print_alternatives,
    print_seat,
    print_summary,
    print_supply,
)

EXIT_OK, EXIT_AUDIT, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
BY_GROUP = ("commune", "agency")


def _fail(error: ScenarioError) -> None:
    """Print every input problem and exit 2."""
    err.print(f"[bold red]error:[/] the input has {len(error.problems)} problem(s):")
    for problem in error.problems:
        err.print(f"  • {problem}", markup=False, soft_wrap=True)
    sys.exit(EXIT_BAD_INPUT)


def _load(path: str, allow_outside_paths: bool = False) -> Scenario:
    """The scenario, or every problem with it printed and exit 2."""
    try:
        return load_scenario(path, allow_outside_paths)
    except ScenarioError as error:
        _fail(error)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="secondment-planner")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of messages and reports (default: SECONDMENT_LANG, else the locale: vi_VN gives vi).",
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Match civil servants to commune specialty shortages, provably well.

    \b
    Example (in Vietnamese):
      secondment --lang vi validate scenarios/dien-bien-2025
    """
    language = language_from(lang)
    try:
        set_language(language)
    except ValueError:
        raise click.UsageError(
            _("SECONDMENT_LANG={value} is not a language of this tool; expected vi or en").format(
                value=repr(language)
            )
        ) from None
    translate_help(ctx.command)


OUTSIDE_PATHS = click.option(
    "--allow-outside-paths", is_flag=True, help="Let scenario.yaml name tables outside its own folder."
)


@main.command()
@click.argument("scenario", type=click.Path())
@OUTSIDE_PATHS
def validate(scenario: str, allow_outside_paths: bool) -> None:
    """Check a scenario and summarise supply against demand.

    \b
    Example:
      secondment validate scenarios/dien-bien-2025
    """
    from optimizer.eligibility import eligible_pairs

    loaded = _load(scenario, allow_outside_paths)
    print_supply(loaded, eligible_pairs(loaded))


@main.command()
@click.argument("scenario", type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Plan folder to write.")
@click.option("--time-limit", default=60.0, show_default=True, help="Seconds for the whole solve.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the solver.")
@click.option("--workers", default=1, show_default=True, help="CP-SAT search workers.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "flow", "cpsat"]),
    default="auto",
    show_default=True,
    help="auto: exact min-cost flow when the stages fit it, else CP-SAT.",
)
@click.option("--force", is_flag=True, help="Replace a plan folder that already holds files.")
@click.option("--redact", is_flag=True, help="Write people as pseudonyms, without names: for public posting.")
@click.option(
    "--full-out", type=click.Path(), help="With --redact: also write the full plan (for HR) to this folder."
)
@click.option("--xlsx", "with_xlsx", is_flag=True, help="Also write the plan as a workbook, plan.xlsx.")
@OUTSIDE_PATHS
def solve(
    scenario: str,
    out_dir: str,
    time_limit: float,
    seed: int,
    workers: int,
    engine: str,
    force: bool,
    redact: bool,
    full_out: str | None,
    with_xlsx: bool,
    allow_outside_paths: bool,
) -> None:
    """Find the best secondment plan and write it as a plan folder.

    Ctrl-C stops the search and writes the best plan found so far (FEASIBLE, with its gaps);
    a second Ctrl-C aborts without writing anything.

    \b
    Example:
      secondment solve scenarios/dien-bien-2025 --out plans/dien-bien --time-limit 30
      secondment solve scenarios/dien-bien-2025 --out plans/public --redact --full-out plans/hr
      secondment solve rounds/2026/book.xlsx --out plans/2026 --xlsx
    """
    from models.redact import redact_plan
    from optimizer.solve import solve as optimise

    started = time.monotonic()
    loaded = _load(scenario, allow_outside_paths)
    if full_out is not None and (not redact or Path(full_out).resolve() == Path(out_dir).resolve()):
        raise click.UsageError("--full-out needs --redact and a folder other than --out")
    outputs = [(Path(out_dir), redact)] + ([(Path(full_out), False)] if full_out is not None else [])
    scenario_folder = Path(scenario) if Path(scenario).is_dir() else Path(scenario).parent
    try:
        params = SolveParams(time_limit_s=time_limit, seed=seed, workers=workers, engine=engine)
        for target, _ in outputs:
            check_output(target, force, keep=(scenario_folder, Path.cwd()))
    except (OutputExists, OSError) as error:
        _cannot_write(error)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with CtrlC() as ctrl_c, ProgressLine() as progress:
        plan = optimise(loaded, params, progress, ctrl_c.stop)
        for target, redacted in outputs:
            written = redact_plan(plan, loaded) if redacted else plan
            try:
                write_plan(written, target, force=force, extra=_diagnosis(written))
            except (OutputExists, OSError) as error:
                _cannot_write(error)
            if with_xlsx:
                _plan_workbook(target, None if redacted else loaded)
    print_summary(loaded, plan, outputs[0][0], time.monotonic() - started)
    if plan.status == SolveStatus.INFEASIBLE:
        sys.exit(EXIT_INFEASIBLE)


class CtrlC:
    """Ctrl-C during a solve: the first press ends the search with the best plan so far, a second aborts."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.previous = signal.getsignal(signal.SIGINT)

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._pressed)
        return self

    def __exit__(self, *exc: object) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self.previous or signal.default_int_handler)

    def _pressed(self, *_: object) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()
        err.print("Ctrl-C: finishing with the best plan found so far (press again to abort)", markup=False)


def _diagnosis(plan: Plan) -> dict[str, str]:
    """diagnosis.json for an infeasible plan's folder."""
    if plan.status != SolveStatus.INFEASIBLE:
        return {}
    conflicts = [c.model_dump(mode="json") for c in plan.conflicts]
    return {"diagnosis.json": json.dumps(conflicts, ensure_ascii=False, indent=2)}


def _plan_workbook(folder: Path, scenario: Scenario | None) -> None:
    """plan.xlsx beside the plan files: the report workbook (a redacted plan is read without its scenario)."""
    from reports.plan_data import read_plan_folder
    from reports.sheets import plan_sheets
    from reports.workbook import write_workbook

    try:
        write_workbook(folder / "plan.xlsx", plan_sheets(read_plan_folder(folder, scenario)))
    except OSError as error:
        _cannot_write(error)


def _cannot_write(error: Exception) -> None:
    """Say why the plan cannot be written, and exit 2 (any earlier plan there is untouched)."""
    err.print(f"error: cannot write the plan: {error}", markup=False, soft_wrap=True, style="bold red")
    sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
def audit(scenario: str, plan_dir: str) -> None:
    """Re-check every hard rule, KPI and objective of a plan folder, independently of the solver.

    Exit 0 when the plan holds, 1 when it breaks anything (each violation is listed).

    \b
    Example:
      secondment audit scenarios/dien-bien-2025 plans/dien-bien-2025
    """
    from optimizer.audit import audit_folder, costs

    loaded = _load(scenario)
    folder = Path(plan_dir)
    if not (folder / "assignments.csv").is_file():
        err.print(f"[bold red]error:[/] {folder} is not a plan folder (no assignments.csv)")
        sys.exit(EXIT_BAD_INPUT)
    violations = audit_folder(loaded, folder)
    recomputed, claimed = costs(loaded, folder)
    figures = Table(title="Objectives recomputed from assignments.csv")
    for column in ("objective", "recomputed", "plan.json claims"):
        figures.add_column(column, justify="left" if column == "objective" else "right")
    for name, value in recomputed.items():
        figures.add_row(name, f"{value:,.6g}", "" if claimed.get(name) is None else f"{claimed[name]:,.6g}")
    out.print(figures)
    if not violations:
        out.print(f"[green]{folder}: no violation[/] of the hard rules, KPIs or provenance")
        return
    table = Table(title=f"{len(violations)} violation(s) in {folder}")
    for column in ("rule", "subject", "detail"):
        table.add_column(column, overflow="fold")
    for v in violations:
        table.add_row(v.rule, v.subject, v.detail)
    out.print(table)
    sys.exit(EXIT_AUDIT)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option("--shortage", "shortage_key", metavar="COMMUNE:SPECIALTY", help="Explain this shortage only.")
@click.option("--candidate", "candidate_id", metavar="ID", help="Show this person's alternatives instead.")
@click.option("--time-limit", default=20.0, show_default=True, help="Seconds for each re-solve.")
def explain(
    scenario: str, plan_dir: str, shortage_key: str | None, candidate_id: str | None, time_limit: float
) -> None:
    """Say why seats stay empty and what relaxing each cause would gain; or what a person's alternatives cost.

    \b
    Examples:
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025 --shortage 03169:land
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025 --candidate P017
    """
    import pandas as pd

    from optimizer.explain import Explainer

    loaded = _load(scenario)
    path = Path(plan_dir) / "assignments.csv"
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        columns = [frame[c].map(spreadsheet_text) for c in ("candidate_id", "commune_id", "specialty")]
        rows = list(zip(*columns, strict=True))
    except (OSError, KeyError, ValueError) as error:
        err.print(f"[bold red]error:[/] cannot read {path}: {error}")
        sys.exit(EXIT_BAD_INPUT)
    params = SolveParams(time_limit_s=time_limit)
    if candidate_id is not None and candidate_id not in loaded.candidate_by_id:
        err.print(f"[bold red]error:[/] --candidate {candidate_id}: no such candidate in the scenario")
        sys.exit(EXIT_BAD_INPUT)
    explainer = Explainer(loaded, [tuple(r) for r in rows], params)
    if candidate_id is not None:
        print_alternatives(explainer, candidate_id)
        return
    if shortage_key is not None:
        commune_id, _, specialty = shortage_key.partition(":")
        if (commune_id, specialty) not in loaded.shortage_index:
            err.print(
                f"[bold red]error:[/] --shortage {shortage_key}: no such shortage; expected COMMUNE:SPECIALTY"
            )
            sys.exit(EXIT_BAD_INPUT)
        targets = [loaded.shortage_index[(commune_id, specialty)]]
    else:
        targets = explainer.unfilled()
    if not targets:
        out.print("Every seat is filled.")
    for s in targets:
        print_seat(explainer, explainer.seat(s))


@main.command()
@click.argument("plan_a", type=click.Path())
@click.argument("plan_b", type=click.Path())
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    type=click.Path(),
    help="The plans' scenario (needed for a folder holding only assignments.csv); twice: A's, then B's.",
)
@click.option("--out", "out_file", type=click.Path(), help="Also write the comparison (.html, .xlsx, .json).")
def compare(plan_a: str, plan_b: str, scenarios: tuple[str, ...], out_file: str | None) -> None:
    """Compare two plans: who was added, removed or moved, and every figure side by side (Δ = B − A).

    Says when the plans come from different scenarios (by hash) and compares what still can be.

    \b
    Example:
      secondment compare plans/db plans/db-edited --scenario scenarios/dien-bien-2025 --out diff.xlsx
    """
    from reports.compare import compare_folders
    from reports.console import print_comparison
    from reports.outputs import COMPARE_SUFFIXES, write_comparison

    target = _output_path(out_file, COMPARE_SUFFIXES) if out_file else None
    if len(scenarios) > 2:
        raise click.UsageError("give --scenario once (for both plans) or twice (plan A's, then plan B's)")
    loaded = [_load(s) for s in scenarios]
    try:
        comparison = compare_folders(Path(plan_a), Path(plan_b), loaded)
    except ScenarioError as error:
        _fail(error)
        raise
    print_comparison(out, comparison)
    if target:
        _write_output(lambda: write_comparison(comparison, target), target)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option(
    "--out", "out_file", required=True, type=click.Path(), help="FILE.html (offline report) or FILE.xlsx."
)
def report(scenario: str, plan_dir: str, out_file: str) -> None:
    """Write a plan as one offline HTML page (map, heat map, charts, unfilled seats, policy) or a workbook.

    The HTML file embeds everything it needs and opens without a network; the .xlsx workbook has
    Summary, Assignments, Unfilled, By commune, By specialty and By agency sheets.

    \b
    Example:
      secondment report scenarios/dien-bien-2025 plans/dien-bien-2025 --out plans/dien-bien-2025.html
    """
    from reports.outputs import REPORT_SUFFIXES, write_report
    from reports.plan_data import read_plan_folder

    target = _output_path(out_file, REPORT_SUFFIXES)
    loaded = _load(scenario)
    try:
        plan = read_plan_folder(Path(plan_dir), loaded)
    except ScenarioError as error:
        _fail(error)
        raise
    if plan.scenario_sha256 and plan.scenario_sha256 != loaded.sha256:
        err.print("[yellow]warning:[/] the plan was made from another scenario than this one")
    _write_output(lambda: write_report(plan, loaded, target), target)


@main.command()
@click.option("--out", "out_file", required=True, type=click.Path(), help="The workbook to write (.xlsx).")
@click.option(
    "--yaml/--no-yaml",
    "with_yaml",
    default=False,
    show_default=True,
    help="Write scenario.yaml beside the workbook for the name, period and policy (else the scenario sheet).",
)
@click.option("--name", help="Scenario name (default: the workbook's file name).")
@click.option(
    "--from", "source", type=click.Path(), help="Fill the workbook with this scenario (folder, YAML, .xlsx)."
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
def template(out_file: str, with_yaml: bool, name: str | None, source: str | None, force: bool) -> None:
    """Write a scenario workbook: README, scenario keys, a sheet per table and list, drop-downs.

    The workbook alone is the whole scenario: fill in the sheets, then validate and solve it.
    `--from` writes an existing scenario as one workbook; the README sheet follows --lang.

    \b
    Example:
      secondment --lang vi template --out rounds/2026/book.xlsx
      secondment solve rounds/2026/book.xlsx --out plans/2026
    """
    from reports.template import write_scenario_yaml, write_template

    book = _output_path(out_file, (".xlsx",))
    if source and with_yaml:
        raise click.UsageError("--from writes the whole scenario into the workbook; leave out --yaml")
    loaded = _load(source) if source else None
    yaml_path = book.with_name("scenario.yaml")
    existing = [str(p) for p in (book, yaml_path if with_yaml else None) if p and p.exists()]
    if existing and not force:
        err.print(f"[bold red]error:[/] will not overwrite {', '.join(existing)}; pass --force to replace")
        sys.exit(EXIT_BAD_INPUT)
    title = name or book.stem
    _write_output(lambda: write_template(book, with_yaml, title, loaded), book)
    target = book
    if with_yaml:
        _write_output(lambda: write_scenario_yaml(yaml_path, book.name, title), yaml_path)
        target = book.parent
    out.print(f"Fill in the sheets, then: secondment validate {target}", markup=False)
    out.print(f"                          secondment solve {target} --out plans/NAME", markup=False)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option("--out", "out_file", required=True, type=click.Path(), help="The document to write (.docx).")
@click.option(
    "--by",
    type=click.Choice(BY_GROUP),
    default="commune",
    show_default=True,
    help="Group the list by the commune people go to, or by the agency they come from.",
)
@click.pass_context
def decision(ctx: click.Context, scenario: str, plan_dir: str, out_file: str, by: str) -> None:
    """Write the annex of the secondment decision: who goes where, numbered, grouped, with totals.

    In Vietnamese unless --lang or SECONDMENT_LANG asks otherwise.

    \b
    Example:
      secondment decision scenarios/dien-bien-2025 plans/dien-bien-2025 --out annex.docx
      secondment decision scenarios/dien-bien-2025 plans/dien-bien-2025 --out annex.docx --by agency
    """
    from reports.decision import annex_groups, write_annex
    from reports.plan_data import read_plan_folder

    if not (ctx.parent and ctx.parent.params.get("lang")) and not os.environ.get("SECONDMENT_LANG"):
        set_language("vi")
    target = _output_path(out_file, (".docx",))
    loaded = _load(scenario)
    try:
        plan = read_plan_folder(Path(plan_dir), loaded)
    except ScenarioError as error:
        _fail(error)
        raise
    groups = annex_groups(plan.assignments, loaded, by)
    _write_output(lambda: write_annex(target, groups, loaded), target)


def _output_path(out_file: str, suffixes: tuple[str, ...]) -> Path:
    """The output file, refused unless its suffix is one the command writes."""
    target = Path(out_file)
    if target.suffix.lower() not in suffixes:
        raise click.UsageError(f"--out must end with {' or '.join(suffixes)}, got {out_file!r}")
    return target


def _write_output(write: Callable[[], None], target: Path) -> None:
    """Write one output file, turning a file-system error into a message and exit 2."""
    try:
        write()
    except OSError as error:
        err.print(f"[bold red]error:[/] cannot write {target}: {error}", markup=True)
        sys.exit(EXIT_BAD_INPUT)
    out.print(f"wrote {target}", markup=False)


@main.command()
@click.option("--provinces", default=1, show_default=True, type=click.IntRange(1, 200), help="Provinces.")
@click.option(
    "--communes-per-province",
    default=98,
    show_default=True,
    type=click.IntRange(1, 2000),
    help="Communes each.",
)
@click.option(
    "--candidates-per-province",
    default=600,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Candidates each.",
)
@click.option("--specialties", default=7, show_default=True, type=click.IntRange(1, 9), help="Fields short.")
@click.option(
    "--max-distance-km", default=120.0, show_default=True, type=click.FloatRange(min=1), help="Travel cap."
)
@click.option("--floors", is_flag=True, help="Add a floor: every border commune short of IT gets one.")
@click.option("--fairness", is_flag=True, help="Rank coverage, fairness, distance (else coverage, distance).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Random seed.")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Scenario folder to write.")
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def generate(
    provinces: int,
    communes_per_province: int,
    candidates_per_province: int,
    specialties: int,
    max_distance_km: float,
    floors: bool,
    fairness: bool,
    seed: int,
    out_dir: str,
    force: bool,
) -> None:
    """Write a synthetic scenario of any size, shaped like the real case, as scenario.yaml + CSVs.

    Communes cluster around provincial capitals where the agencies sit; priorities, capacities,
    release caps and levels are mixed; a few people have personal caps, forbids or leave early.
    The same options always write the same scenario.

    \b
    Example (the whole country, about 20,000 people and 3,300 communes):
      secondment generate --provinces 34 --out scenarios/national --seed 1
    """
    from models.scenario_writer import write_scenario
    from models.synthetic import province_scenario

    target = Path(out_dir)
    try:
        check_output(target, force)
    except OutputExists as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        sys.exit(EXIT_BAD_INPUT)
    scenario = province_scenario(
        provinces,
        communes_per_province,
        candidates_per_province,
        seed,
        max_distance_km,
        floors,
        fairness,
        specialties,
    )
    _write_output(lambda: write_scenario(scenario, target), target)
    out.print(
        f"{scenario.name}: {len(scenario.communes):,} communes · {len(scenario.shortages):,} shortages · "
        f"{len(scenario.candidates):,} candidates · {len(scenario.agencies):,} agencies",
        markup=False,
    )


def run() -> None:
    """Console entry point: a bug is reported in one line, never as a traceback."""
    try:
        main()
    except KeyboardInterrupt:
        err.print("interrupted: no plan was written", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:
        err.print(
            f"internal error: {type(error).__name__}: {error}; please report it with the scenario",
            markup=False,
        )
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    run()
