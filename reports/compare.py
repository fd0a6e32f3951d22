"""Two plans side by side: who was added, removed or moved, and every figure with its change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from i18n import _
from models.plan_files import PlanFiles, read_plan_files
from models.rules import Rule
from models.scenario import Scenario
from optimizer.audit import Violation, audit_folder
from reports.metrics import BETTER_WHEN, HEADLINE_LABELS, by_agency, by_commune, by_specialty, headline
from reports.plan_data import PlanData, plan_data
from reports.scenario_diff import scenario_changes

CHANGE_ORDER = {"added": 0, "removed": 1, "moved": 2}
CHANGE_COLUMNS = [
    "change",
    "candidate_id",
    "candidate_name",
    "agency_id",
    "from_commune_id",
    "from_commune_name",
    "from_specialty",
    "from_km",
    "to_commune_id",
    "to_commune_name",
    "to_specialty",
    "to_km",
]


@dataclass(frozen=True)
class PlanAudit:
    """What the independent auditor found in one plan: broken hard rules, and claims not borne out."""

    hard: tuple[Violation, ...]
    claims: tuple[Violation, ...]

    @classmethod
    def of(cls, scenario: Scenario, folder: Path) -> PlanAudit:
        """Audit a plan folder against its scenario."""
        found = audit_folder(scenario, folder)
        hard = {rule.value for rule in Rule}
        return cls(tuple(v for v in found if v.rule in hard), tuple(v for v in found if v.rule not in hard))


@dataclass(frozen=True)
class Comparison:
    """Plan A against plan B; every delta is B minus A."""

    a: PlanData
    b: PlanData
    same_scenario: bool | None
    scenario_note: str
    changes: pd.DataFrame
    unchanged: int
    summary: pd.DataFrame
    objectives: pd.DataFrame
    by_specialty: pd.DataFrame
    by_commune: pd.DataFrame
    by_agency: pd.DataFrame
    unfilled: pd.DataFrame
    scenario_changes: pd.DataFrame | None = None
    audits: tuple[PlanAudit | None, PlanAudit | None] = (None, None)

    def count(self, change: str) -> int:
        """How many people were added, removed or moved."""
        return int((self.changes["change"] == change).sum())


def compare_folders(folder_a: Path, folder_b: Path, scenarios: Sequence[Scenario] = ()) -> Comparison:
    """Compare two plan folders; one scenario serves both, two serve A and B in turn."""
    given = list(scenarios) * 2 if len(scenarios) == 1 else [*scenarios, None, None][:2]
    notes = []
    plans = []
    for folder, scenario in zip((Path(folder_a), Path(folder_b)), given, strict=True):
        files = read_plan_files(folder).checked()
        usable, note = _scenario_for(files, scenario)
        if note:
            notes.append(note)
        plans.append(plan_data(files, usable))
    audits = tuple(PlanAudit.of(p.scenario, p.folder) if p.scenario else None for p in plans)
    comparison = compare_plans(plans[0], plans[1], notes)
    changes = None
    if plans[0].scenario and plans[1].scenario:
        changes = scenario_changes(plans[0].scenario, plans[1].scenario)
    return replace(comparison, scenario_changes=changes, audits=(audits[0], audits[1]))


def _scenario_for(files: PlanFiles, scenario: Scenario | None) -> tuple[Scenario | None, str | None]:
    """The scenario serves a plan unless the plan records another scenario's hash."""
    if scenario is None:
        return None, None
    recorded = (files.claims or {}).get("provenance", {}).get("scenario_sha256")
    if recorded in (None, scenario.sha256):
        return scenario, None
    note = _("{folder} was made from another scenario than {name!r}, which is not used for it.")
    return None, note.format(folder=files.folder, name=scenario.name)


def effective_hash(plan: PlanData) -> str | None:
    """The scenario hash a plan belongs to: recorded in plan.json, else that of the scenario used."""
    return plan.scenario_sha256 or (plan.scenario.sha256 if plan.scenario else None)


