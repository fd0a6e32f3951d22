"""Maps drawn offline on longitude/latitude axes: commune outlines filled by a value, or points.

`go.Choropleth` on a `geo` subplot fetches its base map from a CDN and draws nothing offline, so
outlines are filled scatter traces, one per commune; communes without an outline are circles.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from i18n import _
from i18n.names import commune_type
from models.scenario import Scenario
from optimizer.travel import Travel
from reports.geometry import Frame, frame_for, path, province_outline, shapes
from reports.labels import Label, place
from reports.metrics import by_agency, by_commune
from reports.plan_data import PlanData
from reports.safe import lines, markup, shown

WIDTH, HEIGHT = 1200, 860
MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}
DOMAIN = 0.62  # the map's share of the width; colour bar and legend to its right
FONT = "Noto Sans, DejaVu Sans, Segoe UI, Arial, sans-serif"
LABEL_PX = 10
NO_DEMAND, EDGE, BORDER_EDGE, OUTLINE = "#e0e0e0", "#ffffff", "#3f007d", "#252525"
FULL_FLOW, SHORT_FLOW = "#1b7837", "#b35806"
CLUSTER_PX = 14


@dataclass(frozen=True)
class Shading:
    """How communes are coloured: a value each on a colour scale, and what the colour bar says."""

    values: dict[str, float]
    scale: str
    low: float
    high: float
    title: str
    tickformat: str = ""

    def colour(self, commune_id: str) -> str:
        """The fill of a commune: its value on the scale, or grey without one."""
        value = self.values.get(commune_id)
        if value is None or value != value:
            return NO_DEMAND
        share = (value - self.low) / (self.high - self.low) if self.high > self.low else 0.5
        return sample_colorscale(self.scale, [min(1.0, max(0.0, share))])[0]


def plan_map(plan: PlanData, scenario: Scenario) -> go.Figure:
    """Communes by filled share, border communes outlined, agencies, one line per agency–commune pair."""
    fill = by_commune(plan).set_index("commune_id")
    shading = Shading(
        values=fill["share"].to_dict(),
        scale="RdYlGn",
        low=0,
        high=1,
        title=_("filled share"),
        tickformat=".0%",
    )
    hover = _plan_hover(plan, scenario, fill)
    figure = _map(
        scenario, shading, hover, _("Communes by filled share; lines: people from agency to commune")
    )
    frame = _frame(scenario)
    _flows(figure, plan, scenario, fill)
    _agencies(figure, plan, scenario, frame)
    _points(figure, scenario, shading, hover, frame, fill["demanded"].to_dict())
    return figure


def change_map(scenario: Scenario, delta: dict[str, float], hover: dict[str, str]) -> go.Figure:
    """Communes coloured by the change in filled seats, B − A (blue gained, red lost)."""
    reach = max([1.0, *(abs(v) for v in delta.values())])
    shading = Shading(values=delta, scale="RdBu", low=-reach, high=reach, title=_("filled seats, B − A"))
    figure = _map(scenario, shading, hover, _("Where the plans differ: change in filled seats"))
    _points(figure, scenario, shading, hover, _frame(scenario), {})
    return figure


def _frame(scenario: Scenario) -> Frame:
    """The pixel frame of the map: every outline, commune and agency in view."""
    points = [(c.lon, c.lat) for c in scenario.communes] + [(a.lon, a.lat) for a in scenario.agencies]
    for shape in shapes(scenario).values():
        x0, y0, x1, y1 = shape.bounds
        points += [(x0, y0), (x1, y1)]
    width = (WIDTH - MARGIN["l"] - MARGIN["r"]) * DOMAIN
    return frame_for(points, width, HEIGHT - MARGIN["t"] - MARGIN["b"])


def _map(scenario: Scenario, shading: Shading, hover: dict[str, str], title: str) -> go.Figure:
    """The outlines filled by the shading, border communes marked, the province's outline on top."""
    figure = go.Figure()
    outlines = shapes(scenario)
    border = [c.id for c in scenario.communes if "border" in c.tags and c.id in outlines]
    for commune in scenario.communes:
        if commune.id not in outlines:
            continue
        x, y = path(outlines[commune.id])
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=shading.colour(commune.id),
                line={"color": EDGE, "width": 0.8},
                hoveron="fills",
                text=hover.get(commune.id, shown(commune.name)),
                hoverinfo="text",
                showlegend=False,
                meta="commune-areas",
                customdata=[commune.id],
            )
        )
    if border:
        _outline(figure, [outlines[c] for c in border], BORDER_EDGE, 2.4, _("border commune (thick outline)"))
    if outlines:
        _outline(figure, [province_outline(outlines)], OUTLINE, 1.6, _("province boundary"))
    frame = _frame(scenario)
    figure.update_xaxes(range=list(frame.lon), visible=False, domain=[0, DOMAIN], fixedrange=False)
    figure.update_yaxes(range=list(frame.lat), visible=False)
    figure.update_layout(
        title={"text": shown(title), "x": 0.01},
        template="plotly_white",
        font={"family": FONT, "size": 12},
        width=WIDTH,
        height=HEIGHT,
        margin=MARGIN,
        plot_bgcolor="#f4f7fa",
        hovermode="closest",
        legend={"x": DOMAIN + 0.17, "y": 1, "yanchor": "top"},
        coloraxis={
            "colorscale": shading.scale,
            "cmin": shading.low,
            "cmax": shading.high,
            "colorbar": {
                "title": {"text": shown(shading.title)},
                "tickformat": shading.tickformat,
                "x": DOMAIN + 0.02,
                "len": 0.5,
                "y": 1,
                "yanchor": "top",
            },
        },
    )
    return figure


