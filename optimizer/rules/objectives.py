"""The objectives a scenario can rank, each defined once: name, statement, and how a stage runs it."""

from __future__ import annotations

from i18n import N_
from models.plan import StageResult
from models.scenario import Objective, Scenario
from optimizer import objectives as score
from optimizer.eligibility import Pairs
from optimizer.stages import Linear, Runner

WHERE = "scenario.yaml policy.objectives"


class ObjectiveRule:
    """An objective: optimised in its declared place, then held for the stages after it."""

    name: Objective
    statement: str
    where = WHERE

    def linear(self, scenario: Scenario, pairs: Pairs) -> Linear | None:
        """The objective as a sum over chosen pairs, or None when it is a threshold (a share)."""
        return None

    def run(self, runner: Runner) -> StageResult:
        """Optimise and hold the objective on an engine."""
        linear = self.linear(runner.scenario, runner.pairs)
        assert linear is not None
        return runner.optimize(linear)


class Coverage(ObjectiveRule):
    """Priority-weighted filled seats, maximised."""

    name = Objective.COVERAGE
    statement = N_("Fill as many seats as possible, each weighted by its shortage's priority.")

    def linear(self, scenario: Scenario, pairs: Pairs) -> Linear:
        return score.coverage(scenario, pairs)


class Distance(ObjectiveRule):
    """Total travel km, minimised."""

    name = Objective.DISTANCE
    statement = N_("Keep the total travel of the seconded as short as possible.")

    def linear(self, scenario: Scenario, pairs: Pairs) -> Linear:
        return score.distance(pairs)


class Preference(ObjectiveRule):
    """Satisfaction with the ranked communes, maximised."""

    name = Objective.PREFERENCE
    statement = N_("Place people in the communes they ranked highest.")

    def linear(self, scenario: Scenario, pairs: Pairs) -> Linear:
        return score.preference(scenario, pairs)


class Fairness(ObjectiveRule):
    """The worst commune's filled share, maximised; then the communes served."""

    name = Objective.FAIRNESS
    statement = N_(
        "Raise the worst commune's filled share of its demand; then serve as many communes as possible."
    )

    def run(self, runner: Runner) -> StageResult:
        share = runner.threshold(score.fairness(runner.scenario, runner.index))
        served = runner.optimize(score.communes_served(runner.pairs))
        return share.model_copy(
            update={
                "proven": share.proven and served.proven,
                "communes_served": served.value,
                "communes_served_bound": served.bound,
            }
        )


class Disruption(ObjectiveRule):
    """The largest released share of an agency's staff, minimised."""

    name = Objective.DISRUPTION
    statement = N_("Keep the largest share of any agency's staff that is released as small as possible.")

    def run(self, runner: Runner) -> StageResult:
        return runner.threshold(score.disruption(runner.scenario, runner.index))


OBJECTIVES: tuple[ObjectiveRule, ...] = (Coverage(), Fairness(), Distance(), Preference(), Disruption())
OBJECTIVE = {o.name: o for o in OBJECTIVES}


def run_stage(runner: Runner, objective: Objective) -> StageResult:
    """Optimise and hold one declared objective."""
    return OBJECTIVE[objective].run(runner)
