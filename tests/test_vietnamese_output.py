"""Vietnamese outputs hold no English: a solve summary, a bad-input error, the HTML report, in vi."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED, REPO

from cli import main
from models.loader import load_scenario
from optimizer.audit import audit_folder

TINY = REPO / "tests" / "data" / "tiny"
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        """
    the and of to in on for with from by is are be been was were not no all any each every this that
    these those has have had will can cannot must should than more less only also but or if when
    then there which who what why how seat seats filled demanded missing total people person plan
    plans commune communes candidate candidates agency agencies shortage shortages specialty
    specialties error errors problem problems row column expected got wrote written proven bound
    left short valid invalid eligible pairs reachable holders seconded available unknown required
    file folder value objective objectives rule rules violation violations found none nothing
    longest distance travel coverage fairness priority capacity release released cap level levels
    period workbook sheet header named see below above here one two three
    """,
    )
)
ALLOWED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\S*[./#_:=\\\\@\[\]]\S*|--\S+|\b[A-Z]{2,}\b")


def english_words(text: str, data: set[str]) -> list[str]:
    """English words left once quoted values, paths, options, ids and the data's names are removed."""
    for known in sorted(data, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(known)}(?!\w)", " ", text)
    text = ALLOWED.sub(" ", text)
    return sorted({word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH})


def names(scenario_path: Path) -> set[str]:
    """Every name and id of a scenario: data, not text to translate."""
    scenario = load_scenario(scenario_path)
    found = {scenario.name, scenario.description}
    for table in ("communes", "candidates", "agencies"):
        for row in getattr(scenario, table):
            found |= {row.id, row.name}
    found |= {s.id for s in scenario.specialties}
    return {f for f in found if f}


def run(*args: object, env: dict[str, str] | None = None):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


LANGUAGES = [
    pytest.param(("--lang", "vi"), {}, id="--lang vi"),
    pytest.param((), {"LANG": "vi_VN.UTF-8"}, id="LANG=vi_VN"),
]


@pytest.mark.parametrize(("option", "env"), LANGUAGES)
def test_solve_summary_is_vietnamese(option, env, tmp_path: Path):
    """The solve summary (status, stages, seats table, travel, communes left short) has no English."""
    out = tmp_path / "plan"
    result = run(*option, "solve", BUNDLED, "--out", out, env=env)
    assert result.exit_code == 0, result.output
    assert audit_folder(load_scenario(BUNDLED), out) == []
    assert "Vị trí theo lĩnh vực" in result.output
    assert english_words(result.output, names(BUNDLED)) == []


@pytest.mark.parametrize(("option", "env"), LANGUAGES)
def test_bad_input_error_is_vietnamese(option, env, tmp_path: Path):
    """Input problems read `tệp, dòng, cột, giá trị` with the expectation in Vietnamese."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    communes = folder / "communes.csv"
    communes.write_text(communes.read_text(encoding="utf-8").replace(",4,", ",bốn,", 1), encoding="utf-8")
    candidates = folder / "candidates.csv"
    text = candidates.read_text(encoding="utf-8").replace("SKHCN,it:3", "SKH&CN,it:3", 1)
    candidates.write_text(text.replace("land;it:1", '"land, it:1"'), encoding="utf-8")
    result = run(*option, "validate", folder, env=env)
    assert result.exit_code == 2, result.output
    assert "communes.csv, dòng 2, cột 'capacity': giá trị 'bốn': cần một số nguyên" in result.output
    assert "có phải ý bạn là 'SKHCN'?" in result.output
    assert english_words(result.output, names(TINY)) == []


class PageText(HTMLParser):
    """The text a person reads on a page: text nodes outside scripts and styles, titles, placeholders."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.extend(
            value for key, value in attrs if key in ("title", "placeholder", "aria-label") and value
        )

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


HUMAN_KEYS = {"text", "name", "hovertemplate", "ticktext", "title", "legendgrouptitle"}


def figure_text(html: str) -> list[str]:
    """The human strings of every plotly figure on a page: titles, axis titles, legends, hover text."""
    found: list[str] = []
    decoder = json.JSONDecoder()
    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', html):
        data, end = decoder.raw_decode(html, match.end())
        layout, _ = decoder.raw_decode(html, html.index("{", end))
        collect([data, layout], found, human=False)
    return found


def collect(node: object, found: list[str], human: bool) -> None:
    """Strings under the keys people read."""
    if isinstance(node, dict):
        for key, value in node.items():
            collect(value, found, human or key in HUMAN_KEYS)
    elif isinstance(node, list):
        for item in node:
            collect(item, found, human)
    elif isinstance(node, str) and human:
        found.append(re.sub(r"%\{[^}]*\}|<[^>]+>", " ", node))


@pytest.mark.parametrize(("option", "env"), LANGUAGES)
def test_html_report_is_vietnamese(option, env, tmp_path: Path):
    """`<html lang="vi">`; headings, cards, tables, chart titles, axes, legends, hover text in Vietnamese.

    The plan is solved in Vietnamese too: the reasons for empty seats are written in the solve's language.
    """
    folder = tmp_path / "plan"
    solved = run(*option, "solve", BUNDLED, "--out", folder, env=env)
    assert solved.exit_code == 0, solved.output
    assert audit_folder(load_scenario(BUNDLED), folder) == []
    out = tmp_path / "report.html"
    result = run(*option, "report", BUNDLED, folder, "--out", out, env=env)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = PageText()
    page.feed(html)
    assert page.lang == "vi"
    charts = figure_text(html)
    assert charts
    data = names(BUNDLED)
    assert english_words(" \n".join(page.parts), data) == []
    assert english_words(" \n".join(charts), data) == []
