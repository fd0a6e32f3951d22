"""Build step: compile the committed gettext catalogues (.po) into .mo files with Babel."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """build_py that also compiles i18n/locale/*/LC_MESSAGES/*.po (into the source tree when editable)."""

    def run(self) -> None:
        super().run()
        from i18n.catalogue import LOCALE_DIR, compile_catalogues

        editable = getattr(self, "editable_mode", False)
        compile_catalogues(LOCALE_DIR if editable else Path(self.build_lib) / "i18n" / "locale")


setup(cmdclass={"build_py": BuildWithCatalogues})
