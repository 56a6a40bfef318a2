"""SHACL Core's common constraints as SPARQL on the Oxigraph store.

pyshacl needs an rdflib copy of the graph and walks it in Python: at 10,000
backends that is seconds. Most shapes files use a small part of SHACL Core, and
that part maps onto a few SPARQL queries per shape: one counts values per focus
node (sh:minCount, sh:maxCount), one lists the (focus, value) pairs that *may*
break a value constraint. The SPARQL filter of the second is only a sound
pre-filter: every pair it returns is checked again here in Python with
pyshacl's own rules, so the results (focus, path, value, severity, message)
are those pyshacl reports.

Covered: node and property shapes; sh:targetClass (with rdfs:subClassOf*),
sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf; sh:property with a
predicate path; sh:minCount, sh:maxCount, sh:datatype, sh:class, sh:in,
sh:pattern (with sh:flags), sh:nodeKind, sh:min/maxInclusive,
sh:min/maxExclusive, sh:min/maxLength; sh:severity, sh:message. A shapes file
that uses anything else (or uses one of these in a way pyshacl rejects) gets
``None`` from :func:`load_shapes`, and the caller runs pyshacl instead.

Known limitations: a default message that would show a blank node (a blank
focus node under sh:minCount, say) needs pyshacl's rendering of that node from
the data graph, so such a result makes :func:`check` return None too. pyshacl
lists the members of sh:in in its default message in set order, which changes
from one process to the next; this module lists them in the list's order.
A focus node reached through two node shapes that share one property shape
is reported once here, twice by pyshacl. Oxigraph reads ``"a"^^xsd:string``
and ``"a"`` as one term where rdflib keeps them apart, so a member of sh:in
written with an explicit ``^^xsd:string`` matches the plain string here and
not under pyshacl.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ggen.validate import ValidationReport, Violation

if TYPE_CHECKING:
    import pyoxigraph

    from ggen.graph import Graph

log = logging.getLogger(__name__)

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

Locate = Callable[[str], "tuple[Path, int] | None"]
Index = dict[Any, dict[str, list[Any]]]

_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
_VALUE_PARAMS = (
    "datatype",
    "class",
    "in",
    "pattern",
    "nodeKind",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
)
_ALLOWED = {
    *_TARGETS,
    *_VALUE_PARAMS,
    "property",
    "path",
    "minCount",
    "maxCount",
    "flags",
    "severity",
    "message",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
}
# SHACL terms that may appear outside a shape (list cells are rdf:, not sh:).
_FREE = {"PropertyGroup"}
_NODE_KINDS = {
    "IRI": "isIRI(?v)",
    "BlankNode": "isBlank(?v)",
    "Literal": "isLiteral(?v)",
    "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))",
    "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}
_RANGES = {
    "minInclusive": (">=", "Value is not >= {}"),
    "maxInclusive": ("<=", "Value is not <= {}"),
    "minExclusive": (">", "Value is not > {}"),
    "maxExclusive": ("<", "Value is not < {}"),
}
_EXACT_NUMBERS = {XSD + "integer", XSD + "decimal"}
# Lexical forms rdflib surely reads as a value of the datatype; others are
# checked with rdflib itself.
_WELL_FORMED = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
}
# A pattern made of these characters means the same to Oxigraph's regex
# engine and Python's, so Oxigraph may pre-filter with it.
_PORTABLE_PATTERN = re.compile(
    r"(?:[A-Za-z0-9 ^$.*+?()\[\]{}|_:/,@#=%<>'-]|\\[.+*?/-])*"
)
_EXPLICIT_STRING = re.compile(rb"\^\^\s*\S*string\b")


class Unsupported(Exception):
    """The shapes use something this module does not evaluate."""


@dataclass
class Shape:
    """One node or property shape, reduced to what this module evaluates."""

    node: Any
    path: str | None
    targets: list[tuple[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = SH + "Violation"
    message: str | None = None
    parents: list[Shape] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None


@dataclass
class Shapes:
    """A parsed shapes file the fast path can evaluate."""

    path: Path
    shapes: list[Shape]


def validate_fast(
    store: pyoxigraph.Store, shapes_path: Path, locate: Locate | None = None
) -> list[Violation] | None:
    """pyshacl's results for ``shapes_path`` on ``store``, or None if unsupported."""
    shapes = load_shapes(shapes_path)
    if shapes is None:
        return None
    return check(store, shapes, locate)


