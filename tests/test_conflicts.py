"""Infeasible scenarios: every independent conflict set is found, each minimal and fully named."""

from __future__ import annotations

import numpy as np
from builders import agency, commune, person, scenario, short
from conftest import BUNDLED
from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_properties import FIELDS, SETTINGS, random_scenario

from models.loader import load_scenario
from models.plan import Conflict, SolveParams, SolveStatus
from models.scenario import CoverageFloor, Forbid, Pin, Scenario
from optimizer.solve import solve

PARAMS = SolveParams(time_limit_s=20)


def conflict_sets(plan) -> list[set[tuple[str, str]]]:
    """Each set as {(rule, item)}."""
    count = 1 + max((c.set for c in plan.conflicts), default=-1)
    return [{(c.rule, c.item) for c in plan.conflicts if c.set == n} for n in range(count)]


def keep_only(s: Scenario, members: list[Conflict]) -> Scenario:
    """The scenario with only these rule instances: every other pin and floor dropped, every other
    capacity and release cap lifted, every per-pair rule lifted except the listed ones (kept as forbids
    of exactly their pairs)."""
    listed = {(c.rule, c.item) for c in members}
    floors = []
    for n, floor in enumerate(s.policy.min_coverage):
        kept = tuple(
            c
            for c in s.floor_communes(floor)
            if ("min_coverage", f"min_coverage[{n}]:{c}/{floor.specialty}") in listed
        )
        floors.append(floor.model_copy(update={"communes": kept}))
    forbids = [f for n, f in enumerate(s.forbid) if ("forbid", f"forbid[{n}]") in listed]
    forbids += [
        Forbid(candidate=c.candidate, commune=c.commune, specialty=c.specialty)
        for c in members
        if c.commune is not None and c.rule != "forbid"
    ]
    unavailable = {c.candidate for c in members if c.rule == "availability"}
    people = tuple(
        p.model_copy(
            update={"max_distance_km": None}
            | ({} if p.id in unavailable else {"available_from": None, "available_to": None})
        )
        for p in s.candidates
    )
    policy = s.policy.model_copy(
        update={
            "min_coverage": tuple(floors),
            "max_distance_km": None,
            "max_travel_minutes": None,
            "avoid_home_commune": False,
        }
    )
    return s.model_copy(
        update={
            "pins": tuple(p for n, p in enumerate(s.pins) if ("pin", f"pins[{n}]") in listed),
            "forbid": tuple(forbids),
            "candidates": people,
            "shortages": tuple(x.model_copy(update={"min_level": 1}) for x in s.shortages),
            "policy": policy,
            "communes": tuple(
                c if ("commune_capacity", c.id) in listed else c.model_copy(update={"capacity": 99})
                for c in s.communes
            ),
            "agencies": tuple(
                a if ("agency_release", a.id) in listed else a.model_copy(update={"max_release": 99})
                for a in s.agencies
            ),
        }
    )


def assert_minimal(s: Scenario, members: list[Conflict]) -> None:
    """The set conflicts on its own, and without any one member the rest can hold."""
    assert solve(keep_only(s, members), PARAMS).status == SolveStatus.INFEASIBLE, members
    for dropped in members:
        rest = [c for c in members if c != dropped]
        assert solve(keep_only(s, rest), PARAMS).status != SolveStatus.INFEASIBLE, dropped


def with_conflicts(seed: int) -> Scenario:
    """A random scenario with pins anywhere a holder could go, forbids and travel caps: often infeasible."""
    s = random_scenario(seed, people=5, floors=True)
    rng = np.random.default_rng(seed + 1)
    holders = [(p.id, x) for p in s.candidates for x in s.shortages if x.specialty in p.specialties]
    picked = rng.choice(len(holders), size=min(len(holders), int(rng.integers(0, 4))), replace=False)
    pins = tuple(
        Pin(candidate=holders[k][0], commune=holders[k][1].commune_id, specialty=holders[k][1].specialty)
        for k in picked.tolist()
    )
    forbids = tuple(
        Forbid(candidate=s.candidates[int(rng.integers(len(s.candidates)))].id, commune=c.id)
        for c in s.communes
        if rng.random() < 0.4
    )
    policy = s.policy.model_copy(
        update={
            "max_distance_km": float(rng.integers(40, 130)),
            "min_coverage": (
                CoverageFloor(
                    communes="all", specialty=str(rng.choice(FIELDS)), at_least=int(rng.integers(1, 3))
                ),
                *s.policy.min_coverage,
            ),
        }
    )
    return s.model_copy(update={"pins": pins, "forbid": forbids, "policy": policy})


