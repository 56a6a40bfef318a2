"""Every documented exit code, reached the way a user would reach it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DOCUMENTED_CODES, manifest, rule, stat_tree

from ggen.errors import ExitCode, GgenError, exit_code_for

README = Path(__file__).resolve().parent.parent / "README.md"


def _ok(make_project):
    return make_project(), ()


def _manifest_error(make_project):
    return make_project(manifest_data="not [ toml"), ()


def _ontology_error(make_project):
    return make_project(files={"onto.ttl": "this is not turtle"}), ()


def _sparql_error(make_project):
    return make_project(files={"q.rq": "SELECT WHERE"}), ()


def _template_error(make_project):
    return make_project(files={"t.j2": "{% for %}"}), ()


def _refused(make_project):
    data = manifest([rule(mode="Overwrite")])
    return make_project(files={"out/alpha.txt": "mine"}, manifest_data=data), ()


def _timeout(make_project):
    values = " ".join(str(i) for i in range(100))
    loops = "".join(f"{{% for a{i} in results %}}" for i in range(8))
    template = loops + "x" + "{% endfor %}" * 8
    query = f"SELECT ?i WHERE {{ VALUES ?i {{ {values} }} }}"
    files = {"q.rq": query, "t.j2": template}
    data = manifest([rule(output_file="out.txt")])
    return make_project(files=files, manifest_data=data), ("--timeout", "0.3")


def _validation(make_project):
    ask = {"name": "no-things", "ask": "ASK { ?s a <http://example.org/Thing> }"}
    return make_project(manifest_data=manifest(validation={"rules": [ask]})), ()


def _drift(make_project):
    return make_project(), ("--check",)


def _usage(make_project):
    return make_project(), ("--no-such-option",)


CASES = {
    0: _ok,
    1: _manifest_error,
    2: _ontology_error,
    3: _sparql_error,
    4: _template_error,
    5: _refused,
    6: _timeout,
    7: _validation,
    8: _drift,
    64: _usage,
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_exit_code(make_project, sync, code):
    root, flags = CASES[code](make_project)
    before = stat_tree(root)
    result = sync(root, *flags)
    assert result.code == code, result.err
    assert "Traceback" not in result.err
    if code:
        assert stat_tree(root) == before, "a failed run must leave the folder as is"
        assert "error" in result.err.lower() or code == 8


@pytest.mark.parametrize("code", sorted(set(CASES) - {0, 8, 64}))
def test_exit_code_json(make_project, sync, code):
    root, flags = CASES[code](make_project)
    result = sync(root, *flags, "--format", "json")
    assert result.code == code
    doc = result.json()  # exactly one document on stdout
    assert doc["exit_code"] == code and doc["status"] == "error"
    assert doc["errors"] and all(e["message"] for e in doc["errors"])


def test_traceback_only_on_request(make_project, sync):
    root = make_project(files={"onto.ttl": "nonsense"})
    plain = sync(root)
    assert plain.code == 2 and "Traceback" not in plain.err
    loud = sync(root, "--traceback")
    assert loud.code == 2 and "Traceback (most recent call last)" in loud.err


def test_internal_error_is_code_70_without_traceback(make_project, sync, monkeypatch):
    import ggen.pipeline

    def boom(*_args, **_kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(ggen.pipeline, "load_graph", boom)
    root = make_project()
    result = sync(root)
    assert result.code == 70
    assert "internal error: RuntimeError: simulated bug" in result.err
    assert "Traceback" not in result.err
    loud = sync(root, "--traceback")
    assert loud.code == 70 and "Traceback (most recent call last)" in loud.err


def test_every_code_documented_in_readme():
    text = README.read_text()
    section = text.split("## Errors and exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert documented == {int(c) for c in ExitCode}
    assert {int(c) for c in ExitCode} - {70} == DOCUMENTED_CODES


def test_exit_code_for():
    assert exit_code_for(GgenError("x")) == ExitCode.INTERNAL
    assert exit_code_for(KeyboardInterrupt()) == ExitCode.INTERRUPTED
    assert exit_code_for(ValueError()) == ExitCode.INTERNAL


def test_error_message_shape():
    from ggen.errors import Location, ManifestError

    error = ManifestError(
        "bad thing", Location("ggen.toml", 3, 7), hint="do this", excerpt="x = 1"
    )
    assert error.render() == "ggen.toml:3:7: bad thing\n    x = 1\n  hint: do this"
    assert error.to_json()[0]["line"] == 3
