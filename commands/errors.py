"""Exit codes and the one error type of the command line; a bug is logged, not shown as a traceback."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from importlib.metadata import PackageNotFoundError, version
from typing import IO

import click
from rich.console import Console
from rich.markup import escape

from i18n import _
from models.errors import InputProblem, ScenarioError


class ExitCode(IntEnum):
    """What the process's exit status promises (README and docs/formats.md list them)."""

    OK = 0
    AUDIT = 1
    BAD_INPUT = 2
    INFEASIBLE = 3
    INTERNAL = 70  # sysexits.h EX_SOFTWARE: a bug in this tool, not in the input
    INTERRUPTED = 130


class CliError(click.ClickException):
    """A command ends with a message and its exit code: bad input (default), a bug, an interruption."""

    def __init__(
        self, message: str, code: ExitCode = ExitCode.BAD_INPUT, problems: Sequence[InputProblem] = ()
    ) -> None:
        super().__init__(message)
        self.exit_code = int(code)
        self.problems = tuple(problems)

    @classmethod
    def from_problems(cls, problems: Sequence[InputProblem]) -> CliError:
        """Every problem found in the input, exit 2."""
        return cls(_("the input has {count} problem(s):").format(count=len(problems)), problems=problems)

    def show(self, file: IO[str] | None = None) -> None:
        """Print the message on stderr: `error:` and each problem for bad input, as written otherwise."""
        console = Console(file=file, stderr=file is None, highlight=False)
        if self.exit_code == ExitCode.INTERRUPTED:
            console.print(self.message, markup=False)
            return
        label = _("internal error:") if self.exit_code == ExitCode.INTERNAL else _("error:")
        console.print(f"[bold red]{escape(label)}[/] {escape(self.message)}", soft_wrap=True)
        for problem in self.problems:
            console.print(f"  • {problem}", markup=False, soft_wrap=True)


@contextmanager
def exit_codes(argv: Sequence[str] = ()) -> Iterator[None]:
    """Turn what a command raises into a CliError: bad input 2, Ctrl-C 130, anything else a logged bug."""
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except ScenarioError as error:
        raise CliError.from_problems(error.problems) from None
    except KeyboardInterrupt:
        raise CliError(_("interrupted: no plan was written"), ExitCode.INTERRUPTED) from None
    except Exception as error:
        raise bug(error, argv) from None


def bug(error: BaseException, argv: Sequence[str] = ()) -> CliError:
    """An internal error: the traceback goes to a log file, the user gets where it is and whom to tell."""
    log = write_log(error, argv)
    what = f"{type(error).__name__}: {error}"
    if log is None:
        hint = _(
            "This is a bug, not a problem with your input: please report it, with the scenario if you can."
        )
    else:
        hint = _(
            "This is a bug, not a problem with your input: please report it with {log} "
            "(and the scenario, if you can share it)."
        ).format(log=log)
    return CliError(f"{what}\n{hint}", ExitCode.INTERNAL)


def write_log(error: BaseException, argv: Sequence[str]) -> str | None:
    """Write the traceback and the command line to a new log file; its path, or None if that failed."""
    try:
        tool = version("secondment-planner")
    except PackageNotFoundError:
        tool = "unknown"
    try:
        handle, path = tempfile.mkstemp(prefix="secondment-error-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as log:
            log.write(f"secondment {tool} · Python {platform.python_version()} · {platform.platform()}\n")
            log.write(f"command: secondment {' '.join(argv) or ' '.join(sys.argv[1:])}\n\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path
