"""What a plan's files claim (objectives, KPIs, provenance, unfilled seats) against its rows."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from i18n import _
from models.plan_files import PlanFiles
from models.plan_io import UNFILLED_FILE
from models.scenario import Scenario
from optimizer.audit.files import Row, Violation, unreadable_file
from optimizer.audit.rules import KM_TOLERANCE, travel


def objective_values(scenario: Scenario, rows: list[Row]) -> dict[str, float]:
    """Every objective of the contract, recomputed from the assignments."""
    priority = {(s.commune_id, s.specialty): s.priority for s in scenario.shortages}
    demand: Counter[str] = Counter()
    for s in scenario.shortages:
        demand[s.commune_id] += s.seats
    hosted = Counter(r.commune_id for r in rows)
    people = {c.id: c for c in scenario.candidates}
    longest = max((len(c.preferences) for c in scenario.candidates), default=0)
    released = Counter(people[r.candidate_id].agency_id for r in rows)
    shares = [Fraction(released[a.id], a.staff) for a in scenario.agencies if a.staff > 0]
    return {
        "coverage": sum(priority[(r.commune_id, r.specialty)] for r in rows),
        "fairness": float(min((Fraction(hosted[c], d) for c, d in demand.items()), default=Fraction(1))),
        "communes_served": sum(1 for c in demand if hosted[c] > 0),
        "distance": sum(travel(scenario, people[r.candidate_id], r.commune_id)[0] for r in rows),
        "preference": sum(
            longest - people[r.candidate_id].preferences.index(r.commune_id)
            for r in rows
            if r.commune_id in people[r.candidate_id].preferences
        ),
        "disruption": float(max(shares, default=Fraction(0))),
    }


def check_claims(scenario: Scenario, rows: list[Row], claims: dict, files: PlanFiles) -> list[Violation]:
    """What plan.json and unfilled.csv claim, against what the assignments show."""
    found = []
    if claims.get("provenance", {}).get("scenario_sha256") != scenario.sha256:
        found.append(
            Violation("scenario_hash", "provenance", _("the plan was made from a different scenario"))
        )
    listed = sorted(
        (a.get("candidate_id"), a.get("commune_id"), a.get("specialty"))
        for a in claims.get("assignments", [])
    )
    if listed != sorted((r.candidate_id, r.commune_id, r.specialty) for r in rows):
        found.append(Violation("files_agree", "plan.json", _("its assignments differ from assignments.csv")))
    known = {c.id for c in scenario.candidates}
    usable = [
        r for r in rows if r.candidate_id in known and (r.commune_id, r.specialty) in scenario.shortage_by_key
    ]
    actual = objective_values(scenario, usable)
    for stage in claims.get("objectives", []):
        name = stage.get("name")
        tolerance = KM_TOLERANCE * max(1, len(usable)) if name == "distance" else 1e-6
        if name in actual and not _close(stage.get("value"), actual[name], tolerance):
            found.append(
                Violation(
                    "objective",
                    str(name),
                    _("claims {claimed}, plan gives {actual:g}").format(
                        claimed=stage.get("value"), actual=actual[name]
                    ),
                )
            )
        if (
            name == "fairness"
            and "communes_served" in stage
            and not _close(stage["communes_served"], actual["communes_served"])
        ):
            found.append(
                Violation(
                    "objective",
                    "fairness.communes_served",
                    _("claims {claimed}, plan gives {actual:g}").format(
                        claimed=stage["communes_served"], actual=actual["communes_served"]
                    ),
                )
            )
    demanded = sum(s.seats for s in scenario.shortages)
    kpis = claims.get("kpis", {})
    expected = {
        "seats_demanded": demanded,
        "seats_filled": len(rows),
        "coverage_pct": round(100.0 * len(rows) / demanded, 2) if demanded else 100.0,
        "total_km": sum(r.distance_km or 0.0 for r in rows),
    }
    for key, value in expected.items():
        if key in kpis and not _close(
            kpis[key], value, 0.011 if key == "coverage_pct" else KM_TOLERANCE * max(1, len(rows))
        ):
            found.append(
                Violation(
                    "kpi",
                    key,
                    _("claims {claimed}, plan gives {actual:g}").format(claimed=kpis[key], actual=value),
                )
            )
    found.extend(check_unfilled(scenario, rows, files))
    return found


def check_unfilled(scenario: Scenario, rows: list[Row], files: PlanFiles) -> list[Violation]:
    """unfilled.csv lists exactly the seats the assignments leave empty."""
    got = Counter((r.commune_id, r.specialty) for r in rows)
    expected = {
        (s.commune_id, s.specialty): s.seats - got[s.key] for s in scenario.shortages if got[s.key] < s.seats
    }
    if files.unfilled is None:
        return unreadable_file(files, UNFILLED_FILE) or [
            Violation("files_agree", UNFILLED_FILE, _("unreadable: the file is missing"))
        ]
    try:
        listed = {(r["commune_id"], r["specialty"]): int(r["missing"]) for _, r in files.unfilled.rows}
    except (KeyError, ValueError) as error:
        return [Violation("files_agree", UNFILLED_FILE, _("unreadable: {error}").format(error=repr(error)))]
    if listed != expected:
        wrong = sorted(set(listed.items()) ^ set(expected.items()))[:3]
        return [
            Violation(
                "files_agree",
                "unfilled.csv",
                _("disagrees with the assignments, e.g. {wrong}").format(wrong=wrong),
            )
        ]
    return []


def _close(claimed: object, actual: float, tolerance: float = 1e-6) -> bool:
    try:
        return abs(float(claimed) - actual) <= max(tolerance, 1e-6 * abs(actual))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
