"""One error type, one place for exit codes: bad input 2, a bug 70 with its log, Ctrl-C 130; --lang."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import cli
import i18n
from commands.errors import ExitCode

TINY = REPO / "tests" / "data" / "tiny"


def run(*args: object, env: dict[str, str] | None = None):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli.main, [str(a) for a in args], env=env)


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Error logs go to a fresh folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def broken(*_: object, **__: object) -> None:
    raise ZeroDivisionError("a bug deep inside")


def test_a_bug_is_exit_70_with_a_log_not_a_traceback(logs: Path, monkeypatch: pytest.MonkeyPatch):
    """An exception that is no input problem: exit 70, one report line naming the log, traceback in it."""
    monkeypatch.setattr("optimizer.eligibility.eligible_pairs", broken)
    result = run("validate", TINY)
    assert result.exit_code == ExitCode.INTERNAL == 70
    assert "Traceback" not in result.output
    assert "internal error: ZeroDivisionError: a bug deep inside" in result.output
    assert "please report" in result.output
    [log] = list(logs.glob("secondment-error-*.log"))
    assert str(log) in result.output.replace("\n", "")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "in broken" in text and "a bug deep inside" in text
    assert f"command: secondment validate {TINY}" in text


def test_a_bug_outside_the_group_still_ends_in_one_line(
    logs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
):
    """The console entry point catches what escapes click too: exit 70, a log, no traceback."""
    monkeypatch.setattr(cli, "main", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == cli.EXIT_INTERNAL
    assert "please report" in capsys.readouterr().err
    assert len(list(logs.glob("secondment-error-*.log"))) == 1


def test_bad_input_is_still_exit_2(tmp_path: Path):
    """A scenario that cannot be read is bad input, listed as problems, not a bug."""
    (tmp_path / "scenario.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    result = run("validate", tmp_path)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "problem(s)" in result.output and "internal error" not in result.output


def test_ctrl_c_inside_a_command_is_exit_130(monkeypatch: pytest.MonkeyPatch):
    """A second Ctrl-C (KeyboardInterrupt) in a command: one line, exit 130, nothing written."""

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("optimizer.eligibility.eligible_pairs", interrupted)
    result = run("validate", TINY)
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert "interrupted: no plan was written" in result.output


def test_lang_option_then_environment_choose_the_language():
    """--lang wins over SECONDMENT_LANG; unknown values of either are exit 2."""
    try:
        assert run("--lang", "vi", "validate", TINY, env={"SECONDMENT_LANG": "en"}).exit_code == 0
        assert i18n.current_language() == "vi"
        assert run("validate", TINY, env={"SECONDMENT_LANG": "en"}).exit_code == 0
        assert i18n.current_language() == "en"
        assert run("validate", TINY, env={"SECONDMENT_LANG": "vi"}).exit_code == 0
        assert i18n.current_language() == "vi"
        result = run("validate", TINY, env={"SECONDMENT_LANG": "fr"})
        assert result.exit_code == 2 and "SECONDMENT_LANG" in result.output
        assert run("--lang", "fr", "validate", TINY).exit_code == 2
    finally:
        i18n.set_language("en")


def test_every_command_has_help_with_an_example():
    """Each command of the group, the future ones included, shows an example in its --help."""
    for name in cli.main.commands:
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example" in result.output, name
