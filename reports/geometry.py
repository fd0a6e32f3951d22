"""Map geometry for reports: commune outlines as shapely shapes, the province outline, label spots."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely import MultiPolygon, Polygon, unary_union
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from models.scenario import Scenario

# Gaps of up to about 200 m between two simplified neighbours are closed when the outline is drawn.
SLIVER_DEGREES = 0.002
MAX_DRAWN_POSITIONS = 60_000


@dataclass(frozen=True)
class Frame:
    """How longitude/latitude map onto the plot's pixels: a fixed scale, so labels can be laid out."""

    lon: tuple[float, float]
    lat: tuple[float, float]
    width_px: float
    height_px: float

    @property
    def px_per_degree_lat(self) -> float:
        """Vertical pixels per degree of latitude."""
        return self.height_px / (self.lat[1] - self.lat[0])

    @property
    def px_per_degree_lon(self) -> float:
        """Horizontal pixels per degree of longitude."""
        return self.width_px / (self.lon[1] - self.lon[0])

    def pixels(self, lon: float, lat: float) -> tuple[float, float]:
        """A point's position in pixels from the plot's lower-left corner."""
        return (lon - self.lon[0]) * self.px_per_degree_lon, (lat - self.lat[0]) * self.px_per_degree_lat


def shapes(scenario: Scenario) -> dict[str, BaseGeometry]:
    """Each outlined commune as a shapely (multi)polygon, simplified when the file is very detailed."""
    found: dict[str, BaseGeometry] = {}
    positions = sum(len(ring) for b in scenario.boundaries for polygon in b.polygons for ring in polygon)
    tolerance = 0.0 if positions <= MAX_DRAWN_POSITIONS else 0.0005 * positions / MAX_DRAWN_POSITIONS
    for boundary in scenario.boundaries:
        # Holes wound against their outer ring, so the filled path leaves them empty (SVG nonzero rule).
        parts = [orient(Polygon(polygon[0], polygon[1:])) for polygon in boundary.polygons]
        shape = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        found[boundary.commune_id] = shape.simplify(tolerance) if tolerance else shape
    return found


def province_outline(outlines: dict[str, BaseGeometry]) -> BaseGeometry:
    """The union of the communes' outlines, slivers between neighbours closed."""
    union = unary_union([shape.buffer(0) for shape in outlines.values()])
    return union.buffer(SLIVER_DEGREES).buffer(-SLIVER_DEGREES)


def rings(shape: BaseGeometry) -> list[list[tuple[float, float]]]:
    """Every ring of a (multi)polygon, outer rings and holes alike."""
    polygons = list(shape.geoms) if hasattr(shape, "geoms") else [shape]
    found = []
    for polygon in polygons:
        if isinstance(polygon, Polygon) and not polygon.is_empty:
            found.append(list(polygon.exterior.coords))
            found += [list(hole.coords) for hole in polygon.interiors]
    return found


def path(shape: BaseGeometry) -> tuple[list[float | None], list[float | None]]:
    """A shape's rings as plotly x, y lists, rings separated by a gap."""
    x: list[float | None] = []
    y: list[float | None] = []
    for ring in rings(shape):
        x += [p[0] for p in ring] + [None]
        y += [p[1] for p in ring] + [None]
    return x[:-1], y[:-1]


def frame_for(points: list[tuple[float, float]], width_px: float, height_px: float) -> Frame:
    """A frame showing every (lon, lat) with a margin, one km the same length across and up."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    mid_lat = (min(lats) + max(lats)) / 2
    squeeze = math.cos(math.radians(mid_lat))
    span_lon = (max(lons) - min(lons)) * 1.06 + 0.01
    span_lat = (max(lats) - min(lats)) * 1.06 + 0.01
    scale = min(width_px / (span_lon * squeeze), height_px / span_lat)  # pixels per degree of latitude
    half_lon, half_lat = width_px / (2 * scale * squeeze), height_px / (2 * scale)
    centre_lon, centre_lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    return Frame(
        lon=(centre_lon - half_lon, centre_lon + half_lon),
        lat=(centre_lat - half_lat, centre_lat + half_lat),
        width_px=width_px,
        height_px=height_px,
    )