def compare_plans(a: PlanData, b: PlanData, notes: Sequence[str] = ()) -> Comparison:
    """Everything that can be compared between two read plans."""
    hash_a, hash_b = effective_hash(a), effective_hash(b)
    same = None if hash_a is None or hash_b is None else hash_a == hash_b
    changes, unchanged = _changes(a, b)
    return Comparison(
        a=a,
        b=b,
        same_scenario=same,
        scenario_note=" ".join([_scenario_note(a, b, same), *notes]),
        changes=changes,
        unchanged=unchanged,
        summary=_summary(a, b),
        objectives=_objectives(a, b),
        by_specialty=_side_by_side(by_specialty(a), by_specialty(b), "specialty"),
        by_commune=_side_by_side(by_commune(a), by_commune(b), "commune_id", "commune_name"),
        by_agency=_agencies(a, b),
        unfilled=_unfilled(a, b),
    )


def _scenario_note(a: PlanData, b: PlanData, same: bool | None) -> str:
    """One sentence on whether both plans answer the same scenario."""
    if same is None:
        missing = " and ".join(p for p, plan in (("A", a), ("B", b)) if effective_hash(plan) is None)
        return _(
            "Cannot tell whether both plans come from one scenario: {plans} records no scenario hash."
        ).format(plans=missing)
    hash_a = effective_hash(a) or ""
    assumed = " and ".join(p for p, plan in (("A", a), ("B", b)) if not plan.scenario_sha256)
    guess = (
        " " + _("({plans} records no scenario hash: taken to be of the scenario given)").format(plans=assumed)
        if assumed
        else ""
    )
    if same:
        name = a.scenario_name or b.scenario_name
        return _("Both plans come from the same scenario ({name}, {digest}){guess}.").format(
            name=name, digest=hash_a[:12], guess=guess
        )
    hash_b = effective_hash(b) or ""
    text = _(
        "The plans come from DIFFERENT scenarios: A from {name_a!r} ({hash_a}), "
        "B from {name_b!r} ({hash_b}). Demand, seats and caps may differ; people, filled seats, "
        "travel and fairness are compared as they stand."
    ).format(name_a=a.scenario_name, hash_a=hash_a[:12], name_b=b.scenario_name, hash_b=hash_b[:12])
    if not (a.scenario and b.scenario):
        text += " " + _("Give --scenario twice (A's, then B's) to see what differs between them.")
    return text


def _changes(a: PlanData, b: PlanData) -> tuple[pd.DataFrame, int]:
    """People added, removed or moved (commune or specialty), and how many stayed put."""
    before = {r["candidate_id"]: r for r in a.assignments.to_dict("records")}
    after = {r["candidate_id"]: r for r in b.assignments.to_dict("records")}
    rows, unchanged = [], 0
    for person in sorted(set(before) | set(after)):
        old, new = before.get(person), after.get(person)
        if old and new and (old["commune_id"], old["specialty"]) == (new["commune_id"], new["specialty"]):
            unchanged += 1
            continue
        change = "moved" if old and new else "added" if new else "removed"
        known = new or old or {}
        row: dict[str, Any] = {
            "change": change,
            "candidate_id": person,
            "candidate_name": known.get("candidate_name", ""),
            "agency_id": known.get("agency_id", ""),
        }
        for side, record in (("from", old), ("to", new)):
            row[f"{side}_commune_id"] = record["commune_id"] if record else ""
            row[f"{side}_commune_name"] = record["commune_name"] if record else ""
            row[f"{side}_specialty"] = record["specialty"] if record else ""
            row[f"{side}_km"] = record["distance_km"] if record else float("nan")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame = frame.sort_values(["change", "candidate_id"], key=_change_key, kind="stable")
    return frame.reset_index(drop=True), unchanged


