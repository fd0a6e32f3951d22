"""The comparison of two plans as one self-contained HTML page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from i18n import _
from reports.charts import FILLED_COLOUR, MISSING_COLOUR, styled
from reports.compare import Comparison, effective_hash
from reports.console import delta, number, percent, post
from reports.html_page import Cell, definitions, figure, page, table, warning
from reports.maps import change_map
from reports.readable import Names
from reports.safe import lines, markup, shown
from reports.scenario_diff import counts

A_COLOUR = "#9ecae1"


def comparison_html(comparison: Comparison) -> str:
    """Plans, scenario check, headline, stages, people, and per specialty, commune and agency."""
    a, b = comparison.a, comparison.b
    facts = [
        (
            _("plan {side}").format(side=side),
            f"{plan.folder} · {plan.status} · {plan.scenario_name} · {effective_hash(plan) or '?'}",
        )
        for side, plan in (("A", a), ("B", b))
    ]
    note = comparison.scenario_note
    scenario = b.scenario or a.scenario
    names = Names(scenario) if scenario else None
    body = [
        f"<h1>{shown(_('Secondment plans compared'))}</h1>",
        definitions(facts),
        f'<p class="ok">{shown(note)}</p>' if comparison.same_scenario else warning(note),
        *(warning(f"{side}: {n}") for side, plan in (("A", a), ("B", b)) for n in plan.notes),
        *_audits(comparison),
        *_scenario_section(comparison),
        f"<h2>{shown(_('Headline (Δ = B − A)'))}</h2>",
        table(
            [_("figure"), "A", "B", "Δ", _("better or worse")],
            [
                [
                    _(r.label),
                    number(r.a, 4 if "share" in r.figure or "gini" in r.figure else 1),
                    number(r.b, 4 if "share" in r.figure or "gini" in r.figure else 1),
                    Cell(
                        delta(r.delta, 4 if "share" in r.figure or "gini" in r.figure else 1), css=r.verdict
                    ),
                    Cell(_(r.verdict), css=r.verdict),
                ]
                for r in comparison.summary.itertuples()
            ],
            scroll=False,
        ),
        *_change_map(comparison),
        f"<h2>{shown(_('Objective stages'))}</h2>",
        table(
            [_("stage"), _("sense"), "A", "B", "Δ", _("better"), _("A from"), _("B from")],
            [
                [
                    r.stage,
                    r.sense,
                    number(r.a, 3),
                    number(r.b, 3),
                    delta(r.delta, 3),
                    r.better,
                    r.source_a,
                    r.source_b,
                ]
                for r in comparison.objectives.itertuples()
            ],
            scroll=False,
        ),
        f"<h2>{shown(_counts(comparison))}</h2>",
        _people(comparison),
        '<div class="row">',
        figure(_specialty_figure(comparison.by_specialty), "specialties"),
        figure(_commune_figure(comparison.by_commune), "communes"),
        "</div>",
        f"<h2>{shown(_('Seats per commune'))}</h2>",
        _communes(comparison.by_commune),
        f"<h2>{shown(_('Release per agency'))}</h2>",
        table(
            [_("agency"), _("released A"), _("released B"), "Δ", _("max release")],
            [
                [
                    f"{r.agency_id} {r.agency_name}",
                    r.released_a,
                    r.released_b,
                    delta(r.delta),
                    number(r.max_release),
                ]
                for r in comparison.by_agency.itertuples()
            ],
        ),
        f"<h2>{shown(_('Unfilled seats'))}</h2>",
        table(
            [_("commune"), _("specialty"), _("missing A"), _("missing B"), "Δ", _("why (B)")],
            [
                [
                    f"{r.commune_name} ({r.commune_id})",
                    r.specialty,
                    r.missing_a,
                    r.missing_b,
                    delta(r.delta),
                    names.readable(r.reason_b) if names else r.reason_b,
                ]
                for r in comparison.unfilled.itertuples()
            ],
        ),
    ]
    return page(_("Secondment plans compared"), "\n".join(body))


def _counts(comparison: Comparison) -> str:
    return _("People: {added} added, {removed} removed, {moved} moved, {unchanged} unchanged").format(
        added=comparison.count("added"),
        removed=comparison.count("removed"),
        moved=comparison.count("moved"),
        unchanged=comparison.unchanged,
    )


def _people(comparison: Comparison) -> str:
    """Everyone added, removed or moved, from which post to which."""
    if comparison.changes.empty:
        return f"<p>{shown(_('Nobody was added, removed or moved.'))}</p>"
    rows = [
        [
            r.change,
            f"{r.candidate_id} {r.candidate_name}",
            r.agency_id,
            post(r.from_commune_id, r.from_commune_name, r.from_specialty),
            post(r.to_commune_id, r.to_commune_name, r.to_specialty),
            f"{number(r.from_km)} → {number(r.to_km)}",
        ]
        for r in comparison.changes.itertuples()
    ]
    headers = [_("change"), _("person"), _("agency"), _("from"), _("to"), _("km")]
    return table(headers, rows, table_id="changes")


def _communes(frame: pd.DataFrame) -> str:
    rows = [
        [
            f"{r.commune_name} ({r.commune_id})",
            r.demanded_a,
            r.filled_a,
            percent(r.share_a),
            r.demanded_b,
            r.filled_b,
            percent(r.share_b),
            delta(r.delta_filled),
        ]
        for r in frame.itertuples()
    ]
    headers = [_("commune"), _("demanded A"), _("filled A"), _("share A"), _("demanded B"), _("filled B")]
    return table([*headers, _("share B"), "Δ"], rows, table_id="communes-compared")


def _specialty_figure(frame: pd.DataFrame) -> go.Figure:
    """Filled seats per specialty in A and B, with the demand of B as a marker."""
    fig = go.Figure(
        [
            go.Bar(x=frame["specialty"], y=frame["filled_a"], name="filled in A", marker={"color": A_COLOUR}),
            go.Bar(
                x=frame["specialty"], y=frame["filled_b"], name="filled in B", marker={"color": FILLED_COLOUR}
            ),
            go.Scatter(
                x=frame["specialty"],
                y=frame["demanded_b"],
                mode="markers",
                name="demanded (B)",
                marker={"symbol": "line-ew-open", "size": 26, "color": "#252525", "line": {"width": 2}},
            ),
        ]
    )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return styled(fig, "Filled seats per specialty", 400)


def _commune_figure(frame: pd.DataFrame) -> go.Figure:
    """Change in filled seats for each commune whose seats changed."""
    changed = frame[frame["delta_filled"] != 0]
    fig = go.Figure(
        go.Bar(
            x=changed["delta_filled"],
            y=changed["commune_name"],
            orientation="h",
            marker={"color": [FILLED_COLOUR if d > 0 else MISSING_COLOUR for d in changed["delta_filled"]]},
            name="Δ filled",
        )
    )
    fig.update_yaxes(automargin=True, autorange="reversed")
    fig.update_xaxes(title="filled seats, B − A", zeroline=True, zerolinecolor="#555", dtick=1)
    return styled(
        fig, f"Communes whose filled seats changed ({len(changed)})", max(300, 26 * len(changed) + 140)
    )


def _audits(comparison: Comparison) -> list[str]:
    """Each plan's audit: broken hard rules as a red warning, or why it was not audited."""
    parts = []
    for side, audit in zip(("A", "B"), comparison.audits, strict=True):
        if audit is None:
            parts.append(
                warning(_("{side}: not audited (give --scenario to check its hard rules)").format(side=side))
            )
            continue
        if audit.hard:
            title = _("Plan {side} BREAKS {count} hard rule(s)").format(side=side, count=len(audit.hard))
            parts.append(f'<p class="bad">{shown(title)}</p>')
            parts.append(
                table(
                    [_("rule"), _("where"), _("detail")], [[v.rule, v.subject, v.detail] for v in audit.hard]
                )
            )
        else:
            holds = _("Plan {side}: every hard rule holds (audited)").format(side=side)
            parts.append(f'<p class="ok">{shown(holds)}</p>')
        if audit.claims:
            parts.append(
                warning(
                    _("{side}: {count} figure(s) in its files not borne out by its assignments").format(
                        side=side, count=len(audit.claims)
                    )
                )
            )
    return parts


