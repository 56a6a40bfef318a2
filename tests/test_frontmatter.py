"""Front-matter templates: each template in [templates] dir carries its own rule."""

from __future__ import annotations

from pathlib import Path

from conftest import record

ONTO = """\
@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:name "alpha" ; ex:size 1 .
ex:b a ex:Thing ; ex:name "beta" ; ex:size 2 .
"""
MANIFEST = """\
[project]
name = "fm"

[ontology]
source = "onto.ttl"

[ontology.prefixes]
ex = "http://example.org/"

[templates]
dir = "templates"
"""
THINGS = "SELECT ?name ?size WHERE { ?t a ex:Thing ; ex:name ?name ; ex:size ?size }"


def _project(make_project, templates: dict[str, str], **files: str) -> Path:
    tree: dict[str, str | bytes | None] = {
        "onto.ttl": ONTO, "q.rq": None, "t.j2": None, **files,
    }
    tree.update({f"templates/{name}": text for name, text in templates.items()})
    return make_project(files=tree, manifest_data=MANIFEST)


def _fm(header: str, body: str) -> str:
    return f"---\n{header.strip()}\n---\n{body}"


def test_for_each_with_a_templated_path_fans_out(make_project, sync):
    tpl = _fm(f'to: "out/{{{{ name }}}}.txt"\nsparql:\n  things: "{THINGS}"\n'
              "for_each: things", "{{ name }}={{ size }}\n")
    root = _project(make_project, {"one.tmpl": tpl})
    assert sync(root).code == 0
    assert (root / "out/alpha.txt").read_text() == "alpha=1\n"
    assert (root / "out/beta.txt").read_text() == "beta=2\n"
    rule = record(root)["files"]["out/alpha.txt"]["rule"]
    assert rule == "template:templates/one.tmpl"


def test_for_each_with_a_fixed_path_concatenates_one_body_per_row(
    make_project, sync
):
    tpl = _fm(f'to: "out/all.txt"\nsparql:\n  things: "{THINGS}"\nfor_each: things',
              "- {{ name }}\n")
    root = _project(make_project, {"all.tmpl": tpl})
    assert sync(root).code == 0
    assert (root / "out/all.txt").read_text() == "- alpha\n- beta\n"


def test_sparql_forms_single_list_and_map(make_project, sync):
    single = _fm(f'to: "out/single.txt"\nsparql: "{THINGS}"',
                 "{{ default | length }} {{ results | length }}\n")
    listed = _fm(f'to: "out/list.txt"\nsparql:\n  - "{THINGS}"\n'
                 '  - "ASK {{ ex:a ex:name \\"alpha\\" }}"',
                 "{{ query_0 | length }} {{ query_1 }}\n")
    root = _project(make_project, {"s.tmpl": single, "l.tmpl": listed})
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out/single.txt").read_text() == "2 2\n"
    assert (root / "out/list.txt").read_text() == "2 true\n"