def load_shapes(path: Path) -> Shapes | None:
    """Parse and vet a shapes file; None when it needs pyshacl."""
    import pyoxigraph as ox

    from ggen.graph import FORMATS

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return None
    data = path.read_bytes()
    if _EXPLICIT_STRING.search(data):  # rdflib keeps ^^xsd:string, Oxigraph drops it
        return None
    try:
        triples = list(
            ox.parse(
                data,
                format=getattr(ox.RdfFormat, fmt),
                base_iri=path.resolve().as_uri(),
            )
        )
        return Shapes(path, _read_shapes(triples))
    except (SyntaxError, ValueError):  # pyshacl's path reports the syntax error
        return None
    except Unsupported as exc:
        log.debug("%s: SHACL fast path not used: %s", path, exc)
        return None


# --- reading the shapes graph ---------------------------------------------------


def _read_shapes(triples: list[Any]) -> list[Shape]:
    import pyoxigraph as ox

    index: Index = {}
    for t in triples:
        by_pred = index.setdefault(t.subject, {})
        by_pred.setdefault(t.predicate.value, []).append(t.object)
    nodes = _shape_nodes(index, triples)
    shapes = {node: _read_shape(node, index) for node in nodes}
    for node, shape in shapes.items():
        for prop in index[node].get(SH + "property", []):
            child = shapes.get(prop)
            if child is None or child.path is None or shape.path is not None:
                raise Unsupported("sh:property must link a node shape to a path")
            if index[prop].get(SH + "property"):
                raise Unsupported("nested property shapes")
            child.parents.append(shape)
    for shape in shapes.values():
        _check_params(shape)
    order = sorted(shapes.values(), key=lambda s: str(s.node))
    del ox
    return order


def _shape_nodes(index: Index, triples: list[Any]) -> set[Any]:
    nodes: set[Any] = set()
    for t in triples:
        pred, obj = t.predicate.value, t.object
        if pred == RDF + "type" and getattr(obj, "value", "").startswith(SH):
            kind = obj.value[len(SH) :]
            if kind not in ("NodeShape", "PropertyShape"):
                raise Unsupported(f"rdf:type sh:{kind}")
            nodes.add(t.subject)
        elif pred.startswith(SH):
            name = pred[len(SH) :]
            if name not in _ALLOWED and name not in _FREE:
                raise Unsupported(f"sh:{name}")
            if name == "property":
                nodes.add(obj)
                if obj not in index:
                    raise Unsupported("a property shape with no description")
            if name in _TARGETS or name == "path":
                nodes.add(t.subject)
    for node in nodes:
        types = {o.value for o in index.get(node, {}).get(RDF + "type", [])}
        if types & {RDFS + "Class", OWL + "Class"}:
            raise Unsupported("implicit class targets")
    return nodes


def _one(values: dict[str, list[Any]], name: str) -> Any:
    found = values.get(SH + name, [])
    if len(found) > 1:
        raise Unsupported(f"more than one sh:{name} on a shape")
    return found[0] if found else None


