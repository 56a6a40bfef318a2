"""The command line: flags, spellings, JSON on stdout, status on stderr."""

from __future__ import annotations

import json

import pytest
from conftest import manifest, record, rule, stat_tree


def test_sync_writes_and_reports_per_file(make_project, sync):
    root = make_project()
    result = sync(root)
    assert result.code == 0
    assert result.out == ""  # stdout is for data only
    assert "Generated out/alpha.txt (new)" in result.err
    assert "✓ 6 triples (1 file)" in result.err
    assert (root / "out/alpha.txt").read_text() == (
        "name=alpha size=1 iri=http://example.org/alpha\n"
    )


def test_json_is_exactly_one_document(make_project, sync):
    root = make_project()
    result = sync(root, "--format", "json")
    assert result.code == 0
    doc = json.loads(result.out)  # raises if there is anything else
    assert doc["status"] == "ok" and doc["mode"] == "sync"
    assert {f["path"]: f["action"] for f in doc["files"]} == {
        "out/alpha.txt": "create",
        "out/beta.txt": "create",
    }
    assert doc["counts"]["create"] == 2
    assert all(isinstance(v, int) for v in doc["durations_ms"].values())
    assert doc["triples"] == 6
    assert "{" not in result.err


def test_json_dry_run(make_project, sync):
    root = make_project()
    result = sync(root, "--format", "json", "--dry-run")
    assert result.code == 0
    assert result.json()["mode"] == "dry-run"
    assert not (root / "out").exists()


def test_quiet(make_project, sync):
    result = sync(make_project(), "-q")
    assert result.code == 0 and result.err == ""


def test_rule_selection(make_project, sync):
    rules = [rule("a", "a/{{ name }}.txt"), rule("b", "b/{{ name }}.txt")]
    root = make_project(manifest_data=manifest(rules))
    result = sync(root, "--rule", "b")
    assert result.code == 0, result.err
    assert not (root / "a").exists() and (root / "b/alpha.txt").is_file()
    assert sorted(record(root)["files"]) == ["b/alpha.txt", "b/beta.txt"]
    # running only `a` later leaves b's files (not orphans of a)
    assert sync(root, "--rule", "a").code == 0
    assert (root / "b/alpha.txt").is_file()
    assert len(record(root)["files"]) == 4


def test_unknown_rule_is_usage_error(make_project, sync):
    root = make_project()
    result = sync(root, "--rule", "nope")
    assert result.code == 64
    assert "no generation rule named `nope`" in result.err
    assert "things" in result.err


@pytest.mark.parametrize(
    ("flags", "writes"),
    [
        (("--audit", "true"), True),
        (("--audit=true",), True),
        (("--audit", "false"), False),
        (("--audit", "TRUE"), True),
    ],
)
def test_audit_value_spellings(make_project, sync, flags, writes):
    root = make_project()
    result = sync(root, *flags)
    assert result.code == 0, result.err
    assert (root / ".ggen/audit/latest.json").is_file() == writes


@pytest.mark.parametrize(
    "flags", [("--dry_run", "true"), ("--dry-run", "true"), ("--dry_run",)]
)
def test_dry_run_spellings(make_project, sync, flags):
    root = make_project()
    result = sync(root, *flags)
    assert result.code == 0, result.err
    assert not (root / "out").exists() and not (root / ".ggen").exists()
    assert "create: out/alpha.txt" in result.err


def test_dry_run_false_writes(make_project, sync):
    root = make_project()
    assert sync(root, "--dry_run", "false").code == 0
    assert (root / "out/alpha.txt").is_file()


def test_bad_boolean_value(make_project, sync):
    root = make_project()
    before = stat_tree(root)
    result = sync(root, "--audit", "maybe")
    assert result.code == 64
    assert "true" in result.err and "maybe" in result.err
    assert stat_tree(root) == before


def test_unknown_option(make_project, sync):
    result = sync(make_project(), "--frobnicate")
    assert result.code == 64
    assert "--frobnicate" in result.err and "Traceback" not in result.err


def test_bad_format_value(make_project, sync):
    assert sync(make_project(), "--format", "yaml").code == 64


def test_no_arguments_is_usage(cli):
    assert cli().code == 64


def test_version(cli):
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("ggen ")


def test_manifest_defaults_to_cwd(make_project, cli, monkeypatch):
    root = make_project()
    monkeypatch.chdir(root)
    assert cli("sync").code == 0
    assert (root / "out/alpha.txt").is_file()


def test_library_entry_point(make_project):
    from ggen.pipeline import SyncOptions, sync

    root = make_project()
    result = sync(SyncOptions(manifest=root))
    assert sorted(result.written) == ["out/alpha.txt", "out/beta.txt"]
    checked = sync(SyncOptions(manifest=root, check=True))
    assert checked.failing_drift == []


def test_json_output_of_a_refused_write_lists_the_files(make_project, sync):
    import json

    root = make_project()
    assert sync(root).code == 0
    (root / "out/alpha.txt").write_text("mine\n")
    (root / "onto.ttl").write_text((root / "onto.ttl").read_text() + "\n")
    result = sync(root, "--format", "json", "--force", "false")
    assert result.code == 5
    document = json.loads(result.out)
    assert [f["path"] for f in document["files"]] == ["out/alpha.txt"]
    assert document["files"][0]["action"] == "refuse (edited)"
