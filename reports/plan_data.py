"""One plan folder read for people: assignments.csv is the truth, plan.json and the scenario fill in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from i18n import N_, _
from models.errors import InputProblem, ScenarioError
from models.plan_files import PlanFiles, read_plan_files
from models.plan_io import ASSIGNMENT_COLUMNS
from models.redact import real_ids
from models.scenario import Scenario, nfc
from models.tables import Table
from optimizer.audit import Row, objective_values
from optimizer.travel import Travel

SENSES = {
    "coverage": "max",
    "fairness": "max",
    "distance": "min",
    "preference": "max",
    "disruption": "min",
    "stability": "max",
}
SHORTAGE_COLUMNS = ["commune_id", "commune_name", "specialty", "seats", "filled", "missing", "reason"]
NO_REASON = N_("not recorded: the plan was edited by hand after solving")


@dataclass(frozen=True)
class PlanData:
    """What reports and comparisons need from one plan folder."""

    folder: Path
    status: str
    edited: bool
    provenance: dict[str, Any]
    assignments: pd.DataFrame
    shortages: pd.DataFrame
    objectives: tuple[dict[str, Any], ...]
    conflicts: tuple[dict[str, Any], ...]
    scenario: Scenario | None
    notes: tuple[str, ...]
    broken: tuple[dict[str, Any], ...] = ()
    """Softened pins and floors the plan breaks (plan.json `broken`; none once edited by hand)."""
    pseudonyms: dict[str, str] = field(default_factory=dict)
    """For a redacted plan read with its scenario: each pseudonym's candidate id."""

    def candidate_id(self, listed: str) -> str:
        """The scenario's id of the person listed (their pseudonym in a redacted plan)."""
        return self.pseudonyms.get(listed, listed)

    @property
    def people(self) -> pd.DataFrame:
        """One row per person seconded: their seats shown together (`it + finance`), travel once."""
        return people_of(self.assignments)

    @property
    def scenario_sha256(self) -> str | None:
        """The scenario hash recorded in plan.json, if any."""
        return self.provenance.get("scenario_sha256")

    @property
    def scenario_name(self) -> str:
        """The scenario's name: from the scenario used, else from plan.json."""
        return self.scenario.name if self.scenario else str(self.provenance.get("scenario_name", ""))


SEATS_JOINED = " + "
"""How a person's several seats are written on one line."""


def people_of(assignments: pd.DataFrame) -> pd.DataFrame:
    """Assignments folded to one row per person (in id order), their specialties joined."""
    if assignments.empty:
        return assignments.copy()
    first = assignments.drop_duplicates("candidate_id").set_index("candidate_id")
    joined = assignments.groupby("candidate_id", sort=False)["specialty"].agg(SEATS_JOINED.join)
    first["specialty"] = joined
    first["seats"] = assignments.groupby("candidate_id", sort=False).size()
    return first.reset_index()


def read_plan_folder(folder: Path, scenario: Scenario | None = None) -> PlanData:
    """Read a plan folder; with the scenario, a hand-edited assignments.csv alone is enough."""
    return plan_data(read_plan_files(folder).checked(), scenario)


def plan_data(files: PlanFiles, scenario: Scenario | None = None) -> PlanData:
    """What reports need from a plan folder's files (checked as readable)."""
    folder, claims = files.folder, files.claims
    assert files.assignments is not None  # checked() refuses a folder without it
    listed = _rows(files.assignments)
    name = files.assignments.name
    recorded = _recorded_unfilled(files)
    keys = sorted((r["candidate_id"], r["commune_id"], r["specialty"]) for r in listed)
    edited = claims is None or keys != sorted(
        (str(a.get("candidate_id")), str(a.get("commune_id")), str(a.get("specialty")))
        for a in claims.get("assignments", [])
    )
    real = _pseudonyms_used(claims, listed, scenario)
    if scenario is not None:
        assignments = _completed(listed, scenario, name, real)
        shortages = _scenario_shortages(scenario, assignments, recorded)
    elif claims is None:
        raise ScenarioError(
            [InputProblem(str(folder), _("has no plan.json: give its scenario (--scenario) to read it"))]
        )
    else:
        assignments = _as_listed(listed, name)
        shortages = _file_shortages(assignments, recorded, claims)
    return PlanData(
        folder=folder,
        status=str(claims.get("status", "UNKNOWN")) if claims else "no plan.json",
        edited=edited,
        provenance=dict(claims.get("provenance") or {}) if claims else {},
        assignments=assignments,
        shortages=shortages,
        objectives=_objectives(claims, scenario, assignments, edited, real),
        conflicts=tuple(claims.get("conflicts") or ()) if claims else (),
        scenario=scenario,
        notes=_notes(claims, edited, len(assignments) - int(shortages["filled"].sum())),
        broken=tuple(claims.get("broken") or ()) if claims and not edited else (),
        pseudonyms=real,
    )


