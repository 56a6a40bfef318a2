"""Stage 6: decide, for every rendered file and every recorded one, what to do.

The plan compares three things per path: what rendering produced, what the disk
holds, and what the record says ggen wrote last time. Nothing here writes.

Actions: ``create``, ``update``, ``unchanged``, ``skip`` (Create mode, file not
ours), ``delete`` (orphan still as written), ``keep (edited)`` (orphan edited by
hand), ``refuse (edited)`` (would overwrite a hand edit or a file not ours).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ggen.errors import Location, Problem, WriteError
from ggen.merge import generated_section, merge
from ggen.model import RenderedFile
from ggen.record import Entry, Record, sha256


class Action(Enum):
    """What sync does with one path."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    DELETE = "delete"
    KEEP_EDITED = "keep (edited)"
    REFUSE_EDITED = "refuse (edited)"


@dataclass
class PlannedFile:
    """One path and what to do with it."""

    rel: str
    path: Path
    action: Action
    rule: str
    content: bytes | None = None
    before: bytes | None = None
    before_sha: str | None = None
    recorded_sha: str | None = None
    generated_sha: str | None = None
    reason: str = ""
    forced: bool = False
    template: str | None = None
    row: int | None = None
    mode: str = "Create"

    @property
    def after_sha(self) -> str | None:
        """The hash of the file once the plan is applied."""
        if self.action in (Action.CREATE, Action.UPDATE):
            return sha256(self.content or b"")
        if self.action in (Action.DELETE,):
            return None
        return self.before_sha


@dataclass
class Plan:
    """All planned files, in path order, and the record to write afterwards."""

    files: list[PlannedFile] = field(default_factory=list)

    def by_action(self, action: Action) -> list[PlannedFile]:
        """The planned files with ``action``."""
        return [f for f in self.files if f.action is action]

    @property
    def refused(self) -> list[PlannedFile]:
        """Files the plan will not touch without --force."""
        return self.by_action(Action.REFUSE_EDITED)

    def counts(self) -> dict[str, int]:
        """How many files take each action."""
        out = {a.value: 0 for a in Action}
        for f in self.files:
            out[f.action.value] += 1
        return out


def project_root(manifest_dir: Path) -> Path:
    """The git work tree holding the manifest, or the manifest's folder."""
    for folder in (manifest_dir, *manifest_dir.parents):
        if (folder / ".git").exists():
            return folder
    return manifest_dir


def relative(path: Path | str, root: Path | str) -> str:
    """``path`` relative to ``root``, ``/``-separated, ``..`` where needed."""
    text, base = os.path.normpath(path), os.path.normpath(root)
    if text.startswith(base + os.sep):  # the common case, without relpath's cost
        rel = text[len(base) + 1 :]
    else:
        rel = os.path.relpath(text, base)
    return rel.replace(os.sep, "/")


def check_paths(
    files: list[RenderedFile], manifest_dir: Path, manifest_path: Path
) -> None:
    """Refuse paths outside the project, unusable names and clashes (all at once)."""
    project = str(project_root(manifest_dir).resolve())
    problems: list[Problem] = []
    seen: dict[str, RenderedFile] = {}
    folders: dict[str, str] = {}
    for f in files:
        problem = _path_problem(f, project, folders)
        if problem:
            problems.append(Problem(problem, Location(manifest_path), hint=_PATH_HINT))
            continue
        key = os.path.normpath(f.path)
        if key in seen:
            other = seen[key]
            problems.append(
                Problem(
                    f"{_origin(other)} and {_origin(f)} both write "
                    f"{relative(key, manifest_dir)}",
                    Location(manifest_path),
                    hint="make output_file unique per row (include a key variable), "
                    "or drop one of the rules",
                )
            )
        seen[key] = f
    if problems:
        raise WriteError(problems)


_PATH_HINT = (
    "output paths must stay inside the project (the git work tree or "
    "the folder of ggen.toml): use a relative output_file without "
    "leading .. segments that leave it"
)


def _origin(f: RenderedFile) -> str:
    return f"rule `{f.rule}`" + (f" (row {f.row + 1})" if f.row is not None else "")


def _path_problem(f: RenderedFile, project: str, folders: dict[str, str]) -> str | None:
    raw = str(f.path)
    if "\x00" in raw:
        return f"{_origin(f)}: output path contains a NUL character"
    if len(raw.encode()) > 255 and any(
        len(part.encode()) > 255 for part in raw.split(os.sep)
    ):
        return f"{_origin(f)}: output path has a name longer than 255 bytes"
    resolved = _resolve_existing(os.path.normpath(raw), folders)
    if resolved != project and not resolved.startswith(project + os.sep):
        return f"{_origin(f)}: output path {raw} leaves the project {project}"
    return None


def _resolve_existing(path: str, folders: dict[str, str]) -> str:
    """Resolve symlinks in the part of ``path`` that exists.

    Many outputs share a folder, so each folder is resolved once (``folders``
    caches it); only a file that is itself a link costs a second look. Plain
    strings: pathlib objects cost more than the checks themselves here.
    """
    folder, name = os.path.split(path)
    parent = folders.get(folder)
    if parent is None:
        parent = folders[folder] = os.path.realpath(folder)
    target = os.path.join(parent, name)
    return os.path.realpath(target) if os.path.islink(target) else target


