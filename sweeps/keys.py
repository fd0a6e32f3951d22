"""What a `--vary` says: a KEY (policy scalar, column of every row, or of one row) and a value.

A KEY is `policy.<scalar>`, `<table>.<column>` (every row) or `<table>[<id>].<column>` (one row;
a shortage's id is `COMMUNE:SPECIALTY`). A value is absolute (`3`, `true`, `none`), relative
(`+1`, `-1`) or a factor (`x1.2`); relative values and factors need a numeric column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from i18n import _
from models.scenario import Agency, Candidate, Commune, Policy, Row, Shortage

TABLES: dict[str, type[Row]] = {
    "communes": Commune,
    "shortages": Shortage,
    "candidates": Candidate,
    "agencies": Agency,
}
KEY_PATTERN = re.compile(r"^(?P<table>[a-z_]+)(?:\[(?P<row>[^\]]+)\])?\.(?P<column>[a-z_]+)$")
NONE_WORDS = ("none", "null")
BOOL_WORDS = {"true": True, "yes": True, "false": False, "no": False}
SCALAR_TYPES = (bool, int, float)


class VaryError(ValueError):
    """A KEY or value that cannot be applied; the message names it and what was expected."""


def _types(annotation: object) -> set[object]:
    """The plain types an annotation allows (unions and Annotated unwrapped)."""
    if get_origin(annotation) is Annotated:
        return _types(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return {t for arg in get_args(annotation) for t in _types(arg)}
    return {annotation}


def _scalar_kind(model: type[BaseModel], name: str) -> type | None:
    """The scalar type of a field (bool, int or float, optional or not), else None."""
    kinds = _types(model.model_fields[name].annotation)
    found = [k for k in SCALAR_TYPES if k in kinds]
    others = kinds - set(SCALAR_TYPES) - {type(None)}
    return found[0] if len(found) == 1 and not others else None


def sweepable(model: type[BaseModel]) -> list[str]:
    """The fields of a model a sweep may change: numbers and yes/no switches."""
    return [name for name in model.model_fields if _scalar_kind(model, name) is not None]


def row_id(row: Row) -> str:
    """How a KEY names a row: its id, or `COMMUNE:SPECIALTY` for a shortage."""
    if isinstance(row, Shortage):
        return f"{row.commune_id}:{row.specialty}"
    return str(row.id)


@dataclass(frozen=True)
class Key:
    """What a `--vary` changes: a policy scalar, or a column of every row or of one row."""

    text: str
    table: str
    column: str
    row: str | None = None

    @classmethod
    def parse(cls, text: str) -> Key:
        """`policy.max_distance_km`, `agencies.max_release` or `agencies[SNV].max_release`."""
        text = text.strip()
        found = KEY_PATTERN.match(text)
        if not found:
            raise VaryError(
                _("{key}: not a key; expected policy.NAME, TABLE.COLUMN or TABLE[ID].COLUMN").format(key=text)
            )
        table, row, column = found["table"], found["row"], found["column"]
        if table == "policy":
            if row is not None:
                raise VaryError(_("{key}: policy has no rows; write policy.NAME").format(key=text))
            model: type[BaseModel] = Policy
        elif table in TABLES:
            model = TABLES[table]
        else:
            raise VaryError(
                _("{key}: unknown table {table!r}; expected policy, {tables}").format(
                    key=text, table=table, tables=", ".join(TABLES)
                )
            )
        if column not in sweepable(model):
            raise VaryError(
                _("{key}: {column!r} cannot be varied; expected one of {columns}").format(
                    key=text, column=column, columns=", ".join(sweepable(model))
                )
            )
        return cls(text, table, column, row.strip() if row else None)

    @cached_property
    def model(self) -> type[BaseModel]:
        """The pydantic model holding the field."""
        return Policy if self.table == "policy" else TABLES[self.table]

    @cached_property
    def kind(self) -> type:
        """bool, int or float."""
        kind = _scalar_kind(self.model, self.column)
        assert kind is not None
        return kind

    @property
    def optional(self) -> bool:
        """Whether the field may be left unset (`none`)."""
        return type(None) in _types(self.model.model_fields[self.column].annotation)


@dataclass(frozen=True)
class Change:
    """One KEY set to one value: absolute, relative (`+1`) or a factor (`x1.2`)."""

    key: Key
    text: str

    @classmethod
    def parse(cls, key: Key, text: str) -> Change:
        """Check the value's form against the key's type now, before anything is solved."""
        change = cls(key, str(text).strip())
        change.operation  # noqa: B018 - raises on a malformed value
        return change

    @cached_property
    def operation(self) -> tuple[str, Any]:
        """("set", value), ("add", Decimal) or ("scale", Decimal)."""
        text, key = self.text, self.key
        lowered = text.lower()
        if lowered in NONE_WORDS:
            if not key.optional:
                raise VaryError(
                    _("{key}={value}: this value cannot be left unset").format(key=key.text, value=text)
                )
            return ("set", None)
        if key.kind is bool:
            if lowered not in BOOL_WORDS:
                raise VaryError(_("{key}={value}: expected true or false").format(key=key.text, value=text))
            return ("set", BOOL_WORDS[lowered])
        if lowered[:1] in ("x", "×", "*"):
            return ("scale", self._number(text[1:]))
        if text[:1] in ("+", "-"):
            return ("add", self._number(text))
        return ("set", self._number(text))

    def _number(self, text: str) -> Decimal:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise VaryError(
                _("{key}={value}: expected a number, +N, -N or xN").format(key=self.key.text, value=self.text)
            )
        return number

    def new_value(self, old: object, where: str) -> object:
        """The field's value after the change; `where` names the row for messages."""
        verb, amount = self.operation
        if verb == "set":
            return amount if amount is None or isinstance(amount, bool) else self._typed(amount, where)
        if old is None:
            if self.key.row is None and self.key.table != "policy":
                return None
            raise VaryError(
                _("{key}={value}: {where} has no value to change; give an absolute value").format(
                    key=self.key.text, value=self.text, where=where
                )
            )
        base = Decimal(str(old))
        return self._typed(base + amount if verb == "add" else base * amount, where)

    def _typed(self, number: Decimal, where: str) -> int | float:
        """An int column takes the nearest whole number (halves up); a float column the number."""
        if self.key.kind is int:
            if self.operation[0] != "scale" and number != number.to_integral_value():
                raise VaryError(
                    _("{key}={value}: {where} needs a whole number").format(
                        key=self.key.text, value=self.text, where=where
                    )
                )
            return math.floor(number + Decimal("0.5"))
        return float(number)
