"""``python -m ggen`` runs the command line."""

from ggen.cli import run

run()
