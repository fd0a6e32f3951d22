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
from optimizer.audit.soft import softened


def objective_values(scenario: Scenario, rows: list[Row]) -> dict[str, float]:
    """Every objective of the contract, recomputed from the assignments."""
    priority = {(s.commune_id, s.specialty): s.priority for s in scenario.shortages}
    demand: Counter[str] = Counter()
    for s in scenario.shortages:
        demand[s.commune_id] += s.seats
    hosted = Counter(r.commune_id for r in rows)
    people = {c.id: c for c in scenario.candidates}
    longest = max((len(c.preferences) for c in scenario.candidates), default=0)
    seconded = sorted({(r.candidate_id, r.commune_id) for r in rows})
    """Travel, preference and release count each person once, however many seats they fill."""
    released = Counter(people[person].agency_id for person, _ in seconded)
    shares = [Fraction(released[a.id], a.staff) for a in scenario.agencies if a.staff > 0]
    return {
        "coverage": sum(priority[(r.commune_id, r.specialty)] for r in rows),
        "fairness": float(min((Fraction(hosted[c], d) for c, d in demand.items()), default=Fraction(1))),
        "communes_served": sum(1 for c in demand if hosted[c] > 0),
        "distance": sum(travel(scenario, people[person], commune)[0] for person, commune in seconded),
        "preference": sum(
            longest - people[person].preferences.index(commune)
            for person, commune in seconded
            if commune in people[person].preferences
        ),
        "disruption": float(max(shares, default=Fraction(0))),
        "stability": len(
            {(r.candidate_id, r.commune_id, r.specialty) for r in rows}
            & {(b.candidate, b.commune, b.specialty) for b in scenario.baseline or ()}
        ),
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
    found.extend(_kpis(scenario, rows, usable, claims.get("kpis", {})))
    found.extend(_status(scenario, rows, claims))
    found.extend(check_unfilled(scenario, rows, files))
    found.extend(check_baseline(scenario, rows, claims))
    return found


def _kpis(scenario: Scenario, rows: list[Row], usable: list[Row], kpis: dict) -> list[Violation]:
    """Every headline figure plan.json claims, recomputed from the rows."""
    demanded = sum(s.seats for s in scenario.shortages)
    priority = {(s.commune_id, s.specialty): s.priority for s in scenario.shortages}
    demand: Counter[str] = Counter()
    for s in scenario.shortages:
        demand[s.commune_id] += s.seats
    hosted = Counter(r.commune_id for r in rows)
    km = list({r.candidate_id: r.distance_km or 0.0 for r in rows}.values())  # each person once
    expected = {
        "seats_demanded": demanded,
        "seats_filled": len(rows),
        "coverage_pct": round(100.0 * len(rows) / demanded, 2) if demanded else 100.0,
        "total_km": sum(km),
        "priority_weighted_demanded": sum(s.priority * s.seats for s in scenario.shortages),
        "priority_weighted_filled": sum(priority[(r.commune_id, r.specialty)] for r in usable),
        "people_seconded": len(km),
        "communes_with_demand": len(demand),
        "communes_left_short": sum(1 for c, d in demand.items() if hosted[c] < d),
        "max_km": max(km, default=0.0),
    }
    tolerance = {"coverage_pct": 0.011, "total_km": KM_TOLERANCE * max(1, len(rows)), "max_km": KM_TOLERANCE}
    return [
        Violation(
            "kpi", key, _("claims {claimed}, plan gives {actual:g}").format(claimed=kpis[key], actual=value)
        )
        for key, value in expected.items()
        if key in kpis and not _close(kpis[key], value, tolerance.get(key, 1e-6))
    ]


def _status(scenario: Scenario, rows: list[Row], claims: dict) -> list[Violation]:
    """The status agrees with the stages and the rows: OPTIMAL only when every declared stage is
    proven, a plan found (OPTIMAL, FEASIBLE) lists the scenario's stages (after `rules_kept` when
    rules are softened), and INFEASIBLE or UNKNOWN (no plan) seconds nobody."""
    status, stages = claims.get("status"), claims.get("objectives", [])
    found = []
    if status in ("INFEASIBLE", "UNKNOWN") and rows:
        found.append(
            Violation(
                "status", str(status), _("claims no plan, but {count} are seconded").format(count=len(rows))
            )
        )
    if status in ("OPTIMAL", "FEASIBLE"):
        named = [stage.get("name") for stage in stages]
        declared = ["rules_kept"] if softened(scenario, claims) else []
        declared += [objective.value for objective in scenario.policy.objectives]
        if sorted(map(str, named)) != sorted(declared):  # a trade-off curve may rank them otherwise
            found.append(
                Violation(
                    "status",
                    str(status),
                    _("stages {named} are not the scenario's objectives {declared}").format(
                        named=named, declared=declared
                    ),
                )
            )
    if status == "OPTIMAL":
        for stage in stages:
            if not stage.get("proven"):
                found.append(
                    Violation(
                        "status", "OPTIMAL", _("stage {name} is not proven").format(name=stage.get("name"))
                    )
                )
    return found


def check_baseline(scenario: Scenario, rows: list[Row], claims: dict) -> list[Violation]:
    """plan.json lists each baseline assignment once, as kept, moved or released as the rows show."""
    if scenario.baseline is None:
        return []
    held = {(r.candidate_id, r.commune_id, r.specialty) for r in rows}
    had = {(b.candidate, b.commune, b.specialty) for b in scenario.baseline}
    fresh: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(rows, key=lambda r: (r.commune_id, r.specialty)):
        if (r.candidate_id, r.commune_id, r.specialty) not in had:
            fresh.setdefault(r.candidate_id, []).append((r.commune_id, r.specialty))
    expected = {}
    for b in scenario.baseline:
        key = (b.candidate, b.commune, b.specialty)
        if key in held:
            expected[key] = ("kept", (b.commune, b.specialty))
            continue
        options = fresh.get(b.candidate, [])
        now = options.pop(0) if options else None
        expected[key] = ("moved", now) if now else ("released", ("", ""))
    listed: dict[tuple, tuple] = {}
    for entry in claims.get("baseline", []):
        key = (entry.get("candidate_id"), entry.get("from_commune_id"), entry.get("from_specialty"))
        listed[key] = (entry.get("status"), (entry.get("to_commune_id"), entry.get("to_specialty")))
    if listed == expected and len(claims.get("baseline", [])) == len(expected):
        return []
    wrong = sorted(set(listed.items()) ^ set(expected.items()), key=str)[:3]
    return [
        Violation(
            "baseline", "plan.json", f"its baseline changes disagree with the assignments, e.g. {wrong}"
        )
    ]


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
