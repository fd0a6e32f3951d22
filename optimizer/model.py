"""The CP-SAT model: one Boolean per eligible pair; each hard rule's rows come from its catalogue entry."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.scenario import Scenario
from optimizer.eligibility import PairIndex, Pairs
from optimizer.rules import GROUP_RULES, Instance


@dataclass
class SecondmentModel:
    """Variables and hard rules for one scenario; objectives are added by the stages."""

    scenario: Scenario
    pairs: Pairs
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    rule_switches: dict[Instance, cp_model.IntVar] | None = None

    def __post_init__(self) -> None:
        self.x = [self.model.new_bool_var(f"x{p}") for p in range(len(self.pairs))]
        self.index = PairIndex.of(self.scenario, self.pairs)
        self.by_commune = {k: v.tolist() for k, v in self.index.by_commune.items()}

    def build(self) -> SecondmentModel:
        """Add every hard rule that involves more than one pair, instance by instance, from the catalogue."""
        for rule in GROUP_RULES:
            for instance in rule.instances(self.scenario, self.pairs, self.index):
                self._add(instance, rule.constrain(self, instance))
        return self

    def hosted(self, commune_id: str) -> cp_model.LinearExpr:
        """Seconded staff hosted by one commune."""
        return cp_model.LinearExpr.sum([self.x[p] for p in self.by_commune.get(commune_id, [])])

    def total(self, ps: np.ndarray) -> cp_model.LinearExpr:
        """The sum of some pairs' variables."""
        return cp_model.LinearExpr.sum([self.x[p] for p in ps.tolist()])

    def _add(self, instance: Instance, constraint: cp_model.Constraint) -> None:
        """Record a rule instance; when diagnosing, make it switchable by a literal."""
        if self.rule_switches is not None:
            switch = self.model.new_bool_var(f"{instance.rule}:{instance.item}")
            constraint.only_enforce_if(switch)
            self.rule_switches[instance] = switch
