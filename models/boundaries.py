"""Read the optional `boundaries` GeoJSON: one polygon (or several) per commune, for maps only."""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

from i18n import _
from models.cells import VIETNAM_LAT, VIETNAM_LON
from models.errors import InputProblem, ScenarioError
from models.scenario import Boundary
from models.tables import located

MAX_BOUNDARY_BYTES = 32 * 2**20
MAX_POSITIONS = 2_000_000
GEOMETRIES = ("Polygon", "MultiPolygon")


class _Refused(Exception):
    """One feature cannot be used: where in it and what was expected."""

    def __init__(self, where: str, expected: str, value: object = None) -> None:
        super().__init__(expected)
        self.where, self.expected, self.value = where, expected, value


def read_boundaries(
    spec: str, base: Path, commune_ids: set[str], allow_outside: bool = False
) -> tuple[Boundary, ...]:
    """The polygons of `spec` (relative to the scenario folder) by commune; every problem is raised."""

    def refuse(expected: str, row: int | None = None) -> ScenarioError:
        return ScenarioError([InputProblem(spec, expected, row=row)])

    try:
        path = located(spec, base, allow_outside, refuse, MAX_BOUNDARY_BYTES)
        data = path.read_bytes()
    except (OSError, ValueError) as error:
        raise refuse(
            _("cannot be read: {error}").format(error=getattr(error, "strerror", None) or error)
        ) from None
    features = _features(_parsed(data, refuse), refuse, len(commune_ids))
    problems: list[InputProblem] = []
    found: dict[str, tuple[int, Boundary]] = {}
    budget = [MAX_POSITIONS]
    for n, feature in enumerate(features):
        try:
            commune_id = _commune_id(feature, commune_ids)
            boundary = _boundary(commune_id, feature.get("geometry"), budget)
        except _Refused as refused:
            problems.append(
                InputProblem(
                    spec,
                    _("expected {what}").format(what=refused.expected),
                    column=f"features[{n}]{refused.where}",
                    value=refused.value,
                )
            )
            continue
        if commune_id in found:
            problems.append(
                InputProblem(
                    spec,
                    _(
                        "commune {commune} already has a polygon (features[{first}]); give one feature "
                        "per commune (a MultiPolygon for several parts)"
                    ).format(commune=commune_id, first=found[commune_id][0]),
                    column=f"features[{n}].id",
                    value=commune_id,
                )
            )
        elif boundary is not None:
            found[commune_id] = (n, boundary)
    if problems:
        raise ScenarioError(problems)
    return tuple(boundary for _, (_, boundary) in sorted(found.items()))


def _parsed(data: bytes, refuse: Any) -> Any:
    """The file as JSON; NaN, Infinity, over-deep nesting and overlong numbers refused."""

    def constant(name: str) -> float:
        raise ValueError(_("{name} is not a number GeoJSON allows").format(name=name))

    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=constant)
    except UnicodeDecodeError:
        raise refuse(_("is not UTF-8 text; expected a GeoJSON file")) from None
    except json.JSONDecodeError as error:
        raise refuse(
            _("is not valid JSON ({error}, column {column})").format(error=error.msg, column=error.colno),
            row=error.lineno,
        ) from None
    except RecursionError:
        raise refuse(_("nests arrays too deeply to be GeoJSON")) from None
    except ValueError as error:
        raise refuse(_("is not valid GeoJSON: {error}").format(error=error)) from None


def _features(content: Any, refuse: Any, communes: int) -> list[dict[str, Any]]:
    """The features of a FeatureCollection, at most one per commune."""
    if not isinstance(content, dict) or content.get("type") != "FeatureCollection":
        raise refuse(
            _("expected a GeoJSON FeatureCollection ({example})").format(
                example='{"type": "FeatureCollection", "features": [...]}'
            )
        )
    features = content.get("features")
    if not isinstance(features, list):
        raise refuse(_("expected `features` to be a list of GeoJSON features"))
    if len(features) > communes:
        raise refuse(
            _(
                "has {features:,} features but the scenario has {communes:,} communes: each feature is "
                "the polygon of one commune"
            ).format(features=len(features), communes=communes)
        )
    if not all(isinstance(f, dict) and f.get("type") == "Feature" for f in features):
        bad = next(
            n for n, f in enumerate(features) if not (isinstance(f, dict) and f.get("type") == "Feature")
        )
        raise refuse(
            _("features[{n}] is not a GeoJSON feature ({example})").format(
                n=bad, example='{"type": "Feature", ...}'
            )
        )
    return features


