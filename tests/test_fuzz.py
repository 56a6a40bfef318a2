"""Fuzzing: generated Turtle, queries and templates, valid and broken.

Whatever the inputs, ``ggen sync`` must exit with a documented code, never
show a traceback or an internal error, and leave the folder as it was when it
fails.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from conftest import DOCUMENTED_CODES, dump_toml, manifest, rule, stat_tree, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ggen.cli import main

TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\x00"
    ),
    max_size=12,
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@st.composite
def objects(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["str", "int", "dec", "lang", "iri", "bnode", "bool"]))
    if kind == "str":
        return f'"{_escape(draw(TEXT))}"'
    if kind == "int":
        return str(draw(st.integers(-10**6, 10**6)))
    if kind == "dec":
        return f"{draw(st.integers(0, 999))}.{draw(st.integers(0, 99)):02d}"
    if kind == "lang":
        return f'"{_escape(draw(TEXT))}"@{draw(st.sampled_from(["en", "fr", "de-CH"]))}'
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "bnode":
        return f'[ ex:name "{_escape(draw(TEXT))}" ]'
    return f"ex:{draw(st.sampled_from(['a', 'b', 'c', 'Thing']))}"


@st.composite
def turtle(draw: st.DrawFn) -> str:
    lines = ["@prefix ex: <http://example.org/> ."]
    for _ in range(draw(st.integers(0, 6))):
        subject = draw(st.sampled_from(["ex:a", "ex:b", "ex:c", "_:x", "<rel>"]))
        predicate = draw(st.sampled_from(["ex:name", "ex:size", "a", "ex:other"]))
        lines.append(f"{subject} {predicate} {draw(objects())} .")
    text = "\n".join(lines) + "\n"
    return draw(_maybe_broken(text))


@st.composite
def _maybe_broken(draw: st.DrawFn, text: str) -> str:
    """Half the time, damage the text: cut it, or insert a token."""
    how = draw(st.sampled_from(["keep", "keep", "cut", "insert"]))
    if how == "keep" or not text:
        return text
    at = draw(st.integers(0, len(text)))
    if how == "cut":
        return text[:at]
    tokens = ['"', "<", ">", ";", ".", "{", "}", "{{", "{%", "%}", "\\", "@"]
    token = draw(st.sampled_from(tokens) | TEXT)
    return text[:at] + token + text[at:]


QUERIES = [
    "PREFIX ex: <http://example.org/>\nSELECT ?s ?name WHERE { ?s ex:name ?name }",
    "PREFIX ex: <http://example.org/>\n"
    "SELECT ?name ?size WHERE { ?s ex:name ?name OPTIONAL { ?s ex:size ?size } }\n"
    "ORDER BY ?name",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/>\nASK { ?s ex:name ?n }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]

TEMPLATE_PIECES = [
    "{{ name }}",
    "{{ row.s }}",
    "{{ results | length }}",
    "{% for r in results %}{{ r.name }}\n{% endfor %}",
    "{% if name %}yes{% endif %}",
    "{{ name | upper }}",
    "{{ undefined_thing }}",
    "{{ size + 1 }}",
    "{% for %}",
    "{{",
    "}}",
    "{% endfor %}",
    "text\n",
    "{{ name | nosuchfilter }}",
]

OUTPUTS = [
    "out/{{ name }}.txt",
    "out/all.txt",
    "out/{{ s }}.txt",
    "../out.txt",
    "out/{{ size }}/x.txt",
]


@st.composite
def templates(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(TEMPLATE_PIECES) | TEXT, max_size=5))
    return "".join(pieces)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    ttl=turtle(),
    query=st.sampled_from(QUERIES).flatmap(_maybe_broken),
    template=templates(),
    output=st.sampled_from(OUTPUTS),
    existing=st.booleans(),
)
def test_sync_never_crashes(
    ttl: str, query: str, template: str, output: str, existing: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        files: dict[str, str | bytes] = {
            "ggen.toml": dump_toml(manifest([rule(output_file=output)])),
            "onto.ttl": ttl,
            "q.rq": query,
            "t.j2": template,
        }
        if existing:  # something already on disk at a likely target
            files["out/all.txt"] = "hand written\n"
        write_tree(root, files)
        before = stat_tree(Path(tmp))
        code, err = _run(["sync", "-m", str(root)])
        assert code in DOCUMENTED_CODES, err
        assert "Traceback" not in err and "internal error" not in err, err
        if code != 0:
            assert stat_tree(Path(tmp)) == before, err
        else:
            check_code, check_err = _run(["sync", "-m", str(root), "--check"])
            assert check_code == 0, check_err


def _run(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()
