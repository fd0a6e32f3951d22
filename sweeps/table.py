"""The sweep table: one row per variant, in the order the variants were declared."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from models.scenario import Scenario
from sweeps.records import Record
from sweeps.sweep import PLANS, Prepared
from sweeps.variants import columns

FIGURES = ("seats_filled", "seats_demanded", "total_km")
EXTRA = ("coverage_pct", "people_seconded", "max_km")


def sweep_frame(
    base: Scenario, prepared: Sequence[Prepared], records: Sequence[Record], keep_plans: bool = False
) -> pd.DataFrame:
    """A column per KEY (the value used; blank: the base's), status, each objective, the figures."""
    keys = columns([p.variant for p in prepared])
    objectives = [str(o) for o in base.policy.objectives]
    rows = []
    for item, record in zip(prepared, records, strict=True):
        values = item.variant.values()
        row: dict[str, object] = {key: values.get(key, "") for key in keys}
        row["status"] = record.status
        row.update({name: record.objectives.get(name) for name in objectives})
        row.update({name: record.kpis.get(name) for name in (*FIGURES, *EXTRA)})
        row["scenario_sha256"] = record.scenario_sha256
        if keep_plans:
            row["plan"] = f"{PLANS}/{item.folder}"
        rows.append(row)
    names = [
        *keys,
        "status",
        *objectives,
        *FIGURES,
        *EXTRA,
        "scenario_sha256",
        *(["plan"] if keep_plans else []),
    ]
    frame = pd.DataFrame(rows, columns=names)
    for name in objectives:
        known = frame[name].dropna()
        if len(known) and all(float(v).is_integer() for v in known):
            frame[name] = frame[name].astype("Int64")
    return frame
