"""The summaries of empty seats counted in bulk say exactly what each seat's own certificate says."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, random_scenario

from models.plan import SolveParams
from models.scenario import Distance, Forbid, Period, Scenario
from optimizer.eligibility import eligible_pairs
from optimizer.flow_runner import FlowRunner
from optimizer.reasons import Certifier
from optimizer.rules.objectives import run_stage
from optimizer.stages import NoSolution


def with_exceptions(s: Scenario, seed: int) -> Scenario:
    """The scenario with forbids, measured distances, a period and travel-time caps sprinkled in."""
    rng = np.random.default_rng(seed)
    people, communes = s.candidates, s.communes
    forbid = tuple(
        Forbid(
            candidate=people[int(rng.integers(len(people)))].id,
            commune=communes[int(rng.integers(len(communes)))].id,
            specialty=None if rng.random() < 0.5 else str(rng.choice(["it", "land", "health"])),
        )
        for _ in range(int(rng.integers(0, 3)))
    )
    sources = [p.id for p in people] + [a.id for a in s.agencies]
    distances = tuple(
        Distance(
            from_id=str(rng.choice(sources)),
            to_id=communes[int(rng.integers(len(communes)))].id,
            km=float(rng.integers(0, 200)),
            minutes=None if rng.random() < 0.5 else float(rng.integers(0, 300)),
        )
        for _ in range(int(rng.integers(0, 4)))
    )
    unique = tuple({(d.from_id, d.to_id): d for d in distances}.values())
    late = tuple(
        p.model_copy(update={"available_from": date(2025, 9, 1)}) if rng.random() < 0.3 else p for p in people
    )
    policy = s.policy.model_copy(
        update={"max_travel_minutes": float(rng.integers(60, 400)) if rng.random() < 0.5 else None}
    )
    return s.model_copy(
        update={
            "forbid": forbid,
            "distances": unique,
            "candidates": late,
            "period": Period(start=date(2025, 8, 1), end=date(2026, 7, 31)),
            "policy": policy,
        }
    )


@SETTINGS
@given(st.integers(0, 10**6))
def test_bulk_summaries_match_each_certificate(seed: int) -> None:
    """Counting holders by class and shortages by block gives each seat's own one-line summary."""
    s = with_exceptions(random_scenario(seed, people=8, places=4), seed)
    pairs = eligible_pairs(s)
    runner = FlowRunner(s, pairs, SolveParams(), None)
    try:
        for objective in s.policy.objectives:
            run_stage(runner, objective)
        chosen = runner.chosen
    except NoSolution:
        chosen = None
    if chosen is None:
        chosen = np.zeros(len(pairs), dtype=np.int64)
    certifier = Certifier(s, pairs, chosen)
    every = list(range(len(s.shortages)))
    expected = {k: certifier.certify(k).summary(s) for k in every}
    assert certifier.summaries(every) == expected
