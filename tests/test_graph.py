"""Loading RDF: every format by extension, counts, syntax errors, odd literals."""

from __future__ import annotations

import pytest
from conftest import ONTOLOGY, manifest, rule

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"

NTRIPLES = f"""\
<http://example.org/alpha> <{RDF_TYPE}> <http://example.org/Thing> .
<http://example.org/alpha> <http://example.org/name> "alpha" .
<http://example.org/alpha> <http://example.org/size> "1"^^<{XSD_INT}> .
<http://example.org/beta> <{RDF_TYPE}> <http://example.org/Thing> .
<http://example.org/beta> <http://example.org/name> "beta" .
<http://example.org/beta> <http://example.org/size> "2"^^<{XSD_INT}> .
"""

NQUADS = "".join(
    line[:-1] + "<http://example.org/g> .\n" for line in NTRIPLES.splitlines()
)

TRIG = """\
@prefix ex: <http://example.org/> .
ex:g1 { ex:alpha a ex:Thing ; ex:name "alpha" ; ex:size 1 . }
ex:g2 { ex:beta a ex:Thing ; ex:name "beta" ; ex:size 2 . }
"""

N3 = """\
@prefix ex: <http://example.org/> .
ex:alpha a ex:Thing ; ex:name "alpha" ; ex:size 1 .
ex:beta a ex:Thing ; ex:name "beta" ; ex:size 2 .
"""

RDFXML = """\
<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://example.org/">
  <ex:Thing rdf:about="http://example.org/alpha">
    <ex:name>alpha</ex:name>
    <ex:size rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">1</ex:size>
  </ex:Thing>
  <ex:Thing rdf:about="http://example.org/beta">
    <ex:name>beta</ex:name>
    <ex:size rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">2</ex:size>
  </ex:Thing>
</rdf:RDF>
"""

JSONLD = """\
{
  "@context": {"ex": "http://example.org/"},
  "@graph": [
    {"@id": "ex:alpha", "@type": "ex:Thing", "ex:name": "alpha", "ex:size": 1},
    {"@id": "ex:beta", "@type": "ex:Thing", "ex:name": "beta", "ex:size": 2}
  ]
}
"""

