"""Skip work whose inputs have not changed since the last successful sync.

``.ggen/state.json`` (local, git-ignored) remembers the fingerprint of every
input of the last sync that completed, and the size and modification time of
each file it left on disk. When the fingerprint matches again and every output
is still what the record says was written, the run is a no-op: no parse, no
validation, no render, only a look at the outputs.

The fingerprint covers the tool version, the command's options that change
output, the manifest, every ontology, shapes, query and inference file, and
every file in each folder that held a template the last run used (a template
may include its siblings). A miss costs nothing but the full pipeline.

Known limitations: a template that includes a file from a folder that holds no
template the rule used directly is not fingerprinted; edit the manifest or
pass ``--force`` to regenerate after changing only such a file. An output
edited so that its size stays the same and its modification time is set back
to the old one (``touch -d``) is taken as unchanged, both by the shortcut and
by the render cache; ``--force`` rewrites everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ggen import __version__
from ggen.manifest import Manifest
from ggen.model import Literal, Unread, file_figures, read_with_figures
from ggen.plan import PlannedFile
from ggen.record import Entry, Record, bytes_sha, record_bytes, sha256

log = logging.getLogger(__name__)

STATE_PATH = Path(".ggen") / "state.json"


@dataclass
class State:
    """What the last successful sync left behind, for the next one.

    The file holds two lines of JSON: the fingerprint first, then the file
    figures and the render cache, which are parsed only when a run needs them
    (:func:`load_cache`).
    """

    fingerprint: str = ""
    record_sha: str = ""
    templates: list[str] = field(default_factory=list)
    stats: dict[str, list[int]] = field(default_factory=dict)
    renders: dict[str, list[str]] = field(default_factory=dict)
    unparsed: bytes = b""  # the second line, until load_cache parses it


def load_state(root: Path) -> State:
    """The saved state (its first line), or an empty one when there is none or
    it is unreadable."""
    try:
        with open(root / STATE_PATH, "rb") as handle:
            head, rest = handle.readline(), handle.read()
        data = json.loads(head)
        return State(
            str(data["fingerprint"]),
            str(data["record_sha"]),
            [str(t) for t in data["templates"]],
            unparsed=rest,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return State()


def load_cache(state: State) -> None:
    """Parse the file figures and the render cache of ``state`` (once).

    Entries are not checked one by one (there are tens of thousands): a
    damaged one only fails to match (see :meth:`RenderCache.lookup`).
    """
    text, state.unparsed = state.unparsed, b""
    if not text:
        return
    try:
        data = json.loads(text)
        stats, renders = data["stats"], data["renders"]
    except (ValueError, KeyError, TypeError):
        return
    if isinstance(stats, dict) and isinstance(renders, dict):
        state.stats, state.renders = stats, renders


def save_state(root: Path, state: State) -> None:
    """Write the state; losing it only costs the next run its shortcut."""
    from ggen.write import atomic_write

    head = {
        "fingerprint": state.fingerprint,
        "record_sha": state.record_sha,
        "templates": sorted(state.templates),
    }
    # Not sorted: the file is local, holds modification times anyway, and
    # sorting 100,000 keys costs more than writing them.
    cache = {"stats": state.stats, "renders": state.renders}
    text = f"{json.dumps(head, sort_keys=True)}\n{json.dumps(cache)}\n"
    try:
        atomic_write(root / STATE_PATH, text.encode())
    except OSError as exc:
        log.debug("could not save %s: %s", STATE_PATH, exc)


def fingerprint(manifest: Manifest, options_key: str, templates: list[str]) -> str:
    """A hash of everything that decides what a sync produces."""
    digest = hashlib.sha256(f"{__version__}\n{options_key}\n".encode())
    files = set(manifest.input_files())
    for rel in templates:
        folder = (manifest.root / rel).parent
        if folder.is_dir():
            files.update(p for p in folder.iterdir() if p.is_file())
    if manifest.templates_dir is not None and manifest.templates_dir.is_dir():
        files.update(p for p in manifest.templates_dir.rglob("*") if p.is_file())
    for path in sorted(files):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(sha256(path.read_bytes()).encode())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def outputs_intact(root: Path, record: Record, state: State) -> bool:
    """True when every recorded output is on disk as the record says."""
    base = os.fspath(root)
    for rel, entry in record.files.items():
        path = os.path.join(base, rel)  # strings: a Path per file costs more
        try:
            info = os.lstat(path)  # a file replaced by a link is hashed below
        except OSError:
            return False
        known = state.stats.get(rel)
        if known == file_figures(info):
            continue
        try:
            with open(path, "rb") as handle:
                if sha256(handle.read()) != entry.sha256:
                    return False
        except OSError:
            return False
    return True


def file_stats(
    record: Record,
    previous: dict[str, list[int]],
    planned: list[PlannedFile],
    written: dict[str, list[int]],
) -> dict[str, list[int]]:
    """The figures (size, modification time) that vouch for each recorded
    output's bytes at the next run, kept only where they are known to describe
    a file whose bytes hash to what the record says:

    - a file this run wrote: its figures right after the write (``written``);
    - a file this run read and found exactly as generated: its figures when
      it was read (``PlannedFile.figures``);
    - a file vouched for by its figures (unread), or not looked at (a rule
      ``--rule`` left out): the figures it had (``previous``).

    Any other file (read and found different in line endings only, say) gets
    none, so the next run reads it.
    """
    by_rel = {p.rel: p for p in planned}
    stats: dict[str, list[int]] = {}
    for rel in record.files:
        figures = written.get(rel)
        if figures is None:
            p = by_rel.get(rel)
            figures = previous.get(rel) if p is None or p.unread else p.figures
        if figures is not None:
            stats[rel] = figures
    return stats


def record_sha(root: Path) -> str:
    """The hash of the record file's bytes ('' when there is none)."""
    try:
        return bytes_sha(record_bytes(root))
    except OSError:
        return ""


