"""``ggen init``: write a ready-to-sync project from a bundled example.

The example's files come from the data shipped with ggen: ``specs/`` and
``templates/``, found in the wheel at ``ggen/bundled/`` and, in an editable
checkout, at the repository root. The job-queue project takes its manifest,
starting ontology, README and Erlang build files from ``specs/init/job-queue/``
and shares the shapes, queries and templates of the repository's own example,
so the two cannot drift apart.

Known limitations: only the ``job-queue`` example exists. ``ggen init`` does not
run ``ggen sync``; the README's first step does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import ggen
from ggen.errors import Location, UsageError, WriteError

log = logging.getLogger(__name__)

GITIGNORE_ENTRY = ".ggen/audit/"
# What else under .ggen/ is local: the sync cache and the lock. The record of
# generated files (.ggen/generated.json) is meant to be committed.
GITIGNORE_ENTRIES = (GITIGNORE_ENTRY, ".ggen/state.json", ".ggen/lock")


@dataclass(frozen=True)
class Example:
    """A project to copy: target path (relative) -> source path in the data."""

    name: str
    files: dict[str, str]
    template_dirs: dict[str, str]


JOB_QUEUE = Example(
    name="job-queue",
    files={
        "ggen.toml": "specs/init/job-queue/ggen.toml",
        "README.md": "specs/init/job-queue/README.md",
        "rebar.config": "specs/init/job-queue/rebar.config",
        "src/job_queue.app.src": "specs/init/job-queue/job_queue.app.src",
        ".specify/specs/001-job-queue/feature.ttl": (
            "specs/init/job-queue/feature.ttl"
        ),
        ".specify/specs/001-job-queue/shapes.ttl": "specs/001-job-queue/shapes.ttl",
        ".specify/specs/001-job-queue/queries/backends.rq": (
            "specs/001-job-queue/queries/backends.rq"
        ),
        ".specify/specs/001-job-queue/queries/vocabulary.rq": (
            "specs/001-job-queue/queries/vocabulary.rq"
        ),
    },
    template_dirs={"templates/erlang": "templates/erlang"},
)

EXAMPLES = {JOB_QUEUE.name: JOB_QUEUE}


def init_project(
    target: Path, example: str = "job-queue", force: bool = False
) -> list[Path]:
    """Create the example project in ``target``; return the files written.

    Refuses, naming the files in the way, when ``target`` already holds any of
    them (or a ``ggen.toml``), unless ``force`` is set.
    """
    chosen = _example(example)
    data = data_root()
    sources = _plan(chosen, data)

    _refuse_existing(target, sorted(sources), force)

    written = [_copy(data / source, target / rel) for rel, source in sources.items()]
    gitignore = _add_gitignore_entry(target)
    if gitignore is not None:
        written.append(gitignore)
    log.debug("init: wrote %d files into %s", len(written), target)
    return sorted(written)


def data_root() -> Path:
    """The folder holding ``specs/`` and ``templates/``: wheel data first."""
    package = Path(ggen.__file__).resolve().parent
    for candidate in (package / "bundled", package.parent):
        if (candidate / "specs" / "init").is_dir() and (
            candidate / "templates"
        ).is_dir():
            return candidate
    raise UsageError(
        "ggen's bundled examples are missing",
        Location(package),
        hint="reinstall ggen; the wheel ships specs/ and templates/ as ggen/bundled/",
    )


def _example(name: str) -> Example:
    if name in EXAMPLES:
        return EXAMPLES[name]
    raise UsageError(
        f"unknown example `{name}`",
        hint=f"known examples: {', '.join(sorted(EXAMPLES))}",
    )


def _plan(example: Example, data: Path) -> dict[str, str]:
    """Every file to write (relative target -> source), templates expanded."""
    sources = dict(example.files)
    for target_dir, source_dir in example.template_dirs.items():
        # Sorted so the list of written files is the same on every machine.
        for path in sorted((data / source_dir).glob("*.tera")):
            sources[f"{target_dir}/{path.name}"] = f"{source_dir}/{path.name}"
    return sources


def _refuse_existing(target: Path, relative: list[str], force: bool) -> None:
    if force:
        return
    if target.exists() and not target.is_dir():
        raise UsageError(
            "the target exists and is not a folder",
            Location(target),
            hint="pass the path of a folder (it is created when missing)",
        )
    clashes = [rel for rel in relative if (target / rel).exists()]
    if not clashes:
        return
    # The manifest is what makes a folder a project: name it first.
    clashes.sort(key=lambda rel: rel != "ggen.toml")
    shown = ", ".join(clashes[:5]) + (" ..." if len(clashes) > 5 else "")
    what = "a ggen project" if "ggen.toml" in clashes else "files ggen init writes"
    raise UsageError(
        f"the folder already holds {what}: {shown}",
        Location(target),
        hint="choose an empty folder, or pass --force to overwrite these files",
    )


def _copy(source: Path, destination: Path) -> Path:
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
    except OSError as exc:
        raise WriteError(
            f"cannot write the file: {exc.strerror or exc}",
            Location(destination),
            hint="check that the folder is writable",
        ) from None
    return destination


def _add_gitignore_entry(target: Path) -> Path | None:
    """Add ggen's local files to ``.gitignore``; None when all are there."""
    path = target / ".gitignore"
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        lines = {line.strip() for line in text.splitlines()}
        missing = [
            e
            for e in GITIGNORE_ENTRIES
            if e not in lines and e.rstrip("/") not in lines
        ]
        if not missing:
            return None
        separator = "" if not text or text.endswith("\n") else "\n"
        comment = (
            "# ggen's local files: audit records of `ggen sync --audit`, "
            "its cache and its lock.\n"
        )
        entries = "".join(f"{e}\n" for e in missing)
        path.write_text(f"{text}{separator}{comment}{entries}", encoding="utf-8")
    except OSError as exc:
        raise WriteError(
            f"cannot update .gitignore: {exc.strerror or exc}",
            Location(path),
        ) from None
    return path
