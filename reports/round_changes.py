"""A round's changes against its baseline plan: each assignment's fate, and who arrives and leaves where."""

from __future__ import annotations

from collections import Counter

import pandas as pd
from rich.markup import escape
from rich.table import Table

from i18n import _
from models.plan import Plan
from models.scenario import Scenario
from optimizer.suggest import Suggestions
from reports.terminal import out


def changes_frame(plan: Plan) -> pd.DataFrame:
    """Every baseline assignment: person, from, status, to and why (plan.json's `baseline`)."""
    columns = [
        "candidate_id",
        "candidate_name",
        "status",
        "from_commune_id",
        "from_specialty",
        "to_commune_id",
        "to_specialty",
        "cause",
        "reason",
    ]
    return pd.DataFrame([change.model_dump() for change in plan.baseline], columns=columns)


def effect_frames(scenario: Scenario, plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per agency and per commune: people the baseline had there, arriving, leaving, and the plan's."""
    before = {(c.candidate_id, c.from_commune_id) for c in plan.baseline}
    after = {(a.candidate_id, a.commune_id) for a in plan.assignments}
    agency = {c.id: c.agency_id for c in scenario.candidates}
    rows = {"agency_id": Counter[tuple[str, str]](), "commune_id": Counter[tuple[str, str]]()}
    for side, pairs in (("baseline", before), ("plan", after)):
        for person, commune in pairs:
            rows["agency_id"][(agency.get(person, "?"), side)] += 1
            rows["commune_id"][(commune, side)] += 1
    for _person, commune in before - after:
        rows["commune_id"][(commune, "leaving")] += 1
    for _person, commune in after - before:
        rows["commune_id"][(commune, "arriving")] += 1
    people_before, people_after = {p for p, _c in before}, {p for p, _c in after}
    for person in people_before - people_after:
        rows["agency_id"][(agency.get(person, "?"), "returning")] += 1
    for person in people_after - people_before:
        rows["agency_id"][(agency.get(person, "?"), "newly released")] += 1
    sides = {
        "agency_id": ("baseline", "returning", "newly released", "plan"),
        "commune_id": ("baseline", "leaving", "arriving", "plan"),
    }
    frames = []
    for key, counts in rows.items():
        ids = sorted({k for k, _side in counts})
        frames.append(
            pd.DataFrame(
                [{key: i, **{side: counts[(i, side)] for side in sides[key]}} for i in ids],
                columns=[key, *sides[key]],
            )
        )
    return frames[0], frames[1]


def print_changes(scenario: Scenario, plan: Plan) -> None:
    """The baseline's fate in the solve summary: the counts, then each changed assignment and why."""
    if scenario.baseline is None or not plan.assignments:
        return
    counts = Counter(change.status for change in plan.baseline)
    out.print(
        _("Baseline: {kept} of {total} assignments kept · {moved} moved · {released} released").format(
            kept=counts["kept"], total=len(plan.baseline), moved=counts["moved"], released=counts["released"]
        ),
        markup=False,
    )
    changed = [change for change in plan.baseline if change.status != "kept"]
    if not changed:
        return
    out.print(_("Not kept, and why:"), markup=False)
    for change in changed:
        seat = f"{change.from_commune_id}/{change.from_specialty}"
        if change.status == "moved":
            text = _("{person} {name}: {seat} → {to}: {reason}")
        else:
            text = _("{person} {name}: {seat} → released: {reason}")
        to = f"{change.to_commune_id}/{change.to_specialty}"
        line = text.format(
            person=change.candidate_id, name=change.candidate_name, seat=seat, to=to, reason=change.reason
        )
        out.print("  " + line, markup=False)


def print_suggestions(found: Suggestions, top: int) -> None:
    """suggest's result: the best `top` people with each stage's cost, then who cannot and why."""
    title = _("Who could take {commune}/{specialty}: each held there, cost against the optimum").format(
        commune=found.commune_id, specialty=found.specialty
    )
    table = Table(title=escape(title))
    table.add_column("#", justify="right")
    table.add_column(_("person"))
    table.add_column(_("name"), overflow="fold")
    for stage, value in found.optimum.items():
        table.add_column(f"{stage}\n({value:g})", justify="right")
    table.add_column(_("others moved"), justify="right")
    for rank, suggestion in enumerate(found.ranked[:top], start=1):
        costs = [
            f"{suggestion.costs[stage]:+.6g}" if suggestion.costs[stage] else "0" for stage in found.optimum
        ]
        person = suggestion.candidate_id + (" ◀" if suggestion.in_plan else "")
        table.add_row(str(rank), escape(person), escape(suggestion.name), *costs, str(suggestion.moved))
    out.print(table)
    out.print(_("◀ holds the seat in the plan"), markup=False)
    if len(found.ranked) > top:
        out.print(
            _("… and {count} more who could take it").format(count=len(found.ranked) - top), markup=False
        )
    if found.cannot:
        out.print(_("Cannot take it:"), markup=False)
        for person, reason in found.cannot:
            out.print(f"  {person}: {reason}", markup=False)