def _outline(figure: go.Figure, outlines: list, colour: str, width: float, name: str) -> None:
    """Lines along outlines, as one legend entry."""
    x: list[float | None] = []
    y: list[float | None] = []
    for shape in outlines:
        px, py = path(shape)
        x += [*px, None]
        y += [*py, None]
    figure.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines", line={"color": colour, "width": width}, name=shown(name), hoverinfo="skip"
        )
    )


def _plan_hover(plan: PlanData, scenario: Scenario, fill: pd.DataFrame) -> dict[str, str]:
    """Each commune's name, seats filled, capacity, tags and the people it receives."""
    people = plan.people.groupby("commune_id")
    found = {}
    for commune in scenario.communes:
        parts = [
            markup(
                "<b>{name}</b> ({id}, {type})",
                name=commune.name,
                id=commune.id,
                type=commune_type(commune.type),
            )
        ]
        if commune.id in fill.index:
            row = fill.loc[commune.id]
            parts.append(
                markup(
                    _("{filled} of {demanded} seats filled ({share:.0%})"),
                    filled=int(row["filled"]),
                    demanded=int(row["demanded"]),
                    share=float(row["share"]),
                )
            )
        else:
            parts.append(shown(_("no shortage")))
        parts.append(markup(_("capacity {capacity}"), capacity=commune.capacity))
        if commune.tags:
            parts.append(shown(", ".join(commune.tags)))
        if commune.id in people.groups:
            for person in people.get_group(commune.id).itertuples():
                parts.append(
                    markup(
                        _("{name} ({id}): {specialty}, {km:.0f} km"),
                        name=person.candidate_name,
                        id=person.candidate_id,
                        specialty=person.specialty,
                        km=float(person.distance_km),
                    )
                )
        found[commune.id] = lines(*parts)
    return found


def _flows(figure: go.Figure, plan: PlanData, scenario: Scenario, fill: pd.DataFrame) -> None:
    """One line per origin–commune pair, as wide as the people on it, coloured by the commune's result."""
    travel = Travel(scenario)
    pairs: dict[tuple[float, float, str], list[str]] = {}
    agencies: dict[tuple[float, float, str], set[str]] = {}
    for row in plan.assignments.drop_duplicates(["candidate_id", "commune_id"]).itertuples():
        lat, lon = travel.origin(scenario.candidate_by_id[plan.candidate_id(row.candidate_id)])
        key = (round(lon, 5), round(lat, 5), row.commune_id)
        pairs.setdefault(key, []).append(row.candidate_name)
        agencies.setdefault(key, set()).add(scenario.agency_by_id[row.agency_id].name)
    groups: dict[tuple[bool, int], list[tuple[float, float, str]]] = {}
    for key, names in pairs.items():
        full = key[2] in fill.index and float(fill.loc[key[2], "share"]) >= 1
        groups.setdefault((full, min(len(names), 4)), []).append(key)
    hover_x, hover_y, hover_text = [], [], []
    for (full, people), keys in sorted(groups.items()):
        x: list[float | None] = []
        y: list[float | None] = []
        for lon, lat, commune_id in keys:
            commune = scenario.commune_by_id[commune_id]
            x += [lon, commune.lon, None]
            y += [lat, commune.lat, None]
            hover_x.append((lon + commune.lon) / 2)
            hover_y.append((lat + commune.lat) / 2)
            names = pairs[(lon, lat, commune_id)]
            hover_text.append(
                lines(
                    markup(
                        _("{origin} → {commune}: {count} people"),
                        origin=", ".join(sorted(agencies[(lon, lat, commune_id)])),
                        commune=commune.name,
                        count=len(names),
                    ),
                    *(shown(n) for n in names),
                )
            )
        name = _("to a commune fully filled") if full else _("to a commune left short")
        figure.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                line={"color": FULL_FLOW if full else SHORT_FLOW, "width": 0.8 + 1.1 * people},
                opacity=0.75,
                name=shown(name),
                legendgroup=name,
                showlegend=people == min(p for f, p in groups if f == full),
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=hover_x,
            y=hover_y,
            mode="markers",
            marker={"size": 8, "opacity": 0},
            hovertext=hover_text,
            hoverinfo="text",
            showlegend=False,
        )
    )


