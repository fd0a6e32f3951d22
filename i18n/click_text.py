"""Click's own texts (Usage, Options, its error messages) in the user's language, from the `click` catalogue.

Click marks its texts with gettext and reads them through the `_` and `ngettext` each of its modules
imports; pointing those at our catalogue of click's texts is how an application translates them.
"""

from __future__ import annotations

import gettext
import importlib

from i18n import N_

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)
REQUIRED = N_("required")  # click translates this label through a variable, out of its extractor's sight


def follow(catalogue: gettext.NullTranslations) -> None:
    """Make click read its texts from `catalogue` from now on."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = catalogue.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = catalogue.ngettext
