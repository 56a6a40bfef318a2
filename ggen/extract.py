"""Stage 4: run a SELECT and turn its solutions into rows of plain values.

IRIs become strings; ``xsd:integer`` (and its subtypes) ints; ``xsd:boolean``
bools; ``xsd:decimal`` a Decimal that prints as written; other literals
:class:`~ggen.model.Literal` strings that keep their language tag and datatype.
Blank nodes become ``_:b0``, ``_:b1``… numbered after the rows are ordered, so
the parser's labels never reach output or ordering.

Row order is made deterministic: SPARQL leaves the order open where a query has
no ORDER BY, and between rows that tie on it. Rows without ORDER BY are sorted
by their values; where ORDER BY names plain variables, each run of tied rows is
sorted by its values and the engine's order between runs is kept.

Known limitations: ties under an ORDER BY on an expression (``ORDER BY
STRLEN(?x)``) keep the engine's order, which Oxigraph derives from the data
alone; under LIMIT, which tied rows make the cut is the engine's choice. A
decimal written two ways in the ontology (``1.50`` and ``1.500``) shows in its
canonical form (``1.5``): Oxigraph stores both as one number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as _ox

from ggen.graph import without_strings_and_comments
from ggen.model import Literal, Row

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_ORDER_BY = re.compile(r"(?i)\bORDER\s+BY\b(?=((?:.|\n)*)$)")
_ORDER_TERM = re.compile(r"(?i)^\s*(?:(ASC|DESC)\s*\(\s*\?(\w+)\s*\)|\?(\w+))")
_TAIL = re.compile(r"(?is)\b(LIMIT|OFFSET|VALUES)\b.*$")


class _Blank:
    """A blank node before it gets its display label."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


def convert(term: Any, decimals: Mapping[str, str] | None = None) -> Any:
    """One Oxigraph term as a plain value.

    ``decimals`` maps a decimal's canonical form to the form the ontology
    wrote (see :func:`ggen.graph.written_decimals`).
    """
    kind = type(term)
    if kind is _ox.NamedNode:
        return term.value
    if kind is _ox.BlankNode:
        return _Blank(term.value)
    if kind is _ox.Literal:
        value, datatype = term.value, term.datatype.value
        if datatype == _XSD_STRING:  # the common case, without _literal's tests
            return Literal(value)
        if decimals and datatype == XSD + "decimal":
            value = decimals.get(value, value)
        return _literal(value, datatype, term.language)
    return str(term)


def _literal(value: str, datatype: str, lang: str | None) -> Any:
    if lang:
        return Literal(value, lang=lang)
    if datatype in _INTEGER_TYPES:
        try:
            return int(value.strip())
        except ValueError:
            return Literal(value, datatype=datatype)
    if datatype == XSD + "boolean":
        if value.strip() in {"true", "1"}:
            return True
        if value.strip() in {"false", "0"}:
            return False
    if datatype == XSD + "decimal":
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            pass
    if datatype == XSD + "string":
        return Literal(value)
    return Literal(value, datatype=datatype)


def rows_from(
    solutions: Any, query: str, decimals: Mapping[str, str] | None = None
) -> list[Row]:
    """Plain rows from Oxigraph solutions, in a deterministic order."""
    names = [v.value for v in solutions.variables]
    named_node, literal = _ox.NamedNode, _ox.Literal
    # Literals repeat across rows (a kind, a flag, a function name): each
    # distinct one is converted once. Oxigraph terms hash by value.
    seen: dict[Any, Any] = {}
    blanks = False
    rows: list[Row] = []
    for solution in solutions:
        row = Row()
        for name, term in zip(names, solution, strict=True):
            kind = type(term)
            if kind is named_node:
                row[name] = term.value
            elif kind is literal:
                value = seen.get(term)
                if value is None:
                    value = seen[term] = convert(term, decimals)
                row[name] = value
            elif term is not None:
                row[name] = convert(term, decimals)
                blanks = True
        rows.append(row)
    ordered = order_rows(rows, names, query)
    if blanks:
        _label_blanks(ordered)
    return ordered


def order_rows(rows: list[Row], names: list[str], query: str) -> list[Row]:
    """Apply the ordering rules of this module's docstring."""
    keys = order_variables(query)
    if keys is None:  # ORDER BY with expressions: keep the engine's order
        return rows
    if not keys:
        return sorted(rows, key=lambda r: sort_key(r, names))
    out: list[Row] = []
    run: list[Row] = []
    run_key: list[Any] = []
    for row in rows:
        row_key = [_cmp_value(row.get(k)) for k in keys]
        if run and row_key != run_key:
            out.extend(_sorted_run(run, names))
            run = []
        if not run:
            run_key = row_key
        run.append(row)
    out.extend(_sorted_run(run, names))
    return out


def _sorted_run(run: list[Row], names: list[str]) -> list[Row]:
    # Under a unique ORDER BY key every run is one row: nothing to sort.
    return run if len(run) < 2 else sorted(run, key=lambda r: sort_key(r, names))


def order_variables(query: str) -> list[str] | None:
    """The plain variables of the top-level ORDER BY; [] without one.

    None means the ORDER BY uses expressions this module cannot compare.
    """
    stripped = without_strings_and_comments(query)
    matches = list(_ORDER_BY.finditer(stripped))
    match = matches[-1] if matches else None
    if match is None or "}" in match.group(1):
        return []
    clause = _TAIL.sub("", match.group(1))
    names: list[str] = []
    while clause.strip():
        term = _ORDER_TERM.match(clause)
        if term is None:
            return None
        names.append(term.group(2) or term.group(3))
        clause = clause[term.end() :]
    return names


def _cmp_value(value: Any) -> Any:
    if isinstance(value, _Blank):
        return ("blank",)
    return (type(value).__name__, str(value))


def sort_key(row: dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    """A total order on rows by value, blind to blank-node labels."""
    parts: list[tuple[Any, ...]] = []
    for name in names:
        value = row.get(name)
        if value is None:
            parts.append((0,))
        elif isinstance(value, _Blank):
            parts.append((1,))
        elif isinstance(value, bool):
            parts.append((2, int(value), ""))
        elif isinstance(value, int | Decimal):
            parts.append((3, Decimal(value), str(value)))
        else:
            lang = getattr(value, "lang", None) or ""
            parts.append((4, str(value), lang))
    return tuple(parts)


def _label_blanks(rows: list[Row]) -> None:
    """Replace blank nodes by ``_:b0``, ``_:b1``… in order of appearance."""
    labels: dict[str, str] = {}
    for row in rows:
        for name, value in row.items():
            if isinstance(value, _Blank):
                row[name] = labels.setdefault(value.key, f"_:b{len(labels)}")
