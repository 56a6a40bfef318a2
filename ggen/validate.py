"""Stage 3: check the graph with SHACL shapes and ASK rules.

Violations are data (a :class:`ValidationReport`), never an exception: the
pipeline decides to stop when the report holds an Error-severity violation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ggen.errors import Location, OntologyError
from ggen.graph import Graph, run_query
from ggen.manifest import AskRule

log = logging.getLogger(__name__)

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result or true ASK rule."""

    severity: str
    focus: str
    path: str
    value: str
    message: str
    source: str
    where: str | None = None


@dataclass
class ValidationReport:
    """Every violation found, plus warnings about the shapes themselves."""

    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    shapes_checked: int = 0
    prefixes: dict[str, str] = field(default_factory=dict)

    def compact(self, iri: str) -> str:
        """``iri`` as ``prefix:local`` when a declared prefix covers it."""
        best = max(
            (p for p in self.prefixes.items() if iri.startswith(p[1])),
            key=lambda p: len(p[1]),
            default=None,
        )
        if best is None or not iri[len(best[1]) :].replace("_", "a").isalnum():
            return iri
        return f"{best[0]}:{iri[len(best[1]) :]}"

    @property
    def errors(self) -> list[Violation]:
        """The violations that stop the run."""
        return [v for v in self.violations if v.severity == "Error"]


def validate(
    graph: Graph, shapes: list[Path], ask_rules: list[AskRule], manifest_path: Path
) -> ValidationReport:
    """Run every shapes file, then every ASK rule."""
    report = ValidationReport(prefixes=dict(graph.prefixes))
    if shapes:
        _run_shacl(graph, shapes, report)
    for rule in ask_rules:
        result = run_query(
            graph,
            rule.ask,
            f"validation rule `{rule.name}`",
            Location(manifest_path),
            "ASK",
        )
        if bool(result):
            report.violations.append(
                Violation(
                    rule.severity,
                    "",
                    "",
                    "",
                    rule.description or f"ASK rule `{rule.name}` is true",
                    f"rule:{rule.name}",
                )
            )
    report.violations.sort(
        key=lambda v: (
            v.severity != "Error",
            v.source,
            v.focus,
            v.path,
            v.value,
            v.message,
        )
    )
    return report


def _run_shacl(graph: Graph, shapes: list[Path], report: ValidationReport) -> None:
    """SPARQL on the store where ggen.shacl_fast covers the shapes, else pyshacl."""
    from ggen import shacl_fast

    rest = [p for p in sorted(shapes) if not shacl_fast.run(graph, p, report)]
    if rest:
        _run_pyshacl(graph, rest, report)


def _run_pyshacl(graph: Graph, shapes: list[Path], report: ValidationReport) -> None:
    import pyshacl
    import rdflib

    data = to_rdflib(graph)
    for shapes_path in sorted(shapes):
        shapes_graph = rdflib.Graph()
        try:
            shapes_graph.parse(shapes_path, format=_rdflib_format(shapes_path))
        except Exception as exc:  # rdflib raises many types on bad input
            raise OntologyError(
                f"cannot read shapes file: {exc}",
                Location(shapes_path),
                hint="fix the shapes file's syntax",
            ) from None
        report.shapes_checked += 1
        if not _targets_anything(shapes_graph, data):
            report.warnings.append(
                f"{shapes_path}: no shape targets any node in the graph, "
                "so it validates nothing"
            )
        _conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
        for violation in _violations(results, graph, shapes_path):
            report.violations.append(violation)


def to_rdflib(graph: Graph) -> Any:
    """The store's triples as an rdflib Graph (for pyshacl)."""
    import pyoxigraph as ox
    import rdflib

    data = graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    out = rdflib.Graph()
    out.parse(data=data, format="nt")
    return out


def _rdflib_format(path: Path) -> str:
    return {
        ".ttl": "turtle",
        ".nt": "nt",
        ".n3": "n3",
        ".rdf": "xml",
        ".owl": "xml",
        ".jsonld": "json-ld",
        ".trig": "trig",
        ".nq": "nquads",
    }.get(path.suffix.lower(), "turtle")


def _targets_anything(shapes: Any, data: Any) -> bool:
    from rdflib import RDF, RDFS, URIRef

    sh = {
        name: URIRef(SH + name)
        for name in (
            "targetClass",
            "targetNode",
            "targetSubjectsOf",
            "targetObjectsOf",
            "NodeShape",
        )
    }
    for _shape, _p, cls in shapes.triples((None, sh["targetClass"], None)):
        if any(True for _ in data.subjects(RDF.type, cls)):
            return True
        for sub in data.subjects(RDFS.subClassOf, cls):
            if any(True for _ in data.subjects(RDF.type, sub)):
                return True
    for _shape, _p, node in shapes.triples((None, sh["targetNode"], None)):
        if (node, None, None) in data or (None, None, node) in data:
            return True
    for _shape, _p, pred in shapes.triples((None, sh["targetSubjectsOf"], None)):
        if (None, pred, None) in data:
            return True
    for _shape, _p, pred in shapes.triples((None, sh["targetObjectsOf"], None)):
        if (None, pred, None) in data:
            return True
    # Implicit class targets: a NodeShape that is also an rdfs:Class.
    for shape in shapes.subjects(RDF.type, sh["NodeShape"]):
        if (shape, RDF.type, RDFS.Class) in shapes and any(
            True for _ in data.subjects(RDF.type, shape)
        ):
            return True
    return False


def _violations(results: Any, graph: Graph, shapes_path: Path) -> list[Violation]:
    from rdflib import RDF, BNode, URIRef

    out = []
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):

        def one(name: str, node: Any = result) -> Any:
            return results.value(node, URIRef(SH + name))

        severity = str(one("resultSeverity") or SH + "Violation")
        focus = one("focusNode")
        focus_text = "[]" if isinstance(focus, BNode) else str(focus or "")
        where = graph.locate(str(focus)) if isinstance(focus, URIRef) else None
        value = one("value")
        out.append(
            Violation(
                severity="Error" if severity.endswith("Violation") else "Warning",
                focus=focus_text,
                path=_path_text(one("resultPath")),
                value="" if value is None or isinstance(value, BNode) else str(value),
                message=str(one("resultMessage") or "constraint violated"),
                source=str(shapes_path),
                where=f"{where[0]}:{where[1]}" if where else None,
            )
        )
    return out


def _path_text(path: Any) -> str:
    from rdflib import BNode

    if path is None or isinstance(path, BNode):
        return "" if path is None else "(complex path)"
    return str(path)
