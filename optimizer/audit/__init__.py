"""Independent plan checker: re-derives every hard rule and figure from the files alone.

It shares no code with the engines, eligibility or travel modules: a bug there cannot hide here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from models.plan_files import PlanFiles, read_plan_files
from models.redact import pseudonyms
from models.scenario import Scenario
from optimizer.audit.claims import check_claims, objective_values
from optimizer.audit.files import Row, Violation, read_claims, read_rows
from optimizer.audit.rules import check_rules
from optimizer.audit.soft import check_broken, softened

__all__ = ["Row", "Violation", "audit", "audit_folder", "check_rules", "costs", "objective_values"]


def audit_folder(scenario: Scenario, folder: Path) -> list[Violation]:
    """Check a plan folder: assignments.csv always, plan.json and unfilled.csv when present.

    A redacted plan (people as pseudonyms) is checked with the pseudonyms mapped back to the
    scenario's ids, which only the holder of the scenario can do. Softened items the plan breaks
    are not violations (`audit` lists them apart), but a false `broken` list is.
    """
    return audit(scenario, folder)[0]


def audit(scenario: Scenario, folder: Path) -> tuple[list[Violation], list[Violation]]:
    """The violations of a plan folder, and apart from them the softened items it breaks."""
    folder = Path(folder)
    found: list[Violation] = []
    files = read_plan_files(folder)
    claims, rows = _read(scenario, files, found)
    families = softened(scenario, claims)
    checked = check_rules(scenario, rows)
    broken = [v for v in checked if v.rule in families]
    found.extend(v for v in checked if v.rule not in families)
    if claims is not None:
        found.extend(check_claims(scenario, rows, claims, files))
        found.extend(check_broken(scenario, claims, broken))
    return found, broken


def _read(scenario: Scenario, files: PlanFiles, found: list[Violation]) -> tuple[dict | None, list[Row]]:
    """plan.json (if any) and assignments.csv as read, pseudonyms mapped back to ids."""
    claims = read_claims(files, found)
    rows = read_rows(files, found)
    if claims is not None and claims.get("provenance", {}).get("redacted"):
        claims, rows = _unredacted(scenario, claims, rows)
    return claims, rows


def _unredacted(scenario: Scenario, claims: dict, rows: list[Row]) -> tuple[dict, list[Row]]:
    """Claims and rows with each pseudonym replaced by the candidate id it stands for."""
    real = {pseudonym: candidate for candidate, pseudonym in pseudonyms(scenario).items()}
    assignments = [
        {**a, "candidate_id": real.get(a.get("candidate_id"), a.get("candidate_id"))}
        for a in claims.get("assignments", [])
        if isinstance(a, dict)
    ]
    rows = [replace(r, candidate_id=real.get(r.candidate_id, r.candidate_id)) for r in rows]
    return {**claims, "assignments": assignments}, rows


def costs(scenario: Scenario, folder: Path) -> tuple[dict[str, float], dict[str, object]]:
    """The objectives recomputed from assignments.csv, and those plan.json claims (if any)."""
    found: list[Violation] = []
    claims, rows = _read(scenario, read_plan_files(Path(folder)), found)
    known = {c.id for c in scenario.candidates}
    usable = [
        r for r in rows if r.candidate_id in known and (r.commune_id, r.specialty) in scenario.shortage_by_key
    ]
    stages = (claims or {}).get("objectives", [])
    claimed = {str(s.get("name")): s.get("value") for s in stages if isinstance(s, dict)}
    return objective_values(scenario, usable), claimed
