"""The ``ggen`` command: parse arguments, call the library, map errors to codes.

Heavy libraries (rdflib, pyshacl, pyoxigraph, jinja2) are imported inside the
commands, so ``ggen --version`` and ``ggen --help`` start fast.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ggen import __version__
from ggen.errors import (
    INTERRUPTED_EARLY,
    ExitCode,
    GgenError,
    UsageError,
    exit_code_for,
    forget_signals,
    note_signal,
)


def _click_exceptions() -> Any:
    """click's exception classes: newer typer carries its own copy of click."""
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("neither typer._click nor click is installed")


click_exceptions = _click_exceptions()

app = typer.Typer(
    name="ggen",
    help="Ontology-driven code generation: RDF + SPARQL + templates -> files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich would cost ~0.1 s
)

_BOOL_VALUED = {"--audit", "--dry-run", "--force", "--check"}
_ALIASES = {"--dry_run": "--dry-run", "--strict_eol": "--strict-eol"}


class OutputFormat(StrEnum):
    """How sync reports: human text on stderr, or one JSON document on stdout."""

    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        print(f"ggen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """ggen: generate code from an RDF ontology."""


@app.command()
def sync(
    manifest: Annotated[
        Path, typer.Option("--manifest", "-m", help="ggen.toml, or its folder.")
    ] = Path("."),
    audit: Annotated[
        bool, typer.Option("--audit", help="Write an audit record under .ggen/audit/.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; write nothing.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="CI drift check: write nothing, exit 8 if files differ."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files edited by hand.")
    ] = False,
    rule: Annotated[
        list[str] | None,
        typer.Option("--rule", help="Run only this rule (repeatable)."),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="text: status on stderr; json: one JSON document on stdout.",
        ),
    ] = OutputFormat.text,
    strict_eol: Annotated[
        bool,
        typer.Option(
            "--strict-eol", help="With --check, fail on line-ending differences."
        ),
    ] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Stop after SECONDS (exit 6).")
    ] = None,
    allow_hooks: Annotated[
        bool, typer.Option("--allow-hooks", help="Run front-matter sh_before/sh_after.")
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="-v lists unchanged "
            "files and ignored keys; -vv adds debug logs and timings.",
        ),
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    show_traceback: Annotated[
        bool, typer.Option("--traceback", help="Show a traceback on errors.")
    ] = False,
) -> None:
    """Generate files from the ontology as ggen.toml describes."""
    run_sync = _commands().run_sync
    from ggen.pipeline import SyncOptions

    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    options = SyncOptions(
        manifest=manifest,
        audit=audit,
        dry_run=dry_run,
        check=check,
        force=force,
        rules=tuple(rule or ()),
        strict_eol=strict_eol,
        timeout=timeout,
        allow_hooks=allow_hooks,
    )
    code = run_sync(
        options,
        json_output=output_format is OutputFormat.json,
        verbosity=verbose,
        quiet=quiet,
        show_traceback=show_traceback,
    )
    raise typer.Exit(int(code))


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the new project.")
    ] = Path("."),
    example: Annotated[
        str, typer.Option("--example", help="Which example project to create.")
    ] = "job-queue",
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing project.")
    ] = False,
) -> None:
    """Create a ready-to-run project (the job-queue example)."""
    run_init = _commands().run_init

    raise typer.Exit(int(run_init(directory, example, force)))


def normalize_argv(argv: list[str]) -> list[str]:
    """Accept the Rust ggen's spellings: ``--audit true``, ``--dry_run true``."""
    out: list[str] = []
    index = 0
    while index < len(argv):
        arg = _ALIASES.get(argv[index], argv[index])
        name, eq, value = arg.partition("=")
        name = _ALIASES.get(name, name)
        if name in _BOOL_VALUED:
            if not eq and index + 1 < len(argv) and not argv[index + 1].startswith("-"):
                value, eq = argv[index + 1], "="
                index += 1
            if eq:
                word = value.lower()
                if word not in ("true", "false"):
                    raise UsageError(
                        f"{name} takes no value, or `true` / `false`; got {value!r}"
                    )
                if word == "true":
                    out.append(name)
            else:
                out.append(name)
        else:
            out.append(arg)
        index += 1
    return out


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ggen`` script; exits with a documented code."""
    args = list(sys.argv[1:] if argv is None else argv)
    _terminate_like_interrupt()
    try:
        args = normalize_argv(args)
        code = app(args=args, prog_name="ggen", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError:
        sys.exit(int(ExitCode.USAGE))  # the help text is already printed
    except click_exceptions.UsageError as exc:
        _usage(exc)
    except GgenError as exc:
        from ggen.console import print_error

        print_error(exc)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        print(INTERRUPTED_EARLY, file=sys.stderr)
        sys.exit(int(ExitCode.INTERRUPTED))
    sys.exit(code if isinstance(code, int) else 0)


def run() -> None:
    """The ``ggen`` script: :func:`main`, then a quick exit.

    Once the command is done and its output flushed, the process ends without
    tearing down the interpreter: freeing a large graph and tens of thousands
    of rows object by object took a quarter of a second at 50,000 files, and
    nothing is left to do by then (every file is closed, the record and state
    are on disk). :func:`main` itself, which tests and embedding code call,
    exits normally.
    """
    code = 0
    try:
        main()
    except SystemExit as done:
        if isinstance(done.code, int):
            code = done.code
        elif done.code is not None:  # sys.exit("message"), as Python prints it
            print(done.code, file=sys.stderr)
            code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _commands() -> Any:
    """ggen.commands, imported on first use (it brings the pipeline).

    typer turns a Ctrl-C it sees into a silent exit 130; one during this
    import gets the message every other interrupted run prints.
    """
    try:
        return importlib.import_module("ggen.commands")
    except KeyboardInterrupt:
        print(INTERRUPTED_EARLY, file=sys.stderr)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _terminate_like_interrupt() -> None:
    """Treat SIGTERM as Ctrl-C, so both stop cleanly with exit code 130.

    The write stage holds both signals until the file being written is whole.
    """

    forget_signals()

    def interrupt(signum: int, _frame: object) -> None:
        note_signal(signum)
        raise KeyboardInterrupt

    # Outside the main thread (an embedding application) signals stay as they are.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, interrupt)
        signal.signal(signal.SIGINT, interrupt)


def _usage(exc: Any) -> None:
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    ctx = getattr(exc, "ctx", None)
    usage = ctx.get_usage() if ctx is not None else "Usage: ggen [OPTIONS] COMMAND"
    print(
        f"{usage}\nerror: {message}\n  hint: run `ggen --help` for the options",
        file=sys.stderr,
    )
    sys.exit(int(ExitCode.USAGE))


def print_traceback(error: BaseException) -> None:
    """The full traceback, for --traceback."""
    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)


__all__ = ["app", "exit_code_for", "main"]
