"""A round's changes against its baseline plan: each assignment's fate, and who arrives and leaves where."""

from __future__ import annotations

from collections import Counter

import pandas as pd
from rich.markup import escape as rich_text
from rich.table import Table

from i18n import N_, _
from models.plan import Plan
from models.plan_files import read_plan_files
from models.scenario import Scenario
from optimizer.suggest import Suggestions
from reports.html_page import table
from reports.plan_data import PlanData
from reports.safe import shown
from reports.terminal import out

CHANGE_COLUMNS = [
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
AGENCY_SIDES = ("baseline", "returning", "newly released", "plan")
COMMUNE_SIDES = ("baseline", "leaving", "arriving", "plan")
"""The workbook's column names (stable, as documented); the page shows them as LABELS says."""
LABELS = {
    "baseline": N_("baseline"),
    "returning": N_("returning"),
    "newly released": N_("newly released"),
    "leaving": N_("leaving"),
    "arriving": N_("arriving"),
    "plan": N_("plan"),
    "kept": N_("kept"),
    "moved": N_("moved"),
    "released": N_("released"),
}


def changes_frame(plan: PlanData) -> pd.DataFrame:
    """Every baseline assignment as plan.json lists it: person, status, from, to, cause and reason."""
    claims = read_plan_files(plan.folder).claims or {}
    rows = [c for c in claims.get("baseline", []) if isinstance(c, dict)]
    return pd.DataFrame([{k: row.get(k, "") for k in CHANGE_COLUMNS} for row in rows], columns=CHANGE_COLUMNS)


def effect_frames(scenario: Scenario, assignments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per agency and per commune: the baseline's people, who leaves or returns, who arrives, the plan's.

    Read from the scenario's baseline and the plan's assignments.csv (the truth), not from plan.json.
    """
    before = {(b.candidate, b.commune) for b in scenario.baseline or ()}
    after = set(zip(assignments["candidate_id"], assignments["commune_id"], strict=True))
    agency = {c.id: c.agency_id for c in scenario.candidates}
    agency.update(dict(zip(assignments["candidate_id"], assignments["agency_id"], strict=True)))
    by_agency: Counter[tuple[str, str]] = Counter()
    by_commune: Counter[tuple[str, str]] = Counter()
    for side, pairs in (("baseline", before), ("plan", after)):
        for person, commune in pairs:
            by_agency[(agency.get(person, "?"), side)] += 1
            by_commune[(commune, side)] += 1
    for _person, commune in before - after:
        by_commune[(commune, "leaving")] += 1
    for _person, commune in after - before:
        by_commune[(commune, "arriving")] += 1
    people_before, people_after = {p for p, _c in before}, {p for p, _c in after}
    for person in people_before - people_after:
        by_agency[(agency.get(person, "?"), "returning")] += 1
    for person in people_after - people_before:
        by_agency[(agency.get(person, "?"), "newly released")] += 1
    return _frame("agency_id", by_agency, AGENCY_SIDES), _frame("commune_id", by_commune, COMMUNE_SIDES)


def _frame(key: str, counts: Counter[tuple[str, str]], sides: tuple[str, ...]) -> pd.DataFrame:
    """One row per id, one column per side."""
    ids = sorted({i for i, _side in counts})
    return pd.DataFrame(
        [{key: i, **{side: counts[(i, side)] for side in sides}} for i in ids], columns=[key, *sides]
    )


def round_sheets(plan: PlanData, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The workbook's round sheets (none without a baseline): the changes, then the effect."""
    if scenario.baseline is None:
        return {}
    agencies, communes = effect_frames(scenario, plan.assignments)
    return {
        _("Round changes"): changes_frame(plan),
        _("Round by agency"): agencies,
        _("Round by commune"): communes,
    }


def round_html(plan: PlanData, scenario: Scenario) -> list[str]:
    """The report's round section (none without a baseline): who arrives and leaves, where."""
    if scenario.baseline is None:
        return []
    agencies, communes = effect_frames(scenario, plan.assignments)
    changes = changes_frame(plan)
    changed = changes[changes["status"] != "kept"]
    kept = int((changes["status"] == "kept").sum())
    names = {c.id: c.name for c in scenario.communes}
    moved = communes[(communes["leaving"] > 0) | (communes["arriving"] > 0)]
    shifted = agencies[(agencies["returning"] > 0) | (agencies["newly released"] > 0)]
    return [
        "<h2>" + shown(_("Against the baseline")) + "</h2>",
        "<p>"
        + shown(
            _("{kept} of {total} baseline assignments kept; each change and its reason:").format(
                kept=kept, total=len(changes)
            )
        )
        + "</p>",
        table(
            [_("person"), _("from"), _("status"), _("to"), _("why")],
            [
                [
                    f"{r.candidate_id} {r.candidate_name}",
                    f"{r.from_commune_id}/{r.from_specialty}",
                    _(LABELS.get(r.status, r.status)),
                    f"{r.to_commune_id}/{r.to_specialty}" if r.to_commune_id else "",
                    r.reason,
                ]
                for r in changed.itertuples()
            ],
        ),
        '<div class="row">',
        table(
            [_("commune"), *(_(LABELS[side]) for side in COMMUNE_SIDES)],
            [[f"{names.get(r[0], r[0])} ({r[0]})", *r[1:]] for r in moved.itertuples(index=False)],
        ),
        table(
            [_("agency"), *(_(LABELS[side]) for side in AGENCY_SIDES)],
            [list(r) for r in shifted.itertuples(index=False)],
        ),
        "</div>",
    ]


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
    grid = Table(title=rich_text(title))
    grid.add_column("#", justify="right")
    grid.add_column(_("person"))
    grid.add_column(_("name"), overflow="fold")
    for stage, value in found.optimum.items():
        grid.add_column(f"{stage}\n({value:g})", justify="right")
    grid.add_column(_("others moved"), justify="right")
    for rank, suggestion in enumerate(found.ranked[:top], start=1):
        costs = [
            f"{suggestion.costs[stage]:+.6g}" if suggestion.costs[stage] else "0" for stage in found.optimum
        ]
        person = suggestion.candidate_id + (" ◀" if suggestion.in_plan else "")
        grid.add_row(str(rank), rich_text(person), rich_text(suggestion.name), *costs, str(suggestion.moved))
    out.print(grid)
    out.print(_("◀ holds the seat in the plan"), markup=False)
    more = len(found.ranked) - top
    if more > 0:
        out.print(_("… and {count} more who could take it, ranked lower").format(count=more), markup=False)
    if found.unranked:
        text = _(
            "{count} more eligible, not re-solved: none of them could rank in the top {top} (raise --top)"
        )
        out.print(text.format(count=found.unranked, top=top), markup=False)
    if found.cannot:
        out.print(_("Cannot take it:"), markup=False)
        for person, reason in found.cannot:
            out.print(f"  {person}: {reason}", markup=False)
