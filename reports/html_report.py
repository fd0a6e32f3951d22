"""The plan report: one HTML file with the headline, map, heat map, distances, release and policy."""

from __future__ import annotations

from html import escape

from models.scenario import Scenario
from reports import charts
from reports.html_page import cards, definitions, figure, page, table, warning
from reports.metrics import headline
from reports.plan_data import PlanData
from reports.sheets import policy_lines


def report_html(plan: PlanData, scenario: Scenario) -> str:
    """The whole report of a plan read with its scenario."""
    body = [_header(plan, scenario)]
    if plan.conflicts:
        body.append("<h2>Conflicting hard rules</h2>")
        body.append(
            table(
                ["rule", "item", "detail"],
                [[c.get("rule"), c.get("item"), c.get("detail")] for c in plan.conflicts],
            )
        )
    body += [
        "<h2>Map</h2>",
        "<p>Colour: share of the commune's demanded seats that are filled; size: seats demanded; "
        "diamonds with a dark outline: border communes; squares: agencies; lines: one per person "
        "seconded, from where they travel from to their commune (click a legend entry to hide it).</p>",
        figure(charts.map_figure(plan, scenario), "map"),
        "<h2>Commune × specialty</h2>",
        figure(charts.heatmap_figure(plan, scenario), "heatmap"),
        '<div class="row">',
        figure(charts.specialty_figure(plan), "specialties"),
        figure(charts.distance_figure(plan, scenario), "distances"),
        "</div>",
        figure(charts.agency_figure(plan), "agencies"),
        "<h2>Objective stages</h2>",
        _stages(plan),
        f"<h2>Unfilled seats ({int(plan.shortages['missing'].sum())})</h2>",
        _unfilled(plan),
        "<h2>Policy</h2>",
        definitions(policy_lines(scenario, plan.pseudonyms)),
    ]
    return page(f"{scenario.name} — secondment plan", "\n".join(body))


def _header(plan: PlanData, scenario: Scenario) -> str:
    """Title, status, warnings and the headline figures as cards."""
    figures = headline(plan)
    proven = plan.status == "OPTIMAL"
    status = f'<span class="{"ok" if proven else "bad"}">{escape(plan.status)}</span>'
    parts = [
        f"<h1>{escape(scenario.name)}</h1>",
        f'<p class="sub">Secondment plan {escape(str(plan.folder))} · status {status}'
        f" · scenario {scenario.sha256[:12]}"
        + (
            f" · made {escape(str(plan.provenance['created_at']))}"
            if plan.provenance.get("created_at")
            else ""
        )
        + (f" · {escape(str(plan.provenance['solver']))}" if plan.provenance.get("solver") else "")
        + "</p>",
    ]
    if scenario.description:
        parts.append(f"<p>{escape(scenario.description)}</p>")
    if plan.scenario_sha256 and plan.scenario_sha256 != scenario.sha256:
        parts.append(
            warning(
                f"This plan was made from another scenario (hash {plan.scenario_sha256[:12]}) than the one "
                f"shown here ({scenario.sha256[:12]}): seats and rules may not match."
            )
        )
    parts += [warning(note) for note in plan.notes]
    parts.append(
        cards(
            [
                ("seats filled", f"{figures['seats_filled']} / {figures['seats_demanded']}"),
                ("coverage", f"{figures['coverage_pct']:.1f}%"),
                ("people seconded", str(figures["people_seconded"])),
                (
                    "communes left short",
                    f"{figures['communes_left_short']} / {figures['communes_with_demand']}",
                ),
                ("communes with nothing filled", str(figures["communes_with_nothing_filled"])),
                ("worst commune's filled share", f"{figures['worst_commune_share']:.0%}"),
                ("Gini of communes' shares", f"{figures['gini_of_commune_shares']:.3f}"),
                ("total travel", f"{figures['total_km']:,.0f} km"),
                ("longest travel", f"{figures['longest_km']:,.0f} km"),
            ]
        )
    )
    return "\n".join(parts)


def _stages(plan: PlanData) -> str:
    """The objective stages in priority order with their proofs."""
    if not plan.objectives:
        return "<p>No objective stage was recorded.</p>"
    rows = [
        [
            s.get("name", ""),
            s.get("sense", ""),
            s.get("value", ""),
            "" if s.get("bound") is None else s["bound"],
            "yes" if s.get("proven") else "no",
            s.get("source", ""),
        ]
        for s in plan.objectives
    ]
    return table(["stage", "sense", "value", "proven bound", "proven", "from"], rows, scroll=False)


def _unfilled(plan: PlanData) -> str:
    """Every shortage left short, with the reason recorded by the solver."""
    short = plan.shortages[plan.shortages["missing"] > 0]
    if short.empty:
        return "<p>Every seat is filled.</p>"
    rows = [
        [f"{r.commune_name} ({r.commune_id})", r.specialty, r.seats, r.filled, r.missing, r.reason]
        for r in short.itertuples()
    ]
    return table(["commune", "specialty", "seats", "filled", "missing", "why"], rows)
