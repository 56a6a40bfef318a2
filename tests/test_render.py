"""Rendering: contexts, newlines, and every way a query or template can fail."""

from __future__ import annotations

from conftest import manifest, rule

PER_ROW = (
    "{{ name }}|{{ row.name }}|{{ row['?name'] }}|{{ results | length }}"
    "|{{ sparql_results[0].name }}\n"
)


def test_per_row_context(make_project, sync):
    root = make_project(files={"t.j2": PER_ROW})
    assert sync(root).code == 0
    assert (root / "out/alpha.txt").read_text() == "alpha|alpha|alpha|2|alpha\n"
    assert (root / "out/beta.txt").read_text() == "beta|beta|beta|2|alpha\n"


def test_single_context_sees_first_row_and_all_results(make_project, sync):
    template = (
        "first={{ name }} row={{ row.name }}\n"
        "{% for r in results %}- {{ r.name }} {{ r['?size'] }}\n{% endfor %}"
    )
    data = manifest([rule(output_file="out/all.txt")])
    root = make_project(files={"t.j2": template}, manifest_data=data)
    assert sync(root).code == 0
    assert (root / "out/all.txt").read_text() == (
        "first=alpha row=alpha\n- alpha 1\n- beta 2\n"
    )


def test_final_newline_kept_exactly(make_project, sync):
    rules = [
        rule("none", "out/none.txt", template="x"),
        rule("one", "out/one.txt", template="x\n"),
        rule("two", "out/two.txt", template="x\n\n"),
    ]
    root = make_project(manifest_data=manifest(rules))
    assert sync(root).code == 0
    assert (root / "out/none.txt").read_bytes() == b"x"
    assert (root / "out/one.txt").read_bytes() == b"x\n"
    assert (root / "out/two.txt").read_bytes() == b"x\n\n"


def test_zero_rows_warns_naming_rule(make_project, sync):
    query = "SELECT ?name WHERE { ?s <http://example.org/nothing> ?name }"
    root = make_project(files={"q.rq": query})
    result = sync(root)
    assert result.code == 0
    assert "warning:" in result.err and "rule `things`" in result.err
    assert "no rows" in result.err
    assert not (root / "out").exists()


def test_zero_rows_silent_with_skip_empty(make_project, sync):
    query = "SELECT ?name WHERE { ?s <http://example.org/nothing> ?name }"
    data = manifest([rule(output_file="out/all.txt", skip_empty=True)])
    root = make_project(files={"q.rq": query}, manifest_data=data)
    result = sync(root)
    assert result.code == 0
    assert "warning" not in result.err
    assert not (root / "out").exists()


# --- SPARQL failures (exit 3) ------------------------------------------------


def test_sparql_syntax_error_names_rule_file_line_col(
    make_project, sync, unchanged_on_failure
):
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?name WHERE {\n"
        "  ?s ex:name ?name .\n"
        "  BOGUS ?x\n"
        "}\n"
    )
    root = make_project(files={"q.rq": query})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 3
    assert "rule `things`" in result.err
    assert "SPARQL syntax error" in result.err
    # Oxigraph reports where its parser gave up: the end of the bad line here.
    assert f"{root / 'q.rq'}:4:" in result.err
    assert "BOGUS ?x" in result.err
    check()


def test_sparql_error_line_is_right_with_manifest_prefixes(make_project, sync):
    data = manifest(ontology={"prefixes": {"ex": "http://example.org/"}})
    query = "SELECT ?name WHERE {\n  ?s ex:name ?name .\n BOGUS ?x\n}\n"
    root = make_project(files={"q.rq": query}, manifest_data=data)
    result = sync(root)
    assert result.code == 3
    assert f"{root / 'q.rq'}:3:" in result.err


def test_non_select_query(make_project, sync, unchanged_on_failure):
    query = "PREFIX ex: <http://example.org/>\nASK { ?s ex:name ?n }\n"
    root = make_project(files={"q.rq": query})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 3
    assert "expected a SELECT query, found ASK" in result.err
    assert "q.rq" in result.err
    check()


def test_service_refused(make_project, sync, unchanged_on_failure):
    query = (
        "SELECT ?name WHERE { SERVICE <http://127.0.0.1:9/sparql> "
        "{ ?s <http://example.org/name> ?name } }"
    )
    root = make_project(files={"q.rq": query})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 3
    assert "SERVICE" in result.err and "refused" in result.err
    assert "allow_service" in result.err
    check()


def test_service_in_a_comment_or_string_is_fine(make_project, sync):
    query = (
        "# SERVICE is not used here\n"
        "SELECT ?name WHERE { ?s <http://example.org/name> ?name "
        'FILTER(?name != "SERVICE") }'
    )
    root = make_project(files={"q.rq": query, "t.j2": "{{ name }}\n"})
    assert sync(root).code == 0


# --- template failures (exit 4) ----------------------------------------------


def test_template_syntax_error_file_and_line(make_project, sync, unchanged_on_failure):
    root = make_project(files={"t.j2": "ok\n{% for x in results %}\nno end\n"})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "t.j2:" in result.err
    assert "Traceback" not in result.err
    check()


