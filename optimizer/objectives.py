"""The objectives of the contract, each as an engine-neutral stage."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np

from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs
from optimizer.stages import Bounds, Linear, Threshold

METRES_PER_KM = 1000


def coverage(scenario: Scenario, pairs: Pairs) -> Linear:
    """Maximise priority-weighted filled seats."""
    priority = np.array([s.priority for s in scenario.shortages], dtype=np.int64)
    return Linear("coverage", True, priority[pairs.shortage] if len(pairs) else np.zeros(0, dtype=np.int64))


def distance(pairs: Pairs) -> Linear:
    """Minimise total travel km of the seconded, each person once (in whole metres)."""
    metres = np.round(pairs.km * METRES_PER_KM).astype(np.int64)
    return Linear("distance", False, metres, scale=METRES_PER_KM, per_person=True)


def preference(scenario: Scenario, pairs: Pairs) -> Linear:
    """Maximise satisfaction: a k-th choice scores (longest list - k + 1), an unlisted commune 0."""
    longest = max((len(c.preferences) for c in scenario.candidates), default=0)
    scores = np.zeros(len(pairs), dtype=np.int64)
    for p, (c, s) in enumerate(zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True)):
        ranked = scenario.candidates[c].preferences
        commune_id = scenario.shortages[s].commune_id
        if commune_id in ranked:
            scores[p] = longest - ranked.index(commune_id)
    return Linear("preference", True, scores, per_person=True)


def stability(scenario: Scenario, pairs: Pairs) -> Linear:
    """Maximise the baseline assignments kept (the same person at the same commune and specialty)."""
    kept = scenario.baseline_keys
    weights = np.array(
        [
            (scenario.candidates[c].id, *scenario.shortages[s].key) in kept
            for c, s in zip(pairs.candidate.tolist(), pairs.shortage.tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    return Linear("stability", True, weights)


def communes_served(pairs: Pairs) -> Linear:
    """Maximise the number of communes with at least one seat filled (fairness' second part)."""
    return Linear("communes_served", True, np.zeros(len(pairs), dtype=np.int64), served_weight=1)


def fairness(scenario: Scenario, index: PairIndex) -> Threshold:
    """Maximise the worst commune's filled share of its own demand.

    The candidate fractions are f/d for each commune's demand d, up to the share no commune can
    exceed (hosted seats are bounded by capacity times the most seats a person fills, and by
    eligible pairs), so their number follows the
    eligible pairs, never the seats demanded.
    """
    demand: dict[str, int] = {}
    for shortage in scenario.shortages:
        demand[shortage.commune_id] = demand.get(shortage.commune_id, 0) + shortage.seats
    empty = np.zeros(0, dtype=np.int64)
    capacity = {c.id: c.capacity for c in scenario.communes}

    def bounds(q: Fraction) -> Bounds:
        return Bounds(hosted_at_least={c: _ceil(q * d) for c, d in demand.items() if q * d > 0})

    def achieved(chosen: np.ndarray) -> Fraction:
        return worst_share({c: int(chosen[index.by_commune.get(c, empty)].sum()) for c in demand}, demand)

    most = max(scenario.posts, default=1)  # capacity counts people; each fills at most this many seats
    reach = {
        c: min(d, capacity.get(c, 0) * most, len(index.by_commune.get(c, empty))) for c, d in demand.items()
    }
    highest = min((Fraction(reach[c], d) for c, d in demand.items()), default=Fraction(1))
    fractions = sorted({Fraction(f, d) for d in set(demand.values()) for f in range(int(highest * d) + 1)})
    return Threshold("fairness", True, tuple(fractions), bounds, achieved)


def disruption(scenario: Scenario, index: PairIndex) -> Threshold:
    """Minimise the largest share of any agency's staff that is released.

    A share may exceed 1 when an agency's max_release is above its staff; the candidate fractions
    r/staff stop at what the agency can release (its cap and its eligible people).
    """
    staff = {a.id: a.staff for a in scenario.agencies if a.staff > 0 and a.id in index.by_agency}
    cap = {a.id: a.max_release for a in scenario.agencies}

    def bounds(q: Fraction) -> Bounds:
        return Bounds(released_at_most={a: int(q * s) for a, s in staff.items()})

    def achieved(chosen: np.ndarray) -> Fraction:
        return max(
            (Fraction(index.people(chosen, index.by_agency[a]), s) for a, s in staff.items()),
            default=Fraction(0),
        )

    fractions = {Fraction(0)} | {
        Fraction(r, s) for a, s in staff.items() for r in range(min(cap[a], len(index.by_agency[a])) + 1)
    }
    return Threshold("disruption", False, tuple(sorted(fractions)), bounds, achieved)


def worst_share(hosted: Mapping[str, int], demand: Mapping[str, int]) -> Fraction:
    """The smallest filled share of its demand over the communes with a shortage (1 when none)."""
    return min((Fraction(hosted.get(c, 0), d) for c, d in demand.items()), default=Fraction(1))


def _ceil(q: Fraction) -> int:
    """Smallest integer not below q."""
    return -((-q.numerator) // q.denominator)
