"""Every example a command's --help shows runs as shown, from a folder laid out like the README's."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED

from cli import main

PLANS = ("plans/dien-bien-2025", "plans/db", "plans/db-edited")
"""Plan folders the examples read: the bundled plan (`make demo`), and the README's pair to compare."""


def examples() -> list[list[str]]:
    """The command lines under `Example` in each command's help, solve first (later ones read plans)."""
    found = []
    for name in sorted(main.commands, key=lambda n: n != "solve"):
        text = CliRunner().invoke(main, [name, "--help"]).output
        block = text[text.index("Example") :].split("\n\n")[0].splitlines()[1:]
        found += [shlex.split(line)[1:] for line in block if line.strip().startswith("secondment ")]
    return found


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, bundled_plan) -> Path:
    """A working folder holding the bundled scenario and the plan folders the examples name."""
    folder = tmp_path_factory.mktemp("examples")
    shutil.copytree(BUNDLED, folder / "scenarios" / BUNDLED.name)
    for plan in PLANS:
        shutil.copytree(bundled_plan[1], folder / plan)
    return folder


def test_every_command_shows_an_example():
    """Each command's help has at least one example line."""
    commands = {line[0] for line in examples()}
    assert commands == set(main.commands)


@pytest.mark.parametrize("line", examples(), ids=lambda line: " ".join(line))
def test_help_example_runs(sandbox: Path, line: list[str]):
    """The example exits 0."""
    here = Path.cwd()
    os.chdir(sandbox)
    try:
        result = CliRunner().invoke(main, [*line, "--force"] if _forced(line) else line)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output


def _forced(line: list[str]) -> bool:
    """Writing commands get --force, so that an example may write where an earlier one did."""
    return line[0] in {"solve", "generate", "template"} and "--force" not in line