def _read_shape(node: Any, index: Index) -> Shape:
    import pyoxigraph as ox

    values = index.get(node, {})
    for pred in values:
        if pred.startswith(SH) and pred[len(SH) :] not in _ALLOWED:
            raise Unsupported(pred)
    path = _one(values, "path")
    if path is not None and not isinstance(path, ox.NamedNode):
        raise Unsupported("a path other than a single predicate")
    shape = Shape(node, path.value if path is not None else None)
    for name in _TARGETS:
        for target in values.get(SH + name, []):
            if isinstance(target, ox.BlankNode) or (
                name != "targetNode" and not isinstance(target, ox.NamedNode)
            ):
                raise Unsupported(f"sh:{name} with a blank node or literal")
            shape.targets.append((name, target))
    for name in (*_VALUE_PARAMS, "minCount", "maxCount", "flags"):
        value = _one(values, name)
        if value is not None:
            shape.params[name] = value
    severity = _one(values, "severity")
    if severity is not None:
        if not isinstance(severity, ox.NamedNode):
            raise Unsupported("sh:severity that is not an IRI")
        shape.severity = severity.value
    message = _one(values, "message")
    if message is not None:
        if not isinstance(message, ox.Literal):
            raise Unsupported("sh:message that is not a literal")
        shape.message = message.value
    if "in" in shape.params:
        shape.params["in"] = _read_list(shape.params["in"], index)
    return shape


def _read_list(head: Any, index: Index) -> list[Any]:
    import pyoxigraph as ox

    items: list[Any] = []
    seen: set[Any] = set()
    while not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        cell = index.get(head, {})
        first, rest = cell.get(RDF + "first", []), cell.get(RDF + "rest", [])
        if head in seen or len(first) != 1 or len(rest) != 1:
            raise Unsupported("sh:in that is not a well-formed list")
        seen.add(head)
        item = first[0]
        if isinstance(item, ox.BlankNode) or (
            isinstance(item, ox.Literal) and item.language
        ):
            raise Unsupported("sh:in with blank nodes or language tags")
        items.append(item)
        head = rest[0]
    return items


def _check_params(shape: Shape) -> None:
    """Refuse what pyshacl refuses or reads differently from SPARQL."""
    import pyoxigraph as ox

    params = shape.params
    for name in ("minCount", "maxCount", "minLength", "maxLength"):
        value = params.get(name)
        if value is None:
            continue
        if not _is_integer(value) or int(value.value) < 0:
            raise Unsupported(f"sh:{name} that is not a non-negative integer")
        if name in ("minCount", "maxCount") and shape.path is None:
            raise Unsupported(f"sh:{name} on a node shape")
    datatype = params.get("datatype")
    if datatype is not None and (
        not isinstance(datatype, ox.NamedNode) or datatype.value == RDFS + "Datatype"
    ):
        raise Unsupported("this sh:datatype")
    cls = params.get("class")
    if cls is not None and not isinstance(cls, ox.NamedNode):
        raise Unsupported("sh:class that is not an IRI")
    kind = params.get("nodeKind")
    if kind is not None and kind.value[len(SH) :] not in _NODE_KINDS:
        raise Unsupported("unknown sh:nodeKind")
    for name in _RANGES:
        bound = params.get(name)
        if bound is not None and not (
            isinstance(bound, ox.Literal) and bound.datatype.value in _EXACT_NUMBERS
        ):
            raise Unsupported(f"sh:{name} that is not an integer or decimal")
    _compile_pattern(shape)


def _is_integer(term: Any) -> bool:
    import pyoxigraph as ox

    return (
        isinstance(term, ox.Literal)
        and term.datatype.value == XSD + "integer"
        and re.fullmatch(r"[+-]?[0-9]+", term.value) is not None
    )


def _compile_pattern(shape: Shape) -> None:
    import pyoxigraph as ox

    pattern, flags = shape.params.get("pattern"), shape.params.get("flags")
    if pattern is None:
        return
    if not isinstance(pattern, ox.Literal) or (
        flags is not None and not isinstance(flags, ox.Literal)
    ):
        raise Unsupported("sh:pattern or sh:flags that is not a literal")
    options = 0
    text = (flags.value if flags is not None else "").lower()
    if "i" in text:
        options |= re.IGNORECASE
    if "m" in text:
        options |= re.MULTILINE
    try:
        shape.pattern = re.compile(pattern.value, options)
    except re.error as exc:
        raise Unsupported(f"sh:pattern Python cannot compile: {exc}") from None


