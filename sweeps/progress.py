"""The live progress of a sweep: a bar over variants with done, running and the time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from i18n import _
from sweeps.records import Record


class SweepProgress:
    """Shows the sweep on a terminal (nothing otherwise): variants done of all, running, ETA."""

    def __init__(self, console: Console) -> None:
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[running]}"),
            TimeElapsedColumn(),
            TextColumn(_("left")),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task: TaskID | None = None
        self.reused = 0

    def __enter__(self) -> SweepProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def started(self, total: int, reused: int) -> None:
        """Show the bar, with the variants solved before already counted as done."""
        self.reused = reused
        self.task = self.bar.add_task(_("variants"), total=total, completed=reused, running="")

    def running(self, count: int) -> None:
        """How many variants are being solved now."""
        assert self.task is not None
        self.bar.update(self.task, running=_("{count} running").format(count=count))

    def solved(self, record: Record) -> None:
        """One more variant done."""
        assert self.task is not None
        self.bar.advance(self.task)
