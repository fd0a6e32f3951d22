"""Softened rules: which families a plan may break, and whether its `broken` list tells the truth."""

from __future__ import annotations

from models.rules import Rule
from models.scenario import Scenario
from optimizer.audit.files import Violation

FAMILY_RULE = {"pins": Rule.PIN, "min_coverage": Rule.MIN_COVERAGE}


def softened(scenario: Scenario, claims: dict | None) -> set[str]:
    """The rules softened by the scenario's `policy.soften` or, as plan.json records, on the command line."""
    families = {str(f) for f in scenario.policy.soften}
    recorded = (claims or {}).get("provenance", {}).get("soften") or []
    families.update(str(f) for f in recorded if isinstance(f, str))
    return {FAMILY_RULE[f] for f in families if f in FAMILY_RULE}


def items(scenario: Scenario, rules: set[str]) -> int:
    """How many softened items the scenario has: each pin, each commune a floor selects that is short."""
    count = len(scenario.pins) if Rule.PIN in rules else 0
    if Rule.MIN_COVERAGE in rules:
        short = {(s.commune_id, s.specialty) for s in scenario.shortages}
        for floor in scenario.policy.min_coverage:
            if isinstance(floor.communes, tuple):
                selected = floor.communes
            elif floor.communes == "all":
                selected = tuple(c.id for c in scenario.communes)
            else:
                selected = tuple(c.id for c in scenario.communes if floor.communes[4:] in c.tags)
            count += sum((c, floor.specialty) in short for c in selected)
    return count


def check_broken(scenario: Scenario, claims: dict, broken: list[Violation]) -> list[Violation]:
    """plan.json's `broken` names exactly the softened items the assignments break, and `rules_kept`
    counts exactly the ones they keep."""
    listed = claims.get("broken") or []
    said = {(str(b.get("rule")), str(b.get("item"))) for b in listed if isinstance(b, dict)}
    seen = {(str(v.rule), v.subject) for v in broken}
    found = []
    for rule, item in sorted(seen - said):
        found.append(Violation("broken", item, f"{rule} is broken by the assignments but not listed"))
    for rule, item in sorted(said - seen):
        found.append(Violation("broken", item, f"{rule} is listed as broken but the assignments keep it"))
    kept = items(scenario, softened(scenario, claims)) - len(broken)
    for stage in claims.get("objectives") or []:
        if isinstance(stage, dict) and stage.get("name") == "rules_kept" and stage.get("value") != kept:
            found.append(
                Violation("objective", "rules_kept", f"claims {stage.get('value')}, plan gives {kept}")
            )
    return found
