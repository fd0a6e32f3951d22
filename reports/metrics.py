"""Figures HR reads from a plan: fill per commune, specialty and agency, travel and fairness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from i18n import N_
from optimizer.objectives import worst_share
from reports.plan_data import PlanData


def by_commune(plan: PlanData) -> pd.DataFrame:
    """Demanded, filled and missing seats and the filled share of each commune with a shortage."""
    frame = (
        plan.shortages.groupby(["commune_id", "commune_name"], sort=False, as_index=False)[
            ["seats", "filled", "missing"]
        ]
        .sum()
        .rename(columns={"seats": "demanded"})
    )
    frame["share"] = frame["filled"] / frame["demanded"]
    hosted = plan.assignments["commune_id"].value_counts()
    frame["people_hosted"] = frame["commune_id"].map(hosted).fillna(0).astype(int)
    return frame


def by_specialty(plan: PlanData) -> pd.DataFrame:
    """Demanded, filled and missing seats per specialty."""
    frame = (
        plan.shortages.groupby("specialty", as_index=False)[["seats", "filled", "missing"]]
        .sum()
        .rename(columns={"seats": "demanded"})
    )
    frame["share"] = frame["filled"] / frame["demanded"]
    return frame


def by_agency(plan: PlanData) -> pd.DataFrame:
    """People each agency releases; with the scenario also its name, staff and release cap."""
    released = plan.assignments["agency_id"].value_counts()
    if plan.scenario is None:
        return pd.DataFrame(
            {"agency_id": released.index.astype(str), "agency_name": "", "released": released.to_numpy()}
        ).sort_values("agency_id", ignore_index=True)
    frame = pd.DataFrame(
        [
            {"agency_id": a.id, "agency_name": a.name, "staff": a.staff, "max_release": a.max_release}
            for a in plan.scenario.agencies
        ]
    )
    frame.insert(2, "released", frame["agency_id"].map(released).fillna(0).astype(int))
    frame["share_of_staff"] = (frame["released"] / frame["staff"]).where(frame["staff"] > 0)
    return frame


def gini(values: np.ndarray) -> float:
    """Gini coefficient: mean absolute difference over twice the mean (0 = all equal)."""
    if len(values) == 0 or values.mean() == 0:
        return 0.0
    return float(np.abs(values[:, None] - values[None, :]).mean() / (2 * values.mean()))


def headline(plan: PlanData) -> dict[str, Any]:
    """The plan's headline figures, recomputed from its assignments (named as in the docs)."""
    communes = by_commune(plan)
    shares = communes["share"].to_numpy(dtype=float)
    demand = dict(zip(communes["commune_id"], communes["demanded"].astype(int).tolist(), strict=True))
    filled_in = dict(zip(communes["commune_id"], communes["filled"].astype(int).tolist(), strict=True))
    km = plan.assignments["distance_km"].to_numpy(dtype=float)
    demanded, filled = int(plan.shortages["seats"].sum()), int(plan.shortages["filled"].sum())
    return {
        "seats_demanded": demanded,
        "seats_filled": filled,
        "coverage_pct": round(100.0 * filled / demanded, 2) if demanded else 100.0,
        "people_seconded": len(plan.assignments),
        "communes_with_demand": len(communes),
        "communes_left_short": int((communes["missing"] > 0).sum()),
        "total_km": round(float(np.nansum(km)), 3),
        "longest_km": round(float(np.nanmax(km)), 3) if len(km) else 0.0,
        "mean_km": round(float(np.nanmean(km)), 3) if len(km) else 0.0,
        "worst_commune_share": round(float(worst_share(filled_in, demand)), 4),
        "communes_with_nothing_filled": int((communes["filled"] == 0).sum()),
        "gini_of_commune_shares": round(gini(shares), 4),
    }


HEADLINE_LABELS = {
    "seats_demanded": N_("seats demanded"),
    "seats_filled": N_("seats filled"),
    "coverage_pct": N_("coverage %"),
    "people_seconded": N_("people seconded"),
    "communes_with_demand": N_("communes with a shortage"),
    "communes_left_short": N_("communes left short"),
    "total_km": N_("total travel km"),
    "longest_km": N_("longest travel km"),
    "mean_km": N_("mean travel km"),
    "worst_commune_share": N_("worst commune's filled share"),
    "communes_with_nothing_filled": N_("communes with nothing filled"),
    "gini_of_commune_shares": N_("Gini of communes' filled shares"),
}

# Which way each headline figure improves; figures that only describe the scenario have none.
BETTER_WHEN = {
    "seats_filled": "higher",
    "coverage_pct": "higher",
    "communes_left_short": "lower",
    "total_km": "lower",
    "longest_km": "lower",
    "mean_km": "lower",
    "worst_commune_share": "higher",
    "communes_with_nothing_filled": "lower",
    "gini_of_commune_shares": "lower",
}
