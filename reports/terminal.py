"""What the command line prints: the live progress line, summaries, explanations, tables."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from i18n import _
from i18n.names import objective_name
from models.plan import Conflict, Plan, SolveStatus
from models.scenario import Scenario

if TYPE_CHECKING:
    from commands.reading import Audited, Explained, Levered
    from optimizer.eligibility import Pairs
    from optimizer.explain import Explainer, SeatExplanation
    from optimizer.levers import Lever

out = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)


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
        line = f"⏳ {objective_name(self.stage)}"
        if self.objective is not None:
            line += " · " + _("objective {value:,.6g} · bound {bound:,.6g}").format(
                value=self.objective, bound=self.bound
            )
        return Text(f"{line} · {elapsed:.1f} s", style="cyan")


def print_supply(loaded: Scenario, pairs: Pairs, feasible: bool = True) -> None:
    """validate's summary: counts, supply against demand per specialty (within the release caps),
    seats nobody can reach."""
    from optimizer.rules.pair_view import is_available

    verdict = _("valid") if feasible else _("valid files, but the hard rules conflict (see below)")
    out.print(f"[bold]{escape(loaded.name)}[/]: {escape(verdict)}", markup=True)
    out.print(
        _(
            "{communes} communes · {shortages} shortages ({seats} seats) · {candidates} candidates "
            "({available} available) · {agencies} agencies · {pins} pins · {forbids} forbids · "
            "{pairs:,} eligible pairs"
        ).format(
            communes=len(loaded.communes),
            shortages=len(loaded.shortages),
            seats=sum(s.seats for s in loaded.shortages),
            candidates=len(loaded.candidates),
            available=sum(is_available(loaded, c) for c in loaded.candidates),
            agencies=len(loaded.agencies),
            pins=len(loaded.pins),
            forbids=len(loaded.forbid),
            pairs=len(pairs),
        )
    )
    if loaded.boundaries:
        out.print(
            _("map outlines for {outlined} of {communes} communes (the others are drawn as points)").format(
                outlined=len(loaded.boundaries), communes=len(loaded.communes)
            )
        )
    reachable = Counter(pairs.shortage.tolist())
    eligible_people: dict[str, set[int]] = {}
    for c, s in zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True):
        eligible_people.setdefault(loaded.shortages[s].specialty, set()).add(c)
    table = Table(title=_("Supply and demand per specialty"))
    for column in (
        _("specialty"),
        _("seats"),
        _("holders"),
        _("pairs"),
        _("reachable"),
        _("releasable"),
    ):
        table.add_column(column, justify="left" if column == _("specialty") else "right", no_wrap=True)
    for specialty in loaded.specialties:
        indices = [i for i, s in enumerate(loaded.shortages) if s.specialty == specialty.id]
        if not indices and not any(specialty.id in c.specialties for c in loaded.candidates):
            continue
        table.add_row(
            escape(specialty.id),
            str(sum(loaded.shortages[i].seats for i in indices)),
            str(sum(specialty.id in c.specialties for c in loaded.candidates)),
            str(sum(reachable[i] for i in indices)),
            str(sum(loaded.shortages[i].seats for i in indices if reachable[i])),
            str(_releasable(loaded, eligible_people.get(specialty.id, set()))),
        )
    out.print(table)
    total = sum(a.max_release for a in loaded.agencies)
    out.print(
        _(
            "pairs: eligible candidate x shortage pairs; reachable: seats some eligible person can take; "
            "releasable: eligible people the release caps let go. "
            "In all the agencies release at most {total} for {seats} seats."
        ).format(total=total, seats=sum(s.seats for s in loaded.shortages)),
        markup=False,
    )
    unreachable = [s for i, s in enumerate(loaded.shortages) if not reachable[i]]
    if unreachable:
        unreached = _("{count} shortage(s) no eligible candidate can reach:").format(count=len(unreachable))
        out.print(f"[yellow]{escape(unreached)}[/]")
        for s in unreachable:
            out.print(
                f"  {s.commune_id} {loaded.commune_by_id[s.commune_id].name} / {s.specialty} ({s.seats})",
                markup=False,
            )


def _releasable(loaded: Scenario, people: set[int]) -> int:
    """How many of these people their agencies' release caps let go at most."""
    per_agency = Counter(loaded.candidates[c].agency_id for c in people)
    return sum(min(n, loaded.agency_by_id[a].max_release) for a, n in per_agency.items())


