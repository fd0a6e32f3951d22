"""The scenario: communes, shortages, candidates, agencies and policy, validated and frozen."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from i18n import N_, _

DEFAULT_SPECIALTIES: dict[str, str] = {
    "it": N_("Information technology, communication, digital transformation"),
    "land": N_("Land management"),
    "justice": N_("Justice"),
    "finance": N_("Finance and budget"),
    "construction": N_("Construction and transport"),
    "industry_trade": N_("Industry and trade"),
    "home_affairs": N_("Home affairs and labour"),
    "health": N_("Health"),
    "education": N_("Education"),
}
MAX_LEVEL = 3
MAX_NUMBER = 10**9
"""The largest number any cell or setting may hold: every sum the engines form then fits in 64 bits."""
MAX_DETOUR = 10


def nfc(value: object) -> object:
    """Trim and NFC-normalise text (NFC and NFD spellings then compare equal); numbers become text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
"""Unicode categories a typed id or name never needs: controls, format characters (zero-width
spaces and joiners, bidi controls, soft hyphens), private-use, surrogates, unassigned, line breaks."""


def invisible(text: str) -> str | None:
    """What is wrong with a text holding a character nobody sees (or a space that is not U+0020)."""
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category in INVISIBLE or (category == "Zs" and char != " "):
            name = unicodedata.name(char, _("a control character") if category == "Cc" else _("unnamed"))
            message = (
                _(
                    "holds the invisible character U+{code} ({name}) at position {position}: replace it "
                    "with a plain space; two ids that look the same must be the same"
                )
                if category == "Zs"
                else _(
                    "holds the invisible character U+{code} ({name}) at position {position}: delete it; "
                    "two ids that look the same must be the same"
                )
            )
            return message.format(code=f"{ord(char):04X}", name=name, position=position)
    return None


def visible(value: str | None) -> str | None:
    """Refuse text with an invisible character: it would make two people of one (`P017` and `P\u200b017`)."""
    problem = None if value is None else invisible(value)
    if problem:
        raise ValueError(problem)
    return value


def typed(value: object) -> object:
    """`nfc`, after refusing any invisible character as it was typed (NFC turns U+2000 into U+2002)."""
    if isinstance(value, str):
        visible(value.strip())
    return nfc(value)


def split_list(value: object) -> object:
    """Read a `;`-separated cell as a tuple of non-empty, visible, NFC-normalised items."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(item for item in (typed(part) for part in value.split(";")) if item)
    return value


def parse_skills(value: object) -> object:
    """Read `it;land:2` as {"it": 3, "land": 2}; the level defaults to the highest."""
    if not isinstance(value, str):
        return value
    skills: dict[str, int] = {}
    if "," in value:
        fixed = ";".join(part.strip() for part in value.split(",") if part.strip())
        raise ValueError(_("the list separator is ';', not ',': write {fixed}").format(fixed=repr(fixed)))
    for item in split_list(value):
        specialty, _colon, level = item.partition(":")
        specialty = specialty.strip()
        visible(specialty)
        if specialty in skills:
            raise ValueError(_("specialty {specialty} is listed twice").format(specialty=repr(specialty)))
        if not level:
            skills[specialty] = MAX_LEVEL
        elif level.strip() in {"1", "2", "3"}:
            skills[specialty] = int(level)
        else:
            raise ValueError(_("level in {item} must be 1, 2 or 3").format(item=repr(item)))
    return skills


def some_communes(value: object) -> object:
    """A floor over no commune at all (`communes: []`) binds nothing: it is a mistake, not a rule."""
    if isinstance(value, list | tuple) and not value:
        raise ValueError(_("at least one commune id is required (or 'all', or 'tag:X')"))
    return value


def require_items(value: tuple[str, ...]) -> tuple[str, ...]:
    """Reject an empty list where at least one item is required."""
    if not value:
        raise ValueError(_("at least one item is required"))
    return value


def spreadsheet_date(value: object) -> object:
    """Accept a workbook's `2025-08-01 00:00:00` as the date it is."""
    if isinstance(value, str) and value.endswith(" 00:00:00"):
        return value.removesuffix(" 00:00:00")
    return value


