"""What makes national scale fast stays exact: blocked eligibility, pooled people, independent parts.

Each speed-up is checked against the plain way on small generated multi-province scenarios.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from models.plan import SolveParams, SolveStatus
from models.rules import Rule
from models.scenario import Candidate, Distance, Forbid, Objective, Period, Pin, Scenario, Shortage
from models.synthetic import province_scenario
from optimizer import components, eligibility
from optimizer.eligibility import PairIndex, eligible_pairs
from optimizer.flow import FlowModel
from optimizer.objectives import coverage, distance
from optimizer.rules.pair_view import CAP_TOLERANCE, is_available
from optimizer.solve import solve
from optimizer.travel import Travel


def provinces(seed: int, **options: object) -> Scenario:
    """Four small neighbouring provinces (some people can reach the next one)."""
    return province_scenario(
        provinces=4,
        communes_per_province=8,
        candidates_per_province=25,
        seed=seed,
        max_distance_km=200,
        **options,
    )


def with_every_rule(scenario: Scenario, avoid_home: bool = True) -> Scenario:
    """The scenario with measured rows, forbids per specialty, own origins, early leavers, home rule."""
    rng = np.random.default_rng(7)
    people, places = scenario.candidates, scenario.communes

    def pick(items: tuple) -> object:
        return items[int(rng.integers(len(items)))]

    distances = [
        Distance(from_id=pick(scenario.agencies).id, to_id=pick(places).id, km=float(rng.uniform(0, 150)))
        for _ in range(40)
    ] + [
        Distance(from_id=pick(people).id, to_id=pick(places).id, km=float(rng.uniform(0, 150)), minutes=90.0)
        for _ in range(40)
    ]
    forbid = [Forbid(candidate=pick(people).id, commune=pick(places).id, specialty="it") for _ in range(30)]
    moved = tuple(
        c.model_copy(update={"lat": places[i % len(places)].lat, "lon": places[i % len(places)].lon})
        if i % 7 == 0
        else c.model_copy(update={"available_from": date(2025, 9, 1)})
        if i % 11 == 0
        else c
        for i, c in enumerate(people)
    )
    return scenario.model_copy(
        update={
            "distances": tuple(distances),
            "forbid": scenario.forbid + tuple(forbid),
            "candidates": moved,
            "period": Period(start=date(2025, 8, 1), end=date(2026, 7, 31)),
            "policy": scenario.policy.model_copy(
                update={"avoid_home_commune": avoid_home, "max_travel_minutes": 300.0}
            ),
        }
    )


@pytest.mark.parametrize("block", [1, 7, 1 << 21])
def test_eligible_pairs_are_exactly_those_no_per_pair_rule_forbids(
    monkeypatch: pytest.MonkeyPatch, block: int
):
    """Blocked, vectorised eligibility agrees with `why_not` on every candidate x shortage, km included."""
    monkeypatch.setattr(eligibility, "BLOCK_CELLS", block)
    scenario = with_every_rule(provinces(seed=1))
    pairs = eligible_pairs(scenario)
    found = dict(
        zip(zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True), pairs.km, strict=True)
    )
    travel = Travel(scenario)
    for c, person in enumerate(scenario.candidates):
        for s, shortage in enumerate(scenario.shortages):
            assert ((c, s) in found) == (not why_not(scenario, person, shortage)), (person.id, shortage.key)
            if (c, s) in found:
                km, _ = travel.between(person, scenario.commune_by_id[shortage.commune_id])
                assert found[(c, s)] == pytest.approx(km, abs=1e-9)


def test_pair_index_groups_positions_in_order_of_first_appearance():
    """Each key's positions ascend; keys come in the order they first appear."""
    scenario = provinces(seed=2)
    pairs = eligible_pairs(scenario)
    index = PairIndex.of(scenario, pairs)
    expected: dict[str, list[int]] = defaultdict(list)
    for p, s in enumerate(pairs.shortage.tolist()):
        expected[scenario.shortages[s].commune_id].append(p)
    assert list(index.by_commune) == list(expected)
    assert all(index.by_commune[k].tolist() == v for k, v in expected.items())


@pytest.mark.parametrize("seed", [3, 4])
def test_both_engines_reach_the_same_stage_values(seed: int):
    """Coverage, fairness (and communes served) and distance agree between min-cost flow and CP-SAT."""
    scenario = provinces(seed, fairness=True, floors=True)
    plans = [solve(scenario, SolveParams(time_limit_s=60, engine=engine)) for engine in ("flow", "cpsat")]
    assert [plan.status for plan in plans] == [SolveStatus.OPTIMAL] * 2
    flow, cpsat = ([stage.model_dump(exclude={"seconds"}) for stage in plan.objectives] for plan in plans)
    assert flow == cpsat


def stage_values(model: FlowModel, scenario: Scenario) -> tuple[int, int] | None:
    """Coverage then distance on one flow model: the two stage values of its answer."""
    pairs = model.pairs
    first, second = coverage(scenario, pairs), distance(pairs)
    chosen = model.solve([(-first.pair_weights, 0), (second.pair_weights, 0)])
    return None if chosen is None else (int(first.pair_weights @ chosen), int(second.pair_weights @ chosen))


