"""Command line: validate a scenario, solve it into a plan folder."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from models.errors import ScenarioError
from models.loader import load_scenario
from models.plan import Plan, SolveParams, SolveStatus
from models.plan_io import OutputExists, write_plan
from models.scenario import Scenario

EXIT_OK, EXIT_AUDIT, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class ProgressLine:
    """A live status line (stage, objective, bound, elapsed) on a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stage, self.objective, self.bound = "loading", None, None
        self.live = Live(self, console=err, transient=True, refresh_per_second=4) if err.is_terminal else None

    def __enter__(self) -> ProgressLine:
        if self.live:
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.live.__exit__(None, None, None)

    def __call__(self, stage: str, objective: float | None, bound: float | None, _: float) -> None:
        if stage != self.stage:
            self.objective = self.bound = None
        self.stage = stage
        if objective is not None:
            self.objective, self.bound = objective, bound

    def __rich__(self) -> Text:
        elapsed = time.monotonic() - self.started
        line = f"⏳ {self.stage}"
        if self.objective is not None:
            line += f" · objective {self.objective:,.6g} · bound {self.bound:,.6g}"
        return Text(f"{line} · {elapsed:.1f} s", style="cyan")


def _fail(error: ScenarioError) -> None:
    """Print every input problem and exit 2."""
    err.print(f"[bold red]error:[/] the input has {len(error.problems)} problem(s):")
    for problem in error.problems:
        err.print(f"  • {problem}", markup=False)
    sys.exit(EXIT_BAD_INPUT)


def _load(path: str) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as error:
        _fail(error)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="secondment-planner")
def main() -> None:
    """Match civil servants to commune specialty shortages, provably well."""


@main.command()
@click.argument("scenario", type=click.Path())
def validate(scenario: str) -> None:
    """Check a scenario and summarise supply against demand.

    \b
    Example:
      secondment validate scenarios/dien-bien-2025
    """
    from optimizer.eligibility import eligible_pairs, is_available

    loaded = _load(scenario)
    pairs = eligible_pairs(loaded)
    out.print(f"[bold]{loaded.name}[/]: valid", markup=True)
    out.print(
        f"{len(loaded.communes)} communes · {len(loaded.shortages)} shortages "
        f"({sum(s.seats for s in loaded.shortages)} seats) · {len(loaded.candidates)} candidates "
        f"({sum(is_available(loaded, c) for c in loaded.candidates)} available) · "
        f"{len(loaded.agencies)} agencies · {len(loaded.pins)} pins · {len(loaded.forbid)} forbids · "
        f"{len(pairs):,} eligible pairs"
    )
    reachable = Counter(pairs.shortage.tolist())
    table = Table(title="Supply and demand per specialty")
    for column in ("specialty", "seats", "holders", "eligible pairs", "seats reachable"):
        table.add_column(column, justify="left" if column == "specialty" else "right")
    for specialty in loaded.specialties:
        indices = [i for i, s in enumerate(loaded.shortages) if s.specialty == specialty.id]
        if not indices and not any(specialty.id in c.specialties for c in loaded.candidates):
            continue
        table.add_row(
            specialty.id,
            str(sum(loaded.shortages[i].seats for i in indices)),
            str(sum(specialty.id in c.specialties for c in loaded.candidates)),
            str(sum(reachable[i] for i in indices)),
            str(sum(loaded.shortages[i].seats for i in indices if reachable[i])),
        )
    out.print(table)
    unreachable = [s for i, s in enumerate(loaded.shortages) if not reachable[i]]
    if unreachable:
        out.print(f"[yellow]{len(unreachable)} shortage(s) no eligible candidate can reach:[/]")
        for s in unreachable:
            out.print(
                f"  {s.commune_id} {loaded.commune_by_id[s.commune_id].name} / {s.specialty} ({s.seats})"
            )


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
def solve(
    scenario: str, out_dir: str, time_limit: float, seed: int, workers: int, engine: str, force: bool
) -> None:
    """Find the best secondment plan and write it as a plan folder.

    \b
    Example:
      secondment solve scenarios/dien-bien-2025 --out plans/dien-bien --time-limit 30
    """
    from optimizer.solve import solve as optimise

    started = time.monotonic()
    loaded = _load(scenario)
    target = Path(out_dir)
    if target.is_dir() and any(target.iterdir()) and not force:
        err.print(f"[bold red]error:[/] {target} already holds files; pass --force to replace them")
        sys.exit(EXIT_BAD_INPUT)
    try:
        params = SolveParams(time_limit_s=time_limit, seed=seed, workers=workers, engine=engine)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with ProgressLine() as progress:
        plan = optimise(loaded, params, progress)
    extra = {}
    if plan.status == SolveStatus.INFEASIBLE:
        extra["diagnosis.json"] = json.dumps(
            [c.model_dump(mode="json") for c in plan.conflicts], ensure_ascii=False, indent=2
        )
    try:
        write_plan(plan, target, force=force, extra=extra)
    except (OutputExists, OSError) as error:
        err.print(f"[bold red]error:[/] cannot write the plan: {error}", markup=True)
        sys.exit(EXIT_BAD_INPUT)
    _summarise(loaded, plan, target, time.monotonic() - started)
    if plan.status == SolveStatus.INFEASIBLE:
        sys.exit(EXIT_INFEASIBLE)


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

    from optimizer.explain import Explainer, stage_values

    loaded = _load(scenario)
    path = Path(plan_dir) / "assignments.csv"
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        rows = list(zip(frame["candidate_id"], frame["commune_id"], frame["specialty"], strict=True))
    except (OSError, KeyError, ValueError) as error:
        err.print(f"[bold red]error:[/] cannot read {path}: {error}")
        sys.exit(EXIT_BAD_INPUT)
    params = SolveParams(time_limit_s=time_limit)
    if candidate_id is not None and candidate_id not in loaded.candidate_by_id:
        err.print(f"[bold red]error:[/] --candidate {candidate_id}: no such candidate in the scenario")
        sys.exit(EXIT_BAD_INPUT)
    explainer = Explainer(loaded, [tuple(r) for r in rows], params)
    if candidate_id is not None:
        _print_alternatives(explainer, candidate_id)
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
        seat = explainer.seat(s)
        shortage = seat.certificate.shortage
        name = loaded.commune_by_id[shortage.commune_id].name
        out.print(
            f"[bold]{shortage.commune_id} {name} / {shortage.specialty}[/]: "
            f"{seat.certificate.filled} of {shortage.seats} filled (priority {shortage.priority})"
        )
        out.print(f"  why: {seat.reason or 'nothing keeps it empty'}", markup=False)
        best = stage_values(explainer.optimum)
        for what_if in seat.what_ifs:
            gain = f"{what_if.seats_gained:+d} seat(s) here" if what_if.seats_gained else "no more seats here"
            moves = ", ".join(
                f"{k} {best.get(k)} → {v}" for k, v in what_if.stages.items() if v != best.get(k)
            )
            out.print(f"  if we {what_if.change}: {gain}; {moves or 'objectives unchanged'}", markup=False)


