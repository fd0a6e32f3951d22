"""Write a Scenario as a contract-format folder: scenario.yaml plus one CSV per table."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from models.scenario import Row, Scenario
from models.schema import TABLE_MODELS

SCENARIO_FILE = "scenario.yaml"
BOUNDARIES_FILE = "boundaries.geojson"
COLUMNS = {table: tuple(model.model_fields) for table, model in TABLE_MODELS.items()}


def write_scenario(scenario: Scenario, folder: str | Path) -> Path:
    """Write the scenario into `folder` (created if needed); return the path of scenario.yaml."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    tables = {name: getattr(scenario, name) for name in COLUMNS if getattr(scenario, name)}
    for name, rows in tables.items():
        _write_csv(target / f"{name}.csv", COLUMNS[name], rows)
    header: dict[str, Any] = {"name": scenario.name}
    if scenario.description:
        header["description"] = scenario.description
    if scenario.period is not None:
        header["period"] = scenario.period.model_dump(mode="json")
    header["specialties"] = [s.model_dump(mode="json") for s in scenario.specialties]
    header["tables"] = {name: f"{name}.csv" for name in tables}
    if scenario.boundaries:
        header["tables"]["boundaries"] = BOUNDARIES_FILE
        _write_geojson(target / BOUNDARIES_FILE, scenario)
    header["policy"] = scenario.policy.model_dump(mode="json")
    if scenario.pins:
        header["pins"] = [p.model_dump(mode="json", exclude_none=True) for p in scenario.pins]
    if scenario.forbid:
        header["forbid"] = [f.model_dump(mode="json", exclude_none=True) for f in scenario.forbid]
    path = target / SCENARIO_FILE
    path.write_text(yaml.safe_dump(header, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _write_geojson(path: Path, scenario: Scenario) -> None:
    """The commune outlines as a GeoJSON FeatureCollection, one feature per commune."""
    features = [
        {
            "type": "Feature",
            "id": b.commune_id,
            "properties": {"code": b.commune_id},
            "geometry": {"type": "MultiPolygon", "coordinates": b.polygons},
        }
        for b in scenario.boundaries
    ]
    content = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[Row]) -> None:
    """One table: UTF-8 without BOM, `\\n` line ends, empty cells for missing values."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(getattr(row, column)) for column in columns])


def _cell(value: object) -> str:
    """A cell's text: lists `;`-joined, skills as `it:3`, floats in their shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ";".join(f"{key}:{level}" for key, level in value.items())
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)
