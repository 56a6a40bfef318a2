"""Stage 1: load the ontology files into one graph, and query it.

The engine is Oxigraph (pyoxigraph), the store the Rust ggen uses: it parses and
answers SPARQL an order of magnitude faster than rdflib (see the README's
performance section). rdflib is used only where a library needs it (pyshacl).

Every file is loaded into the default graph, whatever its format: named graphs
of TriG and N-Quads files are merged, since generation queries one graph.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ggen.errors import Location, OntologyError, SparqlError

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger(__name__)

FORMATS = {
    ".ttl": "TURTLE",
    ".turtle": "TURTLE",
    ".nt": "N_TRIPLES",
    ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".nquads": "N_QUADS",
    ".trig": "TRIG",
    ".n3": "N3",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
}
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_TEXT_FORMATS = {"TURTLE", "N_TRIPLES", "N_QUADS", "TRIG", "N3"}
_QUAD_FORMATS = {"N_QUADS", "TRIG"}


@dataclass
class SourceFile:
    """One loaded file: its path, its text when it is a text format, its size."""

    path: Path
    triples: int
    text: str | None = None
    decimals: list[str] = field(default_factory=list)


@dataclass
class Graph:
    """The project graph: an Oxigraph store plus where its triples came from."""

    store: pyoxigraph.Store
    files: list[SourceFile] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    allow_service: bool = False
    decimals: dict[str, str] = field(default_factory=dict)
    _positions: dict[str, tuple[Path, int]] | None = None

    def __len__(self) -> int:
        return len(self.store)

    def add(self, triples: Iterable[Any]) -> int:
        """Add triples (from a CONSTRUCT) to the default graph; return the count."""
        import pyoxigraph as ox

        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        before = len(self.store)
        self.store.extend(quads)
        return len(self.store) - before

    def locate(self, iri: str) -> tuple[Path, int] | None:
        """The file and line where a subject is first described, if known."""
        if self._positions is None:
            self._positions = _subject_positions(self.files)
        return self._positions.get(iri)


def load_graph(
    source: Path,
    imports: list[Path],
    base_iri: str | None = None,
    prefixes: dict[str, str] | None = None,
) -> Graph:
    """Parse the source and its imports into one store.

    Files load in sorted order of path after the source, so the store does not
    depend on the order imports are listed in; the graph is a set either way.
    """
    import pyoxigraph as ox

    graph = Graph(store=ox.Store(), prefixes=dict(prefixes or {}))
    paths = [source, *sorted(set(imports) - {source}, key=str)]
    for path in paths:
        graph.files.append(_load_file(graph.store, path, base_iri))
    graph.decimals = written_decimals(graph.files)
    return graph


def written_decimals(files: list[SourceFile]) -> dict[str, str]:
    """Canonical form -> written form of the xsd:decimal literals in ``files``.

    Oxigraph stores a decimal as a number, so ``1.50`` comes back as ``1.5``;
    this map lets rows show the value as the ontology wrote it. A value
    written two ways (``1.50`` and ``1.500``) keeps its canonical form.
    """
    import pyoxigraph as ox

    written = sorted({d for f in files for d in f.decimals})
    if not written:
        return {}
    store = ox.Store()
    subject, dt = ox.NamedNode("urn:ggen:decimal"), ox.NamedNode(XSD_DECIMAL)
    store.extend(
        ox.Quad(subject, ox.NamedNode(f"urn:ggen:{i}"), ox.Literal(v, datatype=dt))
        for i, v in enumerate(written)
    )
    forms: dict[str, set[str]] = {}
    for quad in store:
        index = int(quad.predicate.value.rsplit(":", 1)[1])
        forms.setdefault(quad.object.value, set()).add(written[index])
    return {
        canonical: next(iter(ways))
        for canonical, ways in forms.items()
        if len(ways) == 1 and next(iter(ways)) != canonical
    }


def _load_file(store: pyoxigraph.Store, path: Path, base_iri: str | None) -> SourceFile:
    import pyoxigraph as ox

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OntologyError(
            f"cannot tell the RDF format of {path.name} from its extension",
            Location(path),
            hint="use .ttl, .nt, .nq, .trig, .n3, .rdf/.owl or .jsonld",
        )
    data = path.read_bytes()
    text = _decode(path, data) if fmt in _TEXT_FORMATS else None
    if not data.strip():
        # The pipeline warns about files that add no triples; say it once.
        log.debug("%s is empty: it adds no triples", path)
        return SourceFile(path, 0, text)
    base = base_iri or path.resolve().as_uri()
    if fmt not in _QUAD_FORMATS and not _MAY_HOLD_DECIMALS.search(data):
        return _load_direct(store, path, fmt, data, base, text)
    try:
        quads = list(ox.parse(data, format=getattr(ox.RdfFormat, fmt), base_iri=base))
    except SyntaxError as exc:
        raise _syntax_error(path, text, exc) from None
    before = len(store)
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    added = len(store) - before
    log.debug("loaded %s: %d triples", path, len(quads))
    decimals = [
        q.object.value
        for q in quads
        if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD_DECIMAL
    ]
    return SourceFile(path, max(added, 0) if quads else 0, text, decimals)


# Oxigraph rewrites decimals canonically; their lexical forms come from the
# parser. Without any, the file is parsed in Rust straight into the store, 3x
# faster than a Python list of quads at 100,000 triples.
_MAY_HOLD_DECIMALS = re.compile(rb"\.[0-9]|decimal")


def _load_direct(
    store: pyoxigraph.Store,
    path: Path,
    fmt: str,
    data: bytes,
    base: str,
    text: str | None,
) -> SourceFile:
    import pyoxigraph as ox

    before = len(store)
    try:
        store.load(
            data,
            format=getattr(ox.RdfFormat, fmt),
            base_iri=base,
            to_graph=ox.DefaultGraph(),
        )
    except SyntaxError as exc:
        raise _syntax_error(path, text, exc) from None
    added = len(store) - before
    log.debug("loaded %s: %d triples", path, added)
    return SourceFile(path, added, text, [])


def _decode(path: Path, data: bytes) -> str:
    from ggen.manifest import decode_utf8

    return decode_utf8(
        path,
        data,
        OntologyError,
        "RDF text formats must be UTF-8: re-save the file as UTF-8",
    )


def _syntax_error(path: Path, text: str | None, exc: SyntaxError) -> OntologyError:
    message = str(exc.msg if exc.msg else exc)
    message = re.sub(
        r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ",
        "",
        message,
    )
    line, col = exc.lineno, exc.offset
    excerpt = None
    if text is not None and line is not None:
        lines = text.splitlines()
        if line > len(lines) and lines:  # the parser ran off the end
            line, col = len(lines), len(lines[-1]) + 1
        if 0 < line <= len(lines):
            excerpt = lines[line - 1].rstrip()
            if col is not None and col > 0:
                excerpt += "\n    " + " " * (col - 1) + "^"
    hint = "fix the syntax at that position"
    if "unexpected end" in message.lower():
        hint = (
            "the file ends in the middle of a statement: the last one may "
            "be missing its final dot"
        )
    elif "dot" in message.lower():
        hint = (
            "a statement ends with ` .`: the one before this position may "
            "be missing its final dot"
        )
    if "prefix" in message.lower() and "declared" in message.lower():
        hint = "declare the prefix with @prefix at the top of the file"
    return OntologyError(
        f"syntax error: {message}",
        Location(path, line, col),
        hint=hint,
        excerpt=excerpt,
    )


# --- SPARQL -----------------------------------------------------------------

_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_SERVICE = re.compile(r"(?i)\bSERVICE\b")
_STRIP = re.compile(r'#[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>')


def without_strings_and_comments(query: str) -> str:
    """``query`` with comments, string literals and IRIs blanked out, so a
    keyword search cannot be fooled by text inside them."""
    return _STRIP.sub(" ", query)


def with_prefixes(query: str, prefixes: dict[str, str]) -> tuple[str, int]:
    """Prepend the manifest's prefixes that ``query`` does not declare itself.

    All go on one line, so a position the engine reports moves by one line at
    most; the second value is that offset.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(query)}
    missing = [
        f"PREFIX {p}: <{iri}>"
        for p, iri in sorted(prefixes.items())
        if p not in declared
    ]
    if not missing:
        return query, 0
    return " ".join(missing) + "\n" + query, 1


