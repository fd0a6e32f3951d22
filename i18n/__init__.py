"""Human text in the user's language: `_()` translates now, `N_()` marks text translated later."""

from __future__ import annotations

import gettext
import os

from i18n.catalogue import translations

LANGUAGES = ("en", "vi")
_language = "en"
_active: gettext.NullTranslations = gettext.NullTranslations()


def language_from(option: str | None, environ: dict[str, str] | None = None) -> str:
    """The language asked for: the option, else SECONDMENT_LANG, else a Vietnamese locale, else English."""
    env = os.environ if environ is None else environ
    chosen = option or env.get("SECONDMENT_LANG")
    if chosen:
        return chosen
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return "vi" if locale.lower().startswith("vi") else "en"


def set_language(language: str) -> None:
    """Make `language` the one every later `_()` answers in."""
    global _language, _active
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    _language = language
    _active = translations(language)
    from i18n import click_text

    click_text.follow(translations(language, "click"))


def current_language() -> str:
    """The language `_()` answers in now."""
    return _language


def _(message: str) -> str:
    """`message` in the current language (English text is the message id)."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it yet (for constants)."""
    return message
