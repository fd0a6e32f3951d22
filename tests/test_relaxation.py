"""The LP relaxation that leads each CP-SAT stage: its bound, its vertex, its reduced-cost fixing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.relaxation import held_still, relax


def test_the_lp_relaxation_leaves_out_rows_a_literal_enforces():
    """`x + y >= 2` only if `met`, and `x + y <= 1`: the best is met = 0. Read as unconditional the
    row made the LP infeasible (and a soft-rule stage once claimed a bound it could beat); left
    out, the LP is feasible with a valid bound (1 ≥ 0), and its vertex is not taken as a solution."""
    model = cp_model.CpModel()
    x, y, met = (model.new_bool_var(name) for name in "xym")
    model.add(x + y >= 2).only_enforce_if(met)
    model.add(x + y <= 1)
    model.maximize(met)
    lp = relax(model)
    assert lp.feasible is True and lp.bound == 1 and not lp.exact and not lp.integral


def _assignment(costs: np.ndarray, seats: int) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """People x posts, each person at most one post, each post at most `seats` people, `seats`
    people placed in all, cheapest first: a small MIP whose LP has many reduced costs."""
    model = cp_model.CpModel()
    people, posts = costs.shape
    x = [model.new_bool_var(f"x{i}_{j}") for i in range(people) for j in range(posts)]
    for i in range(people):
        model.add(sum(x[i * posts + j] for j in range(posts)) <= 1)
    for j in range(posts):
        model.add(sum(x[i * posts + j] for i in range(people)) <= 1)
    model.add(sum(x) == seats)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, costs.ravel().tolist()))
    return model, x


def _solutions_within(model: cp_model.CpModel, x: list, costs: np.ndarray, worst: int) -> list[np.ndarray]:
    """Every solution of the model costing at most `worst`."""
    check = model.clone()
    expr = cp_model.LinearExpr.weighted_sum(
        [check.get_int_var_from_proto_index(v.index) for v in x], costs.ravel().tolist()
    )
    check.clear_objective()
    check.add(expr <= worst)
    found: list[np.ndarray] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.append(np.array([self.value(v) for v in x], dtype=np.int64))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.solve(check, Collect())
    return found


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 4),
    st.integers(2, 4),
    st.integers(1, 3),
    st.integers(0, 3),
    st.lists(st.integers(0, 9), min_size=16, max_size=16),
)
def test_reduced_cost_fixing_keeps_every_plan_as_good(people: int, posts: int, seats: int, slack: int, flat):
    """Whatever `held_still` fixes from a plan costing F holds in every solution costing at most
    F, found by enumerating them all: from the optimum and from plans up to `slack` worse."""
    costs = np.array(flat[: people * posts], dtype=np.int64).reshape(people, posts)
    model, x = _assignment(costs, min(seats, people, posts))
    lp = relax(model, dive=False)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    best = round(solver.objective_value)
    within = _solutions_within(model, x, costs, best + slack)
    cost = {id(s): int(costs.ravel() @ s) for s in within}
    for incumbent in within:
        held, values = held_still(lp, incumbent)
        for solution in within:
            if cost[id(solution)] <= cost[id(incumbent)]:
                assert (solution[held] == values).all()


def test_a_plan_that_contradicts_the_reduced_costs_fixes_nothing():
    """Fixing trusts the LP only while the plan agrees with it: a plan said to be as good but
    holding a fixed variable off its bound (only rounding could do that) fixes nothing."""
    costs = np.array([[1, 9], [9, 1]], dtype=np.int64)
    model, _ = _assignment(costs, 2)
    lp = relax(model, dive=False)
    best = np.array([1, 0, 0, 1], dtype=np.int64)
    held, values = held_still(lp, best)
    assert len(held) and (best[held] == values).all()
    wrong = best.copy()
    wrong[held[0]] = 1 - wrong[held[0]]
    assert len(held_still(lp, wrong)[0]) == 0


def test_the_gap_to_the_lp_optimum_decides_what_is_fixed():
    """One placement among two people x two posts costing 0, 3, 6, 9: the LP optimum is 0 and the
    reduced costs are the costs. From the plan costing 3 only the posts costing more than 3 are
    held at 0; from the optimum, every other post is."""
    costs = np.array([[0, 3], [6, 9]], dtype=np.int64)
    model, _ = _assignment(costs, 1)
    lp = relax(model, dive=False)
    held, values = held_still(lp, np.array([0, 1, 0, 0], dtype=np.int64))
    assert held.tolist() == [2, 3] and values.tolist() == [0, 0]
    held, values = held_still(lp, np.array([1, 0, 0, 0], dtype=np.int64))
    assert held.tolist() == [1, 2, 3] and values.tolist() == [0, 0, 0]
