"""A self-contained HTML page: plotly.js embedded once, escaped text, tables and KPI cards."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from numbers import Number

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

# No link out of the file: no plotly logo link; figures need no MathJax and no map tiles.
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #222;
       background: #fafafa; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.6em; margin: 0.4em 0 0.1em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.sub { color: #555; margin: 0 0 1em; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card .v { font-size: 1.5em; font-weight: 600; } .card .k { color: #555; font-size: 0.85em; }
.panel { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; margin: 10px 0; }
.row { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
.warn { background: #fff4ce; border: 1px solid #e0b400; border-radius: 6px; padding: 8px 12px;
        margin: 8px 0; }
.ok { color: #1a7f37; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
table { border-collapse: collapse; background: #fff; font-size: 0.9em; width: 100%; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef3f8; position: sticky; top: 0; } td.n { text-align: right; white-space: nowrap; }
.scroll { max-height: 520px; overflow: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; } dt { color: #555; }
"""


def page(title: str, body: str) -> str:
    """A complete page that opens offline: every script inline, nothing fetched."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n'
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def figure(fig: go.Figure, div_id: str) -> str:
    """A figure as a div and the inline script that draws it (plotly.js is in the page head)."""
    html = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOT_CONFIG)
    return f'<div class="panel">{html}</div>'


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as cards: (label, value)."""
    body = "".join(
        f'<div class="card"><div class="v">{escape(v)}</div><div class="k">{escape(k)}</div></div>'
        for k, v in items
    )
    return f'<div class="cards">{body}</div>'


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], scroll: bool = True) -> str:
    """An HTML table; numbers are right-aligned, every cell escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(str(c))}</td>' if isinstance(c, Number) else f"<td>{escape(str(c))}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    html = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{html}</div>' if scroll else html


def definitions(items: Sequence[tuple[str, str]]) -> str:
    """A definition list of (term, text)."""
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items) + "</dl>"


def warning(text: str) -> str:
    """A highlighted warning line."""
    return f'<p class="warn">{escape(text)}</p>'
