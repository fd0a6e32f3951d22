"""Output files of the commands: refused before any work when they cannot be written, then written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from commands.errors import CliError
from i18n import _
from models.plan_io import OutputExists, check_output


def output_path(out_file: str, suffixes: Sequence[str]) -> Path:
    """The output file, refused unless its suffix is one the command writes."""
    target = Path(out_file)
    if target.suffix.lower() not in suffixes:
        raise click.UsageError(
            _("--out must end with {suffixes}, got {out!r}").format(
                suffixes=" or ".join(suffixes), out=out_file
            )
        )
    return target


def output_folder(folder: Path, force: bool, keep: tuple[Path, ...] = (), message: str = "{error}") -> None:
    """Refuse a folder that cannot take the output (holds files without --force, contains `keep`, …)."""
    try:
        check_output(folder, force, keep)
    except (OutputExists, OSError) as error:
        raise CliError(message.format(error=error)) from None


def refuse_existing(paths: Sequence[Path], force: bool) -> None:
    """Refuse to overwrite files that exist, unless --force."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise CliError(
            _("will not overwrite {files}; pass --force to replace").format(files=", ".join(existing))
        )


def write_output(write: Callable[[], None], target: Path) -> Path:
    """Write one output file, turning a file-system error into bad input (exit 2)."""
    try:
        write()
    except OSError as error:
        raise CliError(_("cannot write {target}: {error}").format(target=target, error=error)) from None
    return target