def holds_alone(s: Scenario, members: list[Conflict]) -> bool:
    """Whether a plan exists in which only these rule instances are enforced (every other rule, one
    seat per person included, switched off): a reference model written apart from the diagnosis."""
    listed = {(c.rule, c.item) for c in members}
    pairs = [(p, x) for p in s.candidates for x in s.shortages if x.specialty in p.specialties]
    model = cp_model.CpModel()
    x = {(p.id, x.key): model.new_bool_var("") for p, x in pairs}

    def chosen(keep) -> list:
        return [x[(p.id, k.key)] for p, k in pairs if keep(p, k)]

    for c in members:
        if c.commune is not None and c.rule != "forbid":
            for v in chosen(
                lambda p, k, c=c: (
                    (p.id, k.commune_id) == (c.candidate, c.commune) and c.specialty in (None, k.specialty)
                )
            ):
                model.add(v == 0)
    for c in members:
        if c.rule == "availability":
            for v in chosen(lambda p, k, c=c: p.id == c.candidate):
                model.add(v == 0)
    for n, f in enumerate(s.forbid):
        if ("forbid", f"forbid[{n}]") in listed:
            for v in chosen(
                lambda p, k, f=f: (
                    (p.id, k.commune_id) == (f.candidate, f.commune) and f.specialty in (None, k.specialty)
                )
            ):
                model.add(v == 0)
    for n, pin in enumerate(s.pins):
        if ("pin", f"pins[{n}]") in listed:
            model.add(
                sum(
                    chosen(
                        lambda p, k, pin=pin: (
                            p.id == pin.candidate
                            and k.commune_id == pin.commune
                            and pin.specialty in (None, k.specialty)
                        )
                    )
                )
                >= 1
            )
    for n, floor in enumerate(s.policy.min_coverage):
        for cid in s.floor_communes(floor):
            if ("min_coverage", f"min_coverage[{n}]:{cid}/{floor.specialty}") in listed:
                seats = s.shortage_by_key[(cid, floor.specialty)].seats
                model.add(
                    sum(chosen(lambda p, k, key=(cid, floor.specialty): k.key == key))
                    >= min(floor.at_least, seats)
                )
    for p in s.candidates:
        if ("one_seat_per_person", p.id) in listed:
            model.add(sum(chosen(lambda q, k, p=p: q.id == p.id)) <= 1)
    for k in s.shortages:
        if ("shortage_seats", f"{k.commune_id}/{k.specialty}") in listed:
            model.add(sum(chosen(lambda q, j, k=k: j.key == k.key)) <= k.seats)
    for c in s.communes:
        if ("commune_capacity", c.id) in listed:
            model.add(sum(chosen(lambda q, k, c=c: k.commune_id == c.id)) <= c.capacity)
    for a in s.agencies:
        if ("agency_release", a.id) in listed:
            model.add(sum(chosen(lambda q, k, a=a: q.agency_id == a.id)) <= a.max_release)
    status = cp_model.CpSolver().solve(model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_every_printed_set_is_a_minimal_conflict(seed: int):
    """Each set cannot hold on its own and holds without any one member (in a reference model where
    only the set's members are enforced); where the scenario itself can switch every other rule off,
    the engines agree. Dropping every set's pins and floors leaves a scenario that can be solved."""
    s = with_conflicts(seed)
    plan = solve(s, PARAMS)
    if plan.status != SolveStatus.INFEASIBLE:
        return
    assert plan.conflicts
    count = 1 + max(c.set for c in plan.conflicts)
    for n in range(count):
        members = [c for c in plan.conflicts if c.set == n]
        assert all(c.minimal for c in members)
        assert any(c.rule in ("pin", "min_coverage") for c in members)
        assert not holds_alone(s, members), members
        for dropped in members:
            assert holds_alone(s, [c for c in members if c != dropped]), dropped
    named = {(c.rule, c.item) for c in plan.conflicts}
    assert solve(keep_only_demands_not_in(s, named), PARAMS).status != SolveStatus.INFEASIBLE


def keep_only_demands_not_in(s: Scenario, named: set[tuple[str, str]]) -> Scenario:
    """The scenario without the pins and floors any set names (everything else as it was)."""
    floors = []
    for n, floor in enumerate(s.policy.min_coverage):
        kept = tuple(
            c
            for c in s.floor_communes(floor)
            if ("min_coverage", f"min_coverage[{n}]:{c}/{floor.specialty}") not in named
        )
        floors.append(floor.model_copy(update={"communes": kept}))
    return s.model_copy(
        update={
            "pins": tuple(p for n, p in enumerate(s.pins) if ("pin", f"pins[{n}]") not in named),
            "policy": s.policy.model_copy(update={"min_coverage": tuple(floors)}),
        }
    )


def test_two_independent_conflicts_in_one_run(solved):
    """P1 is pinned to C1 at 150 km under a 100 km cap; C2 hosts nobody but a floor wants IT there.
    Both sets come out at once, each with every member."""
    s = scenario(
        [commune("C1", 150), commune("C2", 20, capacity=0, tags="border")],
        [short("C1", "it"), short("C2", "it")],
        [person("P1", "it"), person("P2", "it")],
        max_distance_km=100,
        min_coverage=[{"communes": "tag:border", "specialty": "it", "at_least": 1}],
    ).model_copy(update={"pins": (Pin(candidate="P1", commune="C1", specialty="it"),)})
    plan = solved(s)
    assert plan.status == SolveStatus.INFEASIBLE
    assert conflict_sets(plan) == [
        {("pin", "pins[0]"), ("max_distance", "P1@C1")},
        {("min_coverage", "min_coverage[0]:C2/it"), ("commune_capacity", "C2")},
    ]
    for n in range(2):
        assert_minimal(s, [c for c in plan.conflicts if c.set == n])
    detail = next(c.detail for c in plan.conflicts if c.rule == "max_distance")
    assert detail == "P1 cannot go to Xã C1: 150 km > cap 100 km"


def test_three_independent_conflicts_one_closed_by_a_forbid(solved):
    """Three sets: a pin to a land seat the person does not hold; a health floor at C2 whose only
    holders are P3 (pinned to C1) and P4 (forbidden at C2); agency B releases one but two of its
    people are pinned."""
    s = scenario(
        [commune("C1", 10), commune("C2", 20), commune("C3", 30)],
        [short("C1", "health"), short("C2", "health"), short("C3", "land"), short("C3", "it", seats=2)],
        [
            person("P1", "it"),
            person("P3", "health"),
            person("P4", "health"),
            person("P5", "it", agency_id="B"),
            person("P6", "it", agency_id="B"),
        ],
        agencies=[agency("A"), agency("B", max_release=1)],
        min_coverage=[{"communes": ["C2"], "specialty": "health", "at_least": 1}],
    ).model_copy(
        update={
            "pins": (
                Pin(candidate="P1", commune="C3", specialty="land"),
                Pin(candidate="P3", commune="C1", specialty="health"),
                Pin(candidate="P5", commune="C3", specialty="it"),
                Pin(candidate="P6", commune="C3", specialty="it"),
            ),
            "forbid": (Forbid(candidate="P4", commune="C2"),),
        }
    )
    plan = solved(s)
    assert plan.status == SolveStatus.INFEASIBLE
    sets = conflict_sets(plan)
    assert len(sets) == 3
    assert {("pin", "pins[0]")} in sets
    assert {
        ("min_coverage", "min_coverage[0]:C2/health"),
        ("pin", "pins[1]"),
        ("one_seat_per_person", "P3"),
        ("forbid", "forbid[0]"),
    } in sets
    assert {("pin", "pins[2]"), ("pin", "pins[3]"), ("agency_release", "B")} in sets
    assert "they do not hold land" in next(c.detail for c in plan.conflicts if c.item == "pins[0]")
    assert_minimal(s, [c for c in plan.conflicts if c.item in ("pins[2]", "pins[3]", "B")])


def test_two_floors_on_one_shortage_name_only_the_one_that_binds():
    """Floors of 2 and of 1 on the same seats, one holder: only the floor of 2 is in the set."""
    s = scenario(
        [commune("C1", 10)],
        [short("C1", "it", seats=2)],
        [person("P1", "it")],
        min_coverage=[
            {"communes": ["C1"], "specialty": "it", "at_least": 2},
            {"communes": ["C1"], "specialty": "it", "at_least": 1},
        ],
    )
    plan = solve(s, PARAMS)
    assert conflict_sets(plan) == [{("min_coverage", "min_coverage[0]:C1/it")}]
    assert plan.conflicts[0].minimal


def test_bundled_scenario_at_150_km_shows_every_conflict_at_once():
    """The bundled scenario with a 150 km cap: both Sín Thầu pins, and the IT and health floors at
    Sín Thầu and Mường Nhé, each with the people the cap keeps out, in one run."""
    s = load_scenario(BUNDLED)
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"max_distance_km": 150})})
    plan = solve(s, PARAMS)
    assert plan.status == SolveStatus.INFEASIBLE
    demands = [sorted(i for r, i in found if r in ("pin", "min_coverage")) for found in conflict_sets(plan)]
    assert sorted(demands) == [
        ["min_coverage[0]:03158/it"],
        ["min_coverage[0]:03160/it"],
        ["min_coverage[1]:03158/health"],
        ["min_coverage[1]:03160/health"],
        ["pins[3]"],
        ["pins[4]"],
    ]
    p127 = next(c for c in plan.conflicts if c.item == "P127@03158")
    assert p127.detail.startswith("P127 cannot go to Xã Sín Thầu: ") and p127.detail.endswith("> cap 150 km")
    assert all(c.minimal for c in plan.conflicts)


