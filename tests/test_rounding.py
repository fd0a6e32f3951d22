"""The LP vertex rounded into a plan (`optimizer.rounding`), re-checked by CP-SAT itself."""

from __future__ import annotations

import numpy as np
from builders import two_seat_people
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.relaxation import relax
from optimizer.rounding import rounded


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5),
    st.integers(2, 3),
    st.integers(1, 2),
    st.lists(st.integers(1, 9), min_size=30, max_size=30),
)
def test_the_rounded_vertex_is_a_solution_no_better_than_the_bound(people, communes, capacity, gains):
    """The rounded vertex, and any point of the unit box rounded the same way, is accepted by
    CP-SAT as a solution (every variable fixed at it), worth between 0 and the LP bound."""
    model = two_seat_people(people, communes, gains, capacity)
    lp = relax(model, dive=False)
    assert lp.rows is not None and lp.exact and lp.bound is not None
    random = np.random.default_rng(sum(gains)).random(len(lp.values))
    for values in (lp.values, random):
        point = rounded(lp.rows, values)
        assert point is not None
        check = model.clone()
        for k, value in enumerate(point.tolist()):
            domain = check.proto.variables[k].domain
            domain.clear()
            domain.extend([value, value])
        solver = cp_model.CpSolver()
        assert solver.solve(check) == cp_model.OPTIMAL
        assert 0 <= solver.objective_value <= lp.bound
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value <= lp.bound


def test_a_seat_is_raised_with_the_cell_it_needs():
    """Two people, one commune with room for one, two fields, every variable at one half (as a
    vertex split between two people would be): rounded down nobody goes; a seat can only be
    raised with its person's cell, and the second person then finds the commune full. One person
    fills both seats: the optimum."""
    model = two_seat_people(2, 1, [5, 5, 5, 5], 1)
    lp = relax(model, dive=False)
    assert lp.rows is not None
    point = rounded(lp.rows, np.full(len(lp.values), 0.5))
    assert point is not None
    value = lp.rows.scaling * (float(lp.rows.costs @ point) + lp.rows.offset)
    assert value == 10 == lp.bound
    assert sorted(point.tolist()) == [0, 0, 0, 1, 1, 1]


def test_a_cell_whose_seats_round_away_goes_down_with_them():
    """A person's cell at one and their two seats there at a third and two thirds: rounded down
    the seats vanish and `seats >= cell` breaks; the cell goes down with them, and the point,
    raised again, is a solution worth at least the seat it can keep."""
    model = two_seat_people(2, 2, [1] * 8, 1)
    lp = relax(model, dive=False)
    assert lp.rows is not None and lp.bound is not None
    values = np.zeros(len(lp.values))
    values[[0, 1, 2]] = [1, 1 / 3, 2 / 3]
    assert not lp.rows.holds(np.floor(values).astype(np.int64))
    point = rounded(lp.rows, values)
    assert point is not None and lp.rows.holds(point)
    assert 1 <= lp.rows.scaling * (float(lp.rows.costs @ point) + lp.rows.offset) <= lp.bound
