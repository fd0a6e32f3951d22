"""Plotly figures of a plan: map, commune × specialty heat map, distances, release per agency."""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.api.typing import DataFrameGroupBy
from plotly.colors import qualitative

from models.scenario import Scenario
from optimizer.travel import Travel
from reports.metrics import by_agency, by_commune, by_specialty
from reports.plan_data import PlanData

FONT = "Noto Sans, DejaVu Sans, Segoe UI, Arial, sans-serif"
SHARE_SCALE = "RdYlGn"
SHARE_BAR = {"title": {"text": "filled share"}, "tickformat": ".0%"}
MISSING_COLOUR, FILLED_COLOUR, CAP_COLOUR = "#d6604d", "#4393c3", "#d9d9d9"
ALL_COLUMN = "all specialties"


def styled(figure: go.Figure, title: str, height: int) -> go.Figure:
    """The look every figure shares."""
    figure.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return figure


def specialty_colours(scenario: Scenario) -> dict[str, str]:
    """One stable colour per specialty of the catalogue."""
    palette = qualitative.D3 + qualitative.Set2
    return {s.id: palette[n % len(palette)] for n, s in enumerate(scenario.specialties)}


def short_name(name: str) -> str:
    """A commune's name without its `Xã`/`Phường` prefix, for map labels."""
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def map_figure(plan: PlanData, scenario: Scenario) -> go.Figure:
    """Communes at their coordinates coloured by filled share, sized by demand, with travel lines."""
    figure = go.Figure()
    _travel_lines(figure, plan, scenario)
    _agencies(figure, plan, scenario)
    _communes(figure, plan, scenario)
    mid_lat = float(np.mean([c.lat for c in scenario.communes]))
    figure.update_xaxes(
        title="longitude °E",
        showgrid=True,
        gridcolor="#eeeeee",
        zeroline=False,
        domain=[0, 0.6],
        constrain="domain",
        constraintoward="right",
    )
    figure.update_yaxes(
        title="latitude °N",
        showgrid=True,
        gridcolor="#eeeeee",
        zeroline=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(mid_lat)),
    )
    figure.update_layout(
        coloraxis={"colorscale": SHARE_SCALE, "cmin": 0, "cmax": 1, "colorbar": {**SHARE_BAR, "x": 0.63}},
        legend={"x": 0.73, "y": 1, "yanchor": "top"},
        hovermode="closest",
        plot_bgcolor="#f7fbff",
    )
    return styled(figure, "Map: communes by filled share, people from their agency to their commune", 820)


def _travel_lines(figure: go.Figure, plan: PlanData, scenario: Scenario) -> None:
    """One line per seconded person, from where they travel from to their commune, per specialty."""
    travel, colours = Travel(scenario), specialty_colours(scenario)
    for specialty, rows in plan.assignments.groupby("specialty", sort=True):
        x: list[float | None] = []
        y: list[float | None] = []
        for row in rows.itertuples():
            lat, lon = travel.origin(scenario.candidate_by_id[plan.candidate_id(row.candidate_id)])
            commune = scenario.commune_by_id[row.commune_id]
            x += [lon, commune.lon, None]
            y += [lat, commune.lat, None]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"width": 1.2, "color": colours.get(str(specialty), "#888888")},
                opacity=0.55,
                name=f"{specialty} ({len(rows)})",
                legendgroup="people",
                legendgrouptitle={"text": "people seconded, by specialty"},
                hoverinfo="skip",
            )
        )


def _agencies(figure: go.Figure, plan: PlanData, scenario: Scenario) -> None:
    """Agencies as dark squares, with how many people each releases."""
    released = by_agency(plan).set_index("agency_id")["released"]
    agencies = scenario.agencies
    figure.add_trace(
        go.Scatter(
            x=[a.lon for a in agencies],
            y=[a.lat for a in agencies],
            mode="markers",
            marker={"symbol": "square", "size": 8, "color": "#252525"},
            name="agency",
            hovertext=[
                f"<b>{escape(a.name)}</b><br>releases {released.get(a.id, 0)} of at most {a.max_release}"
                for a in agencies
            ],
            hoverinfo="text",
        )
    )


def _communes(figure: go.Figure, plan: PlanData, scenario: Scenario) -> None:
    """Communes: circles, border communes as outlined diamonds, communes with no shortage in grey."""
    fill = by_commune(plan).set_index("commune_id")
    people = plan.assignments.groupby("commune_id")
    short = [c for c in scenario.communes if c.id in fill.index]
    groups = [
        (
            "commune (colour: filled share, size: seats demanded)",
            [c for c in short if "border" not in c.tags],
        ),
        ("border commune", [c for c in short if "border" in c.tags]),
        ("commune with no shortage", [c for c in scenario.communes if c.id not in fill.index]),
    ]
    for label, chosen in groups:
        if not chosen:
            continue
        demanded = [int(fill.loc[c.id, "demanded"]) if c.id in fill.index else 0 for c in chosen]
        border = ["border" in c.tags for c in chosen]
        colour: object = (
            [float(fill.loc[c.id, "share"]) for c in chosen] if label != groups[2][0] else "#bdbdbd"
        )
        figure.add_trace(
            go.Scatter(
                x=[c.lon for c in chosen],
                y=[c.lat for c in chosen],
                mode="markers+text",
                text=[short_name(c.name) for c in chosen],
                textposition="top center",
                textfont={"size": 9, "color": "#333333"},
                marker={
                    "symbol": ["diamond" if b else "circle" for b in border],
                    "size": [9 + 5 * math.sqrt(d) for d in demanded],
                    "color": colour,
                    "coloraxis": None if isinstance(colour, str) else "coloraxis",
                    "line": {"width": [2.2 if b else 0.6 for b in border], "color": "#252525"},
                    "opacity": 0.95,
                },
                name=label,
                meta="communes",
                customdata=[c.id for c in chosen],
                hovertext=[_commune_hover(c.id, scenario, fill, people) for c in chosen],
                hoverinfo="text",
            )
        )


