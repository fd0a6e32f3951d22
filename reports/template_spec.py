"""The scenario tables' columns as the contract defines them, with what a planner types in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "text", "int", "number", "date", "list", "type", "specialty"]


@dataclass(frozen=True)
class Column:
    """One column of a scenario table."""

    name: str
    kind: Kind
    required: bool
    help: str
    example: str
    low: float | None = None
    high: float | None = None
    references: str | None = None


TABLES: dict[str, tuple[Column, ...]] = {
    "communes": (
        Column("id", "id", True, "Unique code; keep leading zeros (typed as text).", "03158"),
        Column("name", "text", True, "Name with its diacritics.", "Xã Sín Thầu"),
        Column("type", "type", True, "ward or commune.", "commune"),
        Column("lat", "number", True, "Latitude, WGS84 degrees.", "22.3799", -90, 90),
        Column("lon", "number", True, "Longitude, WGS84 degrees.", "102.293", -180, 180),
        Column("capacity", "int", True, "Seconded staff it can host (desks, housing), 0 or more.", "3", 0),
        Column(
            "tags", "list", False, "Free labels separated by ; (select with tag:border).", "border;highland"
        ),
    ),
    "shortages": (
        Column(
            "commune_id",
            "id",
            True,
            "A commune id; one row per commune and specialty.",
            "03158",
            references="communes",
        ),
        Column("specialty", "specialty", True, "A specialty id from the lists sheet.", "it"),
        Column("seats", "int", True, "Posts to fill, 1 or more.", "2", 1),
        Column("priority", "int", False, "1–5, 5 most urgent; blank = 3.", "5", 1, 5),
        Column("min_level", "int", False, "Lowest proficiency accepted, 1–3; blank = 1.", "2", 1, 3),
    ),
    "candidates": (
        Column("id", "id", True, "Unique id of the person.", "P001"),
        Column("name", "text", True, "Full name.", "Lò Văn Thành"),
        Column("agency_id", "id", True, "Their agency's id.", "SKHCN", references="agencies"),
        Column(
            "specialties",
            "list",
            True,
            "Specialty ids separated by ;, each with an optional level 1–3 after a colon (default 3).",
            "it:3;land:2",
        ),
        Column(
            "home_commune_id", "id", False, "Commune they live in (optional).", "03127", references="communes"
        ),
        Column(
            "lat", "number", False, "Where they travel from, if not their agency (with lon).", "", -90, 90
        ),
        Column(
            "lon", "number", False, "Where they travel from, if not their agency (with lat).", "", -180, 180
        ),
        Column("max_distance_km", "number", False, "Personal travel cap in km, more than 0.", "120", 0),
        Column(
            "available_from",
            "date",
            False,
            "First day available (must be on or before the period start).",
            "",
        ),
        Column("available_to", "date", False, "Last day available (must be on or after the period end).", ""),
        Column(
            "preferences",
            "list",
            False,
            "Commune ids they prefer, most wanted first, separated by ;.",
            "03158",
        ),
        Column(
            "max_posts",
            "int",
            False,
            "Seats they may fill, all in one commune (several fields); blank = the policy's, 1 by default.",
            "",
            1,
        ),
    ),
    "agencies": (
        Column("id", "id", True, "Unique agency id.", "SKHCN"),
        Column("name", "text", True, "Agency name.", "Sở Khoa học và Công nghệ"),
        Column("lat", "number", True, "Latitude of its office.", "21.386", -90, 90),
        Column("lon", "number", True, "Longitude of its office.", "103.017", -180, 180),
        Column("staff", "int", True, "Headcount, 0 or more.", "80", 0),
        Column("max_release", "int", True, "At most this many of its people seconded.", "2", 0),
    ),
    "distances": (
        Column("from_id", "id", True, "A candidate or agency id.", "SKHCN"),
        Column("to_id", "id", True, "A commune id.", "03158", references="communes"),
        Column("km", "number", True, "Measured road km, 0 or more; overrides the estimate.", "182.5", 0),
        Column("minutes", "number", False, "Measured travel minutes; blank = km at the policy speed.", "", 0),
    ),
    "adjacency": (
        Column("code_a", "id", True, "A commune id.", "03127", references="communes"),
        Column(
            "code_b", "id", True, "A commune id sharing a border with code_a.", "03325", references="communes"
        ),
    ),
}
REQUIRED_TABLES = ("communes", "shortages", "candidates", "agencies")
