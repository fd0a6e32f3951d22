"""Stages on the CP-SAT model: the general engine, for any rule and objective mix."""

from __future__ import annotations

import hashlib
import threading

import numpy as np
from ortools.sat.python import cp_model

from models.plan import StageResult
from optimizer.model import SecondmentModel
from optimizer.stages import Bounds, Linear, NoSolution, Runner, stage_result

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
TIE_RANGE = 2**20
STOP_POLL_S = 0.1
LP_PORTFOLIO = ("max_lp", "default_lp", "reduced_costs", "core", "pseudo_costs", "quick_restart")
"""Workers that lean on the LP: the network structure makes its bound tight, so they prove fast."""


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Forwards each improving solution to the progress callback."""

    def __init__(self, runner: CpSatRunner, stage: str, scale: float) -> None:
        super().__init__()
        self.runner, self.stage, self.scale = runner, stage, scale

    def on_solution_callback(self) -> None:
        self.runner.progress(
            self.stage,
            self.objective_value / self.scale,
            self.best_objective_bound / self.scale,
            self.runner.elapsed(),
        )


class CpSatRunner(Runner):
    """Optimises each stage with CP-SAT, carrying the incumbent as a hint."""

    engine = "CP-SAT"

    @property
    def sm(self) -> SecondmentModel:
        """The CP-SAT model with every hard rule, built on first use."""
        if not hasattr(self, "_sm"):
            self._sm = SecondmentModel(self.scenario, self.pairs).build()
        return self._sm

    def settle(self) -> None:
        """Find any plan that meets the hard rules."""
        status, solver = self._solve(self.sm.model, "feasibility", 1.0)
        if status not in SOLVED:
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        self.chosen = self._values(solver)

    def canonicalize(self) -> None:
        """A last, internal stage: minimise fixed pseudo-random pair weights, so ties break one way.

        The weights come from a hash of (candidate, commune, specialty); with 2^20 possible values the
        optimum is unique in all but freak cases, so any number of workers proving it finds the same plan.
        """
        if self.remaining() <= 0:
            return
        weights = np.array(
            [
                1
                + int.from_bytes(hashlib.blake2b(self._pair_key(p).encode(), digest_size=4).digest())
                % TIE_RANGE
                for p in range(len(self.pairs))
            ],
            dtype=np.int64,
        )
        self.optimize(Linear("tie-break", False, weights))

    def _pair_key(self, p: int) -> str:
        """`candidate|commune|specialty` of a pair: stable across runs and machines."""
        shortage = self.scenario.shortages[self.pairs.shortage[p]]
        candidate = self.scenario.candidates[self.pairs.candidate[p]]
        return f"{candidate.id}|{shortage.commune_id}|{shortage.specialty}"

    def optimize(self, objective: Linear) -> StageResult:
        """Optimise a linear objective with CP-SAT, then hold its value."""
        model = self.sm.model
        expr = self._expression(objective)
        model.maximize(expr) if objective.maximize else model.minimize(expr)
        status, solver = self._solve(model, objective.name, objective.scale)
        model.clear_objective()
        if status in SOLVED:
            self.chosen = self._values(solver)
        elif self.chosen is None:
            raise NoSolution(infeasible=status == cp_model.INFEASIBLE)
        value = objective.value(self.chosen, self.index)
        proven = status == cp_model.OPTIMAL
        bound = round(solver.best_objective_bound) if status in SOLVED else None
        if proven:
            model.add(expr == value)
        elif objective.maximize:
            model.add(expr >= value)
        else:
            model.add(expr <= value)
        return stage_result(objective.name, objective.maximize, value, bound, proven, objective.scale)

    def _expression(self, objective: Linear) -> cp_model.LinearExpr:
        """The objective over the pair variables (and commune-served flags)."""
        expr = cp_model.LinearExpr.weighted_sum(self.sm.x, objective.pair_weights.tolist())
        if objective.served_weight:
            served = []
            for commune_id in sorted(self.index.by_commune):
                flag = self.sm.model.new_bool_var(f"served:{commune_id}")
                self.sm.model.add(flag <= self.sm.hosted(commune_id))
                served.append(flag)
            expr += objective.served_weight * cp_model.LinearExpr.sum(served)
        if objective.opened_weights is not None:
            for s, weight in enumerate(objective.opened_weights.tolist()):
                ps = self.index.by_shortage.get(s)
                if weight and ps is not None and len(ps):
                    opened = self.sm.model.new_bool_var(f"opened:{s}")
                    self.sm.model.add(opened <= cp_model.LinearExpr.sum([self.sm.x[p] for p in ps.tolist()]))
                    expr += weight * opened
        for n, (ps, need) in enumerate(objective.needs):
            met = self.sm.model.new_bool_var(f"{objective.name}:{n}")
            chosen = cp_model.LinearExpr.sum([self.sm.x[p] for p in ps.tolist()])
            self.sm.model.add(chosen >= need).only_enforce_if(met)
            expr += met
        return expr

    def _probe(self, bounds: Bounds, label: str) -> bool | None:
        """Solve a copy of the model with the bounds added."""
        probe = self.sm.model.clone()
        self._add_bounds(probe, bounds)
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
        """Add hosted >= n and released <= n rows to a model or one of its clones."""

        def total(ps: list[int] | np.ndarray) -> cp_model.LinearExpr:
            return cp_model.LinearExpr.sum([model.get_bool_var_from_proto_index(int(p)) for p in ps])

        for commune_id, need in bounds.hosted_at_least.items():
            model.add(total(self.index.by_commune.get(commune_id, [])) >= need)
        for agency_id, cap in bounds.released_at_most.items():
            model.add(total(self.index.by_agency.get(agency_id, [])) <= cap)

    def _solve(self, model: cp_model.CpModel, stage: str, scale: float) -> tuple[int, cp_model.CpSolver]:
        """Run CP-SAT with the incumbent as hint and the time that is left."""
        model.clear_hints()
        if self.chosen is not None:
            for p, value in enumerate(self.chosen.tolist()):
                model.add_hint(model.get_bool_var_from_proto_index(self.sm.x[p].index), value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(self.remaining(), 0.001)
        solver.parameters.num_workers = self.params.workers
        solver.parameters.random_seed = self.params.seed
        solver.parameters.linearization_level = 2
        if self.params.workers > 1:
            solver.parameters.subsolvers.extend(LP_PORTFOLIO)
        solver.parameters.catch_sigint_signal = False
        self.progress(stage, None, None, self.elapsed())
        return self._stoppable(solver, model, _Reporter(self, stage, scale)), solver

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
        return np.array(solver.boolean_values(self.sm.x), dtype=np.int64)
