"""``sync --check``: the CI drift check, and that it never writes."""

from __future__ import annotations

import os

from conftest import ONTOLOGY, stat_tree

THIRD = ONTOLOGY + '\nex:gamma a ex:Thing ; ex:name "gamma" ; ex:size 3 .\n'


def _synced(make_project, sync, **files):
    root = make_project(files=files or None)
    assert sync(root).code == 0
    return root


def _check(sync, root, *flags):
    before = stat_tree(root)
    names = sorted(os.listdir(root))
    result = sync(root, "--check", *flags)
    assert stat_tree(root) == before, "--check must not write"
    assert sorted(os.listdir(root)) == names
    return result


def test_clean_tree_passes(make_project, sync):
    root = _synced(make_project, sync)
    result = _check(sync, root)
    assert result.code == 0
    assert result.out == ""
    assert "check: ✓ 2 file(s) up to date" in result.err


def test_check_on_never_synced_project_writes_no_ggen_folder(make_project, sync):
    root = make_project()
    result = _check(sync, root)
    assert result.code == 8
    assert not (root / ".ggen").exists()
    assert "missing   out/alpha.txt" in result.err


def test_stale_file_shows_diff_and_changed_input(make_project, sync):
    root = _synced(make_project, sync)
    (root / "t.j2").write_text("NEW {{ name }}\n")
    result = _check(sync, root)
    assert result.code == 8
    assert "--- a/out/alpha.txt (on disk)" in result.out
    assert "+++ b/out/alpha.txt (generated)" in result.out
    assert "-name=alpha size=1 iri=http://example.org/alpha" in result.out
    assert "+NEW alpha" in result.out
    assert "stale     out/alpha.txt" in result.err
    assert "template of rule `things`" in result.err
    assert "check: 2 of 2 file(s) differ" in result.err


def test_stale_names_the_ontology_when_it_changed(make_project, sync):
    root = _synced(make_project, sync)
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 1", "ex:size 10"))
    result = _check(sync, root)
    assert result.code == 8
    assert "stale     out/alpha.txt" in result.err
    assert "changed since the recorded sync: the ontology or shapes" in result.err
    assert "-name=alpha size=1 " in result.out and "+name=alpha size=10 " in result.out


def test_stale_names_the_ontology_file_when_an_audit_tells(make_project, sync):
    root = _synced(make_project, sync)
    assert sync(root, "--audit").code == 0
    (root / "onto.ttl").write_text(ONTOLOGY.replace("ex:size 1", "ex:size 10"))
    result = _check(sync, root)
    assert result.code == 8
    assert "changed since the recorded sync: ontology onto.ttl" in result.err


def test_missing_file(make_project, sync):
    root = _synced(make_project, sync)
    (root / "out/beta.txt").unlink()
    result = _check(sync, root)
    assert result.code == 8
    assert "missing   out/beta.txt" in result.err
    assert "check: 1 of 2 file(s) differ" in result.err


def test_orphaned_file(make_project, sync):
    root = _synced(make_project, sync, **{"onto.ttl": THIRD})
    (root / "onto.ttl").write_text(ONTOLOGY)
    result = _check(sync, root)
    assert result.code == 8
    assert "orphaned  out/gamma.txt" in result.err


def test_edited_file(make_project, sync):
    root = _synced(make_project, sync)
    (root / "out/alpha.txt").write_text("hand edit\n")
    result = _check(sync, root)
    assert result.code == 8
    assert "edited    out/alpha.txt" in result.err
    assert "-hand edit" in result.out


def test_json_carries_the_drift(make_project, sync):
    root = _synced(make_project, sync)
    (root / "out/alpha.txt").write_text("hand edit\n")
    (root / "out/beta.txt").unlink()
    result = _check(sync, root, "--format", "json")
    assert result.code == 8
    doc = result.json()
    assert doc["status"] == "drift" and doc["exit_code"] == 8
    assert doc["mode"] == "check"
    reasons = {d["path"]: d["reason"] for d in doc["drift"]}
    assert reasons == {"out/alpha.txt": "edited", "out/beta.txt": "missing"}
    edited = next(d for d in doc["drift"] if d["reason"] == "edited")
    assert "-hand edit" in edited["diff"]


def test_json_clean(make_project, sync):
    root = _synced(make_project, sync)
    result = _check(sync, root, "--format", "json")
    assert result.code == 0
    doc = result.json()
    assert doc["status"] == "ok" and doc["drift"] == []


def test_crlf_only_difference_is_eol_and_passes(make_project, sync):
    root = _synced(make_project, sync)
    path = root / "out/alpha.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = _check(sync, root)
    assert result.code == 0, result.err
    assert "eol       out/alpha.txt" in result.err
    assert "line-ending difference(s) ignored" in result.err
    assert result.out == ""
    strict = _check(sync, root, "--strict-eol")
    assert strict.code == 8
    assert "eol       out/alpha.txt" in strict.err


def test_crlf_checkout_does_not_make_sync_refuse(make_project, sync):
    root = _synced(make_project, sync)
    path = root / "out/alpha.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    (root / "t.j2").write_text("v2 {{ name }}\n")
    result = sync(root)
    assert result.code == 0, result.err
    assert path.read_text() == "v2 alpha\n"


def test_check_after_validation_failure_exits_7(make_project, sync):
    shapes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        "  sh:property [ sh:path ex:label ; sh:minCount 1 ] .\n"
    )
    from conftest import manifest

    data = manifest(validation={"shacl": ["shapes.ttl"]})
    root = make_project(files={"shapes.ttl": shapes}, manifest_data=data)
    result = _check(sync, root)
    assert result.code == 7


def test_kept_orphan_is_reported_by_every_check(make_project, sync):
    # A sync that keeps an edited orphan must not let a later --check take the
    # "nothing changed" shortcut and call the tree clean.
    root = _synced(make_project, sync, **{"onto.ttl": THIRD})
    (root / "out/gamma.txt").write_text("edited by hand\n")
    (root / "onto.ttl").write_text(ONTOLOGY)
    assert sync(root).code == 0
    for _ in range(2):
        result = _check(sync, root)
        assert result.code == 8
        assert "orphaned  out/gamma.txt" in result.err