def _commune_id(feature: dict[str, Any], commune_ids: set[str]) -> str:
    """The commune a feature draws: its `id`, else `properties.code`, whichever names a commune."""
    properties = feature.get("properties")
    candidates = [(".id", feature.get("id"))]
    if isinstance(properties, dict):
        candidates.append((".properties.code", properties.get("code")))
    given = [(where, _text(value)) for where, value in candidates if value is not None]
    for _where, text in given:
        if text in commune_ids:
            return text
    if not given:
        raise _Refused(".id", _("a commune id as the feature's `id` or as `properties.code`"))
    numeric = isinstance(feature.get("id"), int)
    expected = (
        _("a commune id of the scenario (a number loses leading zeros: write the id as a string)")
        if numeric
        else _("a commune id of the scenario")
    )
    raise _Refused(given[0][0], expected, given[0][1])


def _text(value: object) -> str:
    """An id as the tables hold it: NFC-normalised and trimmed."""
    return unicodedata.normalize("NFC", str(value)).strip()


def _boundary(commune_id: str, geometry: Any, budget: list[int]) -> Boundary | None:
    """A Polygon or MultiPolygon as rings of (lon, lat); None for a feature without geometry."""
    if geometry is None:
        return None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRIES:
        raise _Refused(".geometry.type", _("a Polygon or MultiPolygon"), kind)
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise _Refused(
            ".geometry.coordinates",
            _("a non-empty list of rings") if kind == "Polygon" else _("a non-empty list of polygons"),
        )
    parsed = []
    for p, polygon in enumerate(polygons):
        where = f".geometry.coordinates[{p}]" if kind == "MultiPolygon" else ".geometry.coordinates"
        if not isinstance(polygon, list) or not polygon:
            raise _Refused(where, _("a polygon: a non-empty list of rings (the outer ring, then holes)"))
        parsed.append(tuple(_ring(ring, f"{where}[{r}]", budget) for r, ring in enumerate(polygon)))
    return Boundary(commune_id=commune_id, polygons=tuple(parsed))


def _ring(ring: Any, where: str, budget: list[int]) -> tuple[tuple[float, float], ...]:
    """A linear ring of [lon, lat] positions inside Vietnam, closed if its last position is not its first."""
    if not isinstance(ring, list) or len(ring) < 3:
        raise _Refused(where, _("a ring of at least 3 [lon, lat] positions"))
    budget[0] -= len(ring)
    if budget[0] < 0:
        raise _Refused(
            where,
            _("at most {count:,} positions in the whole file (simplify the polygons)").format(
                count=MAX_POSITIONS
            ),
        )
    points = []
    for k, position in enumerate(ring):
        if not (
            isinstance(position, list)
            and len(position) in (2, 3)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise _Refused(f"{where}[{k}]", _("a position [lon, lat] of two numbers"), _short(position))
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise _Refused(f"{where}[{k}]", _("finite numbers"), _short(position))
        if not (VIETNAM_LON[0] <= lon <= VIETNAM_LON[1] and VIETNAM_LAT[0] <= lat <= VIETNAM_LAT[1]):
            swapped = VIETNAM_LON[0] <= lat <= VIETNAM_LON[1] and VIETNAM_LAT[0] <= lon <= VIETNAM_LAT[1]
            order = (
                _("GeoJSON positions are [lon, lat]; these look swapped")
                if swapped
                else _("a point in Vietnam")
            )
            ranges = _("longitude {west:g}–{east:g}, latitude {south:g}–{north:g}").format(
                west=VIETNAM_LON[0], east=VIETNAM_LON[1], south=VIETNAM_LAT[0], north=VIETNAM_LAT[1]
            )
            raise _Refused(
                f"{where}[{k}]",
                f"{order} ({ranges})",
                _short(position),
            )
        points.append((lon, lat))
    if points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3:
        raise _Refused(where, _("a ring of at least 3 distinct positions"))
    return tuple(points)


def _short(value: object) -> str:
    """A value for a message, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
