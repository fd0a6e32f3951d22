"""The shape plan.json must have to be read at all: each key's type, checked before any figure is used.

A plan.json edited by hand (or tampered with) may hold a list where a mapping belongs, text where a
number belongs, `NaN`, or `true` for a count. Whoever reads it (`audit`, `report`, `compare`) checks
it here first, so a wrong shape is a problem naming the file and the key, never a crash. Extra keys
are kept: newer plans still load.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from i18n import _
from models.errors import InputProblem

Number = Annotated[float, Field(allow_inf_nan=False)]
STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")


class Shape(BaseModel):
    """Strict types (no `"3"` for 3, no `true` for 1), extra keys allowed."""

    model_config = ConfigDict(strict=True, extra="allow")


class StageShape(Shape):
    """One objective stage."""

    name: str
    sense: Literal["max", "min"]
    value: Number | None = None
    bound: Number | None = None
    proven: bool = False
    seconds: Number | None = None
    communes_served: int | None = None
    communes_served_bound: int | None = None


class AssignmentShape(Shape):
    """One seconded person."""

    candidate_id: str
    commune_id: str
    specialty: str
    candidate_name: str = ""
    agency_id: str = ""
    commune_name: str = ""
    distance_km: Number | None = None
    travel_minutes: Number | None = None


class UnfilledShape(Shape):
    """One shortage left short."""

    commune_id: str
    specialty: str
    seats: int
    filled: int = 0
    missing: int
    reason: str = ""
    commune_name: str = ""


class ConflictShape(Shape):
    """One conflicting rule."""

    rule: str
    item: str
    detail: str


class ProvenanceShape(Shape):
    """Where the plan came from."""

    scenario_sha256: str | None = None
    scenario_name: str = ""
    redacted: bool = False
    seed: int | None = None
    time_limit_s: Number | None = None
    soften: list[str] = []


class BrokenShape(Shape):
    """One softened rule the plan does not keep."""

    rule: str
    item: str
    detail: str = ""


class BaselineShape(Shape):
    """What became of one baseline assignment."""

    candidate_id: str
    status: Literal["kept", "moved", "released"]
    from_commune_id: str
    from_specialty: str
    candidate_name: str = ""
    to_commune_id: str = ""
    to_specialty: str = ""
    cause: str = ""
    reason: str = ""


class PlanShape(Shape):
    """plan.json as a whole."""

    status: Literal[STATUSES]  # type: ignore[valid-type]
    objectives: list[StageShape] = []
    assignments: list[AssignmentShape] = []
    unfilled: list[UnfilledShape] = []
    kpis: dict[str, Number] = {}
    provenance: ProvenanceShape = ProvenanceShape()
    conflicts: list[ConflictShape] = []
    baseline: list[BaselineShape] = []
    broken: list[BrokenShape] = []


def shape_problems(name: str, content: dict[str, Any]) -> list[InputProblem]:
    """Every key of plan.json whose value has the wrong type, by its key path."""
    try:
        PlanShape.model_validate(content)
    except ValidationError as error:
        return [_problem(name, e) for e in error.errors()]
    return []


def _problem(name: str, error: Any) -> InputProblem:
    """One shape error, naming the key path (`assignments[3].candidate_id`) and the value found."""
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    value = error.get("input")
    expected = (
        _("a value is required")
        if error["type"] == "missing"
        else str(error["msg"]).removeprefix("Value error, ")
    )
    return InputProblem(
        name,
        _("{expected} (this key of the plan has the wrong shape)").format(expected=expected),
        column=path or None,
        value=value if isinstance(value, str | int | float | bool) else type(value).__name__,
    )
