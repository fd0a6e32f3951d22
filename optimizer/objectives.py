"""The objectives of the contract, each as a stage the runner can optimise and hold."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from models.scenario import Objective
from optimizer.model import SecondmentModel
from optimizer.stages import LinearObjective, StageResult, StageRunner, Terms, ThresholdObjective

METRES_PER_KM = 1000


def _over_pairs(sm: SecondmentModel, name: str, maximize: bool, weights: np.ndarray, scale: float = 1.0):
    """A linear objective over the pair variables."""
    return LinearObjective(
        name, maximize, sm.x, weights.tolist(), lambda chosen: int(weights @ chosen), scale
    )


def coverage(sm: SecondmentModel) -> LinearObjective:
    """Maximise priority-weighted filled seats."""
    priority = np.array([s.priority for s in sm.scenario.shortages], dtype=np.int64)
    return _over_pairs(sm, "coverage", True, priority[sm.pairs.shortage])


def distance(sm: SecondmentModel) -> LinearObjective:
    """Minimise total travel km of the seconded (in whole metres)."""
    metres = np.round(sm.pairs.km * METRES_PER_KM).astype(np.int64)
    return _over_pairs(sm, "distance", False, metres, scale=METRES_PER_KM)


def preference(sm: SecondmentModel) -> LinearObjective:
    """Maximise satisfaction: a k-th choice scores (longest list - k + 1), an unlisted commune 0."""
    longest = max((len(c.preferences) for c in sm.scenario.candidates), default=0)
    scores = np.zeros(len(sm.pairs), dtype=np.int64)
    for p, (c, s) in enumerate(zip(sm.pairs.candidate.tolist(), sm.pairs.shortage.tolist(), strict=True)):
        ranked = sm.scenario.candidates[c].preferences
        commune_id = sm.scenario.shortages[s].commune_id
        if commune_id in ranked:
            scores[p] = longest - ranked.index(commune_id)
    return _over_pairs(sm, "preference", True, scores)


def fairness(sm: SecondmentModel) -> ThresholdObjective:
    """Maximise the worst commune's filled share of its own demand."""
    demand: dict[str, int] = {}
    for shortage in sm.scenario.shortages:
        demand[shortage.commune_id] = demand.get(shortage.commune_id, 0) + shortage.seats
    communes = sorted(demand)
    pairs_of = {c: sm.by_commune.get(c, []) for c in communes}
    fractions = sorted({Fraction(f, d) for d in set(demand.values()) for f in range(d + 1)})

    def rows(q: Fraction) -> Terms:
        return [(pairs_of[c], _ceil(q * demand[c]), None) for c in communes if q * demand[c] > 0]

    def achieved(chosen: np.ndarray) -> Fraction:
        return min(Fraction(int(chosen[pairs_of[c]].sum()), demand[c]) for c in communes)

    return ThresholdObjective("fairness", True, tuple(fractions), rows, achieved)


def communes_served(sm: SecondmentModel) -> LinearObjective:
    """Maximise the number of communes with at least one seat filled (fairness' second part)."""
    communes = sorted(c for c, ps in sm.by_commune.items() if ps)
    served = []
    for commune_id in communes:
        flag = sm.model.new_bool_var(f"served:{commune_id}")
        sm.model.add(flag <= sm.hosted(commune_id))
        served.append(flag)

    def value(chosen: np.ndarray) -> int:
        return sum(1 for c in communes if chosen[sm.by_commune[c]].any())

    return LinearObjective("communes_served", True, served, [1] * len(served), value)


def disruption(sm: SecondmentModel) -> ThresholdObjective:
    """Minimise the largest share of any agency's staff that is released."""
    staff = {a.id: a.staff for a in sm.scenario.agencies if a.staff > 0 and sm.by_agency.get(a.id)}
    agencies = sorted(staff)
    fractions = sorted(
        {Fraction(0)}
        | {Fraction(r, staff[a]) for a in agencies for r in range(min(staff[a], len(sm.by_agency[a])) + 1)}
    )

    def rows(q: Fraction) -> Terms:
        return [(sm.by_agency[a], None, int(q * staff[a])) for a in agencies]

    def achieved(chosen: np.ndarray) -> Fraction:
        return max(
            (Fraction(int(chosen[sm.by_agency[a]].sum()), staff[a]) for a in agencies), default=Fraction(0)
        )

    return ThresholdObjective("disruption", False, tuple(fractions), rows, achieved)


def _ceil(q: Fraction) -> int:
    """Smallest integer not below q."""
    return -((-q.numerator) // q.denominator)


def run_stage(runner: StageRunner, objective: Objective) -> StageResult:
    """Optimise and hold one declared objective (fairness also counts the communes served)."""
    sm = runner.sm
    match objective:
        case Objective.COVERAGE:
            return runner.optimize(coverage(sm))
        case Objective.DISTANCE:
            return runner.optimize(distance(sm))
        case Objective.PREFERENCE:
            return runner.optimize(preference(sm))
        case Objective.DISRUPTION:
            return runner.threshold(disruption(sm))
        case Objective.FAIRNESS:
            share = runner.threshold(fairness(sm))
            served = runner.optimize(communes_served(sm))
            return share.model_copy(
                update={
                    "proven": share.proven and served.proven,
                    "seconds": round(share.seconds + served.seconds, 3),
                    "communes_served": served.value,
                    "communes_served_bound": served.bound,
                }
            )
