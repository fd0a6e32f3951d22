"""Bad input as data: every problem names its file, row, column, value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import _


@dataclass(frozen=True)
class InputProblem:
    """One problem found in the scenario's files."""

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where = _("{where}, row {row}").format(where=where, row=self.row)
        if self.column is not None:
            where = _("{where}, column {column}").format(where=where, column=repr(self.column))
        if self.value is None:
            return f"{where}: {self.expected}"
        return _("{where}: got {value}: {expected}").format(
            where=where, value=repr(self.value), expected=self.expected
        )


class ScenarioError(Exception):
    """The scenario cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