# --- evaluating ----------------------------------------------------------------


def check(
    store: pyoxigraph.Store, shapes: Shapes, locate: Locate | None = None
) -> list[Violation] | None:
    """Evaluate ``shapes`` on ``store``; None if a result needs pyshacl to word it."""
    messages = _Messages(shapes.path)
    out: list[Violation] = []
    try:
        for shape in shapes.shapes:
            focus = _focus_pattern(shape)
            if focus is None:
                continue
            for focus_node, value, kind in _shape_results(store, shape, focus):
                out.append(
                    _violation(shape, focus_node, value, kind, messages, shapes, locate)
                )
    except Unsupported as exc:
        log.debug("%s: SHACL fast path not used: %s", shapes.path, exc)
        return None
    return out


def targets_anything(store: pyoxigraph.Store, shapes: Shapes) -> bool:
    """True when a target of ``shapes`` names something in the store.

    The same test as ggen.validate's for pyshacl, so the warning is the same
    whichever path runs: a target node counts when it occurs in the data.
    """
    for shape in shapes.shapes:
        for name, term in shape.targets:
            if bool(
                store.query(_target_ask(name, term), use_default_graph_as_union=True)
            ):
                return True
    return False


def _target_ask(name: str, term: Any) -> str:
    if name == "targetClass":
        return (
            f"ASK {{ {{ ?x <{RDF}type> {term} }} UNION "
            f"{{ ?sub <{RDFS}subClassOf> {term} . ?x <{RDF}type> ?sub }} }}"
        )
    if name == "targetNode":
        return f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}"
    return f"ASK {{ ?s {term} ?o }}"


def _focus_pattern(shape: Shape) -> str | None:
    """A group pattern binding ``?f`` to the shape's focus nodes (distinct)."""
    parts = [_target_pattern(name, term) for name, term in shape.targets]
    for parent in shape.parents:
        parts.extend(_target_pattern(name, term) for name, term in parent.targets)
    if not parts:
        return None
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?f WHERE {{ {union} }} }}"


def _target_pattern(name: str, term: Any) -> str:
    if name == "targetClass":
        return f"?f <{RDF}type>/<{RDFS}subClassOf>* {term} ."
    if name == "targetNode":
        return f"VALUES ?f {{ {term} }}"
    if name == "targetSubjectsOf":
        return f"?f {term} ?any ."
    return f"?any {term} ?f ."


def _shape_results(
    store: pyoxigraph.Store, shape: Shape, focus: str
) -> Iterator[tuple[Any, Any, str]]:
    """(focus node, value node or None, constraint name) for each result."""
    if "minCount" in shape.params or "maxCount" in shape.params:
        yield from _count_results(store, shape, focus)
    if any(name in shape.params for name in _VALUE_PARAMS):
        yield from _value_results(store, shape, focus)


def _count_results(
    store: pyoxigraph.Store, shape: Shape, focus: str
) -> Iterator[tuple[Any, Any, str]]:
    low = _int(shape.params.get("minCount"), 0)
    high = _int(shape.params.get("maxCount"), -1)
    tests = [f"?n < {low}"] if low > 0 else []
    if high >= 0:
        tests.append(f"?n > {high}")
    if not tests:
        return
    query = (
        f"SELECT ?f ?n WHERE {{ {{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE "
        f"{{ {focus} OPTIONAL {{ ?f <{shape.path}> ?v }} }} GROUP BY ?f }} "
        f"FILTER({' || '.join(tests)}) }}"
    )
    for row in _select(store, query):
        count = int(row["n"].value)
        if count < low:
            yield row["f"], None, "minCount"
        if 0 <= high < count:
            yield row["f"], None, "maxCount"


def _select(store: pyoxigraph.Store, query: str) -> Iterator[Any]:
    """The solutions of a SELECT, with the default graph as the union."""
    solutions: Any = store.query(query, use_default_graph_as_union=True)
    yield from solutions


