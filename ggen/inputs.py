"""What a run read: its input files, and the hashes the record keeps of them.

The record is committed, so these hashes must not change when only the order
of triples or imports does: the manifest is hashed as parsed data, queries and
templates as text, and the ontology and shapes not at all (a stale file whose
recorded hashes all match was changed by them).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ggen.graph import Graph
from ggen.manifest import Manifest
from ggen.record import sha256
from ggen.render import RuleOutcome


def input_hashes(
    manifest: Manifest, graph: Graph, outcomes: list[RuleOutcome]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Hashes of the manifest, and of each rule's query and templates.

    These go into the committed record, which must not change when only the
    order of triples or imports does; so the ontology and shapes are not
    hashed here (their bytes change with the order). When a file is stale and
    none of these hashes moved, the ontology or shapes changed.
    """
    inputs = {"manifest": canonical_manifest_hash(manifest)}
    by_name = {r.name: r for r in manifest.rules}
    per_rule: dict[str, dict[str, str]] = {}
    for outcome in outcomes:
        rule = by_name.get(outcome.rule)
        templates = hashlib.sha256()
        for path in outcome.templates:
            templates.update(sha256(path.read_bytes()).encode())
        if rule is not None and rule.template.inline is not None:
            templates.update(rule.template.inline.encode())
        hashes = {"template": templates.hexdigest()}
        if rule is not None:
            hashes["query"] = sha256(rule.query.read().encode())
        per_rule[outcome.rule] = hashes
    return inputs, per_rule


def canonical_manifest_hash(manifest: Manifest) -> str:
    """A hash of what the manifest says, blind to layout, comments and the
    order of imports."""
    data = json.loads(json.dumps(manifest.raw, default=str))
    ontology = data.get("ontology")
    if isinstance(ontology, dict) and isinstance(ontology.get("imports"), list):
        ontology["imports"] = sorted(str(i) for i in ontology["imports"])
    return sha256(json.dumps(data, sort_keys=True).encode())


def audited_changes(manifest: Manifest) -> list[str]:
    """Ontology, shapes and inference files whose bytes differ from the last
    audit's record of them (empty when there is no audit)."""
    path = manifest.root / ".ggen" / "audit" / "latest.json"
    try:
        inputs = json.loads(path.read_text(encoding="utf-8"))["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    changed = []
    for item in inputs:
        if item.get("kind") not in ("ontology", "shapes", "inference"):
            continue
        try:
            now = sha256((manifest.root / item["path"]).read_bytes())
        except OSError:
            now = "missing"
        if now != item.get("sha256"):
            changed.append(f"{item['kind']} {item['path']}")
    return sorted(changed)


def input_files(
    manifest: Manifest, graph: Graph, outcomes: list[RuleOutcome]
) -> dict[str, list[Path]]:
    """Every file the run read, by kind, for the audit."""
    by_name = {r.name: r for r in manifest.rules}
    queries = [by_name[o.rule].query.file for o in outcomes if o.rule in by_name]
    inference = [r.construct.file for r in manifest.inference]
    return {
        "manifest": [manifest.path],
        "ontology": [f.path for f in graph.files],
        "shapes": list(manifest.shacl),
        "query": [q for q in queries if q is not None],
        "inference": [q for q in inference if q is not None],
        "template": [t for o in outcomes for t in o.templates],
    }
