"""The LP vertex rounded into a plan (`optimizer.rounding`), re-checked by CP-SAT itself."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.relaxation import relax
from optimizer.rounding import rounded


def _two_seat_people(people: int, communes: int, gains: list[int], capacity: int) -> cp_model.CpModel:
    """People who may fill two seats, all in one commune (a cell y per person x commune, a seat x
    per person x commune x field with x <= y and x1 + x2 <= 2y), one seat per field and commune,
    `capacity` people per commune: the multi-post structure whose LP vertices are fractional."""
    model = cp_model.CpModel()
    seats: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    hosted: dict[int, list[cp_model.IntVar]] = {}
    terms = []
    for i in range(people):
        cells = []
        for c in range(communes):
            y = model.new_bool_var(f"y{i}_{c}")
            cells.append(y)
            hosted.setdefault(c, []).append(y)
            x = [model.new_bool_var(f"x{i}_{c}_{f}") for f in range(2)]
            for f, seat in enumerate(x):
                model.add(seat <= y)
                seats.setdefault((c, f), []).append(seat)
                terms.append((seat, gains[(i * communes + c) * 2 + f]))
            model.add(sum(x) <= 2 * y)
            model.add(sum(x) >= y)
        model.add(sum(cells) <= 1)
    for row in seats.values():
        model.add(sum(row) <= 1)
    for cells in hosted.values():
        model.add(sum(cells) <= capacity)
    model.maximize(cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms]))
    return model


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
    model = _two_seat_people(people, communes, gains, capacity)
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
    model = _two_seat_people(2, 1, [5, 5, 5, 5], 1)
    lp = relax(model, dive=False)
    assert lp.rows is not None
    point = rounded(lp.rows, np.full(len(lp.values), 0.5))
    assert point is not None
    value = lp.rows.scaling * (float(lp.rows.costs @ point) + lp.rows.offset)
    assert value == 10 == lp.bound
    assert sorted(point.tolist()) == [0, 0, 0, 1, 1, 1]
