"""The record of generated files: what the generator owns, and what it wrote.

``.ggen/generated.json`` beside the manifest lists, for each generated path
(relative to the manifest's folder, ``/``-separated), the rule that produced it
and the sha256 of the bytes written. It is meant to be committed: it holds no
timestamps and no absolute paths, its keys are sorted, and each file takes one
line, so two branches that touch different files merge without conflict.

It also keeps the hashes of the inputs of the last sync (per rule: query and
templates; for the project: manifest and ontology), so ``--check`` can say which
inputs changed since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ggen.errors import Location, ManifestError

RECORD_PATH = Path(".ggen") / "generated.json"
_quote: Callable[[str], str] = json.encoder.encode_basestring_ascii
FORMAT_VERSION = 1


def sha256(data: bytes) -> str:
    """The hex sha256 of ``data``, as ``sha256sum`` prints it."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One generated file: its rule, the hash written, and for Merge files the
    hash of the generated section alone."""

    rule: str
    sha256: str
    generated_sha256: str | None = None


@dataclass
class Record:
    """Everything the record file holds."""

    files: dict[str, Entry] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    rules: dict[str, dict[str, str]] = field(default_factory=dict)

    def dumps(self) -> str:
        """The record as deterministic JSON text, one line per file."""
        lines = [
            "{",
            f'  "version": {FORMAT_VERSION},',
            '  "inputs": '
            + json.dumps(dict(sorted(self.inputs.items())), sort_keys=True)
            + ",",
        ]
        lines.append('  "rules": {')
        rule_lines = [
            f"    {json.dumps(name)}: {json.dumps(hashes, sort_keys=True)}"
            for name, hashes in sorted(self.rules.items())
        ]
        lines.append(",\n".join(rule_lines))
        lines.append("  },")
        lines.append('  "files": {')
        file_lines = []
        quote = _quote  # the same text json.dumps gives a string, much cheaper
        for path, entry in sorted(self.files.items()):
            line = (
                f'    {quote(path)}: {{"rule": {quote(entry.rule)}, '
                f'"sha256": {quote(entry.sha256)}'
            )
            if entry.generated_sha256:
                line += f', "generated_sha256": {quote(entry.generated_sha256)}'
            file_lines.append(line + "}")
        lines.append(",\n".join(file_lines))
        lines.append("  }")
        lines.append("}")
        return "\n".join(line for line in lines if line != "") + "\n"


def record_bytes(root: Path) -> bytes | None:
    """The record file's bytes beside the manifest in ``root`` (None when
    there is none)."""
    path = root / RECORD_PATH
    return path.read_bytes() if path.is_file() else None


def bytes_sha(data: bytes | None) -> str:
    """The hash of ``data``, or '' for no file."""
    return "" if data is None else sha256(data)


def load_record(root: Path, data: bytes | None = None) -> Record:
    """The record beside the manifest in ``root``, or an empty one.

    ``data`` is the file's bytes when the caller read them already.
    """
    path = root / RECORD_PATH
    if data is None:
        data = record_bytes(root)
    if data is None:
        return Record()
    try:
        document = json.loads(data)
        files = {
            str(k): Entry(str(v["rule"]), str(v["sha256"]), v.get("generated_sha256"))
            for k, v in document.get("files", {}).items()
        }
        return Record(
            files,
            dict(document.get("inputs", {})),
            {k: dict(v) for k, v in document.get("rules", {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(
            f"the record of generated files is damaged: {exc}",
            Location(path),
            hint="restore it from git (`git checkout -- .ggen/generated.json`), "
            "or delete it and run `ggen sync --force` to rebuild it",
        ) from None
