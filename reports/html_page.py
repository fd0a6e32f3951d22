"""A self-contained HTML page: plotly.js embedded once, escaped text, tables and KPI cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Number

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from i18n import _, current_language
from reports.safe import shown

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
.better { background: #dff3e4; color: #14532d; } .worse { background: #fde2e1; color: #7f1d1d; }
.search { margin: 6px 0; padding: 5px 8px; width: 340px; font: inherit; }
table.sortable th { cursor: pointer; } table.sortable th::after { content: " ⇅"; color: #999; }
tr.group td { border-top: 2px solid #7a8ca0; }
.panel.wide { overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; } dt { color: #555; }
"""


# Sorting and searching for tables of class `sortable`, plain JavaScript, no library.
TABLE_SCRIPT = """
document.addEventListener('DOMContentLoaded', () => {
  const plain = t => t.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/đ/g, 'd')
    .replace(/Đ/g, 'D').toLowerCase();
  document.querySelectorAll('input.search').forEach(box => box.addEventListener('input', () => {
    const words = plain(box.value).split(/\\s+/).filter(Boolean);
    document.querySelectorAll('#' + box.dataset.table + ' tbody tr').forEach(row => {
      const text = plain(row.textContent);
      row.hidden = !words.every(w => text.includes(w));
    });
  }));
  document.querySelectorAll('table.sortable').forEach(table => table.querySelectorAll('th').forEach(
    (th, column) => th.addEventListener('click', () => {
      const body = table.tBodies[0], rows = [...body.rows];
      const up = th.dataset.order !== 'up';
      table.querySelectorAll('th').forEach(h => delete h.dataset.order);
      th.dataset.order = up ? 'up' : 'down';
      const key = r => r.cells[column].dataset.sort ?? r.cells[column].textContent;
      const numeric = rows.every(r => key(r) === '' || !isNaN(Number(key(r))));
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'vi');
        return up ? order : -order;
      });
      rows.forEach(r => { r.classList.remove('group'); body.appendChild(r); });
    })));
});
"""


def page(title: str, body: str) -> str:
    """A complete page that opens offline: every script inline, nothing fetched."""
    return (
        f'<!DOCTYPE html>\n<html lang="{current_language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{shown(title)}</title>\n<style>{CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n'
        f"<script>{TABLE_SCRIPT}</script>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def figure(fig: go.Figure, div_id: str, wide: bool = False) -> str:
    """A figure as a div and the inline script that draws it (plotly.js is in the page head).

    A wide figure has a fixed size (a map laid out in pixels) and scrolls sideways in a narrow window.
    """
    config = {**PLOT_CONFIG, "responsive": not wide}
    html = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=config)
    css = "panel wide" if wide else "panel"
    return f'<div class="{css}">{html}</div>'


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, and optionally a CSS class (better, worse) and a sort key."""

    text: object
    css: str = ""
    sort: object = None


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as cards: (label, value)."""
    body = "".join(
        f'<div class="card"><div class="v">{shown(v)}</div><div class="k">{shown(k)}</div></div>'
        for k, v in items
    )
    return f'<div class="cards">{body}</div>'


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    scroll: bool = True,
    table_id: str = "",
    groups: Sequence[bool] = (),
) -> str:
    """An HTML table, every cell shown as text, numbers right-aligned.

    With `table_id` it is sortable (click a header) and has a search box; `groups` marks rows that
    start a new group.
    """
    head = "".join(f"<th>{shown(h)}</th>" for h in headers)
    body = "".join(
        ('<tr class="group">' if n < len(groups) and groups[n] else "<tr>")
        + "".join(_cell(c) for c in row)
        + "</tr>"
        for n, row in enumerate(rows)
    )
    attributes = f' id="{shown(table_id)}" class="sortable"' if table_id else ""
    html = f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    html = f'<div class="scroll">{html}</div>' if scroll else html
    if table_id:
        hint = shown(_("Search: name, commune, agency, field…"))
        box = f'<input class="search" type="search" data-table="{shown(table_id)}" placeholder="{hint}">'
        html = box + html
    return html


def _cell(cell: object) -> str:
    """One `<td>`: a Cell with its class and sort key, a number right-aligned, or text."""
    if isinstance(cell, Cell):
        classes = " ".join(c for c in ("n" if isinstance(cell.text, Number) else "", cell.css) if c)
        css = f' class="{classes}"' if classes else ""
        key = "" if cell.sort is None else f' data-sort="{shown(cell.sort)}"'
        return f"<td{css}{key}>{shown(cell.text)}</td>"
    if isinstance(cell, Number):
        return f'<td class="n">{shown(cell)}</td>'
    return f"<td>{shown(cell)}</td>"


def definitions(items: Sequence[tuple[str, str]]) -> str:
    """A definition list of (term, text)."""
    return "<dl>" + "".join(f"<dt>{shown(k)}</dt><dd>{shown(v)}</dd>" for k, v in items) + "</dl>"


def warning(text: str) -> str:
    """A highlighted warning line."""
    return f'<p class="warn">{shown(text)}</p>'
