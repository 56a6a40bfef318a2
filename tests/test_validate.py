"""SHACL shapes and ASK rules: violations stop the run, warnings do not."""

from __future__ import annotations

from conftest import manifest

SHAPES_PREFIXES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

NEED_LABEL = SHAPES_PREFIXES + """
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ;
                  sh:message "every Thing needs a label" ] .
"""

WARN_LABEL = SHAPES_PREFIXES + """
ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:severity sh:Warning ;
                  sh:message "a label would be nice" ] .
"""

TARGETS_NOTHING = SHAPES_PREFIXES + """
ex:GadgetShape a sh:NodeShape ;
    sh:targetClass ex:Gadget ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ] .
"""


def _with_shapes(make_project, shapes: str, **extra):
    data = manifest(validation={"shacl": ["shapes.ttl"], **extra})
    return make_project(files={"shapes.ttl": shapes}, manifest_data=data)


def test_violation_table_points_at_focus_node_and_writes_nothing(
    make_project, sync, unchanged_on_failure
):
    root = _with_shapes(make_project, NEED_LABEL)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 7
    err = result.err
    assert "Validation" in err  # the table's title
    assert "every Thing needs a label" in err
    assert "http://example.org/alpha" in err and "http://example.org/beta" in err
    assert "http://example.org/label" in err
    # the focus nodes are defined on lines 4 and 8 of onto.ttl
    assert "onto.ttl:4" in err and "onto.ttl:8" in err
    assert "validation failed: 2 violation(s)" in err
    assert not (root / "out").exists() and not (root / ".ggen").exists()
    check()


def test_violations_as_json(make_project, sync):
    root = _with_shapes(make_project, NEED_LABEL)
    result = sync(root, "--format", "json")
    assert result.code == 7
    doc = result.json()
    assert doc["exit_code"] == 7 and doc["status"] == "error"


def test_warnings_do_not_stop_the_run(make_project, sync):
    root = _with_shapes(make_project, WARN_LABEL)
    result = sync(root)
    assert result.code == 0, result.err
    assert "a label would be nice" in result.err
    assert "2 warning(s)" in result.err
    assert (root / "out/alpha.txt").is_file()


def test_shapes_file_that_targets_nothing_warns(make_project, sync):
    root = _with_shapes(make_project, TARGETS_NOTHING)
    result = sync(root)
    assert result.code == 0, result.err
    assert "warning:" in result.err
    assert "shapes.ttl" in result.err and "targets" in result.err


def test_conforming_shapes_do_not_warn(make_project, sync):
    fine = NEED_LABEL.replace("ex:label", "ex:name")
    root = _with_shapes(make_project, fine)
    result = sync(root)
    assert result.code == 0, result.err
    assert "warning" not in result.err
    assert "✓ 0 violations" in result.err


def test_broken_shapes_file(make_project, sync, unchanged_on_failure):
    root = _with_shapes(make_project, SHAPES_PREFIXES + "ex:Shape a sh:NodeShape ;;\n")
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 2
    assert "shapes.ttl" in result.err and "cannot read shapes file" in result.err
    assert "Traceback" not in result.err
    check()


def test_ask_rule_error_severity_stops(make_project, sync, unchanged_on_failure):
    ask = {
        "name": "no-beta",
        "ask": "PREFIX ex: <http://example.org/> ASK { ex:beta ?p ?o }",
        "description": "beta is not allowed",
    }
    root = make_project(manifest_data=manifest(validation={"rules": [ask]}))
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 7
    assert "beta is not allowed" in result.err
    check()


def test_ask_rule_warning_severity_goes_on(make_project, sync):
    ask = {
        "name": "no-beta",
        "ask": "PREFIX ex: <http://example.org/> ASK { ex:beta ?p ?o }",
        "severity": "warning",
        "description": "beta is frowned upon",
    }
    root = make_project(manifest_data=manifest(validation={"rules": [ask]}))
    result = sync(root)
    assert result.code == 0, result.err
    assert "beta is frowned upon" in result.err
    assert (root / "out/beta.txt").is_file()


def test_ask_rule_that_is_false_passes(make_project, sync):
    ask = {
        "name": "no-gamma",
        "ask": "PREFIX ex: <http://example.org/> ASK { ex:gamma ?p ?o }",
    }
    root = make_project(manifest_data=manifest(validation={"rules": [ask]}))
    result = sync(root)
    assert result.code == 0, result.err
    assert "Validation" not in result.err


def test_ask_rule_bad_severity_is_manifest_error(make_project, sync):
    ask = {"name": "x", "ask": "ASK {}", "severity": "fatal"}
    root = make_project(manifest_data=manifest(validation={"rules": [ask]}))
    result = sync(root)
    assert result.code == 1
    assert "severity 'fatal'" in result.err


def test_ask_rule_that_is_a_select_is_sparql_error(make_project, sync):
    ask = {"name": "oops", "ask": "SELECT * WHERE { ?s ?p ?o }"}
    root = make_project(manifest_data=manifest(validation={"rules": [ask]}))
    result = sync(root)
    assert result.code == 3
    assert "validation rule `oops`" in result.err
    assert "expected a ASK query, found SELECT" in result.err or "ASK" in result.err


def test_library_validate_returns_data_not_exception(make_project):
    from ggen.graph import load_graph
    from ggen.validate import validate

    root = _with_shapes(make_project, NEED_LABEL)
    graph = load_graph(root / "onto.ttl", [])
    report = validate(graph, [root / "shapes.ttl"], [], root / "ggen.toml")
    assert len(report.errors) == 2
    assert sorted(v.focus for v in report.errors) == [
        "http://example.org/alpha",
        "http://example.org/beta",
    ]
    assert all(v.where and v.where.endswith((":4", ":8")) for v in report.errors)


def test_json_output_of_a_failed_validation_lists_the_violations(
    make_project, sync
):
    import json

    result = sync(_with_shapes(make_project, NEED_LABEL), "--format", "json")
    assert result.code == 7
    document = json.loads(result.out)
    assert document["status"] == "error"
    messages = {v["message"] for v in document["validation"]}
    assert messages == {"every Thing needs a label"}
    assert {v["focus"] for v in document["validation"]} == {
        "http://example.org/alpha", "http://example.org/beta"}


def _with_broken_template(make_project, shapes: str):
    """A project whose template uses a filter that does not exist."""
    broken = {"shapes.ttl": shapes, "t.j2": "{{ name | no_such_filter }}\n"}
    data = manifest(validation={"shacl": ["shapes.ttl"]})
    return make_project(files=broken, manifest_data=data)


def test_a_failing_graph_is_reported_before_a_broken_template(make_project, sync):
    # Validation runs beside rendering; its verdict still decides the outcome.
    root = _with_broken_template(make_project, NEED_LABEL)
    result = sync(root)
    assert result.code == 7, result.err
    assert result.err.count("every Thing needs a label") == 2  # one per node, once
    assert "no_such_filter" not in result.err
    assert not (root / "out").exists()


def test_a_broken_template_is_reported_when_the_graph_conforms(make_project, sync):
    conforming = NEED_LABEL.replace("ex:label", "ex:name")
    root = _with_broken_template(make_project, conforming)
    result = sync(root)
    assert result.code == 4, result.err
    assert "no_such_filter" in result.err
    assert "✓ 0 violations" in result.err