def test_a_set_not_proven_minimal_says_so(monkeypatch):
    """When a deletion check runs out of time the member stays, and the set is printed as possibly
    not minimal instead of as a set any one of whose members may be dropped."""
    from optimizer import conflict_model
    from reports.conflict_lines import conflict_lines

    s = scenario(
        [commune("C1", 150)],
        [short("C1", "it")],
        [person("P1", "it"), person("P2", "it")],
        max_distance_km=100,
    ).model_copy(update={"pins": (Pin(candidate="P1", commune="C1", specialty="it"),)})
    real = conflict_model.ConflictModel.check
    calls = []

    def slow(self, items, deadline):
        calls.append(len(items))
        if len(calls) > 1:
            return conflict_model.Outcome.UNKNOWN, []
        return real(self, items, deadline)

    monkeypatch.setattr(conflict_model.ConflictModel, "check", slow)
    plan = solve(s, PARAMS)
    assert plan.status == SolveStatus.INFEASIBLE
    assert plan.conflicts and not any(c.minimal for c in plan.conflicts)
    assert "possibly not minimal (time ran out)" in "\n".join(conflict_lines(s, plan.conflicts))


def test_many_people_kept_from_one_commune_read_as_one_line_but_forbids_stay_apart():
    """Three people beyond the cap at C1 are one line naming each; three forbids stay three items."""
    from reports.conflict_lines import conflict_lines

    s = scenario([commune("C1", 150)], [short("C1", "it")], [person(f"P{i}", "it") for i in range(3)])
    members = [Conflict(rule="min_coverage", item="min_coverage[0]:C1/it", detail="floor")]
    members += [
        Conflict(rule="max_distance", item=f"P{i}@C1", detail="far", candidate=f"P{i}", commune="C1")
        for i in range(3)
    ]
    members += [
        Conflict(rule="forbid", item=f"forbid[{i}]", detail=f"no {i}", candidate=f"P{i}", commune="C1")
        for i in range(3)
    ]
    lines = conflict_lines(s, members)
    assert lines[0] == "These hard rules cannot all hold: 1 independent conflict(s)."
    assert "  max_distance ×3: these people cannot go to C1 Xã C1: P0, P1, P2" in lines
    assert [line for line in lines if line.startswith("  forbid ")] == [
        f"  forbid forbid[{i}]: no {i}" for i in range(3)
    ]
