"""A neighbourhood solved as a model of its own (`optimizer.restricted`), re-checked by CP-SAT on
the whole model."""

from __future__ import annotations

import numpy as np
from builders import two_seat_people
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.relaxation import neighbourhood, relax
from optimizer.restricted import Restricted
from optimizer.rounding import rounded


def _fixed_at(model: cp_model.CpModel, point: np.ndarray) -> cp_model.CpModel:
    """The model with every variable fixed at the point."""
    check = model.clone()
    for k, value in enumerate(point.tolist()):
        domain = check.proto.variables[k].domain
        domain.clear()
        domain.extend([value, value])
    return check


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5),
    st.integers(2, 3),
    st.integers(1, 2),
    st.lists(st.integers(1, 9), min_size=30, max_size=30),
    st.integers(0, 2**32 - 1),
)
def test_the_restricted_optimum_completes_a_whole_solution(people, communes, capacity, gains, seed):
    """Around the rounded LP vertex (a random part of it held), the restricted model's optimum,
    completed by the held values, is a solution of the whole model worth what the restricted
    model says; no better than the whole optimum, no worse than the hint it started from."""
    model = two_seat_people(people, communes, gains, capacity)
    lp = relax(model, dive=False)
    assert lp.rows is not None and lp.bound is not None
    start = rounded(lp.rows, lp.values)
    assert start is not None
    free = neighbourhood(lp.rows, lp.values) | (np.random.default_rng(seed).random(len(start)) < 0.3)
    restricted = Restricted.of(lp.rows, free, start, start)
    assert restricted is not None
    solver = cp_model.CpSolver()
    assert solver.solve(restricted.model) == cp_model.OPTIMAL
    point = restricted.point(np.array(solver.response_proto.solution, dtype=np.int64))
    assert np.array_equal(point[~free], start[~free])
    whole = cp_model.CpSolver()
    assert whole.solve(_fixed_at(model, point)) == cp_model.OPTIMAL
    assert whole.objective_value == solver.objective_value
    started = lp.rows.scaling * (float(lp.rows.costs @ start) + lp.rows.offset)
    assert started <= solver.objective_value
    assert whole.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value <= whole.objective_value <= lp.bound


def test_held_values_that_break_a_row_give_no_model():
    """Two people held in a commune with room for one: no free variable can mend that row."""
    model = two_seat_people(2, 1, [5, 5, 5, 5], 1)
    lp = relax(model, dive=False)
    assert lp.rows is not None
    held = np.ones(len(lp.values), dtype=np.int64)
    assert Restricted.of(lp.rows, np.zeros(len(held), dtype=bool), held, held) is None
