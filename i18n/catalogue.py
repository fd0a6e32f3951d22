"""The gettext catalogues: the `.mo` compiled in the build, else the committed `.po` compiled in memory."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def po_path(language: str, domain: str = DOMAIN) -> Path:
    """The committed catalogue of a language (`messages`: this tool's; `click`: click's own texts)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def compile_catalogues(target: Path = LOCALE_DIR) -> list[Path]:
    """Compile every committed `.po` into a `.mo` under `target` (same layout); return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        mo = target / po.relative_to(LOCALE_DIR).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo)
    return written


@cache
def translations(language: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The catalogue of `language` (English is the message ids themselves)."""
    po = po_path(language, domain)
    if language == "en" or not po.is_file():
        return gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    return _from_po(po)


def _from_po(po: Path) -> gettext.GNUTranslations:
    """A catalogue whose `.mo` is missing or older than its `.po` (a source checkout not yet built)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
