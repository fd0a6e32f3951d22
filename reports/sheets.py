"""The sheets of the plan and comparison workbooks, as frames."""

from __future__ import annotations

from typing import Any

import pandas as pd

from i18n import N_, _
from i18n.names import objective_name
from models.scenario import CoverageFloor, Scenario
from reports.compare import Comparison, PlanAudit, effective_hash
from reports.metrics import HEADLINE_LABELS, by_agency, by_commune, by_specialty, headline
from reports.plan_data import PlanData


def policy_lines(scenario: Scenario, pseudonyms: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The scenario's policy, pins and forbids as (item, value) lines people can read.

    For a redacted plan (`pseudonyms` maps each pseudonym to its id) people are named by pseudonym.
    """
    shown = {cid: pseudonym for pseudonym, cid in (pseudonyms or {}).items()}
    policy = scenario.policy
    lines = [
        (
            _("period"),
            f"{scenario.period.start} – {scenario.period.end}" if scenario.period else _("not set"),
        ),
        (_("objectives, in priority order"), " → ".join(objective_name(o.value) for o in policy.objectives)),
        (_("max distance km"), _or_none(policy.max_distance_km)),
        (_("max travel minutes"), _or_none(policy.max_travel_minutes)),
        (_("detour factor"), f"{policy.detour_factor:g}"),
        (_("speed km/h"), f"{policy.speed_kmh:g}"),
        (_("avoid home commune"), _("yes") if policy.avoid_home_commune else _("no")),
    ]
    lines += [(_("coverage floor"), _floor(floor)) for floor in policy.min_coverage]
    lines += [
        (_("pin"), f"{_who(scenario, p.candidate, shown)} → {_where(scenario, p.commune, p.specialty)}")
        for p in scenario.pins
    ]
    lines += [
        (_("forbid"), f"{_who(scenario, f.candidate, shown)} ✗ {_where(scenario, f.commune, f.specialty)}")
        for f in scenario.forbid
    ]
    return lines


def _floor(floor: CoverageFloor) -> str:
    """`at least 1 it seat(s) filled in each commune tagged border short of it`."""
    if floor.communes == "all":
        text = _("at least {count} {field} seat(s) filled in every commune short of it")
        return text.format(count=floor.at_least, field=floor.specialty)
    if isinstance(floor.communes, str):
        text = _("at least {count} {field} seat(s) filled in each commune tagged {tag} short of it")
        return text.format(
            count=floor.at_least, field=floor.specialty, tag=floor.communes.removeprefix("tag:")
        )
    text = _("at least {count} {field} seat(s) filled in each of {communes} short of it")
    return text.format(count=floor.at_least, field=floor.specialty, communes=", ".join(floor.communes))


def _who(scenario: Scenario, candidate_id: str, shown: dict[str, str]) -> str:
    """A candidate's id and name, or only their pseudonym in a redacted plan."""
    if shown:
        return shown.get(candidate_id, candidate_id)
    person = scenario.candidate_by_id.get(candidate_id)
    return f"{candidate_id} {person.name}" if person else candidate_id


def _where(scenario: Scenario, commune_id: str, specialty: str | None) -> str:
    """A commune's id and name, and the specialty or that any applies."""
    commune = scenario.commune_by_id.get(commune_id)
    name = f"{commune_id} {commune.name}" if commune else commune_id
    return f"{name} / {specialty or _('any specialty')}"


def _or_none(value: float | None) -> str:
    return _("none") if value is None else f"{value:g}"


def plan_sheets(plan: PlanData) -> dict[str, pd.DataFrame]:
    """Summary, Assignments, Unfilled, By commune, By specialty, By agency for one plan."""
    figures = headline(plan)
    items: list[tuple[str, Any]] = [
        ("scenario", plan.scenario_name),
        ("scenario sha256", plan.scenario.sha256 if plan.scenario else ""),
        ("plan folder", str(plan.folder)),
        ("status", plan.status),
        ("plan's scenario sha256", plan.scenario_sha256 or "not recorded"),
        ("solver", plan.provenance.get("solver", "")),
        ("created at", plan.provenance.get("created_at", "")),
    ]
    items += [("note", note) for note in plan.notes]
    items += [(_(label), figures[key]) for key, label in HEADLINE_LABELS.items()]
    stage = _("objective: {name} ({sense})")
    items += [
        (stage.format(name=objective_name(str(s.get("name"))), sense=s.get("sense")), s.get("value"))
        for s in plan.objectives
    ]
    if plan.scenario:
        items += [
            (_("policy: {item}").format(item=item), value)
            for item, value in policy_lines(plan.scenario, plan.pseudonyms)
        ]
    return titled(
        {
            "Summary": pd.DataFrame(items, columns=["item", "value"], dtype=object),
            "Assignments": _assignments(plan),
            "Unfilled": plan.shortages[plan.shortages["missing"] > 0].reset_index(drop=True),
            "By commune": _communes(plan),
            "By specialty": _specialties(plan),
            "By agency": by_agency(plan),
        }
    )


def _assignments(plan: PlanData) -> pd.DataFrame:
    """Assignments with the agency's name when the scenario gives it."""
    frame = plan.assignments.copy()
    if plan.scenario:
        names = {a.id: a.name for a in plan.scenario.agencies}
        frame.insert(3, "agency_name", frame["agency_id"].map(names))
    return frame


def _communes(plan: PlanData) -> pd.DataFrame:
    """Per-commune fill with type, capacity and tags when the scenario gives them."""
    frame = by_commune(plan)
    if plan.scenario:
        communes = plan.scenario.commune_by_id
        frame["type"] = frame["commune_id"].map(lambda c: communes[c].type)
        frame["capacity"] = frame["commune_id"].map(lambda c: communes[c].capacity)
        frame["tags"] = frame["commune_id"].map(lambda c: ";".join(communes[c].tags))
    return frame


def _specialties(plan: PlanData) -> pd.DataFrame:
    """Per-specialty fill with the specialty's name when the scenario gives it."""
    frame = by_specialty(plan)
    if plan.scenario:
        names = {s.id: _(s.name) for s in plan.scenario.specialties}
        frame.insert(1, "name", frame["specialty"].map(names))
    return frame


def comparison_sheets(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """Summary, Changes, Assignments, Unfilled, By commune, By specialty, By agency for two plans."""
    a, b = comparison.a, comparison.b
    facts = [
        ("plan folder", str(a.folder), str(b.folder), None, ""),
        ("status", a.status, b.status, None, ""),
        ("scenario", a.scenario_name, b.scenario_name, None, ""),
        ("scenario sha256", effective_hash(a) or "", effective_hash(b) or "", None, ""),
        ("same scenario", _yes_no(comparison.same_scenario), "", None, ""),
        ("note", comparison.scenario_note, "", None, ""),
        ("hard rules broken (audit)", *(_audited(audit) for audit in comparison.audits), None, ""),
    ]
    facts += [(_(r.label), r.a, r.b, r.delta, r.verdict) for r in comparison.summary.itertuples()]
    facts += [
        (
            f"objective: {r.stage} ({r.sense})",
            r.a,
            r.b,
            r.delta,
            {"A": "A better", "B": "B better"}.get(r.better, r.better),
        )
        for r in comparison.objectives.itertuples()
    ]
    changes = comparison.scenario_changes
    return titled(
        {
            "Summary": pd.DataFrame(
                facts, columns=["item", "A", "B", "delta (B − A)", "better or worse"], dtype=object
            ),
            "Scenario changes": changes
            if changes is not None
            else pd.DataFrame(
                [
                    {
                        "part": "",
                        "key": "",
                        "column": "",
                        "change": "not compared: give --scenario twice",
                        "a": "",
                        "b": "",
                    }
                ]
            ),
            "Audit": _audit_rows(comparison),
            "Changes": comparison.changes,
            "Assignments": _both_assignments(comparison),
            "Unfilled": comparison.unfilled,
            "By commune": comparison.by_commune,
            "By specialty": comparison.by_specialty,
            "By agency": comparison.by_agency,
        }
    )


SHEETS = (
    N_("Summary"),
    N_("Scenario changes"),
    N_("Audit"),
    N_("Changes"),
    N_("Assignments"),
    N_("Unfilled"),
    N_("By commune"),
    N_("By specialty"),
    N_("By agency"),
)


def titled(sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sheets under their titles in the current language (the English titles are SHEETS)."""
    return {_(name): frame for name, frame in sheets.items()}


def _audited(audit: PlanAudit | None) -> object:
    """How many hard rules a plan breaks, or why it was not audited."""
    return "not audited (no scenario)" if audit is None else len(audit.hard)


def _audit_rows(comparison: Comparison) -> pd.DataFrame:
    """Every finding of the auditor in either plan: side, kind, rule, where, detail."""
    rows = []
    for side, audit in zip(("A", "B"), comparison.audits, strict=True):
        if audit is None:
            rows.append(
                {"plan": side, "kind": "not audited", "rule": "", "where": "", "detail": "no scenario given"}
            )
            continue
        for kind, found in (("hard rule broken", audit.hard), ("claim not borne out", audit.claims)):
            rows += [
                {"plan": side, "kind": kind, "rule": v.rule, "where": v.subject, "detail": v.detail}
                for v in found
            ]
    return pd.DataFrame(rows, columns=["plan", "kind", "rule", "where", "detail"])


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "cannot tell"}[value]


def _both_assignments(comparison: Comparison) -> pd.DataFrame:
    """Everyone seconded in either plan, one row each: posts in A, posts in B, and the change."""
    columns = ["candidate_id", "commune_id", "commune_name", "specialty", "distance_km"]
    people = pd.concat([comparison.a.assignments, comparison.b.assignments])
    merged = comparison.a.people[columns].merge(
        comparison.b.people[columns], on="candidate_id", how="outer", suffixes=("_a", "_b")
    )
    first = people.drop_duplicates("candidate_id").set_index("candidate_id")
    merged.insert(1, "candidate_name", merged["candidate_id"].map(first["candidate_name"]))
    merged.insert(2, "agency_id", merged["candidate_id"].map(first["agency_id"]))
    change = comparison.changes.set_index("candidate_id")["change"]
    merged["change"] = merged["candidate_id"].map(change).astype(object).fillna("unchanged")
    return merged
