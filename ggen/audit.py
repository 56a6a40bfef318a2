"""Stage 8: the audit record of one run, as JSON under ``.ggen/audit/``.

Hashes are of file bytes, so anyone can check them with ``sha256sum``. Unlike
generated files, the audit is a log: it carries the time of the run in its
name and body, and is meant to be ignored by git (``.ggen/audit/``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ggen import __version__
from ggen.plan import Plan, PlannedFile, relative
from ggen.record import sha256
from ggen.validate import ValidationReport
from ggen.write import atomic_write

AUDIT_DIR = Path(".ggen") / "audit"
_ACTION_WORDS = {
    "create": "created",
    "update": "updated",
    "unchanged": "unchanged",
    "skip": "skipped",
    "delete": "deleted",
    "keep (edited)": "kept (edited)",
    "refuse (edited)": "refused (edited)",
}


@dataclass
class RunFacts:
    """What the pipeline learned during a run, for the audit."""

    manifest: Path
    inputs: dict[str, list[Path]] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    durations_ms: dict[str, int] = field(default_factory=dict)
    validation: ValidationReport | None = None


def build_audit(facts: RunFacts, plan: Plan, written: set[str]) -> dict[str, Any]:
    """The audit document for one run."""
    root = facts.manifest.parent
    inputs = []
    for kind, paths in sorted(facts.inputs.items()):
        for path in sorted(set(paths)):
            data = path.read_bytes()
            inputs.append(
                {
                    "kind": kind,
                    "path": relative(path, root),
                    "sha256": sha256(data),
                    "size": len(data),
                }
            )
    outputs = []
    for p in plan.files:
        applied = p.rel in written or p.action.value in (
            "unchanged",
            "skip",
            "keep (edited)",
        )
        outputs.append(
            {
                "path": p.rel,
                "rule": p.rule,
                "action": _ACTION_WORDS[p.action.value] if applied else "not written",
                "sha256_before": p.before_sha,
                "sha256_after": p.after_sha if applied else p.before_sha,
                "size": _size(p, applied),
            }
        )
    report = facts.validation
    return {
        "tool": "ggen-py",
        "version": __version__,
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "manifest": {
            "path": facts.manifest.name,
            "sha256": sha256(facts.manifest.read_bytes()),
        },
        "inputs": inputs,
        "triples": facts.triples,
        "durations_ms": facts.durations_ms,
        "validation": {
            "shapes_files": report.shapes_checked if report else 0,
            "violations": [v.__dict__ for v in report.violations] if report else [],
            "warnings": report.warnings if report else [],
        },
        "outputs": outputs,
    }


def write_audit(root: Path, document: dict[str, Any]) -> Path:
    """Write the run's audit file and ``latest.json``; return the latter."""
    folder = root / AUDIT_DIR
    data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name = f"{stamp}-{sha256(data)[:8]}.json"
    atomic_write(folder / name, data)
    latest = folder / "latest.json"
    atomic_write(latest, data)
    return latest


def _size(p: PlannedFile, applied: bool) -> int:
    """The file's length once the plan is applied (or as it stayed)."""
    if p.size is not None:
        return p.size
    if p.content is not None and applied:
        return len(p.content)
    return len(p.before) if p.before is not None else 0
