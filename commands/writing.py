"""Commands that write a new scenario: a blank template workbook, a synthetic scenario."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from commands.errors import CliError
from commands.files import output_path, refuse_existing, write_output
from i18n import _
from models.loader import load_scenario
from models.plan_io import OutputExists
from models.scenario import Scenario


def write_scenario_book(
    out_file: str, with_yaml: bool, name: str | None, source: str | None, force: bool
) -> list[Path]:
    """Write the scenario workbook (blank, or `source` as one workbook) and, `with_yaml`, the scenario.yaml
    naming its sheets; the files written."""
    from reports.template import write_scenario_yaml, write_template

    book = output_path(out_file, (".xlsx",))
    if source and with_yaml:
        raise click.UsageError(_("--from writes the whole scenario into the workbook; leave out --yaml"))
    scenario = load_scenario(source) if source else None
    yaml_path = book.with_name("scenario.yaml")
    refuse_existing([book, yaml_path] if with_yaml else [book], force)
    title = name or book.stem
    written = [write_output(lambda: write_template(book, with_yaml, title, scenario), book)]
    if with_yaml:
        write = lambda: write_scenario_yaml(yaml_path, book.name, title)  # noqa: E731
        written.append(write_output(write, yaml_path))
    return written


def generate_scenario(out_dir: str, force: bool, **shape: Any) -> Scenario:
    """Write a synthetic scenario of the given shape (see models.synthetic) as scenario.yaml + CSVs."""
    from models.scenario_writer import reserve_scenario, write_scenario
    from models.synthetic import province_scenario

    target = Path(out_dir)
    with ExitStack() as reserved:
        try:
            folder = reserved.enter_context(reserve_scenario(target, force))
        except (OutputExists, OSError) as error:
            raise CliError(str(error)) from None
        scenario = province_scenario(**shape)
        write_output(lambda: folder.replace(lambda staging: write_scenario(scenario, staging)), target)
    return scenario
