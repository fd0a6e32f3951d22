"""Explanations: each cause of an empty seat is named, and relaxing it is tried for real."""

from __future__ import annotations

from builders import agency, commune, person, scenario, short

from models.plan import SolveParams
from optimizer.explain import Explainer
from optimizer.solve import solve

PARAMS = SolveParams(time_limit_s=10)


def explained(s, commune_id: str, specialty: str):
    """Solve, then explain one shortage of the optimal plan."""
    plan = solve(s, PARAMS)
    rows = [(a.candidate_id, a.commune_id, a.specialty) for a in plan.assignments]
    explainer = Explainer(s, rows, PARAMS)
    return explainer.seat(s.shortage_index[(commune_id, specialty)])


def test_travel_cap_names_the_nearest_holder_and_the_cap_that_fills_the_seat():
    """P1 is 150 km from C1 under a 100 km cap; raising the cap to 150 km fills the seat."""
    s = scenario([commune("C1", 150)], [short("C1", "it")], [person("P1", "it")], max_distance_km=100)
    seat = explained(s, "C1", "it")
    assert "1 beyond the 100 km cap (nearest 150 km)" in seat.reason
    [what_if] = seat.what_ifs
    assert what_if.change.startswith("raise the travel cap to 150")
    assert what_if.seats_gained == 1


def test_release_cap_holds_back_an_idle_holder():
    """A releases one of P1, P2; C2's seat stays empty; letting A release 2 fills it."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it"), person("P2", "it")],
        agencies=[agency("A", max_release=1)],
    )
    seat = explained(s, "C2", "it")
    assert "held back by the release cap of A" in seat.reason
    assert [(w.change, w.seats_gained) for w in seat.what_ifs] == [("let A release 2 instead of 1", 1)]


def test_full_commune_is_named_with_its_capacity():
    """C1 hosts one; its land seat stays empty; a second desk fills it."""
    s = scenario(
        [commune("C1", 10, capacity=1)],
        [short("C1", "it", priority=5), short("C1", "land", priority=1)],
        [person("P1", "it"), person("P2", "land")],
    )
    seat = explained(s, "C1", "land")
    assert "commune at capacity (1 hosted of 1)" in seat.reason
    assert any(w.change == "let Xã C1 host 2 instead of 1" and w.seats_gained == 1 for w in seat.what_ifs)


def test_holder_used_on_a_more_urgent_seat_is_named():
    """One IT person, seats at C1 (priority 5) and C2 (priority 1): C2 is told where P1 went."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
    )
    seat = explained(s, "C2", "it")
    assert "1 seconded to other seats: P1 at C1/it (priority 5)" in seat.reason
    assert seat.what_ifs == ()


def test_level_below_the_minimum_and_the_level_that_would_do():
    """C1 needs level 3, P1 has level 2: accepting level 2 fills the seat."""
    s = scenario([commune("C1", 10)], [short("C1", "it", min_level=3)], [person("P1", "it:2")])
    seat = explained(s, "C1", "it")
    assert "1 hold it below level 3" in seat.reason
    assert [(w.change, w.seats_gained) for w in seat.what_ifs] == [("accept level 2 instead of 3", 1)]


def test_nobody_holds_the_specialty():
    """No land officer anywhere: the reason says so plainly."""
    s = scenario([commune("C1", 10)], [short("C1", "land")], [person("P1", "it")])
    assert explained(s, "C1", "land").reason == "no candidate holds land"


def test_candidate_alternatives_cost_each_stage():
    """P1 fills C1/it (priority 5); sending them to C2 costs 4 coverage, keeping them home costs 5."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20)],
        [short("C1", "it", priority=5), short("C2", "it", priority=1)],
        [person("P1", "it")],
    )
    explainer = Explainer(s, [("P1", "C1", "it")], PARAMS)
    options = {o.option: o.stages["coverage"] for o in explainer.candidate("P1")}
    assert options == {"C1/it": 5, "C2/it": 1, "not seconded": 0}


def test_unfilled_csv_reason_comes_from_the_certificate(solved):
    """At solve time each unfilled row carries the same reason explain gives."""
    s = scenario([commune("C1", 150)], [short("C1", "it")], [person("P1", "it")], max_distance_km=100)
    [row] = solved(s).unfilled
    assert row.reason == "1 beyond the 100 km cap (nearest 150 km)"
