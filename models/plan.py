"""The plan: what the optimizer decided, how good it is proven to be, and where it came from."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for plan parts: immutable; extra keys kept so newer plans still load."""

    model_config = ConfigDict(frozen=True, extra="allow")


class SolveStatus(StrEnum):
    """How far a plan is proven: every stage optimal, a valid plan, none exists, or unknown."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


class SolveParams(BaseModel):
    """Solver settings: a plan is reproducible from the scenario and these."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_limit_s: float = Field(default=60.0, gt=0)
    seed: int = Field(default=0, ge=0)
    workers: int = Field(default=1, ge=1, le=64)
    engine: Literal["auto", "flow", "cpsat"] = "auto"
    soften: tuple[Literal["pins", "min_coverage"], ...] = ()
    """Families softened on top of the scenario's own `policy.soften` (the `--soften` option)."""


class StageResult(Frozen):
    """One objective stage: the value reached and the proven bound on it."""

    name: str
    sense: str
    value: float | int
    bound: float | int | None
    proven: bool


class Assignment(Frozen):
    """One seconded person."""

    candidate_id: str
    candidate_name: str
    agency_id: str
    commune_id: str
    commune_name: str
    specialty: str
    distance_km: float
    travel_minutes: float


class Unfilled(Frozen):
    """A shortage left (partly) unfilled, with why."""

    commune_id: str
    specialty: str
    seats: int
    filled: int
    missing: int
    reason: str
    commune_name: str = ""


class Kpis(Frozen):
    """Headline figures of a plan."""

    seats_demanded: int
    seats_filled: int
    coverage_pct: float
    total_km: float
    priority_weighted_demanded: int = 0
    priority_weighted_filled: int = 0
    people_seconded: int = 0
    communes_with_demand: int = 0
    communes_left_short: int = 0
    max_km: float = 0.0


class Provenance(Frozen):
    """Where the plan came from, so a reviewer can reproduce or reject it."""

    scenario_sha256: str
    scenario_name: str = ""
    tool_version: str
    solver: str
    seed: int
    time_limit_s: float
    created_at: str
    soften: tuple[str, ...] = ()
    """The rule families the plan treats as soft (the scenario's and the command line's)."""


class Conflict(Frozen):
    """One hard-rule instance in a set that cannot hold together (sets are numbered from 0)."""

    rule: str
    item: str
    detail: str
    set: int = 0
    minimal: bool = True
    """Whether the set was proven minimal (False: time ran out, a member may be superfluous)."""
    candidate: str | None = None
    commune: str | None = None
    specialty: str | None = None
    """For a rule about one person at one commune (the level: at one shortage): who and where."""


class Broken(Frozen):
    """A softened rule instance the plan does not keep, and why it could not be kept."""

    rule: str
    item: str
    detail: str


class Plan(Frozen):
    """A whole plan as written to plan.json."""

    status: SolveStatus
    objectives: tuple[StageResult, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    unfilled: tuple[Unfilled, ...] = ()
    kpis: Kpis
    provenance: Provenance
    conflicts: tuple[Conflict, ...] = ()
    broken: tuple[Broken, ...] = ()
