"""The scenario tables' columns as the contract defines them, with what a planner types in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from i18n import N_

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
        Column("id", "id", True, N_("Unique code; keep leading zeros (typed as text)."), "03158"),
        Column("name", "text", True, N_("Name with its diacritics."), "Xã Sín Thầu"),
        Column("type", "type", True, N_("ward or commune."), "commune"),
        Column("lat", "number", True, N_("Latitude, WGS84 degrees."), "22.3799", -90, 90),
        Column("lon", "number", True, N_("Longitude, WGS84 degrees."), "102.293", -180, 180),
        Column(
            "capacity", "int", True, N_("Seconded staff it can host (desks, housing), 0 or more."), "3", 0
        ),
        Column(
            "tags",
            "list",
            False,
            N_("Free labels separated by ; (select with tag:border)."),
            "border;highland",
        ),
    ),
    "shortages": (
        Column(
            "commune_id",
            "id",
            True,
            N_("A commune id; one row per commune and specialty."),
            "03158",
            references="communes",
        ),
        Column("specialty", "specialty", True, N_("A specialty id from the specialties sheet."), "it"),
        Column("seats", "int", True, N_("Posts to fill, 1 or more."), "2", 1),
        Column("priority", "int", False, N_("1–5, 5 most urgent; blank = 3."), "5", 1, 5),
        Column("min_level", "int", False, N_("Lowest proficiency accepted, 1–3; blank = 1."), "2", 1, 3),
    ),
    "candidates": (
        Column("id", "id", True, N_("Unique id of the person."), "P001"),
        Column("name", "text", True, N_("Full name."), "Lò Văn Thành"),
        Column("agency_id", "id", True, N_("Their agency's id."), "SKHCN", references="agencies"),
        Column(
            "specialties",
            "list",
            True,
            N_("Specialty ids separated by ;, each with an optional level 1–3 after a colon (default 3)."),
            "it:3;land:2",
        ),
        Column(
            "home_commune_id",
            "id",
            False,
            N_("Commune they live in (optional)."),
            "03127",
            references="communes",
        ),
        Column(
            "lat", "number", False, N_("Where they travel from, if not their agency (with lon)."), "", -90, 90
        ),
        Column(
            "lon",
            "number",
            False,
            N_("Where they travel from, if not their agency (with lat)."),
            "",
            -180,
            180,
        ),
        Column("max_distance_km", "number", False, N_("Personal travel cap in km, more than 0."), "120", 0),
        Column(
            "available_from",
            "date",
            False,
            N_("First day available (must be on or before the period start)."),
            "",
        ),
        Column(
            "available_to", "date", False, N_("Last day available (must be on or after the period end)."), ""
        ),
        Column(
            "preferences",
            "list",
            False,
            N_("Commune ids they prefer, most wanted first, separated by ;."),
            "03158",
        ),
    ),
    "agencies": (
        Column("id", "id", True, N_("Unique agency id."), "SKHCN"),
        Column("name", "text", True, N_("Agency name."), "Sở Khoa học và Công nghệ"),
        Column("lat", "number", True, N_("Latitude of its office."), "21.386", -90, 90),
        Column("lon", "number", True, N_("Longitude of its office."), "103.017", -180, 180),
        Column("staff", "int", True, N_("Headcount, 0 or more."), "80", 0),
        Column("max_release", "int", True, N_("At most this many of its people seconded."), "2", 0),
    ),
    "distances": (
        Column("from_id", "id", True, N_("A candidate or agency id."), "SKHCN"),
        Column("to_id", "id", True, N_("A commune id."), "03158", references="communes"),
        Column("km", "number", True, N_("Measured road km, 0 or more; overrides the estimate."), "182.5", 0),
        Column(
            "minutes", "number", False, N_("Measured travel minutes; blank = km at the policy speed."), "", 0
        ),
    ),
    "adjacency": (
        Column("code_a", "id", True, N_("A commune id."), "03127", references="communes"),
        Column(
            "code_b",
            "id",
            True,
            N_("A commune id sharing a border with code_a."),
            "03325",
            references="communes",
        ),
    ),
}
REQUIRED_TABLES = ("communes", "shortages", "candidates", "agencies")
LISTS: dict[str, tuple[Column, ...]] = {
    "pins": (
        Column("candidate", "id", True, N_("A candidate id: this person must be seconded..."), "P017"),
        Column("commune", "id", True, N_("...to this commune id."), "03158", references="communes"),
        Column(
            "specialty", "specialty", False, N_("In this specialty (blank: any the commune lacks)."), "it"
        ),
    ),
    "forbid": (
        Column("candidate", "id", True, N_("A candidate id: this person must not be seconded..."), "P020"),
        Column("commune", "id", True, N_("...to this commune id."), "03127", references="communes"),
        Column("specialty", "specialty", False, N_("In this specialty only (blank: in any)."), ""),
    ),
    "min_coverage": (
        Column(
            "communes",
            "text",
            True,
            N_("all, tag:X (communes with tag X) or commune ids separated by ;."),
            "tag:border",
        ),
        Column("specialty", "specialty", True, N_("The specialty the floor is for."), "it"),
        Column(
            "at_least",
            "int",
            True,
            N_("Each selected commune short of it gets at least this many seats filled (at most its seats)."),
            "1",
            1,
        ),
    ),
    "specialties": (
        Column("id", "id", True, N_("Specialty id, used in shortages and candidates."), "it"),
        Column("name", "text", True, N_("Its name for people."), "Công nghệ thông tin"),
    ),
}
KEYS: tuple[tuple[str, str, str], ...] = (
    ("name", N_("Name of the scenario (required)."), "Điện Biên 2025 — đợt 1"),
    ("description", N_("What the round is, for the record."), ""),
    ("period.start", N_("First day of the secondment period (yyyy-mm-dd)."), "2025-08-01"),
    ("period.end", N_("Last day of the period; candidates must be available for all of it."), "2026-07-31"),
    ("policy.max_distance_km", N_("Hard cap on travel km (blank: none)."), "250"),
    ("policy.max_travel_minutes", N_("Hard cap on travel minutes (blank: none)."), ""),
    ("policy.detour_factor", N_("Road km = straight-line km × this factor, 1 or more."), "1.6"),
    ("policy.speed_kmh", N_("Speed for travel minutes when none are measured."), "30"),
    ("policy.avoid_home_commune", N_("true: nobody is seconded to their home commune."), "false"),
    (
        "policy.objectives",
        N_(
            "Objectives in strict priority order, separated by commas: coverage, fairness, distance, "
            "preference, disruption."
        ),
        "coverage, fairness, distance",
    ),
)
