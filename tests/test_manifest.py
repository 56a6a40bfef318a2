"""ggen.toml: required keys, typos, ignored Rust-ggen keys, modes, missing files."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeProject, dump_toml, manifest, rule


def test_manifest_not_found_names_path_and_hint(tmp_path, sync, unchanged_on_failure):
    check = unchanged_on_failure(tmp_path)
    result = sync(tmp_path)
    assert result.code == 1
    assert "no ggen.toml found" in result.err
    assert str(tmp_path / "ggen.toml") in result.err
    assert "hint:" in result.err and "ggen init" in result.err
    assert "Traceback" not in result.err
    check()


def test_not_toml_reports_line_and_column(make_project, sync, unchanged_on_failure):
    text = '[project]\nname = "demo"\n[ontology]\nsource = "onto.ttl\n'
    root = make_project(manifest_data=text)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "not valid TOML" in result.err
    assert "ggen.toml:4:" in result.err
    assert 'source = "onto.ttl' in result.err  # the text at that line
    check()


def test_missing_project_name(make_project, sync, unchanged_on_failure):
    data = manifest()
    data["project"] = {"version": "1.0"}
    root = make_project(manifest_data=data)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "missing required key `name` in [project]" in result.err
    assert "ggen.toml:" in result.err
    check()


def test_missing_ontology_source(make_project, sync, unchanged_on_failure):
    data = manifest()
    data["ontology"] = {"imports": ["onto.ttl"]}
    root = make_project(manifest_data=data)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "missing required key `source` in [ontology]" in result.err
    check()


def test_missing_rule_query(make_project, sync):
    bad = rule()
    del bad["query"]
    root = make_project(manifest_data=manifest([bad]))
    result = sync(root)
    assert result.code == 1
    assert "generation rule `things` has no `query`" in result.err


def test_unknown_key_names_key_table_and_closest(
    make_project, sync, unchanged_on_failure
):
    bad = rule()
    bad["outptu_file"] = bad.pop("output_file")
    bad["output_file"] = "x.txt"
    root = make_project(manifest_data=manifest([bad]))
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "unknown key `outptu_file` in [generation.rules]" in result.err
    assert "did you mean `output_file`?" in result.err
    line = (root / "ggen.toml").read_text().splitlines().index(
        'outptu_file = "out/{{ name }}.txt"'
    )
    assert f"ggen.toml:{line + 1}" in result.err
    check()


def test_unknown_top_level_table(make_project, sync):
    data = manifest()
    data["generaton"] = {"output_dir": "x"}
    result = sync(make_project(manifest_data=data))
    assert result.code == 1
    assert "unknown key `generaton` in the top level" in result.err
    assert "did you mean `generation`?" in result.err


def test_all_unknown_keys_reported_together(make_project, sync):
    data = manifest()
    data["project"]["nmae"] = "x"
    data["ontology"]["sorce"] = "y"
    result = sync(make_project(manifest_data=data))
    assert result.code == 1
    assert "`nmae`" in result.err and "`sorce`" in result.err


def test_ignored_rust_keys_listed_only_under_verbose(make_project, sync):
    data = manifest()
    data["project"]["authors"] = ["someone"]
    data["generation"] = {"max_sparql_timeout_ms": 5000}
    data["lifecycle"] = {"phases": ["build"]}
    root = make_project(manifest_data=data)
    quiet = sync(root)
    assert quiet.code == 0, quiet.err
    assert "ignored" not in quiet.err
    loud = sync(root, "-v")
    assert loud.code == 0
    assert "ignored manifest keys" in loud.err
    for key in ("project.authors", "generation.max_sparql_timeout_ms", "lifecycle"):
        assert key in loud.err


def test_ignored_keys_reported_even_when_sync_fails(make_project, sync):
    # -v should say which keys were ignored even when the run stops later.
    data = manifest()
    data["project"]["license"] = "MIT"
    root = make_project(manifest_data=data, files={"t.j2": "{{ nope }}\n"})
    result = sync(root, "-v")
    assert result.code == 4
    assert "project.license" in result.err


def test_mode_any_case(make_project, sync):
    rules = [
        rule("a", "out/a-{{ name }}.txt", mode="overwrite"),
        rule("b", "out/b-{{ name }}.txt", mode="MERGE"),
        rule("c", "out/c-{{ name }}.txt", mode="cReAtE"),
    ]
    root = make_project(manifest_data=manifest(rules))
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out/a-alpha.txt").read_text().startswith("name=alpha")
    assert (root / "out/b-alpha.txt").read_text().startswith("<<<<<<< GENERATED")
    assert (root / "out/c-alpha.txt").is_file()


def test_bad_mode_names_rule_and_choices(make_project, sync, unchanged_on_failure):
    root = make_project(manifest_data=manifest([rule(mode="Replace")]))
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "rule `things`" in result.err and "'Replace'" in result.err
    assert "Create" in result.err and "Overwrite" in result.err
    assert "Merge" in result.err
    check()


def test_missing_files_all_reported_at_once(make_project, sync, unchanged_on_failure):
    data = manifest(
        [rule(query={"file": "nope.rq"}, template={"file": "nope.j2"})],
        validation={"shacl": ["shapes/missing.ttl"]},
    )
    data["ontology"]["imports"] = ["extra.ttl"]
    root = make_project(manifest_data=data)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    for name in ("nope.rq", "nope.j2", "extra.ttl", "shapes/missing.ttl"):
        assert f"file not found: {name}" in result.err
    assert result.err.count("file not found") == 4
    check()


def test_two_rules_same_name(make_project, sync, unchanged_on_failure):
    rules = [rule("dup", "a/{{ name }}"), rule("dup", "b/{{ name }}")]
    root = make_project(manifest_data=manifest(rules))
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "two generation rules are named `dup`" in result.err
    check()


def test_empty_output_file(make_project, sync, unchanged_on_failure):
    root = make_project(manifest_data=manifest([rule(output_file="  ")]))
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "output_file is empty" in result.err
    assert "rule `things`" in result.err
    check()


def test_non_utf8_manifest(make_project, sync, unchanged_on_failure):
    text = dump_toml(manifest()).encode() + b'# caf\xe9\n'
    root = make_project()
    (root / "ggen.toml").write_bytes(text)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "not valid UTF-8" in result.err
    last_line = text.count(b"\n")
    assert f"ggen.toml:{last_line}:6" in result.err
    check()


def test_wrong_type_is_a_manifest_error(make_project, sync):
    data = manifest()
    data["ontology"]["imports"] = "onto.ttl"
    result = sync(make_project(manifest_data=data))
    assert result.code == 1
    assert "`imports` in [ontology] must be a list" in result.err


def test_manifest_folder_or_file_both_work(make_project, sync):
    root = make_project()
    assert sync(root).code == 0
    assert sync(root / "ggen.toml").code == 0


def test_library_load_manifest_resolves_paths(make_project: MakeProject) -> None:
    from ggen.manifest import load_manifest

    root = make_project()
    loaded = load_manifest(root)
    assert loaded.source == root.resolve() / "onto.ttl"
    assert loaded.rules[0].query.file == root.resolve() / "q.rq"
    assert loaded.output_dir == root.resolve()
    assert isinstance(loaded.path, Path) and loaded.path.is_absolute()


def test_wrong_types_reported_together_where_they_are(
    make_project, sync, unchanged_on_failure
):
    text = "\n".join([
        "[project]",
        'name = "demo"',
        "[ontology]",
        'source = "onto.ttl"',
        "[generation]",
        "output_dir = 5",  # line 6
        'require_audit_trail = "false"',  # line 7
        "[[generation.rules]]",
        'name = "first"',
        'query = { file = "q.rq" }',
        'template = { file = "t.j2" }',
        'output_file = "out/{{ name }}.txt"',
        "[[generation.rules]]",
        'name = "second"',
        'query = { file = "q.rq" }',
        'template = { file = "t.j2" }',
        'output_file = "out/b-{{ name }}.txt"',
        'skip_empty = "no"',  # line 18
        "[validation]",
        'shacl = "shapes.ttl"',  # line 20
        "",
    ])
    root = make_project(manifest_data=text)
    check = unchanged_on_failure(root)
    result = sync(root)
    assert result.code == 1
    assert "ggen.toml:6: `output_dir` in [generation] must be a string" in result.err
    assert "ggen.toml:7: `require_audit_trail`" in result.err
    assert "ggen.toml:18: `skip_empty` in [generation.rules]" in result.err
    assert "ggen.toml:20: `shacl` in [validation] must be a list" in result.err
    check()


def test_unknown_key_points_at_its_own_rule(make_project, sync):
    first = rule(name="first")
    second = rule(name="second", output_file="out/b-{{ name }}.txt", mdoe="Create")
    text = dump_toml(manifest([first, second]))
    root = make_project(manifest_data=text)
    result = sync(root)
    assert result.code == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("mdoe"))
    assert f"ggen.toml:{line}: unknown key `mdoe` in [generation.rules]" in result.err
    assert "rule `second`" in result.err


def test_inline_query_error_points_into_the_manifest(make_project, sync):
    query = "SELECT ?x WHERE {\n  ?x ?y\n}"
    text = dump_toml(manifest([rule(query={"inline": query})]))
    root = make_project(manifest_data=text)
    result = sync(root)
    assert result.code == 3
    start = next(n for n, t in enumerate(text.splitlines(), 1) if "SELECT ?x" in t)
    assert f"ggen.toml:{start + 2}:" in result.err, result.err
