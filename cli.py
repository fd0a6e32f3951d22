"""Command line: each command parses its options, calls one function (in `commands/`) and prints the result.

Errors are raised, never exited on: a `CliError` carries its message and exit code, a ScenarioError
is bad input (exit 2), Ctrl-C exits 130, and anything else is a bug (exit 70, traceback in a log file).
A new command is one function here: its click options, a call that returns a result, the printing,
and `finish(code)` when the result itself is an exit code.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

import click

import i18n
from commands.errors import CliError, ExitCode, exit_codes
from commands.solving import CtrlC, Interrupted
from i18n import _
from i18n.help import translate_help
from models.plan import MAX_SECONDS, MAX_SEED, MAX_WORKERS, SolveStatus
from reports.terminal import err, out

__all__ = ["CtrlC", "Interrupted", "main", "run"]

EXIT_OK, EXIT_AUDIT, EXIT_BAD_INPUT = int(ExitCode.OK), int(ExitCode.AUDIT), int(ExitCode.BAD_INPUT)
EXIT_INFEASIBLE, EXIT_INTERNAL = int(ExitCode.INFEASIBLE), int(ExitCode.INTERNAL)
EXIT_INTERRUPTED = int(ExitCode.INTERRUPTED)


class Secondment(click.Group):
    """The command group: the one place where what a command raises becomes a message and an exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["argv"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with exit_codes(ctx.meta.get("argv", ())):
            return super().invoke(ctx)


def finish(code: ExitCode) -> None:
    """End the command with an exit code that is a result, not an error (audit violations, infeasible)."""
    click.get_current_context().exit(int(code))


@click.group(cls=Secondment, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="secondment-planner")
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    help="Language of the messages and reports (default: SECONDMENT_LANG, else the locale).",
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """Match civil servants to commune specialty shortages, provably well.

    \b
    Example (in Vietnamese):
      secondment --lang vi validate scenarios/dien-bien-2025
    """
    chosen = i18n.language_from(lang)
    try:
        i18n.set_language(chosen)
    except ValueError as error:
        raise CliError(_("SECONDMENT_LANG: {error}").format(error=error)) from None
    translate_help(ctx.command)


class Seconds(click.ParamType):
    """A time limit: a finite number of seconds above 0, at most a year (`nan` and `inf` are refused)."""

    name = "seconds"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(_("{value!r} is not a number of seconds").format(value=value), param, ctx)
        if not 0 < seconds <= MAX_SECONDS:
            self.fail(
                _("{value!r} is not between 0 and {limit:,} seconds").format(value=value, limit=MAX_SECONDS),
                param,
                ctx,
            )
        return seconds


SECONDS = Seconds()
SEED = click.IntRange(0, MAX_SEED)
WORKERS = click.IntRange(1, MAX_WORKERS)
OUTSIDE_PATHS = click.option(
    "--allow-outside-paths", is_flag=True, help="Let scenario.yaml name tables outside its own folder."
)
BASELINE = click.option(
    "--baseline",
    type=click.Path(),
    help="The previous round's plan folder (wins over scenario.yaml's baseline:): keep what still works.",
)


@main.command()
@click.argument("scenario", type=click.Path())
@click.option(
    "--time-limit", default=20.0, show_default=True, type=SECONDS, help="Seconds for the feasibility checks."
)
@OUTSIDE_PATHS
def validate(scenario: str, time_limit: float, allow_outside_paths: bool) -> None:
    """Check a scenario, summarise supply against demand, and list every conflict between its hard rules.

    Exit 3 when the hard rules cannot all hold (no plan would exist), each conflict set listed.

    \b
    Example:
      secondment validate scenarios/dien-bien-2025
    """
    from commands.reading import validate_scenario
    from reports.terminal import print_conflicts, print_supply

    loaded, pairs, conflicts = validate_scenario(scenario, allow_outside_paths, time_limit)
    print_supply(loaded, pairs, feasible=not conflicts)
    if conflicts:
        print_conflicts(loaded, conflicts)
        finish(ExitCode.INFEASIBLE)


@main.command()
@click.argument("scenario", type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Plan folder to write.")
@click.option(
    "--time-limit", default=60.0, show_default=True, type=SECONDS, help="Seconds for the whole solve."
)
@click.option("--seed", default=0, show_default=True, type=SEED, help="Random seed of the solver.")
@click.option("--workers", default=1, show_default=True, type=WORKERS, help="CP-SAT search workers.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "flow", "cpsat"]),
    default="auto",
    show_default=True,
    help="auto: exact min-cost flow when the stages fit it and everyone fills one seat, else CP-SAT.",
)
@click.option("--solver-log", is_flag=True, help="Print CP-SAT's own search log to standard error.")
@click.option(
    "--cpsat",
    "cpsat_settings",
    multiple=True,
    metavar="PARAM=VALUE",
    help="A CP-SAT parameter, e.g. --cpsat num_workers=8 (repeatable; applied after the tool's own).",
)
@click.option(
    "--soften",
    metavar="FAMILIES",
    default="",
    help="Comma-separated pins,min_coverage: keep as many of them as can hold, not all (exit 0).",
)
@click.option("--force", is_flag=True, help="Replace a plan folder that already holds files.")
@click.option("--redact", is_flag=True, help="Write people as pseudonyms, without names: for public posting.")
@click.option(
    "--full-out", type=click.Path(), help="With --redact: also write the full plan (for HR) to this folder."
)
@click.option("--xlsx", "with_xlsx", is_flag=True, help="Also write the plan as a workbook, plan.xlsx.")
@OUTSIDE_PATHS
@BASELINE
def solve(
    scenario: str,
    out_dir: str,
    time_limit: float,
    seed: int,
    workers: int,
    engine: str,
    solver_log: bool,
    cpsat_settings: tuple[str, ...],
    soften: str,
    force: bool,
    redact: bool,
    full_out: str | None,
    with_xlsx: bool,
    allow_outside_paths: bool,
    baseline: str | None,
) -> None:
    """Find the best secondment plan and write it as a plan folder.

    Ctrl-C stops the search and writes the best plan found so far (FEASIBLE, with its gaps);
    a second Ctrl-C aborts without writing anything.

    \b
    Example:
      secondment solve scenarios/dien-bien-2025 --out plans/dien-bien --time-limit 30
      secondment solve scenarios/dien-bien-2025 --out plans/public --redact --full-out plans/hr
      secondment solve scenarios/dien-bien-2025 --out plans/cp --engine cpsat --cpsat num_workers=2
      secondment solve scenarios/dien-bien-2025 --out plans/dien-bien --xlsx
      secondment solve scenarios/dien-bien-2025 --out plans/soft --soften pins,min_coverage
      secondment solve scenarios/dien-bien-2025-round2 --out plans/round2
      secondment solve scenarios/dien-bien-2025-round2 --out plans/round2b --baseline plans/round2
    """
    from commands.solving import solve_into
    from reports.round_changes import print_changes
    from reports.terminal import print_summary

    families = tuple(f.strip() for f in soften.split(",") if f.strip())
    unknown = sorted(set(families) - {"pins", "min_coverage"})
    if unknown:
        message = _("--soften: unknown {names}; expected pins and/or min_coverage")
        raise click.UsageError(message.format(names=", ".join(unknown)))
    settings = {
        "time_limit_s": time_limit,
        "seed": seed,
        "workers": workers,
        "engine": engine,
        "solver_log": solver_log,
        "cpsat": cpsat_settings,
        "soften": families,
    }
    solved = solve_into(
        scenario, out_dir, settings, force, redact, full_out, allow_outside_paths, baseline, with_xlsx
    )
    print_summary(solved.scenario, solved.plan, solved.folder, solved.seconds)
    print_changes(solved.scenario, solved.plan)
    if solved.plan.status == SolveStatus.INFEASIBLE:
        finish(ExitCode.INFEASIBLE)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@BASELINE
def audit(scenario: str, plan_dir: str, baseline: str | None) -> None:
    """Re-check every hard rule, KPI and objective of a plan folder, independently of the solver.

    Exit 0 when the plan holds, 1 when it breaks anything (each violation is listed).

    \b
    Example:
      secondment audit scenarios/dien-bien-2025 plans/dien-bien-2025
    """
    from commands.reading import audit_plan
    from reports.terminal import print_audit

    audited = audit_plan(scenario, plan_dir, baseline)
    print_audit(audited)
    if audited.violations:
        finish(ExitCode.AUDIT)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option("--shortage", "shortage_key", metavar="COMMUNE:SPECIALTY", help="Explain this shortage only.")
@click.option("--candidate", "candidate_id", metavar="ID", help="Show this person's alternatives instead.")
@click.option(
    "--time-limit", default=20.0, show_default=True, type=SECONDS, help="Seconds for each re-solve."
)
@click.option("--top", default=5, show_default=True, type=click.IntRange(0), help="Changes to list first.")
@BASELINE
def explain(
    scenario: str,
    plan_dir: str,
    shortage_key: str | None,
    candidate_id: str | None,
    time_limit: float,
    top: int,
    baseline: str | None,
) -> None:
    """Say which changes buy the most, then why each seat stays empty and what fills it; or what a
    person's alternatives cost.

    \b
    Examples:
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025 --shortage 03127:land
      secondment explain scenarios/dien-bien-2025 plans/dien-bien-2025 --candidate P017
    """
    from commands.reading import explain_plan
    from reports.terminal import print_explanation

    explained = explain_plan(scenario, plan_dir, shortage_key, candidate_id, time_limit, top, baseline)
    print_explanation(explained)
    if explained.candidate_id is None and explained.explainer.optimum.status == SolveStatus.INFEASIBLE:
        finish(ExitCode.INFEASIBLE)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option(
    "--seat", required=True, metavar="COMMUNE:SPECIALTY", help="The seat to fill (empty or filled)."
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many to show.")
@click.option("--keep-others", is_flag=True, help="Move only what must move from the plan (else: all free).")
@click.option(
    "--time-limit", default=20.0, show_default=True, type=SECONDS, help="Seconds for each re-solve."
)
@BASELINE
def suggest(
    scenario: str,
    plan_dir: str,
    seat: str,
    top: int,
    keep_others: bool,
    time_limit: float,
    baseline: str | None,
) -> None:
    """Rank who could take a seat: each held there and re-solved, with the cost on every objective.

    Also says how many others of the plan would move, and why each other holder of the specialty
    cannot take the seat. The mirror of `explain --candidate`.

    \b
    Example:
      secondment suggest scenarios/dien-bien-2025 plans/dien-bien-2025 --seat 03203:health --top 5
      secondment suggest scenarios/dien-bien-2025 plans/dien-bien-2025 --seat 03160:it --keep-others
    """
    from commands.reading import suggest_for_seat
    from reports.round_changes import print_suggestions

    found = suggest_for_seat(scenario, plan_dir, seat, keep_others, time_limit, baseline, top)
    print_suggestions(found, top)


@main.command("levers")
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="How many to list.")
@click.option(
    "--time-limit", default=20.0, show_default=True, type=SECONDS, help="Seconds for each re-solve."
)
def levers_command(scenario: str, plan_dir: str, top: int, time_limit: float) -> None:
    """Rank the single changes a planner controls by what they buy, each re-solved exactly.

    One more release for an agency, one more desk in a full commune, 10 more km on the travel cap,
    one level lower on a short post, a pin or a forbid dropped; changes that buy the same are one line.

    \b
    Example:
      secondment levers scenarios/dien-bien-2025 plans/dien-bien-2025 --top 5
    """
    from commands.reading import levers_of_plan
    from reports.terminal import print_levered

    print_levered(levers_of_plan(scenario, plan_dir, top, time_limit))


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
    from commands.reading import compare_plan_folders
    from reports.console import print_comparison

    comparison, written = compare_plan_folders(plan_a, plan_b, scenarios, out_file)
    print_comparison(out, comparison)
    if written is not None:
        wrote(written)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option(
    "--out", "out_file", required=True, type=click.Path(), help="FILE.html (offline report) or FILE.xlsx."
)
@click.option(
    "--levers",
    default=5,
    show_default=True,
    type=click.IntRange(0),
    help="How many of the changes that buy the most the HTML page lists.",
)
@BASELINE
def report(scenario: str, plan_dir: str, out_file: str, levers: int, baseline: str | None) -> None:
    """Write a plan as one offline HTML page (map, heat map, charts, unfilled seats, policy) or a workbook.

    The HTML file embeds everything it needs and opens without a network, and lists the single
    changes that buy the most (each re-solved; --levers 0 skips them); the .xlsx workbook has
    Summary, Assignments, Unfilled, By commune, By specialty and By agency sheets.

    \b
    Example:
      secondment report scenarios/dien-bien-2025 plans/dien-bien-2025 --out plans/dien-bien-2025.html
    """
    from commands.reading import report_plan

    reported = report_plan(scenario, plan_dir, out_file, levers, baseline)
    if reported.other_scenario:
        err.print(_("[yellow]warning:[/] the plan was made from another scenario than this one"))
    wrote(reported.target)


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
      secondment template --out rounds/2026/book.xlsx --from scenarios/dien-bien-2025
      secondment solve rounds/2026/book.xlsx --out plans/2026
    """
    from commands.writing import write_scenario_book

    written = write_scenario_book(out_file, with_yaml, name, source, force)
    for path in written:
        wrote(path)
    target = written[0].parent if with_yaml else written[0]
    then = _("Fill in the sheets, then:")
    out.print(f"{then} secondment validate {target}", markup=False)
    out.print(f"{' ' * len(then)} secondment solve {target} --out plans/NAME", markup=False)


@main.command()
@click.argument("scenario", type=click.Path())
@click.argument("plan_dir", type=click.Path())
@click.option("--out", "out_file", required=True, type=click.Path(), help="The document to write (.docx).")
@click.option(
    "--by",
    type=click.Choice(("commune", "agency")),
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
    from commands.reading import decision_annex

    asked = bool(ctx.parent and ctx.parent.params.get("lang")) or bool(os.environ.get("SECONDMENT_LANG"))
    if not asked:
        i18n.set_language("vi")
    wrote(decision_annex(scenario, plan_dir, out_file, by))


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
@click.option(
    "--multi-post",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of people who may fill several seats in one commune (max_posts).",
)
@click.option(
    "--most-posts", default=2, show_default=True, type=click.IntRange(2, 9), help="Their max_posts, 2 to N."
)
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Random seed.")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Scenario folder to write.")
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def generate(out_dir: str, force: bool, **shape: Any) -> None:
    """Write a synthetic scenario of any size, shaped like the real case, as scenario.yaml + CSVs.

    Communes cluster around provincial capitals where the agencies sit; priorities, capacities,
    release caps and levels are mixed; a few people have personal caps, forbids or leave early.
    The same options always write the same scenario.

    \b
    Example (the whole country, about 20,000 people and 3,300 communes):
      secondment generate --provinces 34 --out scenarios/national --seed 1
      secondment generate --multi-post 0.33 --out scenarios/two-fields --seed 1
    """
    from commands.writing import generate_scenario

    scenario = generate_scenario(out_dir, force, **shape)
    wrote(out_dir)
    counts = _(
        "{name}: {communes:,} communes · {shortages:,} shortages · {candidates:,} candidates · "
        "{agencies:,} agencies"
    )
    sizes = (scenario.communes, scenario.shortages, scenario.candidates, scenario.agencies)
    numbers = dict(zip(("communes", "shortages", "candidates", "agencies"), map(len, sizes), strict=True))
    out.print(counts.format(name=scenario.name, **numbers), markup=False)


def wrote(path: object) -> None:
    """Say that an output file or folder was written."""
    out.print(_("wrote {path}").format(path=path), markup=False)


@main.command()
@click.argument("scenario", type=click.Path())
@click.option("--vary", multiple=True, metavar="KEY=V1,V2,...", help="A KEY and its values (repeatable).")
@click.option("--grid", type=click.Path(), help="A sweep file (vary: and/or variants:).")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Sweep folder (re-run: resume).")
@click.option("--jobs", type=click.IntRange(1, 512), help="Local worker processes  [default: the cores].")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Solve on this Dask distributed scheduler.")
@click.option(
    "--time-limit", "time_limit_s", default=60.0, show_default=True, type=SECONDS, help="Seconds per variant."
)
@click.option("--seed", default=0, show_default=True, help="Random seed of the solver.")
@click.option("--engine", type=click.Choice(["auto", "flow", "cpsat"]), default="auto", show_default=True)
@click.option("--keep-plans", is_flag=True, help="Also write each variant's plan folder under DIR/plans/.")
@click.option("--fresh", is_flag=True, help="Solve every variant again, forgetting those kept in DIR.")
@click.option("--force", is_flag=True, help="Write into a folder that holds other files.")
def sweep(scenario: str, **options: Any) -> None:
    """Solve variants of a scenario and write one table (sweep.csv, sweep.xlsx) and one page (sweep.html).

    A KEY is policy.NAME, TABLE.COLUMN (every row) or TABLE[ID].COLUMN (one row); a value is
    absolute (120), relative (+1, -1), a factor (x1.2) or a range (100:200:50).

    \b
    Example:
      secondment sweep scenarios/dien-bien-2025 --vary policy.max_distance_km=240,250,260 --out what-if/km
    """
    from commands.what_if import sweep_variants

    sweep_variants(scenario, **options)


@main.command()
@click.argument("scenario", type=click.Path())
@click.option("--trade", required=True, metavar="FIRST:SECOND", help="Two of coverage, distance, preference.")
@click.option("--points", default="11", show_default=True, help="Points spread over FIRST's range, or all.")
@click.option("--others", type=click.Choice(["ignore", "hold"]), default="ignore", show_default=True)
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Folder to write.")
@click.option(
    "--time-limit", default=60.0, show_default=True, type=SECONDS, help="Seconds for each solve of a point."
)
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def frontier(scenario: str, **options: Any) -> None:
    """The exact Pareto front between two objectives, its knee and marginal rates, each point a plan.

    --others hold optimises and keeps the scenario's other objectives first; ignore drops them.

    \b
    Example:
      secondment frontier scenarios/dien-bien-2025 --trade coverage:distance --points 5 --out what-if/front
    """
    from commands.what_if import trade_off

    trade_off(scenario, **options)


def run() -> None:
    """Console entry point: what escapes the command group still ends in one line and its exit code.

    Ctrl-C outside a solve's search (and a second one inside it) raises Interrupted, which neither
    click nor the commands catch: exit 130, never click's "Aborted!" (1). From then on Ctrl-C is
    ignored (a late press must not cut the exit short), and with a solver thread still inside
    OR-Tools the process leaves with os._exit: tearing the interpreter down under it would abort
    (SIGABRT, 134). Every file has been written and closed by then.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _abort)
    code = _outcome()
    while True:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            break
        except Interrupted:
            code = EXIT_INTERRUPTED
    if threading.active_count() > 1:  # a solver thread may still be inside OR-Tools
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


def _abort(*_args: object) -> None:
    """SIGINT outside a solve's search: end the run."""
    raise Interrupted


def _outcome() -> int:
    """Run the command line and return its exit code, whatever ends it."""
    try:
        try:
            main()
        except SystemExit as done:
            return (
                done.code
                if isinstance(done.code, int)
                else (EXIT_OK if done.code is None else EXIT_BAD_INPUT)
            )
        except (KeyboardInterrupt, Interrupted):
            err.print(_("interrupted: no plan was written"), markup=False)
            return EXIT_INTERRUPTED
        except Exception as error:
            from commands.errors import bug

            failure = bug(error)
            failure.show()
            return failure.exit_code
        return EXIT_OK
    except Interrupted:  # a further Ctrl-C while the first was being handled
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    run()