def not_a_boolean(value: object) -> object:
    """Refuse `yes`/`true` where a number belongs: YAML reads them as booleans, pydantic as 1."""
    if isinstance(value, bool):
        raise ValueError(
            _("expected a number, got the boolean {value} (yes/no/on/off are booleans)").format(
                value=str(value).lower()
            )
        )
    return value


def strict_boolean(value: object) -> object:
    """Accept only true/false (or yes/no) for a switch: `1` or `"maybe"` is not silently a boolean."""
    if not isinstance(value, bool):
        raise ValueError(_("expected true or false"))
    return value


Text = Annotated[str, BeforeValidator(typed), Field(min_length=1)]
Day = Annotated[date, BeforeValidator(spreadsheet_date)]
OptionalId = Annotated[str | None, BeforeValidator(typed)]
TextList = Annotated[tuple[str, ...], BeforeValidator(split_list)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Count = Annotated[int, BeforeValidator(not_a_boolean), Field(ge=0, le=MAX_NUMBER)]
Whole = Annotated[int, BeforeValidator(not_a_boolean), Field(ge=1, le=MAX_NUMBER)]
Amount = Annotated[float, BeforeValidator(not_a_boolean), Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)]
PositiveKm = Annotated[float, BeforeValidator(not_a_boolean), Field(gt=0, le=MAX_NUMBER, allow_inf_nan=False)]
Switch = Annotated[bool, BeforeValidator(strict_boolean)]


class Frozen(BaseModel):
    """Base for scenario parts: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Row(BaseModel):
    """Base for table rows: immutable, unknown columns ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Objective(StrEnum):
    """Objectives a scenario can rank, by their stable names."""

    COVERAGE = "coverage"
    FAIRNESS = "fairness"
    DISTANCE = "distance"
    PREFERENCE = "preference"
    DISRUPTION = "disruption"
    STABILITY = "stability"


class Specialty(Frozen):
    """A field of expertise a commune can be short of."""

    id: Text
    name: Text


