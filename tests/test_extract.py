"""SELECT rows as plain typed values, in a deterministic order."""

from __future__ import annotations

import random
from decimal import Decimal

from conftest import manifest, rule

from ggen.extract import _Blank, order_rows, rows_from
from ggen.graph import load_graph
from ggen.model import Literal, Row

TYPED = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:item ex:count 41 ;
    ex:flag true ;
    ex:off "false"^^xsd:boolean ;
    ex:price 1.50 ;
    ex:title "Bonjour"@fr ;
    ex:when "2024-01-02"^^xsd:date .
"""

TYPED_QUERY = """\
PREFIX ex: <http://example.org/>
SELECT ?item ?count ?flag ?off ?price ?title ?when ?missing WHERE {
  ?item ex:count ?count ; ex:flag ?flag ; ex:off ?off ; ex:price ?price ;
        ex:title ?title ; ex:when ?when .
  OPTIONAL { ?item ex:nothing ?missing }
}
"""


def _rows(tmp_path, ttl: str, query: str) -> list[Row]:
    path = tmp_path / "data.ttl"
    path.write_text(ttl)
    graph = load_graph(path, [])
    return rows_from(graph.store.query(query), query, graph.decimals)


def test_decimal_written_two_ways_falls_back_to_canonical(tmp_path):
    ttl = "<http://a> <http://p> 1.50 .\n<http://b> <http://p> 1.500 .\n"
    rows = _rows(tmp_path, ttl, "SELECT DISTINCT ?v WHERE { ?s <http://p> ?v }")
    assert [str(r["v"]) for r in rows] == ["1.5"]


def test_typed_values(tmp_path):
    [row] = _rows(tmp_path, TYPED, TYPED_QUERY)
    assert row["item"] == "http://example.org/item" and type(row["item"]) is str
    assert row["count"] == 41 and type(row["count"]) is int
    assert row["flag"] is True
    assert row["off"] is False
    assert isinstance(row["price"], Decimal) and str(row["price"]) == "1.50"
    assert row["title"] == "Bonjour" and isinstance(row["title"], Literal)
    assert row["title"].lang == "fr"
    assert row["when"] == "2024-01-02"
    assert row["when"].datatype == "http://www.w3.org/2001/XMLSchema#date"
    assert "missing" not in row and "?missing" not in row
    assert row["?count"] == 41


def test_typed_values_in_templates(make_project, sync):
    template = (
        "{{ count + 1 }}|{% if flag %}on{% endif %}|{% if not off %}off{% endif %}"
        "|{{ price }}|{{ title }}@{{ title.lang }}|{{ row['?count'] }}"
        "|{{ row.missing is defined }}\n"
    )
    root = make_project(
        files={"onto.ttl": TYPED, "q.rq": TYPED_QUERY, "t.j2": template},
        manifest_data=manifest([rule(output_file="out.txt")]),
    )
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out.txt").read_text() == "42|on|off|1.50|Bonjour@fr|41|False\n"


def test_rows_without_order_by_are_sorted_by_value(tmp_path):
    ttl = "@prefix ex: <http://example.org/> .\n" + "".join(
        f"ex:n{v} ex:v {v} .\n" for v in (100, 9, 10, 55, 2)
    )
    rows = _rows(tmp_path, ttl, "SELECT ?v WHERE { ?s <http://example.org/v> ?v }")
    assert [r["v"] for r in rows] == [2, 9, 10, 55, 100]


def test_ties_under_order_by_are_broken_by_value(tmp_path):
    ttl = "@prefix ex: <http://example.org/> .\n" + "".join(
        f'ex:{n} ex:group "{g}" ; ex:name "{n}" .\n'
        for n, g in [("d", "x"), ("a", "y"), ("c", "x"), ("b", "y")]
    )
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?name ?group WHERE { ?s ex:group ?group ; ex:name ?name }\n"
        "ORDER BY DESC(?group)"
    )
    rows = _rows(tmp_path, ttl, query)
    assert [(r["group"], r["name"]) for r in rows] == [
        ("y", "a"),
        ("y", "b"),
        ("x", "c"),
        ("x", "d"),
    ]


def test_order_rows_ignores_input_order():
    rows = [{"v": i % 7, "w": f"w{i}"} for i in range(30)]
    expected = order_rows(list(rows), ["v", "w"], "SELECT ?v ?w {}")
    for seed in range(5):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        assert order_rows(shuffled, ["v", "w"], "SELECT ?v ?w {}") == expected


def test_blank_node_labels_never_decide_order():
    one = [{"b": _Blank("zzz"), "n": "2"}, {"b": _Blank("aaa"), "n": "1"}]
    two = [{"b": _Blank("aaa"), "n": "2"}, {"b": _Blank("zzz"), "n": "1"}]
    first = order_rows(one, ["b", "n"], "SELECT * {}")
    second = order_rows(two, ["b", "n"], "SELECT * {}")
    assert [r["n"] for r in first] == [r["n"] for r in second] == ["1", "2"]


def test_blank_node_labels_are_renumbered(tmp_path):
    ttl = (
        "@prefix ex: <http://example.org/> .\n"
        '_:zebra ex:name "one" .\n_:aardvark ex:name "two" .\n'
    )
    query = "SELECT ?b ?n WHERE { ?b <http://example.org/name> ?n }"
    rows = _rows(tmp_path, ttl, query)
    assert [(r["b"], r["n"]) for r in rows] == [("_:b0", "one"), ("_:b1", "two")]


def test_row_question_mark_keys():
    row = Row(name="x")
    assert row["?name"] == "x" and row.get("?name") == "x"
    assert "?name" in row and "?other" not in row
    assert row.get("?other", 5) == 5
