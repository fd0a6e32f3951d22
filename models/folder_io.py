"""Replace an output folder all or nothing, with one writer at a time, and never a folder not ours.

An output folder is reserved before the work starts: checked (a folder, not holding the input, only
files this tool writes unless it is empty), then locked with `flock` on a sibling lock file, so a
second run into the same folder fails at once instead of racing the first (no check-then-act). The
lock goes with the process, even on `kill -9`; whatever such a process left (a staging folder, an
earlier folder renamed aside) is reclaimed by the next writer, under the lock. Files are written
into a hidden staging sibling, flushed, and swapped in with renames.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from i18n import _

STAGING = ".staging-"
RETIRED = ".old"
LOCK = ".lock"


class OutputExists(Exception):
    """The output cannot be written there: it exists as something else, holds what is not ours,
    holds files and overwriting was not asked for, or another run is writing it."""


def check_output(
    out: Path, force: bool = False, keep: tuple[Path, ...] = (), ours: frozenset[str] | None = None
) -> None:
    """Refuse, before any work, an output that exists as a file, would replace one of the folders in
    `keep`, holds files without `force`, holds anything but the files named in `ours` (when given),
    or cannot be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputExists(_("{out} exists and is not a folder").format(out=out))
    for folder in keep:
        if Path(folder).resolve().is_relative_to(out.resolve()):
            raise OutputExists(
                _("{out} contains {folder}, which replacing it would delete").format(out=out, folder=folder)
            )
    held = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    foreign = [name for name in held if ours is not None and (name not in ours or (out / name).is_dir())]
    if foreign:
        raise OutputExists(
            _(
                "{out} holds {names}, which this command does not write: --force replaces only a folder "
                "that holds nothing else; choose another folder or move those files"
            ).format(out=out, names=", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else ""))
        )
    if held and not force:
        raise OutputExists(_("{out} already holds files; pass --force to replace them").format(out=out))
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputExists(
            _("cannot create {out}: {ancestor} is not a writable folder").format(out=out, ancestor=ancestor)
        )


def refuse_inputs(target: Path, folders: tuple[Path, ...], files: tuple[Path, ...]) -> None:
    """Refuse an output file that is one of the files read, or lies inside a plan folder read
    (`report`/`compare --out` must never overwrite what they read, nor add to a plan folder)."""
    where = Path(target).resolve()
    for path in files:
        if Path(path).resolve() == where:
            raise OutputExists(
                _("{target} is one of the files read ({path}): write the output elsewhere").format(
                    target=target, path=path
                )
            )
    for folder in folders:
        if where.is_relative_to(Path(folder).resolve()):
            raise OutputExists(
                _(
                    "{target} lies inside the plan folder {folder}, which is read (and holds only plan "
                    "files): write the output beside it"
                ).format(target=target, folder=folder)
            )


class Reserved:
    """An output folder checked and locked for this process: write it with `replace`."""

    def __init__(self, out: Path, force: bool, ours: frozenset[str] | None) -> None:
        self.out, self.force, self.ours = out, force, ours

    def holds_files(self) -> bool:
        """Whether the folder exists and holds anything (an earlier result)."""
        return self.out.is_dir() and any(self.out.iterdir())

    def replace(self, write: Callable[[Path], None]) -> None:
        """Write the files into a staging sibling with `write`, flush them, and swap the folder in."""
        check_output(self.out, self.force, ours=self.ours)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}{STAGING}", dir=self.out.parent))
        try:
            write(staging)
            for path in staging.iterdir():
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
            os.chmod(staging, 0o755)
            _swap_in(staging, self.out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def reserve(
    out: Path, force: bool = False, keep: tuple[Path, ...] = (), ours: frozenset[str] | None = None
) -> Iterator[Reserved]:
    """Lock the output folder against other runs, reclaim what a killed run left, check it, and hold
    the lock until the block ends."""
    out = Path(out)
    if not out.parent.is_dir():
        check_output(out, force, keep, ours)
        out.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = _lock(out)
    except PermissionError:
        check_output(out, force, keep, ours)  # says which folder is not writable
        raise
    try:
        _reclaim(out)
        check_output(out, force, keep, ours)
        yield Reserved(out, force, ours)
    finally:
        _unlock(out, lock)


def _lock_path(out: Path) -> Path:
    return out.with_name(f".{out.name}{LOCK}")


def _lock(out: Path) -> int:
    """An exclusive lock on the folder's lock file, or OutputExists when another run holds it."""
    path = _lock_path(out)
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise OutputExists(
                _("another run is writing {out} right now (it holds {lock}); wait for it to finish").format(
                    out=out, lock=path
                )
            ) from None
        try:
            same = os.path.samestat(os.fstat(handle), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return handle
        os.close(handle)  # the holder removed the file as we opened it: lock the new one


def _unlock(out: Path, handle: int) -> None:
    """Remove the lock file, then release the lock (a waiting run re-checks which file it locked)."""
    try:
        _lock_path(out).unlink(missing_ok=True)
    finally:
        os.close(handle)


def _reclaim(out: Path) -> None:
    """Put back a folder a killed run had renamed aside, and remove its staging folders."""
    retired = out.with_name(f".{out.name}{RETIRED}")
    if retired.is_dir() and not out.exists():
        retired.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
    for leftover in out.parent.iterdir():
        if leftover.name.startswith(f".{out.name}{STAGING}"):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by the staged folder with renames, so readers never see half of it."""
    if not out.exists():
        staging.rename(out)
        return
    retired = out.with_name(f".{out.name}{RETIRED}")
    shutil.rmtree(retired, ignore_errors=True)
    out.rename(retired)
    try:
        staging.rename(out)
    except OSError:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
