"""One small scenario per hard rule; the optimum is worked out in each docstring."""

from __future__ import annotations

from datetime import date

from builders import agency, commune, person, scenario, short

from models.plan import SolveStatus
from models.scenario import Forbid, Period, Pin


def placed(plan) -> dict[str, str]:
    """Candidate id -> `commune/specialty` of a plan."""
    return {a.candidate_id: f"{a.commune_id}/{a.specialty}" for a in plan.assignments}


def test_one_seat_per_person(solved):
    """P1 holds it and land; C1/it (priority 5) and C2/land (priority 2): P1 fills only C1/it."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "land", priority=2)],
        [person("P1", "it;land")],
    )
    plan = solved(s)
    assert placed(plan) == {"P1": "C1/it"}
    assert plan.objectives[0].value == 5


def test_specialty_level(solved):
    """C1/it needs level 3: P1 (it:2) is not accepted, P2 (it:3) is; one of two seats filled."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", seats=2, min_level=3)],
        [person("P1", "it:2"), person("P2", "it:3")],
    )
    assert placed(solved(s)) == {"P2": "C1/it"}


def test_specialty_must_be_held(solved):
    """Nobody holds land, so C1/land stays empty although P1 is free."""
    s = scenario([commune("C1", 10)], [short("C1", "land")], [person("P1", "it")])
    plan = solved(s)
    assert plan.assignments == ()
    assert plan.unfilled[0].missing == 1


def test_shortage_seats(solved):
    """C1/it has one seat and two holders: exactly one is seconded."""
    s = scenario([commune("C1", 10)], [short("C1", "it")], [person("P1", "it"), person("P2", "it")])
    assert len(solved(s).assignments) == 1


def test_commune_capacity(solved):
    """C1 hosts at most one: of it (priority 5) and land (priority 2) only it is filled."""
    s = scenario(
        [commune("C1", 10, capacity=1)],
        [short("C1", "it", priority=5), short("C1", "land", priority=2)],
        [person("P1", "it"), person("P2", "land")],
    )
    assert placed(solved(s)) == {"P1": "C1/it"}


def test_policy_max_distance(solved):
    """Cap 100 km: C1 at 150 km (priority 5) is out of reach, so P1 goes to C2 at 50 km."""
    s = scenario(
        [commune("C1", 150), commune("C2", 50)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
        max_distance_km=100,
    )
    assert placed(solved(s)) == {"P1": "C2/it"}


def test_policy_max_travel_minutes(solved):
    """At 30 km/h a 120-minute cap allows 60 km: C1 at 90 km is out, C2 at 55 km is in."""
    s = scenario(
        [commune("C1", 90), commune("C2", 55)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
        max_travel_minutes=120,
        speed_kmh=30,
    )
    assert placed(solved(s)) == {"P1": "C2/it"}


def test_detour_factor_scales_the_estimate(solved):
    """C1 is 70 km away in a straight line; x1.5 detour makes it 105 km, beyond a 100 km cap."""
    s = scenario(
        [commune("C1", 70)], [short("C1", "it")], [person("P1", "it")], max_distance_km=100, detour_factor=1.5
    )
    assert solved(s).assignments == ()


def test_personal_distance_cap(solved):
    """P1 accepts at most 40 km, C1 is 50 km away: only P2 (no personal cap) can go."""
    s = scenario(
        [commune("C1", 50)],
        [short("C1", "it", seats=2)],
        [person("P1", "it", max_distance_km=40), person("P2", "it")],
    )
    assert placed(solved(s)) == {"P2": "C1/it"}


def test_agency_release(solved):
    """Agency A releases at most one of P1, P2; P3 from B fills the other seat."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", seats=3)],
        [person("P1", "it"), person("P2", "it"), person("P3", "it", agency_id="B")],
        agencies=[agency("A", max_release=1), agency("B")],
    )
    plan = solved(s)
    assert len(plan.assignments) == 2
    assert "P3" in placed(plan)


def test_availability_must_cover_the_period(solved):
    """P1 leaves before the period ends, P2 arrives after it starts: only P3 is eligible."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", seats=3)],
        [
            person("P1", "it", available_to="2026-03-31"),
            person("P2", "it", available_from="2025-09-01"),
            person("P3", "it", available_from="2025-08-01", available_to="2026-07-31"),
        ],
    ).model_copy(update={"period": Period(start=date(2025, 8, 1), end=date(2026, 7, 31))})
    assert placed(solved(s)) == {"P3": "C1/it"}