def _scenario_section(comparison: Comparison) -> list[str]:
    """What differs between the two scenarios: counts per part, then every difference."""
    frame = comparison.scenario_changes
    if frame is None or frame.empty:
        return []
    summary = counts(frame)
    return [
        f"<h2>{shown(_('What differs between the scenarios (A → B)'))}</h2>",
        table(
            [_("part"), _("added"), _("removed"), _("changed")],
            [[r.part, r.added, r.removed, r.changed] for r in summary.itertuples()],
            scroll=False,
        ),
        table(
            [_("part"), _("key"), _("column"), _("change"), "A", "B"],
            [[r.part, r.key, r.column, _(r.change), r.a, r.b] for r in frame.itertuples()],
            table_id="scenario-changes",
        ),
    ]


def _change_map(comparison: Comparison) -> list[str]:
    """Communes coloured by the change in filled seats, when a scenario gives their places."""
    scenario = comparison.b.scenario or comparison.a.scenario
    if scenario is None:
        return []
    frame = comparison.by_commune.set_index("commune_id")
    delta = {c: float(v) for c, v in frame["delta_filled"].items()}
    moved = comparison.changes
    hover = {}
    for commune in scenario.communes:
        parts = [markup("<b>{name}</b> ({id})", name=commune.name, id=commune.id)]
        if commune.id in frame.index:
            row = frame.loc[commune.id]
            parts.append(
                markup(
                    _("filled {a} of {demanded_a} in A, {b} of {demanded_b} in B"),
                    a=int(row["filled_a"]),
                    demanded_a=int(row["demanded_a"]),
                    b=int(row["filled_b"]),
                    demanded_b=int(row["demanded_b"]),
                )
            )
        arriving = moved[moved["to_commune_id"] == commune.id]
        leaving = moved[moved["from_commune_id"] == commune.id]
        parts += [
            markup(_("+ {name}: {specialty}"), name=r.candidate_name, specialty=r.to_specialty)
            for r in arriving.itertuples()
        ]
        parts += [
            markup(_("− {name}: {specialty}"), name=r.candidate_name, specialty=r.from_specialty)
            for r in leaving.itertuples()
        ]
        hover[commune.id] = lines(*parts)
    return [
        f"<h2>{shown(_('Map of the changes'))}</h2>",
        figure(change_map(scenario, delta, hover), "change-map", wide=True),
    ]
