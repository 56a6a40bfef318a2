"""The ``ggen`` script's entry point, importing nothing itself.

A Ctrl-C while Python is importing the command line (typer, the pipeline)
ends as one at any later moment does: one message and exit code 130, not a
traceback. (One in the first few hundredths of a second, while the
interpreter itself starts, is Python's own to report.)
"""

import sys


def run() -> None:
    """Import the command line, then run it (see :func:`ggen.cli.run`)."""
    try:
        from ggen.cli import run as run_cli
    except KeyboardInterrupt:
        from ggen.errors import INTERRUPTED_EARLY, ExitCode

        print(INTERRUPTED_EARLY, file=sys.stderr)
        raise SystemExit(int(ExitCode.INTERRUPTED)) from None
    run_cli()