def print_conflicts(scenario: Scenario, conflicts: tuple[Conflict, ...] | list[Conflict]) -> None:
    """Every conflict set, the headline in red."""
    from reports.conflict_lines import conflict_lines

    lines = conflict_lines(scenario, conflicts)
    out.print(lines[0], style="red", markup=False)
    for line in lines[1:]:
        out.print(line, style="bold" if not line.startswith(" ") else None, markup=False)


def print_levers(scenario: Scenario, found: list[Lever], top: int) -> None:
    """The changes that buy the most, numbered, best first."""
    from optimizer.levers import describe

    if not found:
        out.print(_("No single change a planner controls buys anything."), markup=False)
        return
    if found[0].feasible:
        out.print(_("Each of these single changes alone gives a plan:"), style="bold", markup=False)
    out.print(
        _("{count} single change(s) buy something; the best {shown}, each re-solved exactly:").format(
            count=len(found), shown=min(top, len(found))
        ),
        style="bold",
        markup=False,
    )
    for n, lever in enumerate(found[:top], start=1):
        out.print(f"{n:>3}. {describe(scenario, lever)}", markup=False)


def print_seat(explainer: Explainer, seat: SeatExplanation) -> None:
    """One empty seat in two or three lines: the cause, and the change that fills it."""
    shortage = seat.certificate.shortage
    name = explainer.scenario.commune_by_id[shortage.commune_id].name
    out.print(
        _("{commune} {name} / {specialty}: {filled} of {seats} filled (priority {priority})").format(
            commune=shortage.commune_id,
            name=name,
            specialty=shortage.specialty,
            filled=seat.certificate.filled,
            seats=shortage.seats,
            priority=shortage.priority,
        ),
        markup=False,
        style="bold",
    )
    out.print(_("  why: {reason}").format(reason=seat.reason or _("nothing keeps it empty")), markup=False)
    if seat.fix:
        out.print(_("  fix: {change}").format(change=seat.fix), markup=False)


def print_alternatives(explainer: Explainer, candidate_id: str) -> None:
    """A table of a person's options and the stage values each would lead to."""
    from optimizer.explain import stage_values

    best = stage_values(explainer.optimum)
    c = explainer.scenario.candidate_index.get(candidate_id, -1)
    seats = [explainer.scenario.shortages[s] for s in explainer.certifier.seats_of.get(c, [])]
    where = _("not seconded")
    if seats:
        where = f"{seats[0].commune_id}/" + " + ".join(seat.specialty for seat in seats)
    title = _("{candidate} in the plan: {where}; each option re-solved with them held there")
    table = Table(title=title.format(candidate=candidate_id, where=where))
    table.add_column(_("option"))
    table.add_column(_("status"))
    for name in best:
        label = _("{name} (optimum {value})").format(name=objective_name(name), value=best[name])
        table.add_column(label, justify="right")
    for option in explainer.candidate(candidate_id):
        cells = []
        for name, value in best.items():
            got = option.stages.get(name)
            cells.append("—" if got is None else f"{got} ({got - value:+.6g})")
        marker = " ◀ " + _("plan") if option.option == where else ""
        table.add_row(option.option + marker, option.status, *cells)
    out.print(table)


def print_summary(scenario: Scenario, plan: Plan, target: Path, seconds: float) -> None:
    """Print the plan's headline: status, stages, per-specialty fill, communes left short."""
    colour = {"OPTIMAL": "green", "FEASIBLE": "yellow"}.get(plan.status, "red")
    took = _("in {seconds:.1f} s").format(seconds=seconds)
    headline = f"[{colour}]{plan.status}[/] {escape(took)} → {escape(str(target))}"
    out.print(f"[bold]{escape(scenario.name)}[/]: {headline}")
    if plan.status == SolveStatus.UNKNOWN:
        none_found = _("No plan was found within the time limit: give it more time (--time-limit).")
        out.print(f"[red]{escape(none_found)}[/]")
    if plan.status == SolveStatus.INFEASIBLE:
        print_conflicts(scenario, plan.conflicts)
        return
    for stage in plan.objectives:
        proof = (
            _("proven") if stage.proven else _("not proven, {gap}").format(gap=gap(stage.value, stage.bound))
        )
        line = _("{name}: {value} (bound {bound}, {proof})").format(
            name=objective_name(stage.name), value=stage.value, bound=stage.bound, proof=proof
        )
        out.print(f"  {line}", markup=False)
    if plan.broken:
        out.print(
            _("{count} softened rule(s) broken, the fewest any plan can (details in plan.json):").format(
                count=len(plan.broken)
            ),
            style="yellow",
            markup=False,
        )
        for item in plan.broken:
            out.print(f"  {item.rule} {item.item}", markup=False)
    demanded: Counter[str] = Counter()
    for shortage in scenario.shortages:
        demanded[shortage.specialty] += shortage.seats
    filled = Counter(a.specialty for a in plan.assignments)
    table = Table(title=_("Seats per specialty"))
    for n, column in enumerate((_("specialty"), _("demanded"), _("filled"), _("missing"))):
        table.add_column(column, justify="left" if n == 0 else "right")
    for specialty in sorted(demanded):
        table.add_row(
            escape(specialty),
            str(demanded[specialty]),
            str(filled[specialty]),
            str(demanded[specialty] - filled[specialty]),
        )
    kpis = plan.kpis
    table.add_row(
        _("total"),
        str(kpis.seats_demanded),
        str(kpis.seats_filled),
        str(kpis.seats_demanded - kpis.seats_filled),
        style="bold",
    )
    out.print(table)
    out.print(
        _(
            "{people} people seconded · {km:,.1f} km in total (longest {longest:,.1f} km) · "
            "{short} of {communes} communes left short"
        ).format(
            people=kpis.people_seconded,
            km=kpis.total_km,
            longest=kpis.max_km,
            short=kpis.communes_left_short,
            communes=kpis.communes_with_demand,
        ),
        markup=False,
    )
    short = sorted({u.commune_name or u.commune_id for u in plan.unfilled})
    if short:
        out.print(_("Left short: {communes}").format(communes=", ".join(short)), markup=False)