def _int(term: Any, default: int) -> int:
    return int(term.value) if term is not None else default


def _value_results(
    store: pyoxigraph.Store, shape: Shape, focus: str
) -> Iterator[tuple[Any, Any, str]]:
    params = shape.params
    values = f"?f <{shape.path}> ?v ." if shape.path else "BIND(?f AS ?v)"
    cls = params.get("class")
    has_class = (
        f"BIND(EXISTS {{ ?v <{RDF}type>/<{RDFS}subClassOf>* {cls} }} AS ?c)"
        if cls is not None
        else ""
    )
    passes = [
        _sparql_pass(name, params[name], shape)
        for name in _VALUE_PARAMS
        if name in params
    ]
    query = (
        f"SELECT ?f ?v ?c WHERE {{ {focus} {values} {has_class} "
        f"FILTER(!({' && '.join(f'COALESCE({p}, false)' for p in passes)})) }}"
    )
    for row in _select(store, query):
        value = row["v"]
        for name in _VALUE_PARAMS:
            if name in params and not _passes(name, value, shape, row["c"]):
                yield row["f"], value, name


def _sparql_pass(name: str, param: Any, shape: Shape) -> str:
    """A SPARQL condition on ``?v`` that holds only if the constraint passes."""
    if name == "class":
        return "?c"
    if name == "nodeKind":
        return _NODE_KINDS[param.value[len(SH) :]]
    if name == "in":
        # sameTerm agrees with pyshacl for IRIs and strings; a typed literal
        # ("05"^^xsd:integer equals 5 once rdflib normalizes it) is left to
        # _same_term, which sees every value SPARQL does not clear.
        exact = [str(item) for item in param if _is_iri(item) or _is_string(item)]
        if not exact:
            return "false"
        return f"({' || '.join(f'sameTerm(?v, {item})' for item in exact)})"
    if name == "datatype":
        return _sparql_datatype(param.value)
    if name == "pattern":
        portable = _PORTABLE_PATTERN.fullmatch(param.value) is not None
        if "flags" in shape.params or not portable or "--" in param.value:
            return "false"
        return (
            f"((isIRI(?v) || isLiteral(?v)) && REGEX(STR(?v), {_string(param.value)}))"
        )
    if name in _RANGES:
        op = _RANGES[name][0]
        kinds = ", ".join(f"<{t}>" for t in sorted(_EXACT_NUMBERS))
        return f"(isLiteral(?v) && DATATYPE(?v) IN ({kinds}) && ?v {op} {param})"
    op = ">=" if name == "minLength" else "<="
    return f"((isIRI(?v) || isLiteral(?v)) && STRLEN(STR(?v)) {op} {param.value})"


def _sparql_datatype(iri: str) -> str:
    if iri == RDFS + "Literal":
        return "isLiteral(?v)"
    if iri == XSD + "string":
        return f"(isLiteral(?v) && DATATYPE(?v) = <{iri}>)"
    if iri == RDF + "langString":
        return '(isLiteral(?v) && LANG(?v) != "")'
    well_formed = _WELL_FORMED.get(iri)
    if well_formed is None:
        return "false"
    return (
        f"(isLiteral(?v) && DATATYPE(?v) = <{iri}> && "
        f"REGEX(STR(?v), {_string(f'^({well_formed.pattern})$')}))"
    )