def make_plan(
    rendered: list[RenderedFile],
    record: Record,
    manifest_dir: Path,
    rules_run: set[str],
    force: bool = False,
) -> Plan:
    """Compare rendered files with disk and record; nothing is written."""
    plan = Plan()
    produced: set[str] = set()
    for f in rendered:
        rel = relative(f.path, manifest_dir)
        produced.add(rel)
        plan.files.append(_plan_file(f, rel, record.files.get(rel), force))
    for rel, entry in sorted(record.files.items()):
        if rel in produced or entry.rule not in rules_run:
            continue
        plan.files.append(_plan_orphan(rel, manifest_dir / rel, entry, force))
    plan.files.sort(key=lambda p: p.rel)
    return plan


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise WriteError(
            f"cannot read {path}: {exc.strerror}", Location(path)
        ) from None


def same_but_eol(a: bytes, b: bytes) -> bool:
    """True when ``a`` and ``b`` differ only in CRLF versus LF line endings."""
    return a != b and a.replace(b"\r\n", b"\n") == b.replace(b"\r\n", b"\n")


def _plan_file(
    f: RenderedFile, rel: str, entry: Entry | None, force: bool
) -> PlannedFile:
    before = f.disk if f.disk is not None else _read(f.path)
    content = f.content.encode("utf-8")
    planned = PlannedFile(
        rel,
        f.path,
        Action.CREATE,
        f.rule,
        content,
        before,
        template=f.template,
        row=f.row,
        recorded_sha=entry.sha256 if entry else None,
        mode=f.mode,
    )
    if f.mode == "Merge":
        existing = before.decode("utf-8", "replace") if before is not None else ""
        content = merge(f.content, existing, f.path).encode("utf-8")
        section = generated_section(content.decode("utf-8"))
        planned.generated_sha = sha256((section or "").encode("utf-8"))
        planned.content = content
    if before is None:
        return planned
    planned.before_sha = sha256(before)
    if before == content or same_but_eol(before, content):
        planned.action = Action.UNCHANGED
        return planned
    if f.mode == "Create" and entry is None:
        planned.action = Action.SKIP
        planned.reason = "exists and is not generated by ggen (Create mode)"
        return planned
    if f.mode == "IfMissing":
        planned.action = Action.SKIP
        planned.reason = "exists (unless_exists / skip_if)"
        return planned
    if f.mode == "Inject":  # inserting into a hand-written file is the point
        planned.action = Action.UPDATE
        return planned
    edited = _edited(f, before, entry)
    if edited is None:
        planned.action = Action.UPDATE
        return planned
    planned.reason = edited
    if force or f.force:
        planned.action, planned.forced = Action.UPDATE, True
    else:
        planned.action = Action.REFUSE_EDITED
    return planned


def _edited(f: RenderedFile, before: bytes, entry: Entry | None) -> str | None:
    """Why the file on disk is not ours to overwrite, or None if it is."""
    if entry is None:
        return "exists but was not generated by ggen"
    if f.mode == "Merge" and entry.generated_sha256:
        section = generated_section(before.decode("utf-8", "replace"))
        if section is not None and sha256(section.encode()) == entry.generated_sha256:
            return None
        return "its generated section was edited by hand"
    if _matches(before, entry.sha256):
        return None
    return "edited by hand since ggen wrote it"


def _matches(data: bytes, digest: str) -> bool:
    return sha256(data) == digest or sha256(data.replace(b"\r\n", b"\n")) == digest


def _plan_orphan(rel: str, path: Path, entry: Entry, force: bool) -> PlannedFile:
    before = _read(path)
    planned = PlannedFile(
        rel,
        path,
        Action.DELETE,
        entry.rule,
        None,
        before,
        recorded_sha=entry.sha256,
        reason="no longer produced by its rule",
    )
    if before is None:
        planned.reason = "no longer produced, and already gone from disk"
        return planned
    planned.before_sha = sha256(before)
    if not _matches(before, entry.sha256) and not force:
        planned.action = Action.KEEP_EDITED
        planned.reason = (
            "no longer produced, but edited by hand: kept "
            "(delete it yourself, or run with --force)"
        )
    return planned


def next_record(plan: Plan, old: Record, done: set[str] | None = None) -> Record:
    """The record after applying ``plan`` (only the paths in ``done`` if given)."""
    files = dict(old.files)
    for p in plan.files:
        applied = done is None or p.rel in done or p.action is Action.UNCHANGED
        if p.mode == "Inject":  # the file is the user's: never ours to record
            continue
        if p.action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED) and applied:
            digest = sha256(p.content or b"")
            files[p.rel] = Entry(p.rule, digest, p.generated_sha)
        elif p.action is Action.DELETE and applied:
            files.pop(p.rel, None)
    return Record(files, dict(old.inputs), dict(old.rules))
