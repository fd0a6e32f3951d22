"""The one way data text reaches a page or a plotly figure: always as text, never as markup.

Plotly renders a subset of HTML in labels, hover text, legend entries and axis ticks (`<a href>`,
`<b>`, `<br>`, …) and the page is HTML: a commune named `<a href=…>` must show those characters,
not become a link. Every text that comes from a scenario or a plan goes through `shown()`; the
markup the report adds itself is a template whose values `markup()` shows as text.
"""

from __future__ import annotations

from html import escape
from numbers import Number


def shown(value: object) -> str:
    """Data as text for HTML or plotly: `<`, `>`, `&` and quotes escaped.

    Quotes become numeric references, the only form both browsers and plotly's labels read back.
    """
    return escape(str(value), quote=False).replace('"', "&#34;").replace("'", "&#39;")


def markup(template: str, /, **values: object) -> str:
    """The report's own markup (`template`, a `str.format` pattern) with every text value shown as text.

    Numbers keep their format specs (`{share:.0%}`); anything else is escaped before it is inserted.
    """
    safe = {
        k: v if isinstance(v, Number) and not isinstance(v, bool) else shown(v) for k, v in values.items()
    }
    return template.format(**safe)


def lines(*parts: str) -> str:
    """Already-safe parts as one hover text, one part a line."""
    return "<br>".join(parts)