def test_pin_holds_against_the_objective(solved):
    """Unpinned, P1 would fill C1/it (priority 5); pinned to C2/it it must go there (coverage 1)."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
    )
    assert placed(solved(s)) == {"P1": "C1/it"}
    pinned = solved(s.model_copy(update={"pins": (Pin(candidate="P1", commune="C2", specialty="it"),)}))
    assert placed(pinned) == {"P1": "C2/it"}
    assert pinned.objectives[0].value == 1


def test_forbid(solved):
    """P1 is forbidden at C1, so it fills C2 instead of the more urgent C1."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
    ).model_copy(update={"forbid": (Forbid(candidate="P1", commune="C1"),)})
    assert placed(solved(s)) == {"P1": "C2/it"}


def test_forbid_for_one_specialty_only(solved):
    """P1 may not do it at C1 but may do land there."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", priority=5), short("C1", "land", priority=1)],
        [person("P1", "it;land")],
    ).model_copy(update={"forbid": (Forbid(candidate="P1", commune="C1", specialty="it"),)})
    assert placed(solved(s)) == {"P1": "C1/land"}


def test_avoid_home_commune(solved):
    """With avoid_home_commune, P1 (home C1) goes to C2; without it, to the more urgent C1."""
    communes = [commune("C1", 10), commune("C2", 20)]
    shortages = [short("C1", "it", priority=5), short("C2", "it", priority=1)]
    people = [person("P1", "it", home_commune_id="C1")]
    assert placed(solved(scenario(communes, shortages, people, avoid_home_commune=True))) == {"P1": "C2/it"}
    assert placed(solved(scenario(communes, shortages, people))) == {"P1": "C1/it"}


def test_min_coverage_floor(solved):
    """A border floor on it sends the only IT person to border C2 (priority 1) over C1 (priority 5)."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20, tags="border")],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
        min_coverage=[{"communes": "tag:border", "specialty": "it", "at_least": 1}],
    )
    plan = solved(s)
    assert placed(plan) == {"P1": "C2/it"}
    assert plan.objectives[0].value == 1


def test_floor_is_capped_by_seats(solved):
    """at_least 3 on a 1-seat shortage asks only for that one seat."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it")],
        [person("P1", "it"), person("P2", "it")],
        min_coverage=[{"communes": ["C1"], "specialty": "it", "at_least": 3}],
    )
    assert solved(s).status == SolveStatus.OPTIMAL


def test_infeasible_names_a_minimal_conflict(solved):
    """Two pins into C1, which hosts one: the pins and the capacity conflict; nothing else is named."""
    s = scenario(
        [commune("C1", 10, capacity=1), commune("C2", 20)],
        [short("C1", "it", seats=2), short("C2", "it")],
        [person("P1", "it"), person("P2", "it"), person("P3", "it")],
    ).model_copy(update={"pins": (Pin(candidate="P1", commune="C1"), Pin(candidate="P2", commune="C1"))})
    plan = solved(s)
    assert plan.status == SolveStatus.INFEASIBLE
    assert {(c.rule, c.item) for c in plan.conflicts} == {
        ("pin", "pins[0]"),
        ("pin", "pins[1]"),
        ("commune_capacity", "C1"),
    }


def test_impossible_pin_says_why(solved):
    """P1 holds no land, so a pin to C1/land cannot hold; the conflict says so."""
    s = scenario([commune("C1", 10)], [short("C1", "land")], [person("P1", "it")]).model_copy(
        update={"pins": (Pin(candidate="P1", commune="C1", specialty="land"),)}
    )
    plan = solved(s)
    assert plan.status == SolveStatus.INFEASIBLE
    assert [(c.rule, c.item) for c in plan.conflicts] == [("pin", "pins[0]")]
    assert "do not hold land" in plan.conflicts[0].detail