def _change_key(column: pd.Series) -> pd.Series:
    """Sort added, removed, moved in that order; other columns as they are."""
    return column.map(CHANGE_ORDER) if column.name == "change" else column


def _summary(a: PlanData, b: PlanData) -> pd.DataFrame:
    """Headline figures of both plans with B − A."""
    left, right = headline(a), headline(b)
    return pd.DataFrame(
        [
            {
                "figure": key,
                "label": label,
                "a": left[key],
                "b": right[key],
                "delta": round(right[key] - left[key], 4),
                "verdict": verdict(key, right[key] - left[key]),
            }
            for key, label in HEADLINE_LABELS.items()
        ],
        dtype=object,
    )


def verdict(figure: str, change: float) -> str:
    """`better`, `worse` or `same` for a change in a figure with a direction; blank for a neutral one."""
    direction = BETTER_WHEN.get(figure)
    if direction is None:
        return ""
    if abs(change) < 1e-9:
        return "same"
    return "better" if (change > 0) == (direction == "higher") else "worse"


def _objectives(a: PlanData, b: PlanData) -> pd.DataFrame:
    """Objective stage values of both plans, with which one is ahead by the stage's sense."""
    stages: dict[str, dict[str, Any]] = {}
    for side, plan in (("a", a), ("b", b)):
        for stage in plan.objectives:
            name = str(stage.get("name"))
            entry = stages.setdefault(name, _stage_row(name, stage.get("sense", "")))
            entry[side] = stage.get("value")
            entry[f"source_{side}"] = stage.get("source", "")
            if "communes_served" in stage:
                served = stages.setdefault(
                    f"{name}.communes_served", _stage_row(f"{name}.communes_served", "max")
                )
                served[side] = stage["communes_served"]
                served[f"source_{side}"] = stage.get("source", "")
    rows = []
    for entry in stages.values():
        left, right = entry["a"], entry["b"]
        delta = (
            round(right - left, 6)
            if isinstance(left, int | float) and isinstance(right, int | float)
            else None
        )
        ahead = "" if delta is None else "same" if delta == 0 else "A" if delta < 0 else "B"
        if delta and entry["sense"] == "min":
            ahead = "A" if ahead == "B" else "B"
        rows.append({**entry, "delta": delta, "better": ahead})
    columns = ["stage", "sense", "a", "b", "delta", "better", "source_a", "source_b"]
    return pd.DataFrame(rows, columns=columns)


def _stage_row(stage: str, sense: str) -> dict[str, Any]:
    """An objective row with nothing known yet for either plan."""
    return {"stage": stage, "sense": sense, "a": None, "b": None, "source_a": "", "source_b": ""}


def _side_by_side(left: pd.DataFrame, right: pd.DataFrame, key: str, name: str = "") -> pd.DataFrame:
    """Two per-key tables joined (keys in sorted order), with the change in filled seats and share."""
    columns = [key, "demanded", "filled", "share"]
    merged = left[columns].merge(right[columns], on=key, how="outer", suffixes=("_a", "_b"))
    for column in ("demanded_a", "filled_a", "demanded_b", "filled_b"):
        merged[column] = merged[column].fillna(0).astype(int)
    merged["delta_filled"] = merged["filled_b"] - merged["filled_a"]
    merged["delta_share"] = (merged["share_b"] - merged["share_a"]).round(4)
    if name:
        merged.insert(1, name, merged[key].map(_names(left, right, key, name)).fillna(""))
    return merged


def _names(left: pd.DataFrame, right: pd.DataFrame, key: str, name: str) -> dict[str, str]:
    """Display names by id from both tables, plan A's first where both have one."""
    names = dict(zip(right[key], right[name], strict=True))
    names.update({k: v for k, v in zip(left[key], left[name], strict=True) if v})
    return names