@pytest.mark.parametrize("seed", [5, 6])
def test_pooled_people_give_the_one_arc_per_pair_optimum(seed: int):
    """Hubs for interchangeable people change the network, not its optimum (pins and forbids kept apart)."""
    generated = province_scenario(
        provinces=4, communes_per_province=8, candidates_per_province=150, seed=seed, floors=True
    )
    scenario = with_every_rule(generated, avoid_home=False)
    pairs = eligible_pairs(scenario)
    pinned = scenario.model_copy(
        update={
            "pins": (
                Pin(
                    candidate=scenario.candidates[pairs.candidate[0]].id,
                    commune=scenario.shortages[pairs.shortage[0]].commune_id,
                ),
            )
        }
    )
    for case in (scenario, pinned):
        pooled, plain = FlowModel(case, pairs), FlowModel(case, pairs, pooled=False)
        assert len(pooled.pooled.pools.pooled) and len(pooled.pooled.tail) < len(plain.pooled.tail)
        assert stage_values(pooled, case) == stage_values(plain, case)


def test_independent_parts_solved_apart_or_together_agree(monkeypatch: pytest.MonkeyPatch):
    """Solving each part on its own (tiny batches) or all at once (one batch) gives the same optimum."""
    scenario = province_scenario(provinces=9, communes_per_province=6, candidates_per_province=20, seed=8)
    pairs = eligible_pairs(scenario)
    values = []
    for batch in (1, 10**9):
        monkeypatch.setattr(components, "BATCH_ARCS", batch)
        model = FlowModel(scenario, pairs)
        values.append((len(model.pooled.batches), stage_values(model, scenario)))
    (apart, separate), (together, joint) = values
    assert apart > 1 and together == 1
    assert separate == joint


def test_preference_ranked_people_are_not_pooled():
    """Ranked preferences make people differ: with a preference stage they keep their own arcs."""
    scenario = provinces(seed=9)
    ranked = scenario.model_copy(
        update={
            "candidates": tuple(
                c.model_copy(update={"preferences": (scenario.communes[0].id,)}) for c in scenario.candidates
            ),
            "policy": scenario.policy.model_copy(
                update={"objectives": (Objective.PREFERENCE, Objective.COVERAGE)}
            ),
        }
    )
    plans = [solve(ranked, SolveParams(time_limit_s=60, engine=engine)) for engine in ("flow", "cpsat")]
    assert [stage.value for stage in plans[0].objectives] == [stage.value for stage in plans[1].objectives]
    assert len(FlowModel(ranked, eligible_pairs(ranked)).pooled.pools.pooled) == 0


def why_not(scenario: Scenario, candidate: Candidate, shortage: Shortage) -> list[tuple[Rule, str]]:
    """A plain, pair-at-a-time oracle: the per-pair rules keeping this candidate from this shortage."""
    policy = scenario.policy
    reasons: list[tuple[Rule, str]] = []
    level = candidate.specialties.get(shortage.specialty)
    if level is None:
        reasons.append((Rule.SPECIALTY_LEVEL, f"does not hold {shortage.specialty}"))
    elif level < shortage.min_level:
        reasons.append(
            (
                Rule.SPECIALTY_LEVEL,
                f"level {level} < required {shortage.min_level} in {shortage.specialty}",
            )
        )
    commune = scenario.commune_by_id[shortage.commune_id]
    km, minutes = Travel(scenario).between(candidate, commune)
    if policy.max_distance_km is not None and km > policy.max_distance_km + CAP_TOLERANCE:
        reasons.append((Rule.MAX_DISTANCE, f"{km:.1f} km > policy cap {policy.max_distance_km:g} km"))
    if policy.max_travel_minutes is not None and minutes > policy.max_travel_minutes + CAP_TOLERANCE:
        reasons.append(
            (
                Rule.MAX_TRAVEL_MINUTES,
                f"{minutes:.0f} min > policy cap {policy.max_travel_minutes:g} min",
            )
        )
    if candidate.max_distance_km is not None and km > candidate.max_distance_km + CAP_TOLERANCE:
        reasons.append(
            (Rule.PERSONAL_DISTANCE, f"{km:.1f} km > personal cap {candidate.max_distance_km:g} km")
        )
    if not is_available(scenario, candidate):
        reasons.append(
            (
                Rule.AVAILABILITY,
                f"available {candidate.available_from or '…'} to {candidate.available_to or '…'}",
            )
        )
    if policy.avoid_home_commune and candidate.home_commune_id == shortage.commune_id:
        reasons.append((Rule.HOME_COMMUNE, "it is their home commune"))
    for forbid in scenario.forbid:
        if (forbid.candidate, forbid.commune) == (candidate.id, shortage.commune_id) and (
            forbid.specialty in (None, shortage.specialty)
        ):
            reasons.append((Rule.FORBID, "the pair is forbidden by the scenario"))
    return reasons