class Period(Frozen):
    """The secondment period; candidates must be available for all of it."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise ValueError(_("start {start} is after end {end}").format(start=self.start, end=self.end))
        return self


class CoverageFloor(Frozen):
    """Each selected commune short of `specialty` gets at least min(at_least, seats) filled."""

    communes: Annotated[str | tuple[Text, ...], BeforeValidator(some_communes)]
    specialty: Text
    at_least: Whole

    @property
    def label(self) -> str:
        """Short human label, e.g. `tag:border/it>=1`."""
        target = self.communes if isinstance(self.communes, str) else ",".join(self.communes)
        return f"{target}/{self.specialty}>={self.at_least}"


class Pin(Frozen):
    """An assignment that must hold."""

    candidate: Text
    commune: Text
    specialty: OptionalId = None


class Forbid(Frozen):
    """A candidate–commune pair (optionally for one specialty) that must not happen."""

    candidate: Text
    commune: Text
    specialty: OptionalId = None


class BaselineAssignment(Frozen):
    """One assignment of the baseline plan (the published previous round)."""

    candidate: Text
    commune: Text
    specialty: Text
    candidate_name: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """(candidate id, commune id, specialty): what `stability` compares."""
        return (self.candidate, self.commune, self.specialty)


def _unique_objectives(value: tuple[Objective, ...]) -> tuple[Objective, ...]:
    """At least one objective, each once: an empty list would leave the plan to chance."""
    if not value:
        raise ValueError(_("at least one objective is required (e.g. [coverage, fairness, distance])"))
    if len(set(value)) != len(value):
        raise ValueError(_("each objective may be listed only once"))
    return value


class Softenable(StrEnum):
    """Rule families that `soften` may turn from hard rules into ones broken as little as possible."""

    PINS = "pins"
    MIN_COVERAGE = "min_coverage"


def _unique_families(value: tuple[Softenable, ...]) -> tuple[Softenable, ...]:
    if len(set(value)) != len(value):
        raise ValueError("each family may be listed only once")
    return value


Soften = Annotated[tuple[Softenable, ...], AfterValidator(_unique_families)]


class Policy(Frozen):
    """Province-wide rules and the ranked objectives."""

    max_distance_km: PositiveKm | None = None
    max_travel_minutes: PositiveKm | None = None
    detour_factor: Annotated[
        float, BeforeValidator(not_a_boolean), Field(ge=1, le=MAX_DETOUR, allow_inf_nan=False)
    ] = 1.6
    speed_kmh: PositiveKm = 30.0
    avoid_home_commune: Switch = False
    objectives: Annotated[tuple[Objective, ...], AfterValidator(_unique_objectives)] = (
        Objective.COVERAGE,
        Objective.FAIRNESS,
        Objective.DISTANCE,
    )
    min_coverage: tuple[CoverageFloor, ...] = ()
    max_posts_per_person: Whole = 1

    @model_serializer(mode="wrap")
    def _without_default_posts(self, handler: SerializerFunctionWrapHandler) -> dict:
        """Leave out `max_posts_per_person` at its default, so older scenarios keep their hash."""
        data = handler(self)
        if self.max_posts_per_person == 1:
            data.pop("max_posts_per_person", None)
        return data

    soften: Soften = ()
    """Families (`pins`, `min_coverage`) kept as far as they can be, not as hard rules."""


class Commune(Row):
    """A commune-level unit that can host seconded staff."""

    id: Text
    name: Text
    type: Literal["ward", "commune"]
    lat: Latitude
    lon: Longitude
    capacity: Count
    tags: TextList = ()


class Shortage(Row):
    """Seats a commune needs filled in one specialty."""

    commune_id: Text
    specialty: Text
    seats: Whole
    priority: int = Field(default=3, ge=1, le=5)
    min_level: int = Field(default=1, ge=1, le=MAX_LEVEL)

    @property
    def key(self) -> tuple[str, str]:
        """The shortage's identity: (commune id, specialty)."""
        return (self.commune_id, self.specialty)


class Candidate(Row):
    """A civil servant who may be seconded."""

    id: Text
    name: Text
    agency_id: Text
    specialties: Annotated[dict[str, int], BeforeValidator(parse_skills)]
    home_commune_id: OptionalId = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    max_distance_km: PositiveKm | None = None
    available_from: Day | None = None
    available_to: Day | None = None
    preferences: TextList = ()
    max_posts: Whole | None = None

    @model_serializer(mode="wrap")
    def _without_blank_posts(self, handler: SerializerFunctionWrapHandler) -> dict:
        """Leave out a blank `max_posts`, so older scenarios keep their hash."""
        data = handler(self)
        if self.max_posts is None:
            data.pop("max_posts", None)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Candidate:
        if not self.specialties:
            raise ValueError(_("specialties: at least one specialty is required"))
        if (self.lat is None) != (self.lon is None):
            raise ValueError(_("lat and lon must be given together or both left blank"))
        if self.available_from and self.available_to and self.available_from > self.available_to:
            raise ValueError(
                _("available_from {first} is after available_to {last}").format(
                    first=self.available_from, last=self.available_to
                )
            )
        return self


class Agency(Row):
    """A provincial agency that releases staff."""

    id: Text
    name: Text
    lat: Latitude
    lon: Longitude
    staff: Count
    max_release: Count


class Distance(Row):
    """A measured travel distance (and optionally time) overriding the estimate."""

    from_id: Text
    to_id: Text
    km: Amount
    minutes: Amount | None = None


class Border(Row):
    """Two communes that share a border."""

    code_a: Text
    code_b: Text


Ring = tuple[tuple[float, float], ...]


class Boundary(Frozen):
    """A commune's outline for maps: polygons, each an outer ring of (lon, lat) then its holes."""

    commune_id: str
    polygons: tuple[tuple[Ring, ...], ...]


