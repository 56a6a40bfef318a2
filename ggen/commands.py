"""What each command does once its arguments are parsed: call the library,
present the result, and return the exit code. Imported lazily by the CLI.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ggen import console
from ggen.errors import ExitCode, GgenError, Interrupted, exit_code_for
from ggen.pipeline import SyncOptions, SyncResult, collector_paused, sync

log = logging.getLogger(__name__)


@collector_paused()  # through the JSON of a large plan too (see there)
def run_sync(
    options: SyncOptions,
    json_output: bool,
    verbosity: int,
    quiet: bool,
    show_traceback: bool,
) -> ExitCode:
    """``ggen sync``: run the pipeline, print text or JSON, return the code."""
    console.setup_logging(verbosity, quiet)
    reporter = console.ConsoleReporter(verbosity, quiet, options.dry_run)
    try:
        result = sync(options, reporter)
    except GgenError as error:
        if show_traceback:
            from ggen.cli import print_traceback

            print_traceback(error)
        if json_output:
            console.print_json(
                {
                    **error.data,
                    "status": "error",
                    "exit_code": int(error.exit_code),
                    "errors": error.to_json(),
                }
            )
        console.print_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        # The write stage holds signals, so one that gets here came earlier.
        stopped = Interrupted(
            "interrupted before anything was written; the disk is as it was",
            hint="run the command again",
        )
        console.print_error(stopped)
        return stopped.exit_code
    except Exception as error:  # a bug: still one clean line, and a code
        if show_traceback:
            from ggen.cli import print_traceback

            print_traceback(error)
        console.print_bug(error)
        return exit_code_for(error)
    code = ExitCode.OK
    if options.check:
        code = ExitCode.DRIFT if result.failing_drift else ExitCode.OK
        if not json_output:
            produced = sum(
                1
                for f in result.plan.files
                if f.action.value not in ("delete", "keep (edited)")
            )
            console.print_drift(result.drift, result.failing_drift, produced)
    if json_output:
        console.print_json(_sync_json(result, options, code))
    return code


def _sync_json(
    result: SyncResult, options: SyncOptions, code: ExitCode
) -> dict[str, Any]:
    files = [
        {
            "path": p.rel,
            "rule": p.rule,
            "action": p.action.value,
            "reason": p.reason or None,
            "sha256_before": p.before_sha,
            "sha256_after": p.after_sha,
            "forced": p.forced,
        }
        for p in result.plan.files
    ]
    status = "ok"
    if options.check and result.failing_drift:
        status = "drift"
    document: dict[str, Any] = {
        "status": status,
        "exit_code": int(code),
        "mode": "check"
        if options.check
        else ("dry-run" if options.dry_run else "sync"),
        "files": files,
        "counts": result.plan.counts(),
        "durations_ms": result.durations_ms,
        "triples": result.triples,
        "audit": str(result.audit_path) if result.audit_path else None,
        "validation": [v.__dict__ for v in result.validation.violations],
        "errors": [],
    }
    if options.check:
        document["drift"] = [d.to_json() for d in result.drift]
    return document


def run_init(directory: Path, example: str, force: bool) -> ExitCode:
    """``ggen init``: create a project from a bundled example."""
    console.setup_logging(0, False)
    try:
        from ggen.init import init_project

        created = init_project(directory, example=example, force=force)
    except GgenError as error:
        console.print_error(error)
        return error.exit_code
    reporter = console.ConsoleReporter()
    reporter.stage(
        1, f"Created {example} project in {directory}", f"✓ {len(created)} files"
    )
    where = "" if directory.resolve() == Path.cwd() else f"cd {directory} && "
    console.note(f"next: {where}ggen sync   (then read README.md in the project)")
    return ExitCode.OK