def query_kind(query: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first query keyword."""
    body = _STRIP.sub(" ", query)
    body = re.sub(r"(?is)\b(PREFIX\s+[\w.-]*:\s*|BASE\s+)", " ", body)
    match = re.search(r"(?i)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body)
    return match.group(1).upper() if match else "UNKNOWN"


def run_query(graph: Graph, query: str, what: str, where: Location, expect: str) -> Any:
    """Run ``query`` (of kind ``expect``) and return Oxigraph's result.

    ``what`` names the rule for messages; ``where`` is the query's file (its
    line is the line the query text starts on in that file, 1 for a file).
    """
    kind = query_kind(query)
    if kind == "UNKNOWN":
        # No query keyword at all: let the parser say where it gives up.
        _parse_or_raise(graph, query, what, where)
    if kind != expect:
        raise SparqlError(
            f"{what}: expected a {expect} query, found {kind}",
            where,
            hint=f"write the query as {expect} ...",
        )
    if _SERVICE.search(_STRIP.sub(" ", query)) and not graph.allow_service:
        raise SparqlError(
            f"{what}: SERVICE clauses are refused (ggen makes no network calls)",
            where,
            hint="set `allow_service = true` under [generation] to allow them",
        )
    text, offset = with_prefixes(query, graph.prefixes)
    try:
        return graph.store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise _sparql_error(
            what, where, str(exc), offset, query, graph.prefixes
        ) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise SparqlError(f"{what}: query failed: {exc}", where) from None


def _parse_or_raise(graph: Graph, query: str, what: str, where: Location) -> None:
    import pyoxigraph as ox

    text, offset = with_prefixes(query, graph.prefixes)
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        raise _sparql_error(
            what, where, str(exc), offset, query, graph.prefixes
        ) from None


_PREFIXED = re.compile(r"(?<![\w?$:<])([A-Za-z][\w.-]*)?:(?=[A-Za-z_\d])")


def undeclared_prefixes(query: str, known: dict[str, str]) -> list[str]:
    """Prefixes a query uses but neither it nor the manifest declares."""
    body = _STRIP.sub(" ", query)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(body)}
    used = {m.group(1) or "" for m in _PREFIXED.finditer(body)}
    return sorted(used - declared - set(known) - {"_"})


def _sparql_error(
    what: str,
    where: Location,
    message: str,
    offset: int,
    query: str,
    prefixes: dict[str, str],
) -> SparqlError:
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    line = col = None
    if match:
        line, col = int(match.group(1)) - offset, int(match.group(2))
        message = match.group(3)
    excerpt = None
    lines = query.splitlines()
    if line is not None and line > len(lines) and lines:  # ran off the end
        line, col = len(lines), len(lines[-1]) + 1
    if line is not None and 0 < line <= len(lines):
        excerpt = lines[line - 1].rstrip()
        if col is not None and col > 0:
            excerpt += "\n    " + " " * (col - 1) + "^"
        line += (where.line or 1) - 1
    message = " ".join(message.split())
    if len(message) > 160:  # the parser lists every character class it allows
        message = message[:150].rstrip(" ,[|") + " …"
    hint = "fix the query at that position"
    missing = undeclared_prefixes(query, prefixes)
    if missing:
        names = ", ".join(f"`{p}:`" for p in missing)
        hint = (
            f"the prefix {names} is not declared: add `PREFIX {missing[0]}: "
            "<...>` to the query, or declare it under [ontology.prefixes]"
        )
    return SparqlError(
        f"{what}: SPARQL syntax error: {message.strip()}",
        Location(where.path, line, col),
        hint=hint,
        excerpt=excerpt,
    )


# --- where subjects are defined ----------------------------------------------

_PREFIX_LINE = re.compile(r"@?prefix\s+([\w.-]*):\s*<([^>]*)>", re.I)
_SUBJECT = re.compile(r"^\s*(<[^>\s]+>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]+)")


def _subject_positions(files: list[SourceFile]) -> dict[str, tuple[Path, int]]:
    """Map subject IRIs to the first line that starts a statement about them.

    A cheap scan of Turtle-like text, good enough to point a reader at the
    right place; it does not re-parse the file.
    """
    found: dict[str, tuple[Path, int]] = {}
    for src in files:
        if src.text is None:
            continue
        prefixes: dict[str, str] = {}
        for number, line in enumerate(src.text.splitlines(), 1):
            decl = _PREFIX_LINE.match(line.strip())
            if decl:
                prefixes[decl.group(1)] = decl.group(2)
                continue
            match = _SUBJECT.match(line)
            if not match:
                continue
            iri = _expand(match.group(1), prefixes)
            if iri is not None and iri not in found:
                found[iri] = (src.path, number)
    return found


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    base = prefixes.get(prefix)
    return base + local if base is not None else None
