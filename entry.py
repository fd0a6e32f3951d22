"""The `secondment` console script: Ctrl-C is exit 130 from the first instant, even while the tool loads.

Loading the tool's modules takes a second or two; a Ctrl-C then would otherwise end in a Python
traceback and exit 1. Until `cli.run` takes over, a Ctrl-C leaves at once: nothing has been read or
written yet.
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_INTERRUPTED = 130


def _while_loading(*_args: object) -> None:
    """Ctrl-C before the command has started: say so and leave."""
    sys.stderr.write("interrupted: nothing was written\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def run() -> None:
    """Catch Ctrl-C, then load and run the command line."""
    signal.signal(signal.SIGINT, _while_loading)
    from cli import run as run_cli

    run_cli()
