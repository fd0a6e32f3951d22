"""Stages on the CP-SAT model: the general engine, for any rule and objective mix."""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable

import numpy as np
from google.protobuf import text_format
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from i18n import _
from models.plan import StageResult
from optimizer.flow_runner import FlowRunner, FlowUnsuited
from optimizer.lp_rows import Cut
from optimizer.model import SecondmentModel
from optimizer.relaxation import INTEGRAL, LpResult, held_still, neighbourhood, relax
from optimizer.restricted import Restricted
from optimizer.rounding import rounded
from optimizer.seat_cuts import SeatCuts
from optimizer.stages import Bounds, Linear, NoSolution, Runner, Threshold, stage_result
from optimizer.warm_start import warm_start

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
TIE_RANGE = 2**20
STOP_POLL_S = 0.1
NEIGHBOURHOOD_S = 5.0
"""Longest search for the rest of an LP vertex whose integral part is held."""
NEIGHBOURHOOD_FLOOR_S = 1.0
"""Least time such a search gets as a model of its own, past its part's share of the time if need
be (measured on a 145k-variable national part: its LP leaves nothing of the share, and the search
reaches the neighbourhood's optimum in 0.4 s)."""
BUILDING = threading.Lock()
"""Held while a model is built: building is Python's work, so parts solved side by side build one
at a time (measured on two 3600-person national parts: 10-13 s each side by side, 3 s alone)."""
LP_PORTFOLIO = ("max_lp", "default_lp", "reduced_costs", "core", "pseudo_costs", "quick_restart")
"""Workers that lean on the LP: the network structure makes its bound tight, so they prove fast."""


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to the progress callback."""

    def __init__(self, runner: CpSatRunner, stage: str, scale: float, model: cp_model.CpModel) -> None:
        super().__init__()
        self.runner, self.stage, self.scale, self.model = runner, stage, scale, model

    def on_solution_callback(self) -> None:
        if not self.model.has_objective():
            return
        self.runner.progress(
            self.stage,
            self.objective_value / self.scale,
            self.best_objective_bound / self.scale,
            self.runner.elapsed(),
        )


class CpSatRunner(Runner):
    """Optimises each stage with CP-SAT, carrying the incumbent as a hint.

    The first hint comes from the flow engine (`optimizer.warm_start`); interchangeable people are
    counted, not searched one by one (`optimizer.cohorts`).
    """

    engine = "CP-SAT"

    @property
    def sm(self) -> SecondmentModel:
        """The CP-SAT model with every hard rule, built on first use (with the flow's plan as hint)."""
        if not hasattr(self, "_sm"):
            soft = bool(self.params.soften or self.scenario.policy.soften)
            """Soft rules' groups of pairs name people one by one: no cohorts then."""
            with BUILDING:
                sm = SecondmentModel(self.scenario, self.pairs, pooled=not soft, marks=self.marks)
                self._sm = sm.build()
            if self.chosen is None and self.params.warm_start:
                self.chosen = warm_start(self.scenario, self.pairs, self.index)
        return self._sm

    def settle(self) -> None:
        """Find any plan that meets the hard rules."""
        status, solver = self._solve(self.sm.model, "feasibility", 1.0)
        if status not in SOLVED:
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        self.chosen = self._values(solver)

    def canonicalize(self) -> None:
        """Two last, internal stages: minimise fixed pseudo-random weights, so ties break one way.

        While the network has followed every stage, its plan (deterministic) is kept instead.
        First who goes where (a weight per person and commune, counted once per person), then,
        with those counts held, who fills which seat (a weight per person, commune and specialty). The
        weights come from a hash of each column's first member; with 2^20 possible values each
        optimum is unique in all but freak cases, so any number of workers proving them finds the
        same counts, and counts map to people one way. Measured on the 600-person `bench.posts`
        province: under 1 s for both, against 5.5 s for the seat weights alone.
        """
        if self.remaining() <= 0:
            return
        if self._network() is not None:
            self.chosen = self._network().chosen
            return
        self.optimize(Linear("tie-break", False, self._tie_weights(True), per_person=True))
        self._hold_cells()
        self.optimize(Linear("tie-break", False, self._tie_weights(False)))

    def _hold_cells(self) -> None:
        """Hold how many of each cohort go to each commune at the incumbent's counts."""
        sm = self.sm
        assert self.chosen is not None
        _, people = sm.cohorts.counts(self.chosen, self.index.cells.of_pair)
        for cell, count in enumerate(people.tolist()):
            sm.model.add(sm.expr(sm.people(np.array([cell]))) == count)

    def _tie_weights(self, per_person: bool) -> np.ndarray:
        """Each pair's tie-break weight: its column's first member's, by commune or by seat."""
        co = self.sm.cohorts
        keys = (self._pair_key(p, per_person).encode() for p in co.column_pair.tolist())
        digests = (hashlib.blake2b(key, digest_size=4).digest() for key in keys)
        column_weight = np.array([1 + int.from_bytes(d) % TIE_RANGE for d in digests], dtype=np.int64)
        return column_weight[co.column_of_pair]

    def _pair_key(self, p: int, per_person: bool) -> str:
        """`candidate|commune|specialty` of a pair (`candidate|commune`, per person): stable
        across runs and machines."""
        shortage = self.scenario.shortages[self.pairs.shortage[p]]
        candidate = self.scenario.candidates[self.pairs.candidate[p]]
        if per_person:
            return f"{candidate.id}|{shortage.commune_id}"
        return f"{candidate.id}|{shortage.commune_id}|{shortage.specialty}"

    def _network(self) -> FlowRunner | None:
        """The flow engine run in step with this one while it stays exact (one seat each, costs fit)."""
        if not self.params.warm_start:
            return None
        if not hasattr(self, "_flow"):
            try:
                self._flow: FlowRunner | None = FlowRunner(
                    self.scenario, self.pairs, self.params, None, self.stop
                )
            except FlowUnsuited:
                self._flow = None
        return self._flow

    def _exact(self, stage: Callable[[FlowRunner], StageResult]) -> tuple[StageResult, np.ndarray] | None:
        """A stage's exact optimum and plan from the network (None once it cannot follow)."""
        flow = self._network()
        if flow is None:
            return None
        flow.held_bounds = self.held_bounds
        try:
            return stage(flow), flow.chosen
        except (FlowUnsuited, NoSolution):
            self._flow = None
            return None

    def threshold(self, objective: Threshold) -> StageResult:
        """On the network, the exact best fraction, confirmed by CP-SAT; else bisection with CP-SAT."""
        exact = self._exact(lambda flow: flow.threshold(objective))
        if exact is None:
            return super().threshold(objective)
        result, chosen = exact
        bounds = objective.bounds(objective.achieved(chosen))
        self.chosen = chosen
        if not self._probe(bounds, objective.name):
            self._flow = None
            return super().threshold(objective)
        self._hold(bounds)
        return result

    def optimize(self, objective: Linear) -> StageResult:
        """Optimise a linear objective with CP-SAT, then hold its value.

        While the network is exact, its optimum is a proven bound and its plan reaches it: CP-SAT
        then only confirms that plan under every rule, with the value held.
        """
        model = self.sm.model
        expr = self._expression(objective)
        exact = self._exact(lambda flow: flow.optimize(objective))
        if exact is not None:
            self.chosen = exact[1]
            best = objective.value(exact[1], self.index)
            model.add(expr == best)
            status, solver = self._solve(model, objective.name, objective.scale, presolve=False)
            if status == cp_model.INFEASIBLE:
                raise RuntimeError(f"{objective.name}: CP-SAT refutes the network's optimum")
            if status in SOLVED:
                self.chosen = self._values(solver)
            self.progress(objective.name, best / objective.scale, best / objective.scale, self.elapsed())
            return stage_result(objective.name, objective.maximize, best, best, True, objective.scale)
        set_objective(model, expr, objective.maximize)
        status, point, bound, lp = self._search(model, objective, expr)
        model.clear_objective()
        if point is not None:
            self.chosen = self._choice(point)
            self._hold_still(lp, point)
        elif self.chosen is None:
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        value = objective.value(self.chosen, self.index)
        proven = status == cp_model.OPTIMAL
        if proven:
            model.add(expr == value)
        elif objective.maximize:
            model.add(expr >= value)
        else:
            model.add(expr <= value)
        return stage_result(objective.name, objective.maximize, value, bound, proven, objective.scale)

    def _search(
        self, model: cp_model.CpModel, objective: Linear, expr: cp_model.LinearExpr
    ) -> tuple[int, np.ndarray | None, int | None, LpResult]:
        """CP-SAT on the stage, led by its LP relaxation: its status, best point (every variable's
        value; None if none was found), the proven bound and the LP.

        The LP is cut by the odd-seat cuts, which stay in the model. Its rounded bound becomes a
        (valid) row. An integral LP vertex, or one reached by diving from a fractional vertex, is
        taken as it is when every row holds at it (the LP read every constraint), else confirmed.
        Else two short searches with most variables held try to reach the bound: one holds the
        vertex's integral part, one (RINS) the variables where the vertex and the incumbent agree;
        the best plan found then fixes, by reduced cost, the variables no better plan can move, and
        CP-SAT searches the rest. Multi-post models are not dived: measured on the 600-person
        `bench.posts` province, diving never reached the bound and took 4 s of the solve's 20; there
        RINS and the fixing (with the primal LP and CP-SAT's own branching) took the solve from 21 s
        to 10 s.
        """
        lp = relax(model, dive=not self.scenario.multi_post, seconds=self.remaining(), cuts=self._cuts())
        for cut in lp.cuts:
            model.add(self.sm.expr((cut.indices.tolist(), cut.coefficients.tolist()), model) <= cut.high)
        if lp.bound is not None:
            model.add(expr <= lp.bound) if objective.maximize else model.add(expr >= lp.bound)
            point = np.round(lp.values).astype(np.int64) if lp.integral else lp.dived
            if point is None and lp.exact:
                point = self._rounded(lp, objective)
            if point is not None and self._settled(lp, point):
                self.progress(
                    objective.name, lp.bound / objective.scale, lp.bound / objective.scale, self.elapsed()
                )
                if self.params.solver_log:
                    said = _("{stage}: the LP relaxation reaches {bound} at a plan that meets every row")
                    _log(said.format(stage=objective.name, bound=lp.bound))
                return cp_model.OPTIMAL, point, lp.bound, lp
            if point is not None:
                check = model.clone()
                check.clear_objective()
                check.add(_on(check, expr) == lp.bound)
                self._hint_values(check, point)
                status, solver = self._solve(check, objective.name, 1.0, presolve=False, hinted=True)
                if status in SOLVED:
                    return cp_model.OPTIMAL, _solution(solver), lp.bound, lp
            else:
                for part in (self._integral_part, self._agreeing):
                    held, values = part(model, lp)
                    if not len(held):
                        continue
                    found = self._neighbourhood(model, objective, lp, held, values)
                    if found is None:
                        continue
                    point, value = found
                    if value == lp.bound:
                        return cp_model.OPTIMAL, point, lp.bound, lp
                    self.chosen = self._choice(point)
                    self._hold_still(lp, point)
        status, solver = self._solve(model, objective.name, objective.scale)
        if status not in SOLVED:
            return status, None, lp.bound, lp
        return status, _solution(solver), round(solver.best_objective_bound), lp

    def _cuts(self) -> Callable[[np.ndarray], list[Cut]] | None:
        """The separation of odd-seat cuts (`optimizer.seat_cuts`), where people may fill several seats."""
        if not hasattr(self, "_seat_cuts"):
            self._seat_cuts: SeatCuts | None = SeatCuts.of(self.sm)
        return None if self._seat_cuts is None else self._seat_cuts.violated

    def _settled(self, lp: LpResult, point: np.ndarray) -> bool:
        """Whether an integral point is a plan at the LP bound with no solver to confirm it: the LP
        read every constraint, every row and bound holds at it, and it is worth the bound."""
        rows = lp.rows
        if rows is None or not rows.exact or not rows.holds(point):
            return False
        return rows.value(point) == lp.bound

    def _neighbourhood(
        self, model: cp_model.CpModel, objective: Linear, lp: LpResult, held: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, int] | None:
        """The best point found with the variables at `held` held at `values`, and its value: as
        a model of the free variables alone where the LP read every constraint (`Restricted`, given
        at least NEIGHBOURHOOD_FLOOR_S even past a part's share), else in the whole model."""
        assert lp.rows is not None
        if lp.rows.exact:
            start = np.round(lp.values).astype(np.int64)
            start[held] = values
            free = np.ones(len(start), dtype=bool)
            free[held] = False
            indices, incumbent = self._incumbent()
            hint = start.copy()
            hint[indices] = incumbent
            restricted = Restricted.of(lp.rows, free, start, hint)
            if restricted is None:
                return None
            status, solver = self._solve(
                restricted.model,
                objective.name,
                objective.scale,
                hinted=True,
                seconds=NEIGHBOURHOOD_S,
                floor=NEIGHBOURHOOD_FLOOR_S,
            )
            if status not in SOLVED:
                return None
            return restricted.point(_solution(solver)), round(solver.objective_value)
        self._hint_values(model, values, held)
        status, solver = self._solve(
            model, objective.name, objective.scale, hinted=True, fix_hint=True, seconds=NEIGHBOURHOOD_S
        )
        if status not in SOLVED:
            return None
        return _solution(solver), round(solver.objective_value)

    def _rounded(self, lp: LpResult, objective: Linear) -> np.ndarray | None:
        """The LP vertex rounded (`optimizer.rounding`): returned when it reaches the bound, else
        taken as the incumbent when better than it (a part out of time then keeps it)."""
        assert lp.rows is not None
        point = rounded(lp.rows, lp.values)
        if point is None:
            return None
        value = lp.rows.value(point)
        if value == lp.bound:
            return point
        better = self.chosen is None or (
            value > objective.value(self.chosen, self.index)
            if objective.maximize
            else value < objective.value(self.chosen, self.index)
        )
        if better:
            self.chosen = self._choice(point)
            self._hold_still(lp, point)
        return None

    def _integral_part(self, model: cp_model.CpModel, lp: LpResult) -> tuple[np.ndarray, np.ndarray]:
        """The LP vertex's integral values away from its fractional ones (`neighbourhood`)."""
        assert lp.rows is not None
        held = np.flatnonzero(~neighbourhood(lp.rows, lp.values))
        return held, np.round(lp.values[held]).astype(np.int64)

    def _agreeing(self, model: cp_model.CpModel, lp: LpResult) -> tuple[np.ndarray, np.ndarray]:
        """The counts where the LP vertex is integral and equal to the incumbent's (RINS)."""
        indices, values = self._incumbent()
        same = np.abs(lp.values[indices] - values) <= INTEGRAL
        return indices[same], values[same]

    def _hold_still(self, lp: LpResult, solution: np.ndarray) -> None:
        """Fix the variables that no plan as good as `solution` can move (the stage's value is held)."""
        held, values = held_still(lp, solution)
        for j, value in zip(held.tolist(), values.tolist(), strict=True):
            domain = self.sm.model.proto.variables[j].domain
            domain.clear()
            domain.extend([value, value])

    def _hint_values(
        self, model: cp_model.CpModel, values: np.ndarray, indices: np.ndarray | None = None
    ) -> None:
        """A hint given by variable values (all of them, or those at `indices`)."""
        model.clear_hints()
        hint = model.proto.solution_hint
        hint.vars.extend((np.arange(len(values)) if indices is None else indices).tolist())
        hint.values.extend(values.tolist())

    def _expression(self, objective: Linear) -> cp_model.LinearExpr:
        """The objective over the counts: per seat on columns, per person on cells (and served flags)."""
        sm, co = self.sm, self.sm.cohorts
        weights = objective.pair_weights[co.column_pair].astype(np.int64)
        if np.any(weights[co.column_of_pair] != objective.pair_weights):
            raise RuntimeError(f"{objective.name}: weights differ among pooled people (mark the stage)")
        expr = cp_model.LinearExpr.weighted_sum(sm.x, weights.tolist())
        if objective.per_person and sm.y:
            cells = list(sm.y)
            columns = np.concatenate([co.cell_columns[cell] for cell in cells])
            weights[columns] = 0
            cell_weight = objective.pair_weights[co.column_pair[[co.cell_columns[c][0] for c in cells]]]
            expr = cp_model.LinearExpr.weighted_sum(
                sm.x, weights.tolist()
            ) + cp_model.LinearExpr.weighted_sum([sm.y[c] for c in cells], cell_weight.tolist())
        if objective.served_weight:
            served = []
            for k, columns in enumerate(sm.columns_by_commune):
                if len(columns):
                    flag = sm.model.new_bool_var(f"served:{self.scenario.communes[k].id}")
                    sm.model.add(flag <= sm.expr(sm.hosted_seats(k)))
                    served.append(flag)
            expr += objective.served_weight * cp_model.LinearExpr.sum(served)
        if objective.opened_weights is not None:
            for s, weight in enumerate(objective.opened_weights.tolist()):
                ps = self.index.by_shortage.get(s)
                if weight and ps is not None and len(ps):
                    opened = self.sm.model.new_bool_var(f"opened:{s}")
                    self.sm.model.add(opened <= self.sm.total(ps))
                    expr += weight * opened
        for n, (ps, need) in enumerate(objective.needs):
            met = self.sm.model.new_bool_var(f"{objective.name}:{n}")
            self.sm.model.add(self.sm.total(ps) >= need).only_enforce_if(met)
            expr += met
        return expr

    def _probe(self, bounds: Bounds, label: str, objective: Threshold | None = None) -> bool | None:
        """Solve a copy of the model with the bounds added: no when its LP relaxation has no
        solution; an integral LP vertex is only confirmed."""
        probe = self.sm.model.clone()
        self._add_bounds(probe, bounds)
        lp = relax(probe, seconds=self.remaining())
        if lp.feasible is False:
            return False
        hinted = lp.integral
        if hinted:
            self._hint_values(probe, np.round(lp.values).astype(np.int64))
        status, solver = self._solve(probe, label, 1.0, presolve=not hinted, hinted=hinted)
        if hinted and status not in SOLVED:
            status, solver = self._solve(probe, label, 1.0)
        if status in SOLVED:
            self.chosen = self._values(solver)
            return True
        if status == cp_model.INFEASIBLE:
            return False
        if self.chosen is None:
            raise NoSolution(infeasible=False)
        return None

    def _hold(self, bounds: Bounds) -> None:
        self.held_bounds = self.held_bounds.merged(bounds)
        self._add_bounds(self.sm.model, bounds)

    def _add_bounds(self, model: cp_model.CpModel, bounds: Bounds) -> None:
        """Add seats hosted >= n and people released <= n rows to a model or one of its clones."""
        sm = self.sm
        communes = {c.id: k for k, c in enumerate(self.scenario.communes)}
        agencies = {a.id: k for k, a in enumerate(self.scenario.agencies)}
        for commune_id, need in bounds.hosted_at_least.items():
            model.add(sm.expr(sm.hosted_seats(communes[commune_id]), model) >= need)
        for agency_id, cap in bounds.released_at_most.items():
            model.add(sm.expr(sm.released(agencies[agency_id]), model) <= cap)

    def _solve(
        self,
        model: cp_model.CpModel,
        stage: str,
        scale: float,
        presolve: bool = True,
        hinted: bool = False,
        fix_hint: bool = False,
        seconds: float | None = None,
        floor: float = 0.0,
    ) -> tuple[int, cp_model.CpSolver]:
        """Run CP-SAT with the incumbent as hint (unless `hinted` already) in the time that is left
        (UNKNOWN at once when none is).

        Without `presolve` (the hint meets a known bound: nothing is left to search) CP-SAT only
        checks the hint; with `fix_hint` the hinted variables are held at their values. `floor`:
        seconds it may take past the time left, within the whole solve's.
        """
        solver = cp_model.CpSolver()
        left = max(self.remaining(), min(floor, self.remaining_overall()))
        limit = left if seconds is None else min(seconds, left)
        if limit <= 0:
            return cp_model.UNKNOWN, solver
        if not hinted:
            self._hint(model)
        solver.parameters.max_time_in_seconds = limit
        solver.parameters.fix_variables_to_their_hinted_value = fix_hint
        solver.parameters.num_workers = self.params.workers
        solver.parameters.random_seed = self.params.seed
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.add_lp_constraints_lazily = not self.scenario.multi_post
        if self.params.workers > 1:
            solver.parameters.subsolvers.extend(LP_PORTFOLIO)
        solver.parameters.catch_sigint_signal = False
        solver.parameters.merge_text_format(cpsat_parameters(self.params.cpsat))
        if self.params.solver_log:
            solver.parameters.log_search_progress = True
            solver.parameters.log_to_stdout = False
            solver.log_callback = _log
        self.progress(stage, None, None, self.elapsed())
        return self._stoppable(solver, model, _Reporter(self, stage, scale, model)), solver

    def _hint(self, model: cp_model.CpModel) -> None:
        """The incumbent's counts as the solver's hint."""
        model.clear_hints()
        if self.chosen is not None:
            indices, values = self._incumbent()
            self._hint_values(model, values, indices)

    def _incumbent(self) -> tuple[np.ndarray, np.ndarray]:
        """The indices of the counts and their values in the incumbent (nothing without one)."""
        if self.chosen is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        sm = self.sm
        seats, people = sm.cohorts.counts(self.chosen, self.index.cells.of_pair)
        cells = list(sm.y)
        indices = [x.index for x in sm.x] + [sm.y[cell].index for cell in cells]
        return np.array(indices, dtype=np.int64), np.concatenate([seats, people[cells]]).astype(np.int64)

    def _stoppable(self, solver: cp_model.CpSolver, model: cp_model.CpModel, reporter: _Reporter) -> int:
        """Run the search in a worker thread so that a stop request can end it with what it has."""
        outcome: list[int] = []
        worker = threading.Thread(target=lambda: outcome.append(solver.solve(model, reporter)), daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(STOP_POLL_S)
            if self.stop.is_set():
                solver.stop_search()
        return outcome[0]

    def _values(self, solver: cp_model.CpSolver) -> np.ndarray:
        """The 0/1 choice of every pair in the solver's solution."""
        return self._choice(_solution(solver))

    def _choice(self, values: np.ndarray) -> np.ndarray:
        """The 0/1 choice of every pair in a solution given by its variables' values."""
        sm, co = self.sm, self.sm.cohorts
        seats = values[[x.index for x in sm.x]] if sm.x else np.zeros(0, dtype=np.int64)
        people = np.bincount(co.column_cell, weights=seats, minlength=len(co.cell_cohort)).astype(np.int64)
        for cell, y in sm.y.items():
            people[cell] = values[y.index]
        return co.unpack(self.pairs, seats, people)


def cpsat_parameters(settings: tuple[str, ...]) -> str:
    """CP-SAT parameters in text format from `NAME=VALUE` texts; ValueError naming one CP-SAT refuses."""
    parameters = sat_parameters_pb2.SatParameters()
    for setting in settings:
        name, equals, value = setting.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"{setting!r}: expected NAME=VALUE, e.g. num_workers=8")
        try:
            text_format.Merge(f"{name.strip()}: {value.strip()}", parameters)
        except text_format.ParseError as error:
            raise ValueError(f"{setting!r}: {error}") from None
    return text_format.MessageToString(parameters, as_one_line=True)


def set_objective(model: cp_model.CpModel, expr: cp_model.LinearExpr, maximize: bool) -> None:
    """`model.maximize(expr)` (or minimize), written to the proto in bulk: CP-SAT's own appends
    term by term, 1.3 s for a 145k-term objective where this takes 0.3 s."""
    model.clear_objective()
    flat = cp_model.FlatIntExpr(expr)
    sign = -1 if maximize else 1
    objective = model.proto.objective
    objective.vars.extend([variable.index for variable in flat.vars])
    objective.coeffs.extend((sign * np.asarray(flat.coeffs, dtype=np.int64)).tolist())
    objective.offset = sign * flat.offset
    objective.scaling_factor = float(sign)


def _solution(solver: cp_model.CpSolver) -> np.ndarray:
    """The value of every variable in the solver's solution."""
    return np.array(solver.response_proto.solution, dtype=np.int64)


def _log(line: str) -> None:
    """One line of CP-SAT's own log, to standard error."""
    print(line, file=sys.stderr, flush=True)


def _on(model: cp_model.CpModel, expr: cp_model.LinearExpr) -> cp_model.LinearExpr:
    """An expression of the runner's model rebuilt over the same variables of a clone."""
    flat = cp_model.FlatIntExpr(expr)
    variables = [model.get_int_var_from_proto_index(v.index) for v in flat.vars]
    return cp_model.LinearExpr.weighted_sum(variables, list(flat.coeffs)) + flat.offset