def _commune_hover(commune_id: str, scenario: Scenario, fill: pd.DataFrame, people: DataFrameGroupBy) -> str:
    """A commune's name, fill, capacity, tags and the people it receives."""
    commune = scenario.commune_by_id[commune_id]
    lines = [f"<b>{escape(commune.name)}</b> ({commune.id}, {commune.type})"]
    if commune_id in fill.index:
        row = fill.loc[commune_id]
        lines.append(f"{row['filled']} of {row['demanded']} seats filled ({row['share']:.0%})")
    lines.append(
        f"capacity {commune.capacity}" + (f" · {escape(', '.join(commune.tags))}" if commune.tags else "")
    )
    if commune_id in people.groups:
        for person in people.get_group(commune_id).itertuples():
            lines.append(
                f"{person.candidate_id} {escape(person.candidate_name)}: {person.specialty}, "
                f"{person.distance_km:.0f} km"
            )
    return "<br>".join(lines)


def heatmap_figure(plan: PlanData, scenario: Scenario) -> go.Figure:
    """Communes × specialties: filled share coloured, `filled/demanded` written in each cell."""
    communes = by_commune(plan)
    specialties = [s.id for s in scenario.specialties if s.id in set(plan.shortages["specialty"])]
    shape = {"index": communes["commune_id"], "columns": specialties}
    filled = plan.shortages.pivot(index="commune_id", columns="specialty", values="filled").reindex(**shape)
    seats = plan.shortages.pivot(index="commune_id", columns="specialty", values="seats").reindex(**shape)
    filled[ALL_COLUMN] = communes.set_index("commune_id")["filled"]
    seats[ALL_COLUMN] = communes.set_index("commune_id")["demanded"]
    z = (filled / seats).to_numpy(dtype=float)
    text = [
        [f"{f:.0f}/{s:.0f}" if s == s else "" for f, s in zip(f_row, s_row, strict=True)]
        for f_row, s_row in zip(filled.to_numpy(dtype=float), seats.to_numpy(dtype=float), strict=True)
    ]
    labels = _unique_labels(communes)
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[*specialties, ALL_COLUMN],
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale=SHARE_SCALE,
            zmin=0,
            zmax=1,
            colorbar=SHARE_BAR,
            hoverongaps=False,
            xgap=2,
            ygap=2,
            meta="communes",
            customdata=[[c] * (len(specialties) + 1) for c in communes["commune_id"]],
            hovertemplate="%{y}<br>%{x}: %{text} seats filled<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(side="top")
    height = 24 * len(labels) + 140
    return styled(figure, "Seats filled / demanded, by commune and specialty", height)


def _unique_labels(communes: pd.DataFrame) -> list[str]:
    """Commune names as axis labels; a name shared by two communes gets its id."""
    counts = communes["commune_name"].value_counts()
    return [
        f"{name} ({cid})" if counts[name] > 1 else name
        for cid, name in zip(communes["commune_id"], communes["commune_name"], strict=True)
    ]


def distance_figure(plan: PlanData, scenario: Scenario) -> go.Figure:
    """How far the seconded travel, in 10 km bins, with the policy cap."""
    figure = go.Figure(
        go.Histogram(
            x=plan.assignments["distance_km"],
            xbins={"start": 0, "size": 10},
            marker={"color": FILLED_COLOUR, "line": {"width": 1, "color": "white"}},
            name="people",
            hovertemplate="%{x} km: %{y} people<extra></extra>",
        )
    )
    cap = scenario.policy.max_distance_km
    if cap is not None:
        figure.add_vline(
            x=cap, line_dash="dash", line_color="#b2182b", annotation_text=f"policy cap {cap:g} km"
        )
    figure.update_xaxes(title="travel km (road estimate or measured)", rangemode="tozero")
    figure.update_yaxes(title="people")
    return styled(figure, "Travel distance of the people seconded", 380)


def agency_figure(plan: PlanData) -> go.Figure:
    """People released per agency against its release cap."""
    frame = by_agency(plan).sort_values(["released", "agency_id"])
    names = [f"{escape(n)} ({a})" for n, a in zip(frame["agency_name"], frame["agency_id"], strict=True)]
    figure = go.Figure(
        [
            go.Bar(
                y=names,
                x=frame["max_release"],
                orientation="h",
                name="max release",
                marker={"color": CAP_COLOUR},
                hovertemplate="%{y}<br>max release %{x}<extra></extra>",
            ),
            go.Bar(
                y=names,
                x=frame["released"],
                orientation="h",
                name="released",
                marker={"color": FILLED_COLOUR},
                width=0.5,
                hovertemplate="%{y}<br>released %{x}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(barmode="overlay", legend={"orientation": "h", "y": -0.06})
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(title="people")
    return styled(figure, "Release per agency (bar: released, grey: cap)", 26 * len(frame) + 160)


def specialty_figure(plan: PlanData) -> go.Figure:
    """Filled and missing seats per specialty, stacked."""
    frame = by_specialty(plan)
    figure = go.Figure(
        [
            go.Bar(x=frame["specialty"], y=frame["filled"], name="filled", marker={"color": FILLED_COLOUR}),
            go.Bar(
                x=frame["specialty"], y=frame["missing"], name="missing", marker={"color": MISSING_COLOUR}
            ),
        ]
    )
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title="seats")
    return styled(figure, "Seats per specialty", 380)