def _print_alternatives(explainer: object, candidate_id: str) -> None:
    """A table of a person's options and the stage values each would lead to."""
    from optimizer.explain import Explainer, stage_values

    assert isinstance(explainer, Explainer)
    best = stage_values(explainer.optimum)
    current = [
        k
        for k, v in explainer.certifier.seat_of.items()
        if explainer.scenario.candidates[k].id == candidate_id
    ]
    where = "not seconded"
    if current:
        seat = explainer.scenario.shortages[explainer.certifier.seat_of[current[0]]]
        where = f"{seat.commune_id}/{seat.specialty}"
    table = Table(title=f"{candidate_id} in the plan: {where}; each option re-solved with them held there")
    table.add_column("option")
    table.add_column("status")
    for name in best:
        table.add_column(f"{name} (optimum {best[name]})", justify="right")
    for option in explainer.candidate(candidate_id):
        cells = []
        for name, value in best.items():
            got = option.stages.get(name)
            cells.append("—" if got is None else f"{got} ({got - value:+.6g})")
        marker = " ◀ plan" if option.option == where else ""
        table.add_row(option.option + marker, option.status, *cells)
    out.print(table)


def _summarise(scenario: Scenario, plan: Plan, target: Path, seconds: float) -> None:
    """Print the plan's headline: status, stages, per-specialty fill, communes left short."""
    colour = {"OPTIMAL": "green", "FEASIBLE": "yellow"}.get(plan.status, "red")
    out.print(f"[bold]{scenario.name}[/]: [{colour}]{plan.status}[/] in {seconds:.1f} s → {target}")
    if plan.status == SolveStatus.INFEASIBLE:
        out.print("[red]These hard rules cannot all hold (drop or relax any one of them):[/]")
        for conflict in plan.conflicts:
            out.print(f"  {conflict.rule} {conflict.item}: {conflict.detail}", markup=False)
        return
    for stage in plan.objectives:
        proof = "proven" if stage.proven else "not proven"
        out.print(f"  {stage.name}: {stage.value} (bound {stage.bound}, {proof})", markup=False)
    demanded: Counter[str] = Counter()
    for shortage in scenario.shortages:
        demanded[shortage.specialty] += shortage.seats
    filled = Counter(a.specialty for a in plan.assignments)
    table = Table(title="Seats per specialty")
    for column in ("specialty", "demanded", "filled", "missing"):
        table.add_column(column, justify="left" if column == "specialty" else "right")
    for specialty in sorted(demanded):
        table.add_row(
            specialty,
            str(demanded[specialty]),
            str(filled[specialty]),
            str(demanded[specialty] - filled[specialty]),
        )
    kpis = plan.kpis
    table.add_row(
        "total",
        str(kpis.seats_demanded),
        str(kpis.seats_filled),
        str(kpis.seats_demanded - kpis.seats_filled),
        style="bold",
    )
    out.print(table)
    out.print(
        f"{kpis.people_seconded} people seconded · {kpis.total_km:,.1f} km in total "
        f"(longest {kpis.max_km:,.1f} km) · {kpis.communes_left_short} of "
        f"{kpis.communes_with_demand} communes left short"
    )
    short = sorted({u.commune_name or u.commune_id for u in plan.unfilled})
    if short:
        out.print("Left short: " + ", ".join(short), markup=False)


def run() -> None:
    """Console entry point: a bug is reported in one line, never as a traceback."""
    try:
        main()
    except Exception as error:
        err.print(
            f"internal error: {type(error).__name__}: {error}; please report it with the scenario",
            markup=False,
        )
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    run()