def test_undefined_name_gives_file_line_and_known_names(
    make_project, sync, unchanged_on_failure
):
    root = make_project(files={"t.j2": "line one\n{{ nmae }}\n"})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "nmae" in result.err
    assert "t.j2:2" in result.err
    assert "name" in result.err.split("nmae", 1)[1]  # names that exist follow
    assert "size" in result.err
    check()


def test_unknown_filter(make_project, sync, unchanged_on_failure):
    root = make_project(files={"t.j2": "{{ name }}\n{{ name | no_such_filter }}\n"})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "no_such_filter" in result.err
    assert "t.j2:2" in result.err
    check()


def test_template_that_raises(make_project, sync, unchanged_on_failure):
    root = make_project(files={"t.j2": "{{ name }}\n{{ size // 0 }}\n"})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "t.j2:2" in result.err
    assert "division" in result.err or "ZeroDivisionError" in result.err
    assert "internal error" not in result.err
    check()


def test_template_too_deeply_nested_is_a_template_error(make_project, sync):
    # Python refuses to compile more than 20 nested loops.
    depth = 25
    template = "".join(f"{{% for a{i} in results %}}" for i in range(depth))
    template += "x" + "{% endfor %}" * depth
    root = make_project(files={"t.j2": template})
    result = sync(root)
    assert result.code == 4, result.err
    assert "t.j2" in result.err
    assert "internal error" not in result.err


def test_errors_of_all_rules_reported_together(make_project, sync):
    rules = [
        rule("a", "a/{{ name }}", template={"file": "a.j2"}),
        rule("b", "b/{{ name }}", template={"file": "b.j2"}),
    ]
    root = make_project(
        files={"a.j2": "{% if %}", "b.j2": "{{ x | nope_filter }}"},
        manifest_data=manifest(rules),
    )
    result = sync(root)
    assert result.code == 4
    assert "a.j2" in result.err and "b.j2" in result.err


def test_all_or_nothing_when_a_later_rule_fails(make_project, sync):
    rules = [
        rule("good", "good/{{ name }}.txt"),
        rule("bad", "bad/{{ name }}.txt", template={"file": "bad.j2"}),
    ]
    files = {"bad.j2": "{{ missing }}"}
    root = make_project(files=files, manifest_data=manifest(rules))
    result = sync(root)
    assert result.code == 4
    assert not (root / "good").exists() and not (root / ".ggen").exists()


def test_output_file_rendering_empty(make_project, sync, unchanged_on_failure):
    query = "SELECT ?empty WHERE { BIND(\"\" AS ?empty) }"
    data = manifest([rule(output_file="{{ empty }}")])
    root = make_project(files={"q.rq": query}, manifest_data=data)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "output_file rendered to an empty path" in result.err
    check()


def _endless(make_project, template: str):
    values = " ".join(str(i) for i in range(100))
    query = f"SELECT ?i WHERE {{ VALUES ?i {{ {values} }} }}"
    data = manifest([rule("forever", "out.txt", template={"file": "loop.j2"})])
    files = {"loop.j2": template, "q.rq": query}
    return make_project(files=files, manifest_data=data)


def test_timeout_stops_endless_template(make_project, sync, unchanged_on_failure):
    # 100**8 iterations of nested loops: plain Jinja2 and Tera alike.
    depth = 8
    template = "".join(f"{{% for a{i} in results %}}" for i in range(depth))
    template += "x" + "{% endfor %}" * depth
    root = _endless(make_project, template)
    check = unchanged_on_failure(root)
    result = sync(root, "--timeout", "0.5")
    assert result.code == 6
    assert "rule `forever`" in result.err
    assert "--timeout" in result.err
    check()


def test_timeout_stops_python_range_loop(make_project, sync):
    root = _endless(make_project, "{% for i in range(10**12) %}{% endfor %}")
    result = sync(root, "--timeout", "0.5")
    assert result.code == 6
    assert "rule `forever`" in result.err


def test_timeout_must_be_positive(make_project, sync):
    assert sync(make_project(), "--timeout", "0").code == 64


def test_undeclared_prefix_in_a_query_is_named(make_project, sync):
    query = "SELECT ?name WHERE { ?t a zz:Thing ; zz:name ?name }"
    root = make_project(files={"q.rq": query})
    result = sync(root)
    assert result.code == 3
    assert "q.rq:1:" in result.err
    assert "the prefix `zz:` is not declared" in result.err


def test_misspelt_query_keyword_gets_a_position(make_project, sync):
    root = make_project(files={"q.rq": "SELEC ?name WHERE { ?t ?p ?name }"})
    result = sync(root)
    assert result.code == 3
    assert "q.rq:1:" in result.err
    assert "SPARQL syntax error" in result.err


def test_output_that_is_not_utf8_is_a_template_error(
    make_project, sync, unchanged_on_failure
):
    root = make_project(files={"t.j2": '{{ name }} {{ "\\ud800" }}\n'})
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 4
    assert "t.j2: the output is not valid UTF-8: U+D800" in result.err
    check()
