"""Bad input as data: every problem names its file, row, column, value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import _

MAX_VALUE_CHARS = 80
MAX_EXPECTED_CHARS = 400
MAX_LISTED = 100
"""Problems printed in full; the rest are counted, so a message stays small whatever the input."""


def shortened(text: str, limit: int) -> str:
    """The text, cut in the middle with `…` when it is longer than `limit` characters."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + "…" + text[len(text) - keep :]


@dataclass(frozen=True)
class InputProblem:
    """One problem found in the scenario's files."""

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = shortened(self.file, MAX_VALUE_CHARS)
        if self.row is not None:
            where = _("{where}, row {row}").format(where=where, row=self.row)
        if self.column is not None:
            column = shortened(repr(self.column), MAX_VALUE_CHARS)
            where = _("{where}, column {column}").format(where=where, column=column)
        expected = shortened(self.expected, MAX_EXPECTED_CHARS)
        if self.value is None:
            return f"{where}: {expected}"
        return _("{where}: got {value}: {expected}").format(
            where=where, value=shortened(repr(self.value), MAX_VALUE_CHARS), expected=expected
        )


class ScenarioError(Exception):
    """The scenario cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(self.listed()))

    def listed(self) -> list[str]:
        """The problems as lines: the first MAX_LISTED in full, then how many more there are."""
        lines = [str(p) for p in self.problems[:MAX_LISTED]]
        if len(self.problems) > MAX_LISTED:
            lines.append(
                _("… and {count:,} more problem(s) not listed: fix these and run again").format(
                    count=len(self.problems) - MAX_LISTED
                )
            )
        return lines
