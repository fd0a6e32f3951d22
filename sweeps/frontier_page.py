"""frontier.html: the front with its knee, the marginal rate along it, and the table; offline."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from i18n import _
from models.scenario import Scenario
from reports.charts import styled
from reports.html_page import cards, figure, page, table
from sweeps.frontier import Front


def frontier_html(scenario: Scenario, front: Front, frame: pd.DataFrame, notes: list[str]) -> str:
    """The whole page of a front."""
    a, b = str(front.first), str(front.second)
    rate = f"marginal_{b}_per_{a}"
    knee = frame[frame["knee"]]
    title = _("Trade-off {first} : {second} — {name}").format(first=a, second=b, name=scenario.name)
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(" · ".join(notes))}</p>',
        cards(
            [
                (_("points"), str(len(frame))),
                (_("proven optimal"), str(int((frame["status"] == "OPTIMAL").sum()))),
                (_("{name}, range").format(name=a), f"{frame[a].min():,.6g} – {frame[a].max():,.6g}"),
                (_("{name}, range").format(name=b), f"{frame[b].min():,.6g} – {frame[b].max():,.6g}"),
                (_("knee"), f"{a} {knee[a].iloc[0]:,.6g}" if len(knee) else "–"),
            ]
        ),
        figure(front_figure(frame, a, b), "front"),
        figure(rate_figure(frame, a, b, rate), "rate"),
        f"<h2>{escape(_('Every point'))}</h2>",
        table(list(frame.columns), frame.astype(object).where(frame.notna(), "").values.tolist()),
    ]
    return page(title, "\n".join(body))


def front_figure(frame: pd.DataFrame, a: str, b: str) -> go.Figure:
    """The second objective against the first, point by point, the knee starred."""
    hover = [
        _("{a} {x:,.6g} · {b} {y:,.6g} · {seats} seats · {status} ({proof})").format(
            a=a, b=b, x=r[a], y=r[b], seats=r["seats_filled"], status=r["status"], proof=r["proof"]
        )
        for r in frame.to_dict("records")
    ]
    fig = go.Figure(
        go.Scatter(
            x=frame[a].tolist(),
            y=frame[b].tolist(),
            mode="lines+markers",
            name=_("front"),
            text=hover,
            hoverinfo="text",
        )
    )
    knee = frame[frame["knee"]]
    if len(knee):
        fig.add_trace(
            go.Scatter(
                x=knee[a].tolist(),
                y=knee[b].tolist(),
                mode="markers",
                name=_("knee"),
                marker={"symbol": "star", "size": 16, "color": "#d6604d"},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text=a)
    fig.update_yaxes(title_text=b)
    return styled(fig, _("Pareto front: best {b} for each {a}").format(a=a, b=b), 480)


def rate_figure(frame: pd.DataFrame, a: str, b: str, rate: str) -> go.Figure:
    """What one more unit of the first objective costs in the second, segment by segment."""
    rows = frame[frame[rate].notna()]
    labels = [f"{x:,.6g}" for x in rows[a]]
    per_seat = [
        _("+1 seat costs {km:,.1f} km here").format(km=v) if pd.notna(v) else ""
        for v in rows["km_per_extra_seat"]
    ]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=rows[rate].tolist(),
            text=per_seat,
            hovertemplate="%{y:,.4g}<br>%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=_("{a} at the end of the segment").format(a=a), type="category")
    fig.update_yaxes(title_text=_("change in {b} per unit of {a}").format(a=a, b=b))
    return styled(fig, _("Marginal rate along the front"), 360)