def _pseudonyms_used(
    claims: dict[str, Any] | None, listed: list[dict[str, Any]], scenario: Scenario | None
) -> dict[str, str]:
    """The scenario's pseudonyms (to their ids) when the plan is redacted: plan.json says so, or,
    for a folder without one, every person listed is a pseudonym of the scenario. Else empty."""
    if scenario is None:
        return {}
    real = real_ids(scenario)
    if claims is not None:
        return real if claims.get("provenance", {}).get("redacted") else {}
    ids = {row.get("candidate_id", "") for row in listed}
    return real if ids and all(i in real and i not in scenario.candidate_by_id for i in ids) else {}


def _notes(claims: dict[str, Any] | None, edited: bool, uncounted: int) -> tuple[str, ...]:
    """What a reader of the figures should know about how the folder was read."""
    notes = []
    if claims is None:
        notes.append(_("no plan.json: status unknown, figures recomputed from assignments.csv"))
    elif edited:
        notes.append(_("assignments.csv differs from plan.json (edited by hand): figures follow the CSV"))
    if uncounted:
        notes.append(
            _(
                "{count} assignment(s) beyond a shortage's seats or to no shortage are not counted as "
                "filled seats (`secondment audit` lists them)"
            ).format(count=uncounted)
        )
    return tuple(notes)


def _rows(table: Table) -> list[dict[str, Any]]:
    """assignments.csv rows as read, each with its spreadsheet row number."""
    return [
        {"row": number, **{column: record.get(column, "") for column in table.columns}}
        for number, record in table.rows
    ]


def _recorded_unfilled(files: PlanFiles) -> dict[tuple[str, str], dict]:
    """Unfilled shortages as the solver recorded them: unfilled.csv, else plan.json's list."""
    if files.unfilled is not None:
        rows = [record for _, record in files.unfilled.rows]
    else:
        rows = list(files.claims.get("unfilled", [])) if files.claims else []
    recorded = {}
    for row in rows:
        try:
            key = (str(nfc(row["commune_id"])), str(nfc(row["specialty"])))
            recorded[key] = {
                "seats": int(row["seats"]),
                "missing": int(row["missing"]),
                "reason": str(row.get("reason") or ""),
                "commune_name": str(nfc(row.get("commune_name") or "")),
            }
        except (KeyError, TypeError, ValueError):
            continue
    return recorded


def _completed(
    listed: list[dict[str, Any]], scenario: Scenario, name: str, real: dict[str, str]
) -> pd.DataFrame:
    """Assignments with names, agency and travel taken from the scenario (edits cannot go stale).

    In a redacted plan (`real` maps its pseudonyms to ids) people are found through their pseudonym
    and stay pseudonyms without names: the report of a public plan names nobody.
    """
    travel = Travel(scenario)
    problems, rows = [], []
    for row in listed:
        person = scenario.candidate_by_id.get(real.get(row["candidate_id"], row["candidate_id"]))
        commune = scenario.commune_by_id.get(row["commune_id"])
        if person is None:
            problems.append(_unknown(name, row, "candidate_id", _("expected a candidate of the scenario")))
        if commune is None:
            problems.append(_unknown(name, row, "commune_id", _("expected a commune of the scenario")))
        if person is None or commune is None:
            continue
        km, minutes = travel.between(person, commune)
        rows.append(
            {
                "candidate_id": row["candidate_id"] if real else person.id,
                "candidate_name": "" if real else person.name,
                "agency_id": person.agency_id,
                "commune_id": commune.id,
                "commune_name": commune.name,
                "specialty": row["specialty"],
                "distance_km": round(km, 3),
                "travel_minutes": round(minutes, 1),
            }
        )
    if problems:
        raise ScenarioError(problems)
    return _frame(rows)


def _unknown(name: str, row: dict[str, Any], column: str, expected: str) -> InputProblem:
    return InputProblem(name, expected, row=row["row"], column=column, value=row[column])


