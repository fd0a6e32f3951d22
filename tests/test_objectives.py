"""One small scenario per objective, with the optimum worked out in each docstring."""

from __future__ import annotations

from builders import agency, commune, north_of_capital, person, scenario, short

from models.plan import SolveStatus


def stage(plan, name: str):
    """The stage result of one objective."""
    return next(s for s in plan.objectives if s.name == name)


def test_coverage_weights_seats_by_priority(solved):
    """One IT person, C1/it priority 2 and C2/it priority 4: coverage 4 at C2."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=2), short("C2", "it", priority=4)],
        [person("P1", "it")],
        objectives=["coverage"],
    )
    plan = solved(s)
    assert plan.status == SolveStatus.OPTIMAL
    assert (stage(plan, "coverage").value, stage(plan, "coverage").bound) == (4, 4)
    assert plan.assignments[0].commune_id == "C2"


def test_fairness_spreads_people_over_communes(solved):
    """Two IT people, two seats at C1 (10 km) and two at C2 (100 km); coverage is 6 either way.

    Coverage then distance puts both at C1 (20 km); with fairness before distance each commune gets
    one (worst share 1/2), costing 110 km.
    """
    communes = [commune("C1", 10), commune("C2", 100)]
    shortages = [short("C1", "it", seats=2), short("C2", "it", seats=2)]
    people = [person("P1", "it"), person("P2", "it")]
    greedy = solved(scenario(communes, shortages, people, objectives=["coverage", "distance"]))
    assert {a.commune_id for a in greedy.assignments} == {"C1"}
    assert abs(greedy.kpis.total_km - 20) < 0.01
    fair = solved(scenario(communes, shortages, people, objectives=["coverage", "fairness", "distance"]))
    assert {a.commune_id for a in fair.assignments} == {"C1", "C2"}
    assert stage(fair, "fairness").value == 0.5
    assert stage(fair, "fairness").bound == 0.5
    assert abs(fair.kpis.total_km - 110) < 0.01


def test_fairness_then_counts_communes_served(solved):
    """C3/land can never be filled, so the worst share is 0; fairness then serves both C1 and C2."""
    s = scenario(
        [commune("C1", 10), commune("C2", 100), commune("C3", 5)],
        [short("C1", "it", seats=2), short("C2", "it", seats=2), short("C3", "land")],
        [person("P1", "it"), person("P2", "it")],
        objectives=["coverage", "fairness", "distance"],
    )
    fairness = stage(solved(s), "fairness")
    assert fairness.value == 0
    assert fairness.communes_served == 2


def test_distance_minimises_total_km(solved):
    """P1 lives at C2 (100 km north), P2 works in the capital; seats at C1 (10 km) and C2.

    P1->C2 + P2->C1 = 0 + 10 km; the swap would cost 90 + 100 km.
    """
    lat, lon = north_of_capital(100)
    s = scenario(
        [commune("C1", 10), commune("C2", 100)],
        [short("C1", "it"), short("C2", "it")],
        [person("P1", "it", lat=lat, lon=lon), person("P2", "it")],
        objectives=["coverage", "distance"],
    )
    plan = solved(s)
    assert {a.candidate_id: a.commune_id for a in plan.assignments} == {"P1": "C2", "P2": "C1"}
    assert abs(stage(plan, "distance").value - 10) < 0.01


def test_measured_distance_overrides_the_estimate(solved):
    """C1 is 10 km away as the crow flies but a measured 300 km by road: beyond the 250 km cap."""
    from models.scenario import Distance

    s = scenario([commune("C1", 10)], [short("C1", "it")], [person("P1", "it")], max_distance_km=250)
    far = s.model_copy(update={"distances": (Distance(from_id="A", to_id="C1", km=300),)})
    assert len(solved(s).assignments) == 1
    assert solved(far).assignments == ()


def test_preference_honours_ranked_choices(solved):
    """P1 ranks C2 first; either assignment covers both seats, so preference sends P1 to C2 (score 2)."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it"), short("C2", "it")],
        [person("P1", "it", preferences="C2;C1"), person("P2", "it")],
        objectives=["coverage", "preference"],
    )
    plan = solved(s)
    assert {a.candidate_id: a.commune_id for a in plan.assignments} == {"P1": "C2", "P2": "C1"}
    assert stage(plan, "preference").value == 2


def test_disruption_draws_on_the_larger_agency(solved):
    """One seat; A has 10 staff, B 100: releasing from B costs 1% instead of 10%."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it")],
        [person("P1", "it", agency_id="A"), person("P2", "it", agency_id="B")],
        agencies=[agency("A", staff=10), agency("B", staff=100)],
        objectives=["coverage", "disruption"],
    )
    plan = solved(s)
    assert plan.assignments[0].candidate_id == "P2"
    assert stage(plan, "disruption").value == 0.01


def test_disruption_share_may_exceed_one_when_release_exceeds_staff(solved):
    """A has 1 on its staff list but may release 3 (max_release above staff is kept as typed): three
    seats filled from A alone is a share of 3, and the stage says so instead of failing."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", seats=3)],
        [person(f"P{i}", "it", agency_id="A") for i in range(3)],
        agencies=[agency("A", max_release=3, staff=1)],
        objectives=["coverage", "disruption"],
    )
    plan = solved(s)
    assert len(plan.assignments) == 3
    assert stage(plan, "disruption").value == 3
    assert stage(plan, "disruption").proven


def test_order_of_objectives_is_strict(solved):
    """Distance first: the cheapest plan sends nobody, and coverage can only work within that."""
    s = scenario(
        [commune("C1", 10)], [short("C1", "it")], [person("P1", "it")], objectives=["distance", "coverage"]
    )
    plan = solved(s)
    assert plan.assignments == ()
    assert stage(plan, "coverage").value == 0