def relative_templates(manifest: Manifest, templates: list[Path]) -> list[str]:
    """Template paths relative to the manifest's folder, for the state file."""
    return sorted({os.path.relpath(t, manifest.root) for t in templates})


# Words that make a template's output depend on more than its own row: all
# rows, other queries, or other template files.
_NOT_PER_ROW = re.compile(
    r"\b(results|sparql_results|entities|sparql\w*|include|import|extends|from|"
    r"now|get_env)\b"
)


_TAGS = re.compile(r"\{[{%](.*?)[}%]\}", re.S)


class RenderCache:
    """Reuse the output of a per-row render whose row and template are unchanged.

    A key is the hash of the tool version, the rule, the output path, the
    template's bytes and the row's values. A hit is used only when the file on
    disk still has the exact bytes that were rendered for that key: either its
    size and modification time are those the last sync left (``stats``) and the
    record gives it the key's hash (``recorded``), or its bytes hash to it.
    """

    def __init__(
        self,
        previous: dict[str, list[str]],
        stats: dict[str, list[int]] | None = None,
        recorded: dict[str, Entry] | None = None,
        settings: str = "",
    ) -> None:
        self.previous = previous
        self.current: dict[str, list[str]] = {}
        self._templates: dict[Path, str | None] = {}
        self._stats = stats or {}
        self._recorded = recorded or {}
        # What else shapes every render: the manifest's hash (final_newline,
        # the engine's settings, …).
        self._settings = settings

    def template_key(self, path: Path) -> str | None:
        """The template's hash, or None when its output may depend on more."""
        if path not in self._templates:
            try:
                data = path.read_bytes()
            except OSError:
                self._templates[path] = None
            else:
                text = data.decode("utf-8", "replace")
                code = " ".join(_TAGS.findall(text))  # words outside tags are text
                self._templates[path] = (
                    None if _NOT_PER_ROW.search(code) else sha256(data)
                )
        return self._templates[path]

    def key(
        self, rule: str, rel: str, template: Path, row: dict[str, object]
    ) -> str | None:
        """The cache key of one per-row render, or None if it cannot be cached."""
        template_sha = self.template_key(template)
        if template_sha is None:
            return None
        # repr() tells a string from a number, a Decimal or a bool; not an IRI
        # from a literal, nor a literal's datatype or language: those are added.
        text = (
            f"{__version__}\x1e{self._settings}\x1e{rule}\x1e{rel}\x1e{template}"
            f"\x1e{template_sha}\x1e{row!r}\x1e{_kinds(row)}"
        )
        return sha256(text.encode())

    def lookup(
        self, key: str, target: str, rel: str
    ) -> tuple[bytes, list[int]] | Unread | None:
        """What ``key`` rendered to last time, if the disk still has it: the
        bytes (with the file's size and modification time as it was read), or
        only their hash and size when the file's size and modification time
        vouch for them.

        ``target`` is the file's path, ``rel`` its path from the manifest's
        folder (the record's key). The figures are the link's own for a
        symbolic link (``lstat``), so a file replaced by a link is read.
        """
        entry = self.previous.get(key)
        if type(entry) is not list or len(entry) != 2:  # none, or damaged
            return None
        sha = entry[1]
        known = self._stats.get(rel)
        entry_now = self._recorded.get(rel)
        if known is not None and entry_now is not None and entry_now.sha256 == sha:
            try:
                info = os.lstat(target)
            except OSError:
                return None
            if known == file_figures(info):
                self.current[key] = entry
                return Unread(sha, info.st_size)
        try:
            data, figures = read_with_figures(target)
        except OSError:
            return None
        if sha256(data) != sha:
            return None
        self.current[key] = entry
        return data, figures

    def store(self, key: str, rel: str, content: str) -> None:
        """Remember what ``key`` rendered to."""
        self.current[key] = [rel, sha256(content.encode("utf-8"))]


def _kinds(row: dict[str, object]) -> str:
    """What repr() does not show of each value: IRI or literal, and a
    literal's datatype and language."""
    kinds = []
    for value in row.values():
        if not isinstance(value, Literal):
            kinds.append(type(value).__name__)
        elif value.datatype is None and value.lang is None:  # a plain string
            kinds.append("L")
        else:
            kinds.append(f"L{value.datatype}@{value.lang}")
    return "|".join(kinds)