def _string(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'.replace("\n", "\\n").replace("\r", "\\r")


def _is_iri(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def _is_string(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.Literal) and term.datatype.value == XSD + "string"


# --- pyshacl's rules for one value ------------------------------------------------


def _passes(name: str, value: Any, shape: Shape, has_class: Any) -> bool:
    """Whether ``value`` meets constraint ``name``, by pyshacl's rules."""
    import pyoxigraph as ox

    param = shape.params[name]
    if name == "class":
        return has_class is not None and has_class.value == "true"
    if name == "nodeKind":
        return _node_kind_ok(param.value[len(SH) :], value)
    if name == "in":
        return any(_same_term(value, item) for item in param)
    if name == "datatype":
        return _datatype_ok(param.value, value)
    if isinstance(value, ox.BlankNode):
        return False
    if name == "pattern":
        assert shape.pattern is not None
        return shape.pattern.search(value.value) is not None
    if name in ("minLength", "maxLength"):
        size = len(value.value)
        limit = int(param.value)
        return size >= limit if name == "minLength" else size <= limit
    return _range_ok(_RANGES[name][0], value, param)


def _node_kind_ok(kind: str, value: Any) -> bool:
    import pyoxigraph as ox

    names = {
        ox.NamedNode: "IRI",
        ox.BlankNode: "BlankNode",
        ox.Literal: "Literal",
    }
    return names[type(value)] in kind


def _same_term(a: Any, b: Any) -> bool:
    """rdflib's term equality: same kind, same datatype and language, and the
    same lexical form once rdflib has normalized it."""
    import pyoxigraph as ox

    if type(a) is not type(b):
        return False
    if not isinstance(a, ox.Literal):
        return bool(a == b)
    if a.datatype != b.datatype or (a.language or "") != (b.language or ""):
        return False
    if a.value == b.value:
        return True
    if a.language or a.datatype.value == XSD + "string":
        return False
    # rdflib rewrites a well-formed typed literal in its canonical form when
    # it reads it ("05"^^xsd:integer becomes "5"): ask it, rather than
    # repeat its rules per datatype. Only typed members of sh:in get here.
    import rdflib

    datatype = rdflib.URIRef(a.datatype.value)
    return bool(
        rdflib.Literal(a.value, datatype=datatype)
        == rdflib.Literal(b.value, datatype=datatype)
    )


def _datatype_ok(iri: str, value: Any) -> bool:
    import pyoxigraph as ox

    if not isinstance(value, ox.Literal):
        return False
    if iri == RDFS + "Literal":
        return True
    if value.language:
        return iri == RDF + "langString"
    if value.datatype.value != iri:
        return False
    if iri == XSD + "string":
        return True
    well_formed = _WELL_FORMED.get(iri)
    if well_formed is not None and well_formed.fullmatch(value.value):
        return True
    return _rdflib_datatype_ok(iri, value.value)


def _rdflib_datatype_ok(iri: str, lexical: str) -> bool:
    """Read the literal as rdflib does and apply pyshacl's type test."""
    import datetime
    from decimal import Decimal

    import rdflib

    literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(iri))
    if getattr(literal, "ill_typed", None) is True:
        return False
    expected: dict[str, Any] = {
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD + "boolean": bool,
        XSD + "date": datetime.date,
        XSD + "time": datetime.time,
        XSD + "dateTime": datetime.datetime,
    }
    kind = expected.get(iri)
    return kind is None or isinstance(literal.value, kind)


def _range_ok(op: str, value: Any, bound: Any) -> bool:
    import pyoxigraph as ox
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(value, ox.Literal):
        return False
    left, right = _to_rdflib(value), _to_rdflib(bound)
    if isinstance(left.value, str) or isinstance(right.value, str):
        return False  # pyshacl never orders a string against a bound
    try:
        cmp = int(compare_literal(left, right))  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        return False
    return {">=": cmp >= 0, "<=": cmp <= 0, ">": cmp > 0, "<": cmp < 0}[op]


def _to_rdflib(term: Any) -> Any:
    """The rdflib term pyshacl sees for ``term`` (after an N-Triples round trip)."""
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


# --- results ---------------------------------------------------------------------


def _violation(
    shape: Shape,
    focus: Any,
    value: Any,
    kind: str,
    messages: _Messages,
    shapes: Shapes,
    locate: Locate | None,
) -> Violation:
    import pyoxigraph as ox

    where = locate(focus.value) if locate and isinstance(focus, ox.NamedNode) else None
    message = shape.message
    if message is None:
        message = messages.default(shape, focus, value, kind)
    return Violation(
        severity="Error" if shape.severity.endswith("Violation") else "Warning",
        focus="[]" if isinstance(focus, ox.BlankNode) else focus.value,
        path=shape.path or "",
        value="" if value is None or isinstance(value, ox.BlankNode) else value.value,
        message=message,
        source=str(shapes.path),
        where=f"{where[0]}:{where[1]}" if where else None,
    )


class _Messages:
    """pyshacl's default messages, worded by pyshacl's own node printer.

    rdflib and pyshacl are imported only when a result needs a default message.
    """

    def __init__(self, shapes_path: Path) -> None:
        self.shapes_path = shapes_path
        self._graphs: tuple[Any, Any] | None = None

    def _printers(self) -> tuple[Any, Any]:
        if self._graphs is None:
            import rdflib

            from ggen.validate import _rdflib_format

            shapes = rdflib.Graph()
            shapes.parse(self.shapes_path, format=_rdflib_format(self.shapes_path))
            self._graphs = (shapes, rdflib.Graph())
        return self._graphs

    def shape_text(self, term: Any) -> str:
        """A shapes-graph term as pyshacl prints it."""
        from pyshacl.rdfutil.stringify import stringify_node

        return str(stringify_node(self._printers()[0], _to_rdflib(term)))

    def data_text(self, term: Any) -> str:
        """A data-graph term as pyshacl prints it (blank nodes need pyshacl)."""
        import pyoxigraph as ox
        from pyshacl.rdfutil.stringify import stringify_node

        if isinstance(term, ox.BlankNode):
            raise Unsupported("a default message that shows a blank node")
        return str(stringify_node(self._printers()[1], _to_rdflib(term)))

    def default(self, shape: Shape, focus: Any, value: Any, kind: str) -> str:
        """The message pyshacl gives a result of constraint ``kind``."""
        import pyoxigraph as ox

        param = shape.params[kind]
        path = ox.NamedNode(shape.path) if shape.path else None
        if kind in ("minCount", "maxCount"):
            assert path is not None
            word = "Less" if kind == "minCount" else "More"
            return (
                f"{word} than {int(param.value)} values on "
                f"{self.data_text(focus)}->{self.shape_text(path)}"
            )
        if kind == "in":
            members = [self.shape_text(item) for item in param]
            return f"Value {self.data_text(value)} not in list {members}"
        if kind == "pattern":
            return f"Value does not match pattern '{param.value}'"
        if kind in _RANGES:
            return _RANGES[kind][1].format(self.shape_text(param))
        if kind in ("minLength", "maxLength"):
            return self._length_message(kind, param)
        wording = {
            "datatype": "Value is not Literal with datatype {}",
            "class": "Value does not have class {}",
            "nodeKind": "Value is not of Node Kind {}",
        }
        return wording[kind].format(self.shape_text(param))

    def _length_message(self, kind: str, param: Any) -> str:
        op = ">=" if kind == "minLength" else "<="
        return f"String length not {op} {self.data_text(param)}"


def run(graph: Graph, shapes_path: Path, report: ValidationReport) -> bool:
    """Validate ``graph`` with one shapes file into ``report``; False if unsupported.

    ``GGEN_SHACL=pyshacl`` in the environment makes it always False, so pyshacl
    runs (the differential tests compare the two).
    """
    if os.environ.get("GGEN_SHACL", "").lower() == "pyshacl":
        return False
    shapes = load_shapes(shapes_path)
    if shapes is None:
        return False
    violations = check(graph.store, shapes, graph.locate)
    if violations is None:
        return False
    report.shapes_checked += 1
    if not targets_anything(graph.store, shapes):
        report.warnings.append(
            f"{shapes_path}: no shape targets any node in the graph, "
            "so it validates nothing"
        )
    report.violations.extend(violations)
    return True