FORMATS = {
    "onto.nt": NTRIPLES,
    "onto.nq": NQUADS,
    "onto.trig": TRIG,
    "onto.n3": N3,
    "onto.rdf": RDFXML,
    "onto.owl": RDFXML,
    "onto.jsonld": JSONLD,
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_by_extension(make_project, sync, name):
    data = manifest()
    data["ontology"]["source"] = name
    files = {"onto.ttl": None, name: FORMATS[name]}
    root = make_project(files=files, manifest_data=data)
    result = sync(root)
    assert result.code == 0, result.err
    assert "✓ 6 triples (1 file)" in result.err
    assert (root / "out/alpha.txt").read_text() == (
        "name=alpha size=1 iri=http://example.org/alpha\n"
    )
    assert (root / "out/beta.txt").read_text() == (
        "name=beta size=2 iri=http://example.org/beta\n"
    )


def test_triple_count_counts_imports_and_inference(make_project, sync):
    data = manifest(
        inference={
            "rules": [
                {
                    "name": "label",
                    "construct": "PREFIX ex: <http://example.org/> "
                    "CONSTRUCT { ?s ex:label ?n } WHERE { ?s ex:name ?n }",
                }
            ]
        }
    )
    data["ontology"]["imports"] = ["more.nt"]
    more = '<http://example.org/gamma> <http://example.org/note> "x" .\n'
    root = make_project(files={"more.nt": more}, manifest_data=data)
    result = sync(root)
    assert result.code == 0, result.err
    assert "✓ 7 triples (2 files), +2 inferred by 1 rule(s)" in result.err


def test_unknown_extension(make_project, sync, unchanged_on_failure):
    data = manifest()
    data["ontology"]["source"] = "onto.txt"
    root = make_project(files={"onto.txt": N3}, manifest_data=data)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 2
    assert "cannot tell the RDF format of onto.txt" in result.err
    check()


def test_turtle_syntax_error_line_col_and_text(
    make_project, sync, unchanged_on_failure
):
    bad = (
        "@prefix ex: <http://example.org/> .\n"
        'ex:alpha a ex:Thing ; ex:name "alpha" ; ex:size 1 .\n'
        'ex:beta a ex:Thing ex:name "beta" .\n'
    )
    root = make_project(files={"onto.ttl": bad})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 2
    assert f"{root / 'onto.ttl'}:3:" in result.err
    assert "syntax error" in result.err
    assert 'ex:beta a ex:Thing ex:name "beta" .' in result.err
    assert "hint:" in result.err
    assert "Traceback" not in result.err
    check()


def test_undeclared_prefix(make_project, sync, unchanged_on_failure):
    bad = "@prefix ex: <http://example.org/> .\nfoo:alpha a ex:Thing .\n"
    root = make_project(files={"onto.ttl": bad})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 2
    assert "onto.ttl:2:1" in result.err
    assert "foo" in result.err
    assert "declare the prefix" in result.err
    check()


def test_non_utf8_ontology(make_project, sync, unchanged_on_failure):
    bad = b'@prefix ex: <http://example.org/> .\nex:a ex:name "caf\xe9" .\n'
    root = make_project(files={"onto.ttl": bad})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 2
    assert "onto.ttl:2:18" in result.err
    assert "not valid UTF-8" in result.err
    check()


def test_empty_file_warns_and_goes_on(make_project, sync):
    data = manifest([rule(output_file="out/all.txt", skip_empty=False)])
    template = "{{ results | length }} things\n"
    root = make_project(files={"onto.ttl": "", "t.j2": template}, manifest_data=data)
    result = sync(root)
    assert result.code == 0, result.err
    assert "warning: " in result.err and "onto.ttl: no triples" in result.err
    assert result.err.count("onto.ttl") == 1
    assert "rule `things`: its query returned no rows" in result.err
    assert (root / "out/all.txt").read_text() == "0 things\n"
    assert "Traceback" not in result.err


def _one_value_project(make_project, ttl_object: str, template: str = "{{ v }}"):
    onto = f"@prefix ex: <http://example.org/> .\nex:s ex:p {ttl_object} .\n"
    query = "PREFIX ex: <http://example.org/>\nSELECT ?v WHERE { ex:s ex:p ?v }\n"
    data = manifest([rule(output_file="out.txt")])
    return make_project(
        files={"onto.ttl": onto, "q.rq": query, "t.j2": template}, manifest_data=data
    )


def test_escaped_quotes_and_backslashes_arrive_whole(make_project, sync):
    root = _one_value_project(make_project, r'"say \"hi\" \\ bye"')
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == 'say "hi" \\ bye'


def test_long_multiline_literal(make_project, sync):
    body = "\n".join(f'line {i} with "quotes" and \'apostrophes\'' for i in range(500))
    root = _one_value_project(make_project, '"""' + body + '"""')
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == body


def test_unicode_escapes_in_iris_and_literals(make_project, sync):
    onto = (
        "@prefix ex: <http://example.org/> .\n"
        '<http://example.org/caf\\u00E9> ex:p "na\\u00EFve \\U0001F600" .\n'
    )
    query = "PREFIX ex: <http://example.org/>\nSELECT ?s ?v WHERE { ?s ex:p ?v }\n"
    data = manifest([rule(output_file="out.txt")])
    root = make_project(
        files={"onto.ttl": onto, "q.rq": query, "t.j2": "{{ s }}|{{ v }}\n"},
        manifest_data=data,
    )
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == "http://example.org/café|naïve 😀\n"


def test_relative_iris_use_base_iri(make_project, sync, tmp_path, monkeypatch):
    onto = '<thing> <name> "x" .\n'
    query = "SELECT ?s WHERE { ?s ?p ?o }\n"
    data = manifest([rule(output_file="out.txt")])
    data["ontology"]["base_iri"] = "http://base.example/ns/"
    root = make_project(
        files={"onto.ttl": onto, "q.rq": query, "t.j2": "{{ s }}"}, manifest_data=data
    )
    monkeypatch.chdir(tmp_path)
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == "http://base.example/ns/thing"


def test_relative_iris_use_file_location_not_cwd(
    make_project, sync, tmp_path, monkeypatch
):
    onto = '<thing> <name> "x" .\n'
    query = "SELECT ?s WHERE { ?s ?p ?o }\n"
    data = manifest([rule(output_file="out.txt")])
    data["ontology"]["source"] = "data/onto.ttl"
    root = make_project(
        files={
            "onto.ttl": None,
            "data/onto.ttl": onto,
            "q.rq": query,
            "t.j2": "{{ s }}",
        },
        manifest_data=data,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == (root / "data/thing").resolve().as_uri()


def test_blank_nodes_load_and_get_stable_labels(make_project, sync):
    onto = (
        "@prefix ex: <http://example.org/> .\n"
        'ex:s ex:part [ ex:name "one" ] , [ ex:name "two" ] .\n'
    )
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?part ?name WHERE { ex:s ex:part ?part . ?part ex:name ?name }\n"
    )
    template = "{% for r in results %}{{ r.part }} {{ r.name }}\n{% endfor %}"
    data = manifest([rule(output_file="out.txt")])
    root = make_project(
        files={"onto.ttl": onto, "q.rq": query, "t.j2": template}, manifest_data=data
    )
    assert sync(root).code == 0
    assert (root / "out.txt").read_text() == "_:b0 one\n_:b1 two\n"


def test_ten_megabyte_literal(make_project, sync):
    big = "x" * (10 * 1024 * 1024)
    root = _one_value_project(make_project, f'"{big}"', template="{{ v | length }}")
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out.txt").read_text() == str(len(big))


def test_inference_rules_run_in_order_and_respect_when(make_project, sync):
    first = (
        "PREFIX ex: <http://example.org/> "
        "CONSTRUCT { ?s ex:step1 ?n } WHERE { ?s ex:name ?n }"
    )
    second = (
        "PREFIX ex: <http://example.org/> "
        "CONSTRUCT { ?s ex:step2 ?n } WHERE { ?s ex:step1 ?n }"
    )
    never = (
        "PREFIX ex: <http://example.org/> "
        "CONSTRUCT { ?s ex:never ?n } WHERE { ?s ex:name ?n }"
    )
    rules = [
        # Listed out of order: `order` decides, and the second sees the first.
        {"name": "second", "construct": second, "order": 2},
        {"name": "first", "construct": first, "order": 1},
        {
            "name": "gated",
            "construct": never,
            "order": 3,
            "when": "PREFIX ex: <http://example.org/> ASK { ?s ex:missing ?o }",
        },
    ]
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?name (COUNT(?x) AS ?never) WHERE { ?s ex:step2 ?name "
        "OPTIONAL { ?s ex:never ?x } } GROUP BY ?name ORDER BY ?name\n"
    )
    data = manifest(
        [rule(output_file="out/{{ name }}.txt")], inference={"rules": rules}
    )
    root = make_project(
        files={"q.rq": query, "t.j2": "{{ name }} {{ never }}\n"}, manifest_data=data
    )
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out/alpha.txt").read_text() == "alpha 0\n"
    assert "+4 inferred by 3 rule(s)" in result.err


def test_missing_final_dot_at_end_of_file_points_at_the_last_line(
    make_project, sync
):
    text = ONTOLOGY.rstrip().rstrip(".") + "\n"
    root = make_project(files={"onto.ttl": text})
    result = sync(root)
    assert result.code == 2
    last = len(text.splitlines())
    assert f"onto.ttl:{last}:" in result.err
    assert "Parser error" not in result.err
    assert "missing its final dot" in result.err
