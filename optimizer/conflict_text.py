"""Conflicting rule instances in words: each as its rule describes it, and why a softened one broke."""

from __future__ import annotations

from i18n import _
from models.scenario import Scenario
from optimizer.conflict_model import Item
from optimizer.rules import RULE

SHOWN = 5
"""How many members of one rule a broken item's reason names before `and N more`."""


def describe(scenario: Scenario, item: Item) -> str:
    """The rule instance as its own catalogue entry describes it: where it lives, with the numbers."""
    return RULE[item.rule].describe(scenario, item.instance)  # type: ignore[attr-defined]


def broken_detail(scenario: Scenario, item: Item, members: tuple[Item, ...]) -> str:
    """Why a softened pin or floor is broken: what it states, and the rules it cannot hold with."""
    partners = [m for m in members if m != item]
    if not partners:
        return _("{rule}: breaking it lets more of the softened rules hold").format(
            rule=describe(scenario, item)
        )
    by_rule: dict[str, list[Item]] = {}
    for member in partners:
        by_rule.setdefault(str(member.rule), []).append(member)
    parts = []
    for rule, alike in by_rule.items():
        if len(alike) <= 2:
            parts.extend(describe(scenario, m) for m in alike)
        else:
            shown = ", ".join(m.item for m in alike[:SHOWN])
            more = _(" and {count} more").format(count=len(alike) - SHOWN) if len(alike) > SHOWN else ""
            parts.append(
                _("{count} × {rule} ({items}{more})").format(
                    count=len(alike), rule=rule, items=shown, more=more
                )
            )
    return _("{rule}; it cannot hold together with: {partners}").format(
        rule=describe(scenario, item), partners="; ".join(parts)
    )