def gap(value: float, bound: float | None) -> str:
    """How far a stage's value may be from its optimum, relative to the bound."""
    if bound is None:
        return _("no bound known")
    return _("gap {gap:.1%}").format(gap=abs(bound - value) / max(abs(bound), 1e-9))


def print_audit(audited: Audited) -> None:
    """audit's result: the objectives recomputed beside plan.json's claims, then every violation."""
    figures = Table(title=_("Objectives recomputed from assignments.csv"))
    figures.add_column(_("objective"))
    figures.add_column(_("recomputed"), justify="right")
    figures.add_column(_("plan.json claims"), justify="right")
    claimed = audited.claimed
    for name, value in audited.recomputed.items():
        shown = "" if claimed.get(name) is None else f"{claimed[name]:,.6g}"
        figures.add_row(objective_name(name), f"{value:,.6g}", shown)
    out.print(figures)
    if audited.broken:
        title = _("{count} softened rule(s) broken, as the scenario allows (not violations)")
        softened = Table(title=escape(title.format(count=len(audited.broken))))
        for column in (_("rule"), _("item"), _("detail")):
            softened.add_column(column, overflow="fold")
        for v in audited.broken:
            softened.add_row(v.rule, v.subject, v.detail)
        out.print(softened)
    if not audited.violations:
        message = _("{folder}: no violation of the hard rules, KPIs or provenance")
        out.print(message.format(folder=audited.folder), style="green", markup=False)
        return
    title = _("{count} violation(s) in {folder}").format(count=len(audited.violations), folder=audited.folder)
    table = Table(title=escape(title))
    for column in (_("rule"), _("subject"), _("detail")):
        table.add_column(column, overflow="fold")
    for v in audited.violations:
        table.add_row(Text(v.rule), Text(v.subject), Text(v.detail))
    out.print(table)


def print_explanation(explained: Explained) -> None:
    """explain's result: a person's alternatives; or the levers, then each empty seat asked about
    (for a scenario with no plan: its conflicts and the changes that give one)."""
    explainer = explained.explainer
    if explained.candidate_id is not None:
        print_alternatives(explainer, explained.candidate_id)
        return
    if explainer.optimum.status == SolveStatus.INFEASIBLE:
        print_conflicts(explainer.scenario, explainer.optimum.conflicts)
        print_levers(explainer.scenario, explained.levers, explained.top)
        return
    if not explained.shortages:
        out.print(_("Every seat is filled."))
        return
    print_levers(explainer.scenario, explained.levers, explained.top)
    for s in explained.shortages:
        print_seat(explainer, explainer.seat(s, explained.levers))


def print_levered(levered: Levered) -> None:
    """levers' result: the plan and the optimum side by side, then the changes that buy the most."""
    optimum = levered.optimum
    if optimum.status == SolveStatus.INFEASIBLE:
        print_conflicts(levered.scenario, optimum.conflicts)
    else:
        line = _("{name}: the plan fills {plan} seat(s); the optimum {optimum} of {demanded}")
        out.print(
            line.format(
                name=levered.scenario.name,
                plan=levered.seats_in_plan,
                optimum=optimum.kpis.seats_filled,
                demanded=optimum.kpis.seats_demanded,
            ),
            markup=False,
        )
    print_levers(levered.scenario, levered.levers, levered.top)
