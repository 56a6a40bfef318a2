"""The drift check: how the disk differs from what the inputs now produce.

Reasons, one per differing path:

- ``stale``: the file differs from what the inputs produce (with a unified diff,
  and which inputs changed since the recorded sync);
- ``missing``: the inputs produce a file that is not on disk;
- ``orphaned``: the record lists a file the inputs no longer produce;
- ``edited``: the file differs from what the record says ggen wrote;
- ``eol``: only the line endings differ (a CRLF checkout of LF output); this
  fails the check only under ``--strict-eol``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ggen.plan import Action, Plan, PlannedFile, same_but_eol
from ggen.record import Record


@dataclass
class Drift:
    """One path that differs, why, and the evidence."""

    path: str
    reason: str
    rule: str
    detail: str = ""
    diff: str = ""

    def to_json(self) -> dict[str, str]:
        """The drift as data for ``--format json``."""
        return {
            "path": self.path,
            "reason": self.reason,
            "rule": self.rule,
            "detail": self.detail,
            "diff": self.diff,
        }


def find_drift(
    plan: Plan,
    record: Record,
    inputs: dict[str, str],
    rule_inputs: dict[str, dict[str, str]],
    audited: list[str] | None = None,
) -> list[Drift]:
    """Every difference between the plan's content and the disk."""
    out: list[Drift] = []
    for p in plan.files:
        drift = _file_drift(p, record, inputs, rule_inputs, audited or [])
        if drift is not None:
            out.append(drift)
    return out


def failing(drift: list[Drift], strict_eol: bool) -> list[Drift]:
    """The differences that make ``--check`` fail."""
    return [d for d in drift if d.reason != "eol" or strict_eol]


def _file_drift(
    p: PlannedFile,
    record: Record,
    inputs: dict[str, str],
    rule_inputs: dict[str, dict[str, str]],
    audited: list[str],
) -> Drift | None:
    if p.action in (Action.DELETE, Action.KEEP_EDITED):
        detail = "still on disk" if p.before is not None else "already gone from disk"
        if p.action is Action.KEEP_EDITED:
            detail = "still on disk, edited by hand"
        return Drift(
            p.rel,
            "orphaned",
            p.rule,
            f"the record lists it but its rule no longer produces it; {detail}",
        )
    if p.action is Action.SKIP or p.unread:  # unread: as rendered, vouched for
        return None
    if p.before is None:
        return Drift(p.rel, "missing", p.rule, "the inputs produce it; not on disk")
    content = p.content or b""
    if p.before == content:
        return None
    if same_but_eol(p.before, content):
        return Drift(p.rel, "eol", p.rule, "only line endings differ (CRLF vs LF)")
    diff = unified_diff(p.before, content, p.rel)
    if p.action is Action.REFUSE_EDITED and p.recorded_sha is not None:
        return Drift(
            p.rel,
            "edited",
            p.rule,
            "edited by hand since ggen wrote it",
            diff,
        )
    changed = changed_inputs(p.rule, record, inputs, rule_inputs, audited)
    detail = (
        "changed since the recorded sync: " + ", ".join(changed)
        if changed
        else "the record does not tell which input changed"
    )
    return Drift(p.rel, "stale", p.rule, detail, diff)


def changed_inputs(
    rule: str,
    record: Record,
    inputs: dict[str, str],
    rule_inputs: dict[str, dict[str, str]],
    audited: list[str] | None = None,
) -> list[str]:
    """Names of inputs whose hash differs from the recorded sync's.

    The record holds hashes of the manifest, queries and templates; when none
    moved, the change is in the ontology or shapes, which the last audit (if
    any) can name file by file.
    """
    changed = [
        name
        for name, digest in sorted(inputs.items())
        if record.inputs.get(name) not in (None, digest)
    ]
    old = record.rules.get(rule, {})
    for name, digest in sorted(rule_inputs.get(rule, {}).items()):
        if old.get(name) not in (None, digest):
            changed.append(f"{name} of rule `{rule}`")
    if changed or not old:
        return changed
    return list(audited or []) or [
        "the ontology or shapes (the record's hashes "
        "of the manifest, query and template match)"
    ]


def unified_diff(before: bytes, after: bytes, rel: str) -> str:
    """A unified diff from the disk's content to the generated content."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, f"a/{rel} (on disk)", f"b/{rel} (generated)")
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in lines
    )
