"""A comparison printed for the terminal as rich tables."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from i18n import _
from reports.compare import Comparison, effective_hash

VERDICT_STYLES = {"better": "bold green", "worse": "bold red"}


def number(value: Any, digits: int = 1) -> str:
    """A figure for a table cell: ints as they are, floats rounded, unknown as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}" if isinstance(value, int | float) else str(value)


def delta(value: Any, digits: int = 1) -> str:
    """A change with its sign: +2, -1.5, 0."""
    text = number(value, digits)
    return f"+{text}" if isinstance(value, int | float) and value > 0 else text


def percent(value: Any) -> str:
    """A share as a whole percentage."""
    return "–" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def post(commune_id: str, commune_name: str, specialty: str) -> str:
    """`03158 Xã Sín Thầu / it`, or a dash when there is no post."""
    return f"{commune_id} {commune_name} / {specialty}" if commune_id else "–"


def print_comparison(console: Console, comparison: Comparison) -> None:
    """Both plans, the scenario check, headline, stages, people, specialties, communes, agencies."""
    for side, plan in (("A", comparison.a), ("B", comparison.b)):
        digest = (effective_hash(plan) or "no scenario hash")[:12]
        facts = escape(f"{plan.folder} · {plan.status} · {plan.scenario_name} · {digest}")
        console.print(f"[bold]{side}[/] {facts}")
        for note in plan.notes:
            console.print(f"  [dim]{escape(note)}[/]")
    style = {True: "green", False: "bold yellow", None: "yellow"}[comparison.same_scenario]
    console.print(f"[{style}]{escape(comparison.scenario_note)}[/]")
    if comparison.scenario_changes is not None and len(comparison.scenario_changes):
        console.print(_scenario_changes(comparison))
    _print_audits(console, comparison)
    console.print(_headline(comparison))
    if len(comparison.objectives):
        console.print(_objectives(comparison))
    for table in (
        _people(comparison),
        _specialties(comparison),
        _communes(comparison),
        _agencies(comparison),
    ):
        console.print(table if table.row_count else Text(f"{table.title}: none"))


def _table(title: str, *columns: str) -> Table:
    """A table whose first column is text and the rest are right-aligned figures."""
    table = Table(title=title, title_justify="left")
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right", overflow="fold")
    return table


def _add(table: Table, *cells: str) -> None:
    """A row whose cells are plain text (a name holding `[` is not read as markup)."""
    table.add_row(*(Text(cell) for cell in cells))


def _headline(comparison: Comparison) -> Table:
    table = _table(_("Headline (Δ = B − A)"), _("figure"), "A", "B", "Δ", _("better or worse"))
    for row in comparison.summary.itertuples():
        digits = 4 if "share" in row.figure or "gini" in row.figure else 1
        style = VERDICT_STYLES.get(row.verdict, "")
        table.add_row(
            Text(_(row.label)),
            Text(number(row.a, digits)),
            Text(number(row.b, digits)),
            Text(delta(row.delta, digits), style=style),
            Text(_(row.verdict), style=style),
        )
    return table


def _scenario_changes(comparison: Comparison) -> Table:
    """What differs between A's and B's scenarios, one line a key or row."""
    frame = comparison.scenario_changes
    assert frame is not None
    table = _table(_("What differs between the scenarios (A → B)"), _("where"), _("change"), "A", "B")
    for column in table.columns[1:]:
        column.justify = "left"
    for row in frame.itertuples():
        where = f"{row.part}: {row.key}" + (f" · {row.column}" if row.column else "")
        _add(table, where, _(row.change), row.a, row.b)
    return table


def _print_audits(console: Console, comparison: Comparison) -> None:
    """Each plan's audit: hard rules it breaks in red, or that it was not audited and why."""
    for side, audit in zip(("A", "B"), comparison.audits, strict=True):
        if audit is None:
            console.print(
                escape(_("{side}: not audited (give --scenario to check its hard rules)").format(side=side))
            )
        elif audit.hard:
            console.print(
                Text(
                    _("{side} BREAKS {count} hard rule(s):").format(side=side, count=len(audit.hard)),
                    style="bold red",
                )
            )
            for violation in audit.hard:
                console.print(Text(f"  {violation}"))
        else:
            console.print(Text(_("{side}: every hard rule holds (audited)").format(side=side), style="green"))
        if audit is not None and audit.claims:
            console.print(
                Text(
                    _("{side}: {count} figure(s) in its files not borne out by its assignments").format(
                        side=side, count=len(audit.claims)
                    ),
                    style="yellow",
                )
            )


def _objectives(comparison: Comparison) -> Table:
    table = _table("Objective stages", "stage", "sense", "A", "B", "Δ", "better")
    for row in comparison.objectives.itertuples():
        _add(table, row.stage, row.sense, number(row.a, 3), number(row.b, 3), delta(row.delta, 3), row.better)
    return table


def _people(comparison: Comparison) -> Table:
    counts = ", ".join(f"{comparison.count(c)} {c}" for c in ("added", "removed", "moved"))
    table = _table(
        f"People: {counts}, {comparison.unchanged} unchanged", "change", "person", "from", "to", "km"
    )
    table.columns[1].justify = table.columns[2].justify = table.columns[3].justify = "left"
    for row in comparison.changes.itertuples():
        _add(
            table,
            row.change,
            f"{row.candidate_id} {row.candidate_name} ({row.agency_id})",
            post(row.from_commune_id, row.from_commune_name, row.from_specialty),
            post(row.to_commune_id, row.to_commune_name, row.to_specialty),
            f"{number(row.from_km)} → {number(row.to_km)}",
        )
    return table


def _specialties(comparison: Comparison) -> Table:
    table = _table(
        "Seats per specialty", "specialty", "demanded A", "filled A", "demanded B", "filled B", "Δ"
    )
    for row in comparison.by_specialty.itertuples():
        _add(
            table,
            row.specialty,
            number(row.demanded_a),
            number(row.filled_a),
            number(row.demanded_b),
            number(row.filled_b),
            delta(row.delta_filled),
        )
    return table


def _communes(comparison: Comparison) -> Table:
    frame = comparison.by_commune
    changed = frame[(frame["delta_filled"] != 0) | (frame["demanded_a"] != frame["demanded_b"])]
    title = f"Communes whose seats changed ({len(changed)} of {len(frame)}; --out lists all)"
    table = _table(
        title, "commune", "demanded A", "filled A", "share A", "demanded B", "filled B", "share B", "Δ"
    )
    for row in changed.itertuples():
        _add(
            table,
            f"{row.commune_id} {row.commune_name}",
            number(row.demanded_a),
            number(row.filled_a),
            percent(row.share_a),
            number(row.demanded_b),
            number(row.filled_b),
            percent(row.share_b),
            delta(row.delta_filled),
        )
    return table


def _agencies(comparison: Comparison) -> Table:
    frame = comparison.by_agency
    changed = frame[frame["delta"] != 0]
    title = f"Agencies whose release changed ({len(changed)} of {len(frame)}; --out lists all)"
    table = _table(title, "agency", "released A", "released B", "Δ", "max release")
    for row in changed.itertuples():
        _add(
            table,
            f"{row.agency_id} {row.agency_name}".strip(),
            number(row.released_a),
            number(row.released_b),
            delta(row.delta),
            number(row.max_release),
        )
    return table
