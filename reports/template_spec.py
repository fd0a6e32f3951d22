"""The template's columns: the schema of `models/schema.py` with what a planner types in each.

Names, order, required, numeric kind, ranges and defaults come from the row models (and the loader's
coordinate box); only the help text, the example and the drop-down a column offers are written here,
and a model field without them fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from i18n import N_, _
from models.schema import REQUIRED_TABLES, TABLE_MODELS, ColumnSchema, columns

__all__ = ["KEYS", "LISTS", "REQUIRED_TABLES", "TABLES", "Column"]

Kind = Literal["id", "text", "int", "number", "date", "list", "type", "specialty"]
MODEL_KINDS: dict[str, Kind] = {"int": "int", "float": "number", "date": "date"}


@dataclass(frozen=True)
class Column:
    """One column of a scenario table as the template shows it."""

    name: str
    kind: Kind
    required: bool
    help: str
    example: str
    low: float | None = None
    high: float | None = None
    references: str | None = None
    low_open: bool = False
    bounds: str = ""
    default: object = None

    def describe(self) -> str:
        """The help text in the current language, with the range and the default the loader applies."""
        rules = [_("Allowed: {bounds}.").format(bounds=self.bounds)] if self.bounds else []
        if self.default is not None:
            rules.append(_("Blank = {default}.").format(default=self.default))
        return " ".join([_(self.help), *rules])


@dataclass(frozen=True)
class Hint:
    """What the template says about a column: help text, an example, and for text its kind of drop-down."""

    help: str
    example: str
    kind: Kind = "text"
    references: str | None = None


HINTS: dict[str, dict[str, Hint]] = {
    "communes": {
        "id": Hint(N_("Unique code; keep leading zeros (typed as text)."), "03158", "id"),
        "name": Hint(N_("Name with its diacritics."), "Xã Sín Thầu"),
        "type": Hint(N_("ward or commune."), "commune", "type"),
        "lat": Hint(N_("Latitude, WGS84 degrees."), "22.3799"),
        "lon": Hint(N_("Longitude, WGS84 degrees."), "102.293"),
        "capacity": Hint(N_("Seconded staff it can host (desks, housing)."), "3"),
        "tags": Hint(N_("Free labels separated by ; (select with tag:border)."), "border;highland", "list"),
    },
    "shortages": {
        "commune_id": Hint(
            N_("A commune id; one row per commune and specialty."), "03158", "id", references="communes"
        ),
        "specialty": Hint(N_("A specialty id from the specialties sheet."), "it", "specialty"),
        "seats": Hint(N_("Posts to fill."), "2"),
        "priority": Hint(N_("5 most urgent."), "5"),
        "min_level": Hint(N_("Lowest proficiency accepted."), "2"),
    },
    "candidates": {
        "id": Hint(N_("Unique id of the person."), "P001", "id"),
        "name": Hint(N_("Full name."), "Lò Văn Thành"),
        "agency_id": Hint(N_("Their agency's id."), "SKHCN", "id", references="agencies"),
        "specialties": Hint(
            N_("Specialty ids separated by ;, each with an optional level 1–3 after a colon (default 3)."),
            "it:3;land:2",
            "list",
        ),
        "home_commune_id": Hint(N_("Commune they live in (optional)."), "03127", "id", references="communes"),
        "lat": Hint(N_("Where they travel from, if not their agency (with lon)."), ""),
        "lon": Hint(N_("Where they travel from, if not their agency (with lat)."), ""),
        "max_distance_km": Hint(N_("Personal travel cap in km."), "120"),
        "available_from": Hint(N_("First day available (must be on or before the period start)."), ""),
        "available_to": Hint(N_("Last day available (must be on or after the period end)."), ""),
        "preferences": Hint(
            N_("Commune ids they prefer, most wanted first, separated by ;."), "03158", "list"
        ),
        "max_posts": Hint(
            N_("Seats they may fill, all in one commune; blank = policy max_posts_per_person (1)."),
            "",
        ),
    },
    "agencies": {
        "id": Hint(N_("Unique agency id."), "SKHCN", "id"),
        "name": Hint(N_("Agency name."), "Sở Khoa học và Công nghệ"),
        "lat": Hint(N_("Latitude of its office."), "21.386"),
        "lon": Hint(N_("Longitude of its office."), "103.017"),
        "staff": Hint(N_("Headcount."), "80"),
        "max_release": Hint(N_("At most this many of its people seconded."), "2"),
    },
    "distances": {
        "from_id": Hint(N_("A candidate or agency id."), "SKHCN", "id"),
        "to_id": Hint(N_("A commune id."), "03158", "id", references="communes"),
        "km": Hint(N_("Measured road km; overrides the estimate."), "182.5"),
        "minutes": Hint(N_("Measured travel minutes; blank = km at the policy speed."), ""),
    },
    "adjacency": {
        "code_a": Hint(N_("A commune id."), "03127", "id", references="communes"),
        "code_b": Hint(
            N_("A commune id sharing a border with code_a."), "03325", "id", references="communes"
        ),
    },
}


def _column(schema: ColumnSchema) -> Column:
    """A schema column with its hint; numbers and dates take their kind from the model."""
    hint = HINTS[schema.table][schema.name]
    kind: Kind = {"int": "int", "float": "number", "date": "date"}.get(schema.kind, hint.kind)  # type: ignore[assignment]
    return Column(
        schema.name,
        kind,
        schema.required,
        hint.help,
        hint.example,
        schema.low,
        schema.high,
        hint.references,
        schema.low_open,
        schema.bounds,
        schema.default,
    )


def _tables() -> dict[str, tuple[Column, ...]]:
    """Every table's columns; a model field without a hint, or a hint without a field, is an error."""
    for table in TABLE_MODELS:
        extra = set(HINTS[table]) ^ set(TABLE_MODELS[table].model_fields)
        if extra:
            raise KeyError(f"template hints and the {table} model disagree on {sorted(extra)}")
    return {table: tuple(_column(c) for c in columns(table)) for table in TABLE_MODELS}


TABLES = _tables()
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
    (
        "boundaries",
        N_("Optional GeoJSON file of commune outlines beside the workbook; only the reports' maps use it."),
        "boundaries.geojson",
    ),
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