class Scenario(Frozen):
    """A whole, cross-checked scenario."""

    name: Text
    description: str = ""
    period: Period | None = None
    specialties: tuple[Specialty, ...]
    communes: tuple[Commune, ...]
    shortages: tuple[Shortage, ...]
    candidates: tuple[Candidate, ...]
    agencies: tuple[Agency, ...]
    distances: tuple[Distance, ...] = ()
    adjacency: tuple[Border, ...] = ()
    boundaries: tuple[Boundary, ...] = ()
    policy: Policy = Policy()
    pins: tuple[Pin, ...] = ()
    forbid: tuple[Forbid, ...] = ()
    baseline: tuple[BaselineAssignment, ...] | None = None
    """The previous round's assignments (None: no baseline), for the `stability` objective."""

    def model_copy(self, *, update: dict[str, object] | None = None, deep: bool = False) -> Scenario:
        """A copy with some fields replaced; lookups cached on the original are not carried over."""
        copied = super().model_copy(update=update, deep=deep)
        for name, attribute in vars(Scenario).items():
            if isinstance(attribute, cached_property):
                copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def commune_by_id(self) -> dict[str, Commune]:
        """Communes by id."""
        return {c.id: c for c in self.communes}

    @cached_property
    def boundary_by_id(self) -> dict[str, Boundary]:
        """Commune outlines by commune id (communes without one are absent)."""
        return {b.commune_id: b for b in self.boundaries}

    @cached_property
    def agency_by_id(self) -> dict[str, Agency]:
        """Agencies by id."""
        return {a.id: a for a in self.agencies}

    @cached_property
    def candidate_by_id(self) -> dict[str, Candidate]:
        """Candidates by id."""
        return {c.id: c for c in self.candidates}

    @cached_property
    def candidate_index(self) -> dict[str, int]:
        """Position of each candidate id."""
        return {c.id: i for i, c in enumerate(self.candidates)}

    @cached_property
    def shortage_index(self) -> dict[tuple[str, str], int]:
        """Position of each shortage by (commune id, specialty)."""
        return {s.key: i for i, s in enumerate(self.shortages)}

    @cached_property
    def shortage_by_key(self) -> dict[tuple[str, str], Shortage]:
        """Shortages by (commune id, specialty)."""
        return {s.key: s for s in self.shortages}

    @cached_property
    def baseline_keys(self) -> frozenset[tuple[str, str, str]]:
        """The baseline's (candidate, commune, specialty) keys (empty without a baseline)."""
        return frozenset(b.key for b in self.baseline or ())

    @cached_property
    def measured(self) -> dict[tuple[str, str], tuple[float, float | None]]:
        """Measured (km, minutes) by (from id, to id)."""
        return {(d.from_id, d.to_id): (d.km, d.minutes) for d in self.distances}

    @cached_property
    def sha256(self) -> str:
        """Hash of the canonical content, so a plan can be tied to its scenario."""
        unused = {"boundaries"} if not self.boundaries else None  # hashes from before maps stay valid
        return hashlib.sha256(self.model_dump_json(exclude=unused).encode()).hexdigest()

    @cached_property
    def posts(self) -> tuple[int, ...]:
        """How many seats each candidate may fill (all in one commune): own `max_posts`, else the policy's."""
        default = self.policy.max_posts_per_person
        return tuple(default if c.max_posts is None else c.max_posts for c in self.candidates)

    @property
    def multi_post(self) -> bool:
        """Whether anyone may fill more than one seat."""
        return max(self.posts, default=1) > 1

    def floor_communes(self, floor: CoverageFloor) -> tuple[str, ...]:
        """Ids of the communes a floor selects (`all`, `tag:X` or a list)."""
        if isinstance(floor.communes, tuple):
            return floor.communes
        if floor.communes == "all":
            return tuple(c.id for c in self.communes)
        tag = floor.communes.removeprefix("tag:")
        return tuple(c.id for c in self.communes if tag in c.tags)