def test_when_false_writes_nothing(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nwhen: "ASK { ?x a ex:Gadget }"', "x\n")
    root = _project(make_project, {"x.tmpl": tpl})
    assert sync(root).code == 0
    assert not (root / "out/x.txt").exists()


def test_skip_empty_skips_a_blank_body(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nskip_empty: true', "{# nothing #}\n")
    root = _project(make_project, {"x.tmpl": tpl})
    assert sync(root).code == 0
    assert not (root / "out/x.txt").exists()


def test_unless_exists_leaves_an_existing_file(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nunless_exists: true', "generated\n")
    root = _project(make_project, {"x.tmpl": tpl}, **{"out/x.txt": "mine\n"})
    assert sync(root).code == 0
    assert (root / "out/x.txt").read_text() == "mine\n"


def test_skip_if_is_a_regular_expression_on_the_target(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nskip_if: "^keep-[0-9]+$"', "generated\n")
    root = _project(make_project, {"x.tmpl": tpl}, **{"out/x.txt": "a\nkeep-42\n"})
    assert sync(root).code == 0
    assert (root / "out/x.txt").read_text() == "a\nkeep-42\n"


def test_force_overwrites_a_hand_edit(make_project, sync):
    plain = _fm('to: "out/x.txt"', "v1 {{ results | length }}\n")
    root = _project(make_project, {"x.tmpl": plain})
    assert sync(root).code == 0
    (root / "out/x.txt").write_text("edited\n")
    (root / "onto.ttl").write_text(ONTO + 'ex:c a ex:Thing ; ex:name "c" ; '
                                   "ex:size 3 .\n")
    assert sync(root).code == 5
    forced = _fm('to: "out/x.txt"\nforce: true', "v2\n")
    (root / "templates/x.tmpl").write_text(forced)
    assert sync(root).code == 0
    assert (root / "out/x.txt").read_text() == "v2\n"


def test_inject_after_a_line_happens_once(make_project, sync):
    tpl = _fm('to: "src/app.txt"\ninject: true\nafter: "# routes"',
              "route({{ results | length }})\n")
    host = "start\n# routes\nend\n"
    root = _project(make_project, {"inj.tmpl": tpl}, **{"src/app.txt": host})
    assert sync(root).code == 0
    expected = "start\n# routes\nroute(0)\nend\n"
    assert (root / "src/app.txt").read_text() == expected
    (root / ".ggen/state.json").unlink()
    assert sync(root).code == 0
    assert (root / "src/app.txt").read_text() == expected
    assert "src/app.txt" not in record(root)["files"]  # the file stays the user's


def test_inject_at_line_and_before(make_project, sync):
    at = _fm('to: "a.txt"\ninject: true\nat_line: 2', "AT\n")
    before = _fm('to: "b.txt"\ninject: true\nbefore: "end"', "BEFORE\n")
    root = _project(make_project, {"at.tmpl": at, "before.tmpl": before},
                    **{"a.txt": "1\n2\n", "b.txt": "x\nend\n"})
    assert sync(root).code == 0
    assert (root / "a.txt").read_text() == "1\nAT\n2\n"
    assert (root / "b.txt").read_text() == "x\nBEFORE\nend\n"


def test_rdf_inline_adds_triples_for_this_template_only(make_project, sync):
    extra = _fm(
        'to: "out/extra.txt"\n'
        "rdf_inline:\n"
        '  - "ex:z a ex:Thing ; ex:name \\"zeta\\" ; ex:size 9 ."\n'
        f'sparql: "{THINGS} ORDER BY ?name"',
        "{% for r in results %}{{ r.name }} {% endfor %}\n",
    )
    plain = _fm(f'to: "out/plain.txt"\nsparql: "{THINGS} ORDER BY ?name"',
                "{% for r in results %}{{ r.name }} {% endfor %}\n")
    root = _project(make_project, {"e.tmpl": extra, "p.tmpl": plain})
    result = sync(root)
    assert result.code == 0, result.err
    assert (root / "out/extra.txt").read_text() == "alpha beta zeta \n"
    assert (root / "out/plain.txt").read_text() == "alpha beta \n"


def test_files_without_front_matter_are_partials(make_project, sync):
    tpl = _fm('to: "out/x.txt"', '{% include "partial.txt" %}')
    root = _project(make_project, {"x.tmpl": tpl, "partial.txt": "from partial\n"})
    assert sync(root).code == 0
    assert (root / "out/x.txt").read_text() == "from partial\n"
    assert not (root / "out/partial.txt").exists()


def test_shell_hooks_only_run_with_allow_hooks(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nsh_after: "echo ran > hook.txt"', "x\n")
    root = _project(make_project, {"x.tmpl": tpl})
    result = sync(root)
    assert result.code == 0
    assert "skipped sh_after `echo ran > hook.txt`" in result.err
    assert "--allow-hooks" in result.err
    assert not (root / "hook.txt").exists()
    (root / "out/x.txt").unlink()
    assert sync(root, "--allow-hooks").code == 0
    assert (root / "hook.txt").read_text() == "ran\n"


def test_unknown_front_matter_key_names_the_closest(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nfor_eahc: things', "x\n")
    root = _project(make_project, {"x.tmpl": tpl})
    result = sync(root)
    assert result.code == 4
    assert "x.tmpl:3: unknown front matter key `for_eahc`" in result.err
    assert "did you mean `for_each`?" in result.err


def test_error_lines_count_from_the_top_of_the_file(make_project, sync):
    tpl = _fm('to: "out/x.txt"', "line one\n{{ missing_name }}\n")
    root = _project(make_project, {"x.tmpl": tpl})
    result = sync(root)
    assert result.code == 4
    assert "x.tmpl:5:" in result.err  # 3 front matter lines + 1 + 1


def test_deleted_template_leaves_an_orphan_that_is_removed(make_project, sync):
    tpl = _fm('to: "out/x.txt"', "x\n")
    root = _project(make_project, {"x.tmpl": tpl})
    assert sync(root).code == 0
    (root / "templates/x.tmpl").unlink()
    (root / "templates/keep.txt").write_text("a partial keeps the folder\n")
    result = sync(root)
    assert result.code == 0, result.err
    assert not (root / "out/x.txt").exists()
    assert "Deleted out/x.txt" in result.err


def test_a_quoted_boolean_is_an_error(make_project, sync):
    tpl = _fm('to: "out/x.txt"\nunless_exists: "false"', "x\n")
    root = _project(make_project, {"x.tmpl": tpl})
    result = sync(root)
    assert result.code == 4
    assert "`unless_exists` must be true or false, not 'false'" in result.err
