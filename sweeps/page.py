"""sweep.html: per swept KEY a line chart of every objective and seats filled, a heat map for two
KEYs, and the table; one offline page (plotly.js embedded)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import _
from models.scenario import Scenario
from reports.charts import styled
from reports.html_page import cards, figure, page, table, warning

MAX_LINES = 12
"""Most lines per chart (one per combination of the other KEYs' values)."""


def sweep_html(base: Scenario, frame: pd.DataFrame, keys: list[str], facts: list[tuple[str, str]]) -> str:
    """The whole page of a sweep's table."""
    measures = [c for c in frame.columns if c in [str(o) for o in base.policy.objectives]] + ["seats_filled"]
    solved = frame[frame["status"].isin(["OPTIMAL", "FEASIBLE"])]
    body = [
        f"<h1>{escape(_('What-if sweep: {name}').format(name=base.name))}</h1>",
        f'<p class="sub">{escape(" · ".join(f"{k}: {v}" for k, v in facts))}</p>',
        cards(
            [
                (_("variants"), str(len(frame))),
                (_("proven optimal"), str(int((frame["status"] == "OPTIMAL").sum()))),
                (_("infeasible"), str(int((frame["status"] == "INFEASIBLE").sum()))),
                (_("seats filled, fewest – most"), _span(solved["seats_filled"])),
                (_("total km, least – most"), _span(solved["total_km"])),
            ]
        ),
    ]
    if (frame["status"] != "OPTIMAL").any():
        body.append(warning(_("Some variants are not proven optimal: see their status in the table.")))
    for n, key in enumerate(keys):
        body += [f"<h2>{escape(key)}</h2>", figure(line_figure(frame, key, keys, measures), f"key{n}")]
    if len(keys) >= 2:
        body += [f"<h2>{escape(_('{a} × {b}').format(a=keys[0], b=keys[1]))}</h2>"]
        if len(keys) > 2:
            body.append(f"<p>{escape(_('Other KEYs at their first value in the table.'))}</p>")
        body.append(figure(heat_figure(frame, keys), "heat"))
    body += [
        f"<h2>{escape(_('Every variant'))}</h2>",
        table(list(frame.columns), frame.astype(object).where(frame.notna(), "").values.tolist()),
    ]
    return page(_("What-if sweep: {name}").format(name=base.name), "\n".join(body))


def _span(values: pd.Series) -> str:
    if values.empty:
        return "–"
    return f"{values.min():,.6g} – {values.max():,.6g}"


def axis_values(frame: pd.DataFrame, key: str) -> tuple[list[object], bool]:
    """A KEY's values in table order of first appearance, as numbers when all are plain numbers."""
    texts = list(dict.fromkeys(frame[key].astype(str)))
    try:
        numbers = [float(Decimal(t)) for t in texts]
    except InvalidOperation:
        return texts, False
    plain = all(t[:1].isdigit() for t in texts)
    return (numbers, True) if plain else (texts, False)


def line_figure(frame: pd.DataFrame, key: str, keys: list[str], measures: list[str]) -> go.Figure:
    """Each measure against the KEY's value, a line per combination of the other KEYs."""
    others = [k for k in keys if k != key]
    values, numeric = axis_values(frame, key)
    groups = list(frame.groupby(others, sort=False)) if others else [((), frame)]
    fig = make_subplots(rows=len(measures), cols=1, shared_xaxes=True, subplot_titles=measures)
    texts = _texts(frame, key)
    traces, rows_at = [], []
    for g, (group_key, rows) in enumerate(groups[:MAX_LINES]):
        label = ", ".join(f"{k}={v}" for k, v in zip(others, _tuple(group_key), strict=True)) or key
        by_value = dict(zip(rows[key].astype(str), rows[measures].to_dict("records"), strict=True))
        for m, measure in enumerate(measures, start=1):
            y = [_number(by_value[t][measure]) if t in by_value else None for t in texts]
            traces.append(
                go.Scatter(
                    x=values,
                    y=y,
                    mode="lines+markers",
                    name=label,
                    legendgroup=label,
                    showlegend=m == 1 and bool(others),
                    line={"color": _colour(g)},
                    hovertemplate=f"{key}=%{{x}}<br>{measure}: %{{y}}<extra>{label}</extra>",
                )
            )
            rows_at.append(m)
    fig.add_traces(traces, rows=rows_at, cols=[1] * len(traces))
    fig.update_xaxes(title_text=key, row=len(measures), col=1, type="linear" if numeric else "category")
    if len(groups) > MAX_LINES:
        fig.add_annotation(
            text=_("first {n} lines shown").format(n=MAX_LINES),
            showarrow=False,
            x=1,
            y=1.05,
            xref="paper",
            yref="paper",
        )
    return styled(
        fig, _("Objectives and seats filled against {key}").format(key=key), 160 + 180 * len(measures)
    )


def heat_figure(frame: pd.DataFrame, keys: list[str]) -> go.Figure:
    """Seats filled over the first two KEYs (the others at their first value)."""
    a, b = keys[0], keys[1]
    rows = frame
    for other in keys[2:]:
        rows = rows[rows[other].astype(str) == str(frame[other].iloc[0])]
    xs, ys = _texts(frame, a), _texts(frame, b)
    cell = {(str(r[a]), str(r[b])): r for _, r in rows.iterrows()}
    z = [[_number(cell[(x, y)]["seats_filled"]) if (x, y) in cell else None for x in xs] for y in ys]
    status = [[str(cell[(x, y)]["status"]) if (x, y) in cell else "" for x in xs] for y in ys]
    fig = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=z,
            text=status,
            colorscale="Viridis",
            colorbar={"title": {"text": "seats_filled"}},
            texttemplate="%{z}",
            hovertemplate=f"{a}=%{{x}}<br>{b}=%{{y}}<br>seats_filled %{{z}} (%{{text}})<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=a, type="category")
    fig.update_yaxes(title_text=b, type="category")
    return styled(fig, _("Seats filled by {a} and {b}").format(a=a, b=b), 180 + 40 * len(ys))


def _texts(frame: pd.DataFrame, key: str) -> list[str]:
    return list(dict.fromkeys(frame[key].astype(str)))


def _tuple(value: object) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _colour(n: int) -> str:
    from plotly.colors import qualitative

    palette = qualitative.D3
    return palette[n % len(palette)]
