"""Conflict sets as a planner reads them: one block per set, many alike members on one line."""

from __future__ import annotations

from itertools import groupby

from i18n import _
from models.plan import Conflict
from models.scenario import Scenario

GROUPED = 3
"""From this many people kept from one commune by one per-pair rule (a forbid aside: each is its own
item), a set shows them on one line; diagnosis.json lists each."""


def conflict_lines(scenario: Scenario, conflicts: tuple[Conflict, ...] | list[Conflict]) -> list[str]:
    """The lines that present every conflict set, headed by how many there are."""
    sets = [list(members) for _, members in groupby(conflicts, key=lambda c: c.set)]
    lines = [_("These hard rules cannot all hold: {count} independent conflict(s).").format(count=len(sets))]
    for number, members in enumerate(sets, start=1):
        if members[0].minimal:
            head = _("Conflict {number} of {count}: drop or relax any one of these and the rest can hold")
        else:
            head = _("Conflict {number} of {count}: possibly not minimal (time ran out)")
        lines.append(head.format(number=number, count=len(sets)))
        lines.extend("  " + line for line in _members(scenario, members))
    return lines


def _members(scenario: Scenario, members: list[Conflict]) -> list[str]:
    """One line per member, or per group of people kept from one commune by one rule."""
    lines = []
    for (rule, commune), alike in groupby(members, key=lambda c: (c.rule, c.commune)):
        group = list(alike)
        people = ", ".join(c.candidate or "" for c in group)
        if group[0].candidate is None or rule == "forbid" or len(group) < GROUPED:
            lines.extend(f"{c.rule} {c.item}: {c.detail}" for c in group)
        elif commune is None:
            lines.append(
                _("{rule} ×{count}: these people are not available for the whole period: {people}").format(
                    rule=rule, count=len(group), people=people
                )
            )
        else:
            named = scenario.commune_by_id.get(commune)
            place = f"{commune} {named.name}" if named else commune
            lines.append(
                _("{rule} ×{count}: these people cannot go to {commune}: {people}").format(
                    rule=rule, count=len(group), commune=place, people=people
                )
            )
    return lines