def _agencies(figure: go.Figure, plan: PlanData, scenario: Scenario, frame: Frame) -> None:
    """Agencies as dark squares; agencies a few pixels apart share one square, listed in its hover."""
    released = by_agency(plan).set_index("agency_id")["released"]
    clusters: list[list] = []
    for agency in sorted(scenario.agencies, key=lambda a: (a.lon, a.lat, a.id)):
        x, y = frame.pixels(agency.lon, agency.lat)
        near = next((c for c in clusters if math.dist(c[0], (x, y)) <= CLUSTER_PX), None)
        if near is None:
            clusters.append([(x, y), [agency]])
        else:
            near[1].append(agency)
    figure.add_trace(
        go.Scatter(
            x=[sum(a.lon for a in c[1]) / len(c[1]) for c in clusters],
            y=[sum(a.lat for a in c[1]) / len(c[1]) for c in clusters],
            mode="markers",
            marker={
                "symbol": "square",
                "size": [9 + 2 * math.sqrt(len(c[1])) for c in clusters],
                "color": OUTLINE,
                "line": {"color": "#ffffff", "width": 1},
            },
            name=shown(_("agencies (hover: who releases how many)")),
            hovertext=[
                lines(
                    *(
                        markup(
                            _("{name}: releases {released} of at most {cap}"),
                            name=a.name,
                            released=int(released.get(a.id, 0)),
                            cap=a.max_release,
                        )
                        for a in c[1]
                    )
                )
                for c in clusters
            ],
            hoverinfo="text",
        )
    )


def _points(
    figure: go.Figure,
    scenario: Scenario,
    shading: Shading,
    hover: dict[str, str],
    frame: Frame,
    demanded: dict[str, int],
) -> None:
    """Every commune's point and name; names that would collide are left to the hover text."""
    outlined = set(shapes(scenario))
    order: Callable = lambda c: (shading.values.get(c.id, math.inf), c.name)  # noqa: E731
    communes = sorted(scenario.communes, key=order)
    placed = place([Label(short_name(c.name), c.lon, c.lat) for c in communes], frame, LABEL_PX)
    figure.add_trace(
        go.Scatter(
            x=[c.lon for c in communes],
            y=[c.lat for c in communes],
            mode="markers+text",
            text=[shown(text) for text, _spot in placed],
            textposition=[spot for _text, spot in placed],
            textfont={"size": LABEL_PX, "color": "#1a1a1a"},
            marker={
                "size": [
                    4 if c.id in outlined else 9 + 5 * math.sqrt(demanded.get(c.id, 0)) for c in communes
                ],
                "color": [shading.colour(c.id) for c in communes],
                "symbol": [
                    "diamond" if "border" in c.tags and c.id not in outlined else "circle" for c in communes
                ],
                "line": {"color": OUTLINE, "width": 0.8},
            },
            name=shown(_("commune (colour: see the bar)")),
            meta="communes",
            customdata=[c.id for c in communes],
            hovertext=[hover.get(c.id, shown(c.name)) for c in communes],
            hoverinfo="text",
            showlegend=False,
        )
    )
    figure.add_trace(  # carries the colour bar: the fills above are plain colours from the same scale
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"color": [shading.low], "coloraxis": "coloraxis"},
            showlegend=False,
            hoverinfo="skip",
        )
    )


def short_name(name: str) -> str:
    """A commune's name without its `Xã`/`Phường` prefix, for map labels."""
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name
