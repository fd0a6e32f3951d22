"""A baseline plan (the published previous round) read from its folder and attached to a scenario."""

from __future__ import annotations

from pathlib import Path

from i18n import _
from models.errors import InputProblem, ScenarioError
from models.plan_files import ASSIGNMENT_KEY, read_plan_files
from models.plan_io import ASSIGNMENTS_FILE
from models.scenario import BaselineAssignment, Objective, Scenario


def read_baseline(folder: Path) -> tuple[BaselineAssignment, ...]:
    """The assignments of a plan folder (only assignments.csv is needed); a malformed file is refused.

    Rows naming people, communes or specialties the scenario does not know are kept: they simply
    cannot be kept in the new plan.
    """
    files = read_plan_files(Path(folder)).checked(needed=(ASSIGNMENTS_FILE,))
    assert files.assignments is not None
    problems: list[InputProblem] = []
    first: dict[tuple[str, str, str], int] = {}
    entries = []
    for number, record in files.assignments.rows:
        empty = [column for column in ASSIGNMENT_KEY if not record.get(column)]
        problems += [
            InputProblem(files.assignments.name, _("a value is required"), row=number, column=column)
            for column in empty
        ]
        if empty:
            continue
        key = (record["candidate_id"], record["commune_id"], record["specialty"])
        if key in first:
            problems.append(
                InputProblem(
                    files.assignments.name,
                    _("this assignment is already listed on row {row}").format(row=first[key]),
                    row=number,
                    column="candidate_id",
                    value=key[0],
                )
            )
            continue
        first[key] = number
        entries.append(
            BaselineAssignment(
                candidate=key[0],
                commune=key[1],
                specialty=key[2],
                candidate_name=record.get("candidate_name", ""),
            )
        )
    if problems:
        raise ScenarioError(problems)
    return tuple(entries)


def with_baseline(scenario: Scenario, baseline: tuple[BaselineAssignment, ...]) -> Scenario:
    """The scenario with this baseline; `stability` goes right after `coverage` unless already ranked."""
    objectives = scenario.policy.objectives
    if Objective.STABILITY not in objectives:
        at = objectives.index(Objective.COVERAGE) + 1 if Objective.COVERAGE in objectives else 0
        objectives = (*objectives[:at], Objective.STABILITY, *objectives[at:])
    policy = scenario.policy.model_copy(update={"objectives": objectives})
    return scenario.model_copy(update={"baseline": baseline, "policy": policy})
