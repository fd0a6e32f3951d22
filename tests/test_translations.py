"""The Vietnamese catalogue: every human message extracted from the code is translated, safely."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from click.testing import CliRunner

from cli import main
from i18n import _, current_language, language_from, set_language
from i18n.catalogue import po_path, translations
from i18n.help import help_messages

REPO = Path(__file__).resolve().parent.parent
SETUP = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
EXTRACTOR = "i18n.help.extract"
PERCENT = re.compile(r"%\((\w+)\)s")
SOURCES = (*(f"{module}.py" for module in SETUP["py-modules"]), *SETUP["packages"])


def extracted() -> dict[str, str]:
    """Every message id the code passes to `_()` or `N_()`, with the file it is in."""
    found: dict[str, str] = {}
    for source in SOURCES:
        path = REPO / source
        if path.is_file():
            messages = ((str(path.name), *m) for m in extract_from_file(EXTRACTOR, path))
        else:
            messages = extract_from_dir(path, method_map=[("**.py", EXTRACTOR)])
        for filename, _line, message, _comments, _context in messages:
            if isinstance(message, str):
                found.setdefault(message, f"{source}/{filename}")
    return found


def vietnamese(domain: str = "messages"):
    """The committed Vietnamese catalogue (this tool's messages, or click's own texts)."""
    with po_path("vi", domain).open("rb") as handle:
        return read_po(handle)


def fields(text: str) -> set[str]:
    """The named placeholders of a str.format template."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_a_vietnamese_translation():
    """A message the code shows that the catalogue lacks, or leaves empty or fuzzy, fails here.

    Fix: `make messages`, then translate the new entries in i18n/locale/vi/LC_MESSAGES/messages.po.
    """
    catalogue = vietnamese()
    messages = extracted()
    assert len(messages) > 0
    missing = [
        f"{where}: {message!r}"
        for message, where in sorted(messages.items())
        if catalogue.get(message) is None or not catalogue[message].string or catalogue[message].fuzzy
    ]
    assert missing == [], f"{len(missing)} message(s) lack a Vietnamese translation:\n" + "\n".join(missing)


def test_every_help_text_is_in_the_catalogue():
    """Each command's help and each option's help, as click holds them, is a message the extractor found."""
    messages = extracted()
    missing = [text for text in help_messages(main) if text not in messages]
    assert missing == []


def test_help_follows_the_language():
    """`secondment --lang vi solve --help` prints the command's help and its options in Vietnamese."""
    result = CliRunner().invoke(main, ["--lang", "vi", "solve", "--help"])
    assert result.exit_code == 0
    catalogue = vietnamese()
    assert catalogue["Plan folder to write."].string in result.output
    english = CliRunner().invoke(main, ["--lang", "en", "solve", "--help"])
    assert "Plan folder to write." in english.output


def test_translations_keep_every_placeholder():
    """A translation keeps exactly the {named} (or %(named)s) placeholders of its message."""
    wrong = []
    for catalogue in (vietnamese(), vietnamese("click")):
        for m in catalogue:
            if not m.id or not m.string:
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            wanted = set().union(*(fields(i) | set(PERCENT.findall(i)) for i in ids))
            for text in strings:
                used = fields(text) | set(PERCENT.findall(text))
                if used != wanted and not (len(ids) > 1 and used <= wanted):
                    wrong.append((m.id, text))
    assert wrong == []


def test_clicks_own_texts_follow_the_language():
    """Usage, Options, click's own errors and help lines read in Vietnamese under --lang vi, English else."""
    runner = CliRunner()
    helped = runner.invoke(main, ["--lang", "vi", "solve", "--help"])
    assert "Cách dùng:" in helped.output and "Tùy chọn:" in helped.output
    assert "Hiển thị hướng dẫn này rồi thoát." in helped.output and "[bắt buộc]" in helped.output
    missing = runner.invoke(main, ["--lang", "vi", "solve"])
    assert missing.exit_code == 2
    assert "Lỗi: Thiếu đối số 'SCENARIO'." in missing.output
    english = runner.invoke(main, ["--lang", "en", "solve"])
    assert "Error: Missing argument 'SCENARIO'." in english.output and "Usage:" in english.output
    assert vietnamese("click").get("Usage:").string == "Cách dùng:"


def test_no_message_is_built_before_translation():
    """`_(f"...")` or `_("..." % x)` cannot be found in the catalogue: placeholders go through .format()."""
    pattern = re.compile(r"\b_\(\s*f[\"']|\bN_\(\s*f[\"']")
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for source in SOURCES
        for path in ([REPO / source] if (REPO / source).is_file() else (REPO / source).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_language_comes_from_the_option_then_the_environment_then_the_locale():
    """--lang wins over SECONDMENT_LANG, which wins over a vi_VN locale; anything else is English."""
    assert language_from("en", {"SECONDMENT_LANG": "vi"}) == "en"
    assert language_from(None, {"SECONDMENT_LANG": "vi", "LANG": "en_US.UTF-8"}) == "vi"
    assert language_from(None, {"LANG": "vi_VN.UTF-8"}) == "vi"
    assert language_from(None, {"LC_ALL": "vi_VN.UTF-8", "LANG": "C"}) == "vi"
    assert language_from(None, {"LANG": "de_DE.UTF-8"}) == "en"
    with pytest.raises(ValueError):
        set_language("fr")


def test_set_language_switches_what_underscore_answers():
    """The same message id reads in Vietnamese after set_language('vi') and in English after 'en'."""
    message = next(m for m in vietnamese() if m.id and m.string)
    set_language("vi")
    assert current_language() == "vi"
    assert _(message.id) == message.string
    set_language("en")
    assert _(message.id) == message.id


def test_the_compiled_catalogue_matches_the_committed_one():
    """The .mo the build compiled (or the .po read directly) holds every committed translation."""
    catalogue = translations("vi")
    for message in vietnamese():
        if message.id and message.string and not message.fuzzy:
            assert catalogue.gettext(message.id) == message.string