def _agencies(a: PlanData, b: PlanData) -> pd.DataFrame:
    """People released per agency in both plans, with the release cap where a scenario gives it."""
    left, right = by_agency(a), by_agency(b)
    merged = left[["agency_id", "released"]].merge(
        right[["agency_id", "released"]], on="agency_id", how="outer", suffixes=("_a", "_b")
    )
    merged.insert(
        1, "agency_name", merged["agency_id"].map(_names(left, right, "agency_id", "agency_name")).fillna("")
    )
    merged["released_a"] = merged["released_a"].fillna(0).astype(int)
    merged["released_b"] = merged["released_b"].fillna(0).astype(int)
    merged["delta"] = merged["released_b"] - merged["released_a"]
    caps = {}
    for frame in (right, left):
        if "max_release" in frame:
            caps.update(zip(frame["agency_id"], frame["max_release"], strict=True))
    merged["max_release"] = merged["agency_id"].map(caps).astype(float)
    return merged


def _unfilled(a: PlanData, b: PlanData) -> pd.DataFrame:
    """Shortages left short in either plan: missing seats in each and the recorded reasons."""
    columns = ["commune_id", "specialty", "missing", "reason"]
    merged = a.shortages[columns].merge(
        b.shortages[columns], on=["commune_id", "specialty"], how="outer", suffixes=("_a", "_b")
    )
    names = _names(a.shortages, b.shortages, "commune_id", "commune_name")
    merged.insert(1, "commune_name", merged["commune_id"].map(names).fillna(""))
    for column in ("missing_a", "missing_b"):
        merged[column] = merged[column].fillna(0).astype(int)
    merged["delta"] = merged["missing_b"] - merged["missing_a"]
    short = merged[(merged["missing_a"] > 0) | (merged["missing_b"] > 0)]
    columns = ["commune_id", "commune_name", "specialty", "missing_a", "missing_b", "delta"]
    return (
        short[[*columns, "reason_a", "reason_b"]]
        .fillna({"reason_a": "", "reason_b": ""})
        .reset_index(drop=True)
    )


def to_json(comparison: Comparison) -> str:
    """The comparison as JSON: both plans' provenance, the people who changed and every table."""
    changes = comparison.changes
    content = {
        "plan_a": _plan_facts(comparison.a),
        "plan_b": _plan_facts(comparison.b),
        "same_scenario": comparison.same_scenario,
        "scenario_note": comparison.scenario_note,
        "people": {
            "added": _records(changes[changes["change"] == "added"]),
            "removed": _records(changes[changes["change"] == "removed"]),
            "moved": _records(changes[changes["change"] == "moved"]),
            "unchanged": comparison.unchanged,
        },
        "summary": {
            r["figure"]: {"a": r["a"], "b": r["b"], "delta": r["delta"], "verdict": r["verdict"]}
            for r in _records(comparison.summary)
        },
        "scenario_changes": None
        if comparison.scenario_changes is None
        else _records(comparison.scenario_changes),
        "audit": {
            side: _audit_facts(audit) for side, audit in zip(("a", "b"), comparison.audits, strict=True)
        },
        "objectives": _records(comparison.objectives),
        "by_specialty": _records(comparison.by_specialty),
        "by_commune": _records(comparison.by_commune),
        "by_agency": _records(comparison.by_agency),
        "unfilled": _records(comparison.unfilled),
    }
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def _audit_facts(audit: PlanAudit | None) -> dict[str, Any] | None:
    """An audit's findings as JSON (None: the plan was read without its scenario, so not audited)."""
    if audit is None:
        return None
    return {
        "hard_rules_broken": [vars(v) for v in audit.hard],
        "claims_not_borne_out": [vars(v) for v in audit.claims],
    }


def _plan_facts(plan: PlanData) -> dict[str, Any]:
    """Where a plan comes from and how it was read."""
    return {
        "folder": str(plan.folder),
        "status": plan.status,
        "scenario_name": plan.scenario_name,
        "scenario_sha256": effective_hash(plan),
        "edited_by_hand": plan.edited,
        "notes": list(plan.notes),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (NaN becomes null)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))
