"""Odd-seat cuts (`optimizer.seat_cuts`): they cut off half-people, never a plan of the hard rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from builders import commune, person, scenario, short
from ortools.sat.python import cp_model
from test_multipost import audited, multi_post_scenario, run_cli

from models.plan import SolveStatus
from models.scenario import Scenario
from models.scenario_writer import write_scenario
from optimizer.eligibility import eligible_pairs
from optimizer.model import SecondmentModel
from optimizer.relaxation import relax
from optimizer.seat_cuts import SeatCuts


def three_fields() -> Scenario:
    """One commune 10 km away with room for three and one seat in each of three fields; three
    people who may fill two seats, each holding a different two of the fields. Filling the three
    seats takes two people (an LP can do it with three halves)."""
    return scenario(
        [commune("C", 10, capacity=3)],
        [short("C", "land"), short("C", "construction"), short("C", "industry_trade")],
        [
            person("P1", "land;construction", max_posts=2),
            person("P2", "land;industry_trade", max_posts=2),
            person("P3", "construction;industry_trade", max_posts=2),
        ],
        objectives=["coverage", "distance"],
    )


def fewest_people(sm: SecondmentModel) -> cp_model.CpModel:
    """The model with every seat filled, minimising the people seconded."""
    sm.model.add(sm.expr(sm.seats(np.arange(len(sm.x)))) == 3)
    sm.model.minimize(sm.expr(sm.people(np.arange(len(sm.cohorts.cell_cohort)))))
    return sm.model


def test_three_half_people_are_cut_off():
    """Three seats for one and a half people is the LP's optimum; the cut (seats <= 1 + people)
    lifts its bound to the two people whole people need, and CP-SAT agrees."""
    s = three_fields()
    sm = SecondmentModel(s, eligible_pairs(s)).build()
    model = fewest_people(sm)
    loose = relax(model, dive=False)
    assert loose.optimum == 1.5 and loose.cuts == ()
    cut = relax(model, dive=False, cuts=SeatCuts.of(sm).violated)
    assert len(cut.cuts) == 1 and cut.cuts[0].high == 1
    assert cut.optimum == cut.bound == 2
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL and solver.objective_value == 2


def test_one_seat_each_needs_no_cuts():
    """Where nobody may fill several seats there is nothing to separate."""
    s = three_fields()
    alone = tuple(c.model_copy(update={"max_posts": 1}) for c in s.candidates)
    s = s.model_copy(update={"candidates": alone})
    assert SeatCuts.of(SecondmentModel(s, eligible_pairs(s)).build()) is None


def every_solution(model: cp_model.CpModel) -> np.ndarray:
    """Every solution of a tiny model (no objective), one per row."""
    found: list[list[int]] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.append([self.value(v) for v in variables])

    variables = [model.get_int_var_from_proto_index(i) for i in range(len(model.proto.variables))]
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    assert solver.solve(model, Collect()) in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    return np.array(found, dtype=np.int64).reshape(-1, len(variables))


def three_posts() -> Scenario:
    """Two interchangeable people who may fill three seats (one cohort, counts up to two) and one
    who may fill two, at a commune with four seats in three fields."""
    return scenario(
        [commune("C", 10, capacity=2)],
        [short("C", "land"), short("C", "construction", seats=2), short("C", "industry_trade")],
        [
            person("P1", "land;construction;industry_trade", max_posts=3),
            person("P2", "land;construction;industry_trade", max_posts=3),
            person("P3", "construction;industry_trade", max_posts=2),
        ],
        objectives=["coverage", "distance"],
    )


def test_no_cut_removes_a_plan():
    """On random small multi-post scenarios and two made ones (three posts, a pooled cohort),
    every cut separated from a point of halves and wholes holds at every solution of the hard
    rules, enumerated by CP-SAT (and some cuts are found)."""
    cuts_found = 0
    made = [three_fields(), three_posts()]
    for seed in range(42):
        s = made[seed - 40] if seed >= 40 else multi_post_scenario(seed)
        sm = SecondmentModel(s, eligible_pairs(s)).build()
        cuts = SeatCuts.of(sm)
        if cuts is None:
            continue
        solutions = every_solution(sm.model)
        upper = np.array(sm.upper, dtype=np.float64)
        rng = np.random.default_rng(seed)
        for _ in range(60 if seed >= 40 else 20):
            point = np.minimum(upper, rng.integers(0, 3, len(upper)) / 2)
            for cut in cuts.violated(point):
                cuts_found += 1
                assert float(cut.coefficients @ point[cut.indices]) > cut.high
                assert (solutions[:, cut.indices] @ cut.coefficients <= cut.high).all()
    assert cuts_found > 0


def test_the_cut_stage_is_proven_at_its_lp_bound(tmp_path: Path):
    """Coverage, then distance: three seats filled by two people, 20 km, OPTIMAL and audited; the
    cut LP settles the distance stage alone (its bound without the cut would be 15 km)."""
    plan = audited(three_fields(), tmp_path)
    assert plan.status == SolveStatus.OPTIMAL
    assert [(o.name, o.value) for o in plan.objectives] == [("coverage", 9), ("distance", 20.0)]
    assert len({a.candidate_id for a in plan.assignments}) == 2
    folder = write_scenario(three_fields(), tmp_path / "s").parent
    logged = run_cli("solve", folder, "--out", tmp_path / "p", "--solver-log")
    assert logged.exit_code == 0, logged.output
    assert "distance: the LP relaxation reaches 20000 at a plan that meets every row" in logged.stderr
