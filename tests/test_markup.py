"""Markup in any text of a scenario or plan is shown as text: never a link, tag or script in a report."""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import plotly.graph_objects as go
from builders import agency, commune, person, scenario, short
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import SolveParams
from models.plan_io import write_plan
from models.scenario import Specialty
from optimizer.audit import audit_folder
from optimizer.solve import solve
from reports import html_compare, html_report
from reports.compare import compare_folders
from reports.plan_data import read_plan_folder
from reports.safe import shown

PAYLOADS = [
    '<a href="https://example.invalid/">link</a>',
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<br>",
    '<span style="color:red">red</span>',
    "&lt;a href=x&gt;",
    "<i>",
]
TEXT = st.one_of(
    st.sampled_from(PAYLOADS),
    st.builds(
        lambda a, b: f"{a} {b}".strip() or "x",
        st.sampled_from(PAYLOADS),
        st.text(alphabet="<>&\"'/=ahrefb ", max_size=12),
    ),
)
OUR_PLOTLY_TAGS = {"b", "br", "extra"}
OUR_PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "script", "body", "main", "h1", "h2", "h3", "p", "span",
    "div", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "input",
}  # fmt: skip


class Tags(HTMLParser):
    """Every start tag of a page, outside scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))


def strings(value: object):
    """Every string plotly may display in a figure's JSON (`customdata` is data it never shows)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "customdata":
                yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(TEXT, min_size=9, max_size=9),
    ids=st.lists(TEXT, min_size=3, max_size=3, unique=True),
)
def test_markup_in_any_text_field_is_shown_as_text(names: list[str], ids: list[str]):
    """Names, ids, tags, fields, the scenario's name and recorded reasons: escaped on page and in plots."""
    field = ids[2].replace(";", "").replace(":", "").strip() or "f"  # `;` and `:` separate skills
    built = scenario(
        [
            commune(ids[0], 10, name=names[0], tags=names[1]),
            commune(ids[1], 20, capacity=1, name=names[2], tags="border"),
        ],
        [short(ids[0], field), short(ids[1], field, seats=2)],
        [person("P1", field, name=names[3]), person("P2", field, name=names[4])],
        [agency("A")],
    ).model_copy(
        update={
            "name": names[5],
            "description": names[6],
            "specialties": (Specialty(id=field, name=names[7]),),
            "agencies": (agency("A").model_copy(update={"name": names[8]}),),
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "plan"
        write_plan(solve(built, SolveParams(time_limit_s=10)), folder)
        assert audit_folder(built, folder) == []
        figures: list[go.Figure] = []

        def recording(fig: go.Figure, div_id: str, wide: bool = False) -> str:
            figures.append(fig)
            return original(fig, div_id, wide)

        original = html_report.figure
        with (
            mock.patch.object(html_report, "figure", recording),
            mock.patch.object(html_compare, "figure", recording),
        ):
            pages = [
                html_report.report_html(read_plan_folder(folder, built), built),
                html_compare.comparison_html(compare_folders(folder, folder, [built])),
            ]
    data = [*names, *ids]
    for fig in figures:
        texts = list(strings(fig.to_plotly_json()))
        for text in texts:
            tags = {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z]+)", text)}
            assert tags <= OUR_PLOTLY_TAGS, (text, fig.layout.title.text)
        for payload in data:
            theirs = {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z]+)", payload)} - OUR_PLOTLY_TAGS
            assert not (theirs and any(payload in text for text in texts)), payload
    assert any(shown(names[0]) in text for fig in figures for text in strings(fig.to_plotly_json()))
    for page in pages:
        outside = re.sub(r"<script.*?</script>", "", page, flags=re.S)
        parser = Tags()
        parser.feed(outside)
        assert {tag for tag, _ in parser.tags} <= OUR_PAGE_TAGS
        assert not [
            a for _, attrs in parser.tags for a, _ in attrs if a in ("href", "src") or a.startswith("on")
        ]
        assert shown(names[5]) in outside or shown(names[0]) in outside


def test_one_escaping_function_serves_every_page():
    """Only reports/safe.py escapes: no other report module brings its own escaping."""
    root = Path(__file__).resolve().parent.parent / "reports"
    own = [
        path.name
        for path in root.glob("*.py")
        if path.name != "safe.py" and re.search(r"^from html import|^import html\b", path.read_text(), re.M)
    ]
    assert own == []
