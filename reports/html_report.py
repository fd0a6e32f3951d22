"""The plan report: one HTML file a provincial leader reads at a glance, then the details."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import N_, _
from i18n.names import objective_name
from models.scenario import Scenario
from reports import charts
from reports.html_page import Cell, cards, definitions, figure, page, table, warning
from reports.maps import plan_map
from reports.metrics import by_agency, headline
from reports.plan_data import PlanData
from reports.readable import Names
from reports.round_changes import round_html
from reports.safe import markup, shown
from reports.sheets import policy_lines


def report_html(plan: PlanData, scenario: Scenario, levers: Sequence[str] = ()) -> str:
    """The whole report of a plan read with its scenario (and the changes that buy the most, in words)."""
    names = Names(scenario)
    body = [_header(plan, scenario)]
    if plan.conflicts:
        body.append(f"<h2>{shown(_('Conflicting hard rules'))}</h2>")
        body.append(
            table(
                [_("rule"), _("item"), _("detail")],
                [
                    [c.get("rule"), c.get("item"), names.readable(str(c.get("detail", "")))]
                    for c in plan.conflicts
                ],
            )
        )
    if plan.broken:
        heading = _("Softened rules broken ({count})").format(count=len(plan.broken))
        body.append(f"<h2>{shown(heading)}</h2>")
        note = _("Pins and floors the scenario softened and this plan could not keep, with why.")
        body.append(f"<p>{shown(note)}</p>")
        body.append(
            table(
                [_("rule"), _("item"), _("why")],
                [
                    [b.get("rule"), b.get("item"), names.readable(str(b.get("detail", "")))]
                    for b in plan.broken
                ],
            )
        )
    body += [
        f"<h2>{shown(_('Map'))}</h2>",
        f"<p>{shown(_(_MAP_NOTE))}</p>",
        figure(plan_map(plan, scenario), "map", wide=True),
        f"<h2>{shown(_('Who goes where'))}</h2>",
        _people(plan, names),
        f"<h2>{shown(_('What limits the plan'))}</h2>",
        _levers(levers),
        figure(charts.agency_figure(plan), "agencies"),
        f"<h3>{shown(_('Unfilled seats ({count})').format(count=int(plan.shortages['missing'].sum())))}</h3>",
        _unfilled(plan, names),
        f"<h2>{shown(_('Commune × specialty'))}</h2>",
        figure(charts.heatmap_figure(plan, scenario), "heatmap"),
        '<div class="row">',
        figure(charts.specialty_figure(plan), "specialties"),
        figure(charts.distance_figure(plan, scenario), "distances"),
        "</div>",
        f"<h2>{shown(_('Objective stages'))}</h2>",
        _stages(plan),
        *round_html(plan, scenario),
        f"<h2>{shown(_('Policy'))}</h2>",
        definitions(policy_lines(scenario, plan.pseudonyms)),
    ]
    return page(_("{name} — secondment plan").format(name=scenario.name), "\n".join(body))


_MAP_NOTE = N_(
    "Colour: share of each commune's demanded seats that are filled (grey: no shortage). Thick purple "
    "outline: border communes. Squares: agencies. Lines: one per agency and commune, as wide as the "
    "people on it, green to communes fully filled, brown to communes left short. Hover for names; "
    "names that would overlap are left to the hover text."
)


def _header(plan: PlanData, scenario: Scenario) -> str:
    """Title, status, warnings and the headline figures as cards."""
    figures = headline(plan)
    proven = plan.status == "OPTIMAL"
    status = f'<span class="{"ok" if proven else "bad"}">{shown(plan.status)}</span>'
    facts = [
        markup(_("Secondment plan {folder}"), folder=plan.folder),
        _("status {status}").format(status=status),
    ]
    facts.append(markup(_("scenario {digest}"), digest=scenario.sha256[:12]))
    if plan.provenance.get("created_at"):
        facts.append(markup(_("made {when}"), when=plan.provenance["created_at"]))
    if plan.provenance.get("solver"):
        facts.append(shown(plan.provenance["solver"]))
    parts = [f"<h1>{shown(scenario.name)}</h1>", f'<p class="sub">{" · ".join(facts)}</p>']
    if scenario.description:
        parts.append(f"<p>{shown(scenario.description)}</p>")
    if plan.scenario_sha256 and plan.scenario_sha256 != scenario.sha256:
        parts.append(
            warning(
                _(
                    "This plan was made from another scenario (hash {plan}) than the one shown here "
                    "({shown}): seats and rules may not match."
                ).format(plan=plan.scenario_sha256[:12], shown=scenario.sha256[:12])
            )
        )
    parts += [warning(note) for note in plan.notes]
    agencies = by_agency(plan)
    at_cap = int((agencies["released"] >= agencies["max_release"]).sum())
    parts.append(
        cards(
            [
                (_("seats filled"), f"{figures['seats_filled']} / {figures['seats_demanded']}"),
                (_("coverage"), f"{figures['coverage_pct']:.1f}%"),
                (_("people seconded"), str(figures["people_seconded"])),
                (
                    _("communes left short"),
                    f"{figures['communes_left_short']} / {figures['communes_with_demand']}",
                ),
                (_("communes with nothing filled"), str(figures["communes_with_nothing_filled"])),
                (_("worst commune's filled share"), f"{figures['worst_commune_share']:.0%}"),
                (_("agencies at their release cap"), f"{at_cap} / {len(agencies)}"),
                (_("total travel"), f"{figures['total_km']:,.0f} km"),
                (_("longest travel"), f"{figures['longest_km']:,.0f} km"),
            ]
        )
    )
    return "\n".join(parts)


def _people(plan: PlanData, names: Names) -> str:
    """Everyone seconded, grouped by commune: a searchable, sortable table."""
    if plan.assignments.empty:
        return f"<p>{shown(_('Nobody is seconded.'))}</p>"
    people = (
        plan.assignments.groupby(["commune_id", "candidate_id"], sort=False)
        .agg(
            commune_name=("commune_name", "first"),
            candidate_name=("candidate_name", "first"),
            agency_id=("agency_id", "first"),
            specialties=("specialty", lambda s: ", ".join(names.specialty(x) for x in sorted(s))),
            km=("distance_km", "first"),
        )
        .reset_index()
        .sort_values(["commune_name", "commune_id", "candidate_name", "candidate_id"], kind="stable")
    )
    rows, starts, previous = [], [], None
    for r in people.itertuples():
        rows.append(
            [
                f"{r.commune_name} ({r.commune_id})",
                f"{r.candidate_name} ({r.candidate_id})",
                names.agency(r.agency_id),
                r.specialties,
                Cell(f"{r.km:.0f}" if r.km == r.km else "–", sort="" if r.km != r.km else round(r.km, 1)),
            ]
        )
        starts.append(r.commune_id != previous)
        previous = r.commune_id
    headers = [_("commune"), _("person"), _("agency"), _("field(s)"), _("km")]
    return table(headers, rows, table_id="people", groups=starts)


def _stages(plan: PlanData) -> str:
    """The objective stages in priority order with their proofs."""
    if not plan.objectives:
        return f"<p>{shown(_('No objective stage was recorded.'))}</p>"
    rows = [
        [
            objective_name(str(s.get("name", ""))),
            s.get("sense", ""),
            s.get("value", ""),
            "" if s.get("bound") is None else s["bound"],
            _("yes") if s.get("proven") else _("no"),
            s.get("source", ""),
        ]
        for s in plan.objectives
    ]
    headers = [_("stage"), _("sense"), _("value"), _("proven bound"), _("proven"), _("from")]
    return table(headers, rows, scroll=False)


def _levers(levers: Sequence[str]) -> str:
    """The single changes that buy the most, best first, each re-solved exactly (nothing if none)."""
    if not levers:
        return ""
    heading = _("The {count} change(s) that buy the most").format(count=len(levers))
    note = _("Each is one change a planner controls, re-solved exactly against the optimum as it is.")
    items = "".join(f"<li>{shown(line)}</li>" for line in levers)
    return f"<h3>{shown(heading)}</h3><p>{shown(note)}</p><ol>{items}</ol>"


def _unfilled(plan: PlanData, names: Names) -> str:
    """Every shortage left short, worst commune first, with the cause in words and names."""
    short = plan.shortages[plan.shortages["missing"] > 0]
    if short.empty:
        return f"<p>{shown(_('Every seat is filled.'))}</p>"
    short = short.sort_values(["missing", "commune_name", "specialty"], ascending=[False, True, True])
    rows = [
        [
            r.commune_name or r.commune_id,
            names.specialty(r.specialty),
            r.seats,
            r.filled,
            r.missing,
            names.readable(r.reason),
        ]
        for r in short.itertuples()
    ]
    headers = [_("commune"), _("field"), _("seats"), _("filled"), _("missing"), _("why")]
    return table(headers, rows, table_id="unfilled")
