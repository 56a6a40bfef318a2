"""The audit record: verifiable hashes, actions, integer durations."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest
from conftest import ONTOLOGY, manifest


def _audit(root):
    return json.loads((root / ".ggen/audit/latest.json").read_text())


def test_audit_contents_verifiable(make_project, sync):
    root = make_project()
    result = sync(root, "--audit")
    assert result.code == 0
    doc = _audit(root)
    assert doc["manifest"]["sha256"] == hashlib.sha256(
        (root / "ggen.toml").read_bytes()
    ).hexdigest()
    kinds = {(i["kind"], i["path"]) for i in doc["inputs"]}
    assert {("ontology", "onto.ttl"), ("query", "q.rq"), ("template", "t.j2")} <= kinds
    for item in doc["inputs"]:
        data = (root / item["path"]).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["size"] == len(data)
    outputs = {o["path"]: o for o in doc["outputs"]}
    assert set(outputs) == {"out/alpha.txt", "out/beta.txt"}
    for path, item in outputs.items():
        assert item["action"] == "created" and item["rule"] == "things"
        assert item["sha256_before"] is None
        data = (root / path).read_bytes()
        assert item["sha256_after"] == hashlib.sha256(data).hexdigest()
    assert doc["durations_ms"] and all(
        isinstance(v, int) and v >= 0 for v in doc["durations_ms"].values()
    )
    assert doc["triples"]["loaded"] == 6


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum")
def test_audit_hashes_match_sha256sum(make_project, sync):
    root = make_project()
    assert sync(root, "--audit").code == 0
    for item in _audit(root)["outputs"]:
        line = subprocess.run(
            ["sha256sum", item["path"]], cwd=root, capture_output=True, text=True
        ).stdout
        assert line.split()[0] == item["sha256_after"]


def test_audit_second_run_unchanged_and_updated(make_project, sync):
    root = make_project()
    assert sync(root).code == 0
    (root / "onto.ttl").write_text(ONTOLOGY.replace('"beta"', '"beta"@en'))
    assert sync(root, "--audit").code == 0
    outputs = {o["path"]: o for o in _audit(root)["outputs"]}
    assert outputs["out/alpha.txt"]["action"] == "unchanged"
    assert outputs["out/beta.txt"]["action"] in ("unchanged", "updated")
    assert outputs["out/alpha.txt"]["sha256_before"] == (
        outputs["out/alpha.txt"]["sha256_after"]
    )


def test_audit_records_deletes(make_project, sync):
    onto = ONTOLOGY + '\nex:gamma a ex:Thing ; ex:name "gamma" ; ex:size 3 .\n'
    root = make_project(files={"onto.ttl": onto})
    assert sync(root).code == 0
    (root / "onto.ttl").write_text(ONTOLOGY)
    assert sync(root, "--audit").code == 0
    outputs = {o["path"]: o for o in _audit(root)["outputs"]}
    assert outputs["out/gamma.txt"]["action"] == "deleted"
    assert outputs["out/gamma.txt"]["sha256_after"] is None


def test_require_audit_trail_in_manifest(make_project, sync):
    data = manifest(generation={"require_audit_trail": True})
    root = make_project(manifest_data=data)
    assert sync(root).code == 0
    assert (root / ".ggen/audit/latest.json").is_file()


def test_no_audit_without_flag(make_project, sync):
    root = make_project()
    assert sync(root).code == 0
    assert not (root / ".ggen/audit").exists()


def test_audit_not_written_by_check_or_dry_run(make_project, sync):
    root = make_project()
    assert sync(root, "--check", "--audit").code == 8
    assert sync(root, "--dry-run", "--audit").code == 0
    assert not (root / ".ggen").exists()