def _as_listed(listed: list[dict[str, Any]], name: str) -> pd.DataFrame:
    """Assignments as written in the file, numbers parsed (blank stays unknown)."""
    problems, rows = [], []
    for row in listed:
        record: dict[str, Any] = {column: row.get(column, "") for column in ASSIGNMENT_COLUMNS}
        for column in ("distance_km", "travel_minutes"):
            try:
                record[column] = float(record[column]) if record[column] != "" else float("nan")
            except ValueError:
                problems.append(_unknown(name, row, column, _("expected a number")))
        rows.append(record)
    if problems:
        raise ScenarioError(problems)
    return _frame(rows)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Assignments in the plan's column order, sorted by candidate id."""
    frame = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS).astype(
        {"distance_km": float, "travel_minutes": float}
    )
    return frame.sort_values("candidate_id", kind="stable").reset_index(drop=True)


def _scenario_shortages(
    scenario: Scenario, assignments: pd.DataFrame, recorded: dict[tuple[str, str], dict]
) -> pd.DataFrame:
    """Every shortage of the scenario with its filled seats and, where known, why seats are empty."""
    got = Counter(zip(assignments["commune_id"], assignments["specialty"], strict=True))
    rows = []
    for shortage in scenario.shortages:
        filled = min(got[shortage.key], shortage.seats)
        missing = shortage.seats - filled
        known = recorded.get(shortage.key)
        reason = known["reason"] if known and known["missing"] == missing else _(NO_REASON)
        rows.append(
            {
                "commune_id": shortage.commune_id,
                "commune_name": scenario.commune_by_id[shortage.commune_id].name,
                "specialty": shortage.specialty,
                "seats": shortage.seats,
                "filled": filled,
                "missing": missing,
                "reason": reason if missing else "",
            }
        )
    return pd.DataFrame(rows, columns=SHORTAGE_COLUMNS)


def _file_shortages(
    assignments: pd.DataFrame, recorded: dict[tuple[str, str], dict], claims: dict[str, Any]
) -> pd.DataFrame:
    """Shortages from the plan's own files: seats of unfilled rows, else the seats the solver filled."""
    solved = Counter(
        (str(a.get("commune_id")), str(a.get("specialty"))) for a in claims.get("assignments", [])
    )
    got = Counter(zip(assignments["commune_id"], assignments["specialty"], strict=True))
    names = dict(zip(assignments["commune_id"], assignments["commune_name"], strict=True))
    names.update({key[0]: r["commune_name"] for key, r in recorded.items() if r["commune_name"]})
    rows = []
    for key in sorted(set(recorded) | set(solved) | set(got)):
        seats = recorded[key]["seats"] if key in recorded else max(solved[key], got[key])
        filled = min(got[key], seats)
        known = recorded.get(key)
        reason = known["reason"] if known and known["missing"] == seats - filled else _(NO_REASON)
        rows.append(
            {
                "commune_id": key[0],
                "commune_name": names.get(key[0], ""),
                "specialty": key[1],
                "seats": seats,
                "filled": filled,
                "missing": seats - filled,
                "reason": reason if seats > filled else "",
            }
        )
    return pd.DataFrame(rows, columns=SHORTAGE_COLUMNS)


def _objectives(
    claims: dict[str, Any] | None,
    scenario: Scenario | None,
    assignments: pd.DataFrame,
    edited: bool,
    real: dict[str, str],
) -> tuple[dict[str, Any], ...]:
    """Stage values: plan.json's when its assignments stand, else recomputed from the scenario."""
    if claims is not None and (not edited or scenario is None):
        source = "plan.json (stale: assignments.csv was edited)" if edited else "plan.json"
        return tuple({**stage, "source": source} for stage in claims.get("objectives", []))
    if scenario is None:
        return ()
    rows = [
        Row(
            n, real.get(a.candidate_id, a.candidate_id), a.commune_id, a.specialty, a.agency_id, a.distance_km
        )
        for n, a in enumerate(assignments.itertuples(), start=2)
        if (a.commune_id, a.specialty) in scenario.shortage_by_key
    ]
    values = objective_values(scenario, rows)
    stages = []
    for objective in scenario.policy.objectives:
        stage: dict[str, Any] = {
            "name": objective.value,
            "sense": SENSES[objective.value],
            "value": round(values[objective.value], 3 if objective == "distance" else 6),
            "bound": None,
            "proven": False,
            "source": "recomputed from assignments.csv",
        }
        if objective.value == "fairness":
            stage["communes_served"] = values["communes_served"]
        stages.append(stage)
    return tuple(stages)
