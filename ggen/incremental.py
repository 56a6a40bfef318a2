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
pass ``--force`` to regenerate after changing only such a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from ggen import __version__
from ggen.manifest import Manifest
from ggen.record import RECORD_PATH, Record, sha256

log = logging.getLogger(__name__)

STATE_PATH = Path(".ggen") / "state.json"


@dataclass
class State:
    """What the last successful sync left behind, for the next one."""

    fingerprint: str = ""
    record_sha: str = ""
    templates: list[str] = field(default_factory=list)
    stats: dict[str, list[int]] = field(default_factory=dict)


def load_state(root: Path) -> State:
    """The saved state, or an empty one when there is none or it is unreadable."""
    try:
        data = json.loads((root / STATE_PATH).read_text(encoding="utf-8"))
        return State(
            str(data["fingerprint"]),
            str(data["record_sha"]),
            [str(t) for t in data["templates"]],
            {str(k): [int(x) for x in v] for k, v in data["stats"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return State()


def save_state(root: Path, state: State) -> None:
    """Write the state; losing it only costs the next run its shortcut."""
    from ggen.write import atomic_write

    document = {
        "fingerprint": state.fingerprint,
        "record_sha": state.record_sha,
        "templates": sorted(state.templates),
        "stats": state.stats,
    }
    try:
        atomic_write(root / STATE_PATH, json.dumps(document, sort_keys=True).encode())
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
    for rel, entry in record.files.items():
        path = root / rel
        try:
            info = path.stat()
        except OSError:
            return False
        known = state.stats.get(rel)
        if known == [info.st_size, info.st_mtime_ns]:
            continue
        try:
            if sha256(path.read_bytes()) != entry.sha256:
                return False
        except OSError:
            return False
    return True


def file_stats(root: Path, record: Record) -> dict[str, list[int]]:
    """Size and modification time of each recorded output, as now on disk."""
    stats: dict[str, list[int]] = {}
    for rel in record.files:
        try:
            info = (root / rel).stat()
        except OSError:
            continue
        stats[rel] = [info.st_size, info.st_mtime_ns]
    return stats


def record_sha(root: Path) -> str:
    """The hash of the record file's bytes ('' when there is none)."""
    path = root / RECORD_PATH
    try:
        return sha256(path.read_bytes())
    except OSError:
        return ""


def relative_templates(manifest: Manifest, templates: list[Path]) -> list[str]:
    """Template paths relative to the manifest's folder, for the state file."""
    return sorted({os.path.relpath(t, manifest.root) for t in templates})
