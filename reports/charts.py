"""Plotly figures of a plan: commune × specialty heat map, distances, seats per specialty, release."""

from __future__ import annotations

import plotly.graph_objects as go

from i18n import _
from models.scenario import Scenario
from reports.metrics import by_agency, by_commune, by_specialty
from reports.plan_data import PlanData
from reports.safe import markup, shown

FONT = "Noto Sans, DejaVu Sans, Segoe UI, Arial, sans-serif"
SHARE_SCALE = "RdYlGn"
MISSING_COLOUR, FILLED_COLOUR, CAP_COLOUR, AT_CAP_COLOUR = "#d6604d", "#4393c3", "#d9d9d9", "#b2182b"


def styled(figure: go.Figure, title: str, height: int) -> go.Figure:
    """The look every figure shares; the title is shown as text."""
    figure.update_layout(
        title={"text": shown(title), "x": 0.01},
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return figure


def share_bar() -> dict:
    """The colour bar of a filled share."""
    return {"title": {"text": shown(_("filled share"))}, "tickformat": ".0%"}


def worst_first(plan: PlanData):
    """Communes with a shortage, lowest filled share first, then most seats missing, then by name."""
    communes = by_commune(plan)
    return communes.sort_values(
        ["share", "missing", "commune_name", "commune_id"], ascending=[True, False, True, True], kind="stable"
    ).reset_index(drop=True)


def heatmap_figure(plan: PlanData, scenario: Scenario) -> go.Figure:
    """Communes (worst first) × specialties: filled share coloured, `filled/demanded` in each cell."""
    communes = worst_first(plan)
    present = set(plan.shortages["specialty"])
    specialties = [s.id for s in scenario.specialties if s.id in present]
    every = _("all specialties")
    shape = {"index": communes["commune_id"], "columns": specialties}
    filled = plan.shortages.pivot(index="commune_id", columns="specialty", values="filled").reindex(**shape)
    seats = plan.shortages.pivot(index="commune_id", columns="specialty", values="seats").reindex(**shape)
    filled[every] = communes.set_index("commune_id")["filled"]
    seats[every] = communes.set_index("commune_id")["demanded"]
    z = (filled / seats).to_numpy(dtype=float)
    text = [
        [f"{f:.0f}/{s:.0f}" if s == s else "" for f, s in zip(f_row, s_row, strict=True)]
        for f_row, s_row in zip(filled.to_numpy(dtype=float), seats.to_numpy(dtype=float), strict=True)
    ]
    labels = [shown(label) for label in unique_labels(communes)]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[shown(s) for s in [*specialties, every]],
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale=SHARE_SCALE,
            zmin=0,
            zmax=1,
            colorbar=share_bar(),
            hoverongaps=False,
            xgap=2,
            ygap=2,
            meta="communes",
            customdata=[[c] * (len(specialties) + 1) for c in communes["commune_id"]],
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(side="top")
    height = 24 * len(labels) + 140
    return styled(figure, _("Seats filled / demanded, by commune (worst first) and specialty"), height)


def unique_labels(communes) -> list[str]:
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
            name=shown(_("people")),
            hovertemplate=shown(_("{range} km: {count} people")).format(range="%{x}", count="%{y}")
            + "<extra></extra>",
        )
    )
    cap = scenario.policy.max_distance_km
    if cap is not None:
        figure.add_vline(
            x=cap,
            line_dash="dash",
            line_color="#b2182b",
            annotation_text=markup(_("policy cap {cap:g} km"), cap=cap),
        )
    figure.update_xaxes(title=shown(_("travel km (road estimate or measured)")), rangemode="tozero")
    figure.update_yaxes(title=shown(_("people")))
    return styled(figure, _("Travel distance of the people seconded"), 380)


def agency_figure(plan: PlanData) -> go.Figure:
    """Each agency's release as a share of its cap; agencies at their cap, the bottleneck, in red."""
    frame = by_agency(plan)
    frame["of_cap"] = (frame["released"] / frame["max_release"]).where(frame["max_release"] > 0, 1.0)
    frame = frame.sort_values(["of_cap", "released", "agency_id"], ascending=[True, True, False])
    at_cap = frame["released"] >= frame["max_release"]
    names = [shown(f"{n} ({a})") for n, a in zip(frame["agency_name"], frame["agency_id"], strict=True)]
    figure = go.Figure(
        go.Bar(
            y=names,
            x=frame["of_cap"],
            orientation="h",
            marker={"color": [AT_CAP_COLOUR if full else FILLED_COLOUR for full in at_cap]},
            text=[f"{r}/{m}" for r, m in zip(frame["released"], frame["max_release"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{text}<extra></extra>",
            showlegend=False,
        )
    )
    figure.add_vline(x=1, line_color="#555555", line_dash="dot")
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(title=shown(_("released ÷ release cap")), tickformat=".0%", range=[0, 1.15])
    title = _("Release per agency as a share of its cap: {at_cap} of {agencies} at their cap (red)").format(
        at_cap=int(at_cap.sum()), agencies=len(frame)
    )
    return styled(figure, title, 24 * len(frame) + 150)


def specialty_figure(plan: PlanData) -> go.Figure:
    """Filled and missing seats per specialty, stacked."""
    frame = by_specialty(plan)
    x = [shown(s) for s in frame["specialty"]]
    figure = go.Figure(
        [
            go.Bar(x=x, y=frame["filled"], name=shown(_("filled")), marker={"color": FILLED_COLOUR}),
            go.Bar(x=x, y=frame["missing"], name=shown(_("missing")), marker={"color": MISSING_COLOUR}),
        ]
    )
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title=shown(_("seats")))
    return styled(figure, _("Seats per specialty"), 380)
