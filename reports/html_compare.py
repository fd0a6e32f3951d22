"""The comparison of two plans as one self-contained HTML page."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from reports.charts import FILLED_COLOUR, MISSING_COLOUR, styled
from reports.compare import Comparison, effective_hash
from reports.console import delta, number, percent, post
from reports.html_page import definitions, figure, page, table, warning

A_COLOUR = "#9ecae1"


def comparison_html(comparison: Comparison) -> str:
    """Plans, scenario check, headline, stages, people, and per specialty, commune and agency."""
    a, b = comparison.a, comparison.b
    facts = [
        (
            f"plan {side}",
            f"{plan.folder} · {plan.status} · {plan.scenario_name} · {effective_hash(plan) or '?'}",
        )
        for side, plan in (("A", a), ("B", b))
    ]
    note = comparison.scenario_note
    body = [
        "<h1>Secondment plans compared</h1>",
        definitions(facts),
        f'<p class="ok">{escape(note)}</p>' if comparison.same_scenario else warning(note),
        *(warning(f"{side}: {n}") for side, plan in (("A", a), ("B", b)) for n in plan.notes),
        "<h2>Headline (Δ = B − A)</h2>",
        table(
            ["figure", "A", "B", "Δ"],
            [[r.label, r.a, r.b, r.delta] for r in comparison.summary.itertuples()],
            scroll=False,
        ),
        "<h2>Objective stages</h2>",
        table(
            ["stage", "sense", "A", "B", "Δ", "better", "A from", "B from"],
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
        f"<h2>People: {_counts(comparison)}</h2>",
        _people(comparison),
        '<div class="row">',
        figure(_specialty_figure(comparison.by_specialty), "specialties"),
        figure(_commune_figure(comparison.by_commune), "communes"),
        "</div>",
        "<h2>Seats per commune</h2>",
        _communes(comparison.by_commune),
        "<h2>Release per agency</h2>",
        table(
            ["agency", "released A", "released B", "Δ", "max release"],
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
        "<h2>Unfilled seats</h2>",
        table(
            ["commune", "specialty", "missing A", "missing B", "Δ", "why (B)"],
            [
                [
                    f"{r.commune_name} ({r.commune_id})",
                    r.specialty,
                    r.missing_a,
                    r.missing_b,
                    delta(r.delta),
                    r.reason_b,
                ]
                for r in comparison.unfilled.itertuples()
            ],
        ),
    ]
    return page("Secondment plans compared", "\n".join(body))


def _counts(comparison: Comparison) -> str:
    moved = ", ".join(f"{comparison.count(c)} {c}" for c in ("added", "removed", "moved"))
    return f"{moved}, {comparison.unchanged} unchanged"


def _people(comparison: Comparison) -> str:
    """Everyone added, removed or moved, from which post to which."""
    if comparison.changes.empty:
        return "<p>Nobody was added, removed or moved.</p>"
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
    return table(["change", "person", "agency", "from", "to", "km"], rows)


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
    return table(
        ["commune", "demanded A", "filled A", "share A", "demanded B", "filled B", "share B", "Δ"], rows
    )


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
