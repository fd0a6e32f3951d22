"""Variants as pure transformations of a frozen Scenario: changes applied in turn, axes, products.

Every changed row is validated again by its pydantic model, so a variant is as valid as a loaded
scenario.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ValidationError

from i18n import _
from models.scenario import Policy, Row, Scenario
from sweeps.keys import Change, Key, VaryError, row_id


def apply(scenario: Scenario, changes: Sequence[Change]) -> Scenario:
    """The scenario with each change made in turn; the original is left as it was."""
    updates: dict[str, Any] = {}
    for change in changes:
        key = change.key
        if key.table == "policy":
            policy = updates.get("policy", scenario.policy)
            value = change.new_value(getattr(policy, key.column), "policy")
            updates["policy"] = _validated(Policy, policy, key.column, value, change, "policy")
        else:
            rows = updates.get(key.table, getattr(scenario, key.table))
            updates[key.table] = _changed_rows(rows, change)
    return scenario.model_copy(update=updates) if updates else scenario


def _changed_rows(rows: tuple[Row, ...], change: Change) -> tuple[Row, ...]:
    """The table with the change made to every row, or to the one row the key names."""
    key = change.key
    if key.row is not None and key.row not in {row_id(r) for r in rows}:
        raise VaryError(
            _("{key}: no row {row!r} in {table}").format(key=key.text, row=key.row, table=key.table)
        )
    changed = []
    for row in rows:
        name = row_id(row)
        if key.row is None or key.row == name:
            where = f"{key.table}[{name}]"
            value = change.new_value(getattr(row, key.column), where)
            row = _validated(type(row), row, key.column, value, change, where)
        changed.append(row)
    return tuple(changed)


def _validated(
    model: type[BaseModel], item: BaseModel, column: str, value: object, change: Change, where: str
) -> BaseModel:
    """The item with one field replaced, validated again by its model."""
    if getattr(item, column) == value and type(getattr(item, column)) is type(value):
        return item
    try:
        return model.model_validate({**item.model_dump(), column: value})
    except ValidationError as error:
        reason = "; ".join(e["msg"] for e in error.errors())
        raise VaryError(
            _("{key}={value}: {where}.{column} would be {new}: {reason}").format(
                key=change.key.text, value=change.text, where=where, column=column, new=value, reason=reason
            )
        ) from None


@dataclass(frozen=True)
class Axis:
    """One swept KEY and the values it takes, in the order given."""

    key: Key
    changes: tuple[Change, ...]

    @classmethod
    def parse(cls, key_text: str, values: Iterable[object]) -> Axis:
        """An axis from a KEY and its values (already split)."""
        key = Key.parse(key_text)
        texts = [str(v).strip() for v in values]
        if not texts or any(not t for t in texts):
            raise VaryError(_("{key}: expected one or more comma-separated values").format(key=key.text))
        seen = [t for n, t in enumerate(texts) if t in texts[:n]]
        if seen:
            raise VaryError(_("{key}: value {value} is listed twice").format(key=key.text, value=seen[0]))
        return cls(key, tuple(Change.parse(key, t) for t in texts))


def expand(text: str) -> list[str]:
    """`100,150,200` as it is; `100:200:50` as 100,150,200 (start:stop:step, stop included)."""
    values = []
    for part in text.split(","):
        pieces = part.split(":")
        if len(pieces) == 3 and not pieces[0].strip().lower().startswith(("x", "×", "*")):
            values.extend(_range(part, *pieces))
        else:
            values.append(part)
    return values


def _range(part: str, start: str, stop: str, step: str) -> list[str]:
    try:
        first, last, by = (Decimal(p.strip()) for p in (start, stop, step))
    except InvalidOperation:
        raise VaryError(_("{value}: expected START:STOP:STEP with numbers").format(value=part)) from None
    if by <= 0 or last < first or (last - first) / by > 10_000:
        raise VaryError(_("{value}: expected START <= STOP and a STEP > 0").format(value=part))
    count = int((last - first) / by) + 1
    return [str(first + n * by) for n in range(count)]


def parse_vary(option: str) -> Axis:
    """A `--vary KEY=V1,V2,...` option."""
    key, equals, values = option.partition("=")
    if not equals:
        raise VaryError(_("--vary {option}: expected KEY=V1,V2,...").format(option=option))
    return Axis.parse(key, expand(values))


@dataclass(frozen=True)
class Variant:
    """One combination of changes: the values it gives each KEY, in the sweep's column order."""

    changes: tuple[Change, ...]

    def values(self) -> dict[str, str]:
        """The value each KEY takes in this variant, as given."""
        return {c.key.text: c.text for c in self.changes}

    def keys_set(self) -> list[str]:
        """The KEYs this variant sets."""
        return [c.key.text for c in self.changes]

    def label(self) -> str:
        """`policy.max_distance_km=120, agencies.max_release=+1` (the base scenario: `base`)."""
        return ", ".join(f"{c.key.text}={c.text}" for c in self.changes) or "base"


def product(axes: Sequence[Axis], listed: Sequence[Variant] = ()) -> list[Variant]:
    """Each listed variant (or the base alone) combined with the Cartesian product of the axes."""
    keys = [a.key.text for a in axes]
    repeated = [k for n, k in enumerate(keys) if k in keys[:n]]
    repeated += [k for v in listed for k in v.values() if k in keys]
    if repeated:
        raise VaryError(_("{key} is varied twice").format(key=repeated[0]))
    combos = list(itertools.product(*(a.changes for a in axes)))
    return [Variant((*v.changes, *combo)) for v in (listed or [Variant(())]) for combo in combos]


def columns(variants: Sequence[Variant]) -> list[str]:
    """Every KEY the variants set: those only some set first, then those all set; each in order of first
    appearance (so a sweep file's listed variants come before its axes)."""
    found = list(dict.fromkeys(k for v in variants for k in v.keys_set()))
    everywhere = [k for k in found if all(k in v.keys_set() for v in variants)]
    return [k for k in found if k not in everywhere] + everywhere
