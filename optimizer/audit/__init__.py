"""Independent plan checker: re-derives every hard rule and figure from the files alone.

It shares no code with the engines, eligibility or travel modules: a bug there cannot hide here.
"""

from __future__ import annotations

from pathlib import Path

from models.scenario import Scenario
from optimizer.audit.claims import check_claims, objective_values
from optimizer.audit.files import Row, Violation, read_claims, read_rows
from optimizer.audit.rules import check_rules

__all__ = ["Row", "Violation", "audit_folder", "check_rules", "costs", "objective_values"]


def audit_folder(scenario: Scenario, folder: Path) -> list[Violation]:
    """Check a plan folder: assignments.csv always, plan.json and unfilled.csv when present."""
    folder = Path(folder)
    found: list[Violation] = []
    rows = read_rows(folder / "assignments.csv", found)
    found.extend(check_rules(scenario, rows))
    claims = read_claims(folder / "plan.json", found)
    if claims is not None:
        found.extend(check_claims(scenario, rows, claims, folder / "unfilled.csv"))
    return found


def costs(scenario: Scenario, folder: Path) -> tuple[dict[str, float], dict[str, object]]:
    """The objectives recomputed from assignments.csv, and those plan.json claims (if any)."""
    folder = Path(folder)
    found: list[Violation] = []
    rows = read_rows(folder / "assignments.csv", found)
    known = {c.id for c in scenario.candidates}
    usable = [
        r for r in rows if r.candidate_id in known and (r.commune_id, r.specialty) in scenario.shortage_by_key
    ]
    claims = read_claims(folder / "plan.json", found) or {}
    claimed = {
        str(s.get("name")): s.get("value") for s in claims.get("objectives", []) if isinstance(s, dict)
    }
    return objective_values(scenario, usable), claimed
