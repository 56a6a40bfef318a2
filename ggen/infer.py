"""Stage 2: run the inference rules (SPARQL CONSTRUCT) in order.

Each rule's triples are added to the graph before the next rule runs, so a later
rule sees what an earlier one inferred; generation queries see them all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ggen.errors import Location
from ggen.graph import Graph, run_query
from ggen.manifest import InferenceRule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InferenceResult:
    """What one rule did: triples added, or skipped because ``when`` was false."""

    name: str
    added: int
    skipped: bool = False


def infer(
    graph: Graph, rules: list[InferenceRule], manifest_path: Path
) -> list[InferenceResult]:
    """Run ``rules`` (already sorted by ``order``) against ``graph``."""
    results = []
    for rule in rules:
        where = Location(rule.construct.file or manifest_path)
        what = f"inference rule `{rule.name}`"
        if rule.when and not bool(
            run_query(
                graph, rule.when, what + " (when)", Location(manifest_path), "ASK"
            )
        ):
            log.info("%s skipped: its `when` is false", what)
            results.append(InferenceResult(rule.name, 0, skipped=True))
            continue
        triples = run_query(graph, rule.construct.read(), what, where, "CONSTRUCT")
        added = graph.add(triples)
        log.info("%s added %d triples", what, added)
        results.append(InferenceResult(rule.name, added))
    return results
