"""``python -m ggen`` runs the command line."""

from ggen._script import run

run()
