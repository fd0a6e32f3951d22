"""The scenario tables' columns as the row models and the loader define them: the one schema.

The template, the scenario writer and the docs' column table follow it (tests/test_schema.py checks
the docs), so a field added, renamed or re-bounded in `models/scenario.py` reaches all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

import annotated_types
from pydantic.fields import FieldInfo

from models.cells import VIETNAM_LAT, VIETNAM_LON, field_kind
from models.scenario import Agency, Border, Candidate, Commune, Distance, Row, Scenario, Shortage

TABLE_MODELS: dict[str, type[Row]] = {
    "communes": Commune,
    "shortages": Shortage,
    "candidates": Candidate,
    "agencies": Agency,
    "distances": Distance,
    "adjacency": Border,
}
REQUIRED_TABLES = tuple(name for name in TABLE_MODELS if Scenario.model_fields[name].is_required())
COORDINATES = {"lat": VIETNAM_LAT, "lon": VIETNAM_LON}
"""The loader refuses a point outside Vietnam in any table with both columns (models.cells)."""


@dataclass(frozen=True)
class ColumnSchema:
    """One column: its type, whether it is required, its default and the range the loader accepts."""

    table: str
    name: str
    kind: Literal["date", "int", "float", "text"]
    required: bool
    default: object = None
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def bounds(self) -> str:
        """The accepted range as the docs write it: `≥ 0`, `> 0`, `1–5`, or '' when unbounded."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g}–{self.high:g}"
        if self.low is not None:
            return f"{'>' if self.low_open else '≥'} {self.low:g}"
        return "" if self.high is None else f"≤ {self.high:g}"


def columns(table: str) -> tuple[ColumnSchema, ...]:
    """The columns of a scenario table, in the contract's order."""
    fields = TABLE_MODELS[table].model_fields
    return tuple(
        _column(table, name, field, set(COORDINATES) <= set(fields)) for name, field in fields.items()
    )


def column(table: str, name: str) -> ColumnSchema:
    """One column of a scenario table."""
    return next(c for c in columns(table) if c.name == name)


def _column(table: str, name: str, field: FieldInfo, located: bool) -> ColumnSchema:
    """One field's column; a coordinate takes the loader's Vietnam box instead of the model's ±90/±180."""
    low = high = None
    low_open = False
    for rule in _rules(field):
        if isinstance(rule, annotated_types.Ge):
            low = rule.ge  # type: ignore[assignment]
        elif isinstance(rule, annotated_types.Gt):
            low, low_open = rule.gt, True  # type: ignore[assignment]
        elif isinstance(rule, annotated_types.Le):
            high = rule.le  # type: ignore[assignment]
    if located and name in COORDINATES:
        low, high = COORDINATES[name]
    default = None if field.is_required() or field.default in (None, ()) else field.default
    choices = tuple(get_args(field.annotation)) if get_origin(field.annotation) is Literal else ()
    kind = field_kind(field)
    return ColumnSchema(table, name, kind, field.is_required(), default, low, low_open, high, choices)  # type: ignore[arg-type]


def _rules(field: FieldInfo) -> list[object]:
    """The field's constraints, including those inside `Annotated[...] | None`."""
    found: list[object] = []
    pending: list[object] = [*field.metadata, field.annotation]
    while pending:
        item = pending.pop()
        if isinstance(item, FieldInfo):
            pending.extend(item.metadata)
        elif get_origin(item) is Annotated:
            pending.extend(get_args(item)[1:])
        elif get_origin(item) in (Union, UnionType):
            pending.extend(get_args(item))
        elif item is not None and not isinstance(item, type):
            found.append(item)
    return found
