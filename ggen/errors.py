"""Every failure a user can cause, one class each, with its exit code.

The exit codes are defined here and nowhere else; the CLI maps an error to its code
through :func:`exit_code_for`. A :class:`GgenError` carries what failed, where
(``path:line:col`` when known) and what to do next, so it can be printed as one
clean message without a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

# What a Ctrl-C before the write stage prints (the stage itself says more).
INTERRUPTED_EARLY = (
    "error: interrupted before anything was written; the disk is as it was\n"
    "  hint: run the command again"
)


class ExitCode(IntEnum):
    """The documented exit codes of the ``ggen`` command."""

    OK = 0
    MANIFEST = 1
    ONTOLOGY = 2
    SPARQL = 3
    TEMPLATE = 4
    FILE_IO = 5
    TIMEOUT = 6
    VALIDATION = 7
    DRIFT = 8
    USAGE = 64
    INTERNAL = 70
    INTERRUPTED = 130


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and a line and column when they are known."""

    path: Path | str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = _shown(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def _shown(path: Path | str) -> str:
    """A path as a user can click it: relative to the working folder if inside."""
    text = str(path)
    if not os.path.isabs(text):
        return text
    try:
        return os.path.relpath(text) if Path(text).is_relative_to(Path.cwd()) else text
    except (OSError, ValueError):
        return text


@dataclass
class Problem:
    """One diagnostic: a message, where it is, and a hint on what to do."""

    message: str
    location: Location | None = None
    hint: str | None = None
    excerpt: str | None = None

    def render(self) -> str:
        """The diagnostic as the lines a user reads."""
        head = f"{self.location}: {self.message}" if self.location else self.message
        lines = [head]
        if self.excerpt:
            lines.append(f"    {self.excerpt}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class GgenError(Exception):
    """The root of all user-facing failures; holds one or more problems."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(
        self,
        message: str | list[Problem],
        location: Location | None = None,
        hint: str | None = None,
        excerpt: str | None = None,
        data: dict[str, object] | None = None,
    ) -> None:
        if isinstance(message, list):
            self.problems = message
        else:
            self.problems = [Problem(message, location, hint, excerpt)]
        # Facts for ``--format json`` beyond the messages (violations, files).
        self.data: dict[str, object] = data or {}
        super().__init__(self.render())

    @property
    def kind(self) -> str:
        """The class name, as shown to users and in JSON output."""
        return type(self).__name__

    def render(self) -> str:
        """All problems, one block each."""
        return "\n".join(p.render() for p in self.problems)

    def to_json(self) -> list[dict[str, object]]:
        """The problems as data, for ``--format json``."""
        out: list[dict[str, object]] = []
        for p in self.problems:
            loc = p.location
            out.append(
                {
                    "kind": self.kind,
                    "message": p.message,
                    "path": str(loc.path) if loc and loc.path is not None else None,
                    "line": loc.line if loc else None,
                    "column": loc.column if loc else None,
                    "hint": p.hint,
                }
            )
        return out


class ManifestError(GgenError):
    """ggen.toml is missing, malformed, or names files that do not exist."""

    exit_code = ExitCode.MANIFEST


class OntologyError(GgenError):
    """An ontology file could not be read or parsed."""

    exit_code = ExitCode.ONTOLOGY


class SparqlError(GgenError):
    """A query or inference rule is malformed or of the wrong form."""

    exit_code = ExitCode.SPARQL


class TemplateError(GgenError):
    """A template failed to parse or render."""

    exit_code = ExitCode.TEMPLATE


class WriteError(GgenError):
    """Writing an output failed, or an output path is not allowed."""

    exit_code = ExitCode.FILE_IO


class RefusedWrite(GgenError):
    """A write would clobber a hand-edited or unknown file."""

    exit_code = ExitCode.FILE_IO


class TimeoutExpired(GgenError):
    """A stage ran longer than ``--timeout`` allows."""

    exit_code = ExitCode.TIMEOUT


class ValidationFailed(GgenError):
    """SHACL shapes or ASK rules found Error-severity violations."""

    exit_code = ExitCode.VALIDATION


class UsageError(GgenError):
    """The command line itself is wrong."""

    exit_code = ExitCode.USAGE


class Interrupted(GgenError):
    """SIGINT or SIGTERM arrived; the disk was left consistent."""

    exit_code = ExitCode.INTERRUPTED


# Signals the command line received. Raising KeyboardInterrupt from a handler
# can be lost (Python only prints an exception raised inside a finalizer), so
# the pipeline also looks here before it starts writing.
_PENDING_SIGNALS: list[int] = []


def note_signal(signum: int) -> None:
    """Remember that SIGINT or SIGTERM arrived."""
    _PENDING_SIGNALS.append(signum)


def forget_signals() -> None:
    """Start a command with no signal pending (the library may run twice)."""
    _PENDING_SIGNALS.clear()


def signal_pending() -> bool:
    """Whether SIGINT or SIGTERM arrived since the command started."""
    return bool(_PENDING_SIGNALS)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of any exception that reaches the CLI."""
    if isinstance(error, GgenError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.INTERNAL
