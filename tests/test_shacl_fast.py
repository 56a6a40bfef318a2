"""The SPARQL fast path for SHACL reports what pyshacl reports.

Differential tests: many small random graphs and shapes files (seeded, so a
failure reproduces), the repository's own shapes files, and constructs the fast
path leaves to pyshacl. Each case runs ``validate`` twice, once forced through
pyshacl (``GGEN_SHACL=pyshacl``), and compares the violations as sets.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ggen import shacl_fast
from ggen.graph import load_graph
from ggen.validate import Violation, validate

REPO = Path(__file__).resolve().parent.parent

PREFIXES = """\
@prefix ex: <http://example.org/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

VALUES = [
    "ex:n1",
    "ex:n2",
    "ex:n3",
    "foaf:agent",
    "<http://other.example/x y>".replace(" ", "_"),
    '"abc"',
    '"Abc"',
    '"abc"@en',
    '"abc"@EN-gb',
    '"a \\"quoted\\" \\\\ word"',
    '"xyz"',
    "5",
    "-3",
    '"05"^^xsd:integer',
    '"abc"^^xsd:integer',
    "2.5",
    "true",
    '"2024-01-31"^^xsd:date',
    '"2024-02-31"^^xsd:date',
    '"10"^^xsd:int',
    '"hello world"',
    "[ a ex:A ]",
    "[ ex:p 1 ]",
]

CONSTRAINTS = [
    "sh:minCount 1",
    "sh:minCount 2",
    "sh:maxCount 1",
    "sh:maxCount 0",
    "sh:datatype xsd:string",
    "sh:datatype xsd:integer",
    "sh:datatype xsd:decimal",
    "sh:datatype xsd:boolean",
    "sh:datatype xsd:date",
    "sh:datatype xsd:int",
    "sh:datatype rdf:langString",
    "sh:datatype rdfs:Literal",
    "sh:class ex:A",
    "sh:class ex:C",
    "sh:in ( ex:n1 ex:n2 )",
    'sh:in ( "abc" 5 ex:n3 )',
    'sh:in ( "05"^^xsd:integer 2.5 true "Abc" )',
    'sh:in ( "a \\"quoted\\" \\\\ word" "2024-01-31"^^xsd:date ex:n1 )',
    'sh:pattern "^a"',
    'sh:pattern "b"',
    'sh:pattern "^[a-z]+$" ; sh:flags "i"',
    'sh:pattern "\\\\d"',
    "sh:nodeKind sh:IRI",
    "sh:nodeKind sh:Literal",
    "sh:nodeKind sh:BlankNodeOrIRI",
    "sh:nodeKind sh:IRIOrLiteral",
    "sh:minInclusive 0",
    "sh:maxExclusive 5",
    "sh:minExclusive 2.5",
    "sh:maxInclusive 4",
    "sh:minLength 3",
    "sh:maxLength 3",
]

EXTRAS = ["", "sh:severity sh:Warning", "sh:severity sh:Info", 'sh:message "custom"']

TARGETS = [
    "sh:targetClass ex:A",
    "sh:targetClass ex:C",
    "sh:targetNode ex:n1",
    "sh:targetNode ex:missing",
    "sh:targetSubjectsOf ex:q",
    "sh:targetObjectsOf ex:p",
]

NODE_CONSTRAINTS = [
    "",
    "sh:nodeKind sh:IRI",
    "sh:in ( ex:n1 ex:n2 ex:n3 )",
    "sh:class ex:B",
    'sh:pattern "n[12]$"',
]


def _data(rng: random.Random) -> str:
    lines = [PREFIXES, "ex:B rdfs:subClassOf ex:A ."]
    for i in range(1, 7):
        node = f"ex:n{i}"
        for cls in rng.sample(["ex:A", "ex:B", "ex:C"], rng.randint(0, 2)):
            lines.append(f"{node} a {cls} .")
        for prop in ("ex:p", "ex:q", "ex:r"):
            for value in rng.sample(VALUES, rng.choice([0, 0, 1, 1, 2, 3])):
                lines.append(f"{node} {prop} {value} .")
    return "\n".join(lines) + "\n"


def _shapes(rng: random.Random) -> str:
    lines = [PREFIXES]
    for s in range(rng.randint(1, 3)):
        body = [f"ex:Shape{s} a sh:NodeShape"]
        body += rng.sample(TARGETS, rng.randint(1, 2))
        node_constraint = rng.choice(NODE_CONSTRAINTS)
        if node_constraint:
            body.append(node_constraint)
        for _ in range(rng.randint(1, 3)):
            parts = [f"sh:path {rng.choice(['ex:p', 'ex:q', 'ex:r'])}"]
            parts += _distinct(rng.sample(CONSTRAINTS, rng.randint(1, 4)))
            extra = rng.choice(EXTRAS)
            if extra:
                parts.append(extra)
            body.append(f"sh:property [ {' ; '.join(parts)} ]")
        lines.append(" ;\n    ".join(body) + " .")
    return "\n".join(lines) + "\n"


def _distinct(constraints: list[str]) -> list[str]:
    """At most one constraint per parameter: pyshacl refuses two sh:datatype."""
    seen: dict[str, str] = {}
    for c in constraints:
        seen.setdefault(c.split()[0], c)
    return list(seen.values())


_IN_LIST = re.compile(r"^(Value .* not in list )\[(.*)\]$")


def _key(v: Violation) -> tuple[str, ...]:
    """A violation as compared; sh:in lists in pyshacl's messages come in set
    order, which changes between processes, so their members are sorted."""
    message = v.message
    match = _IN_LIST.match(message)
    if match:
        members = sorted(match.group(2).split(", "))
        message = f"{match.group(1)}[{', '.join(members)}]"
    return (v.severity, v.focus, v.path, v.value, message, v.source, str(v.where))


def _both(
    tmp: Path, data: str, shapes: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]], bool]:
    """(fast-path results, pyshacl results, whether the fast path was used)."""
    data_path, shapes_path = tmp / "data.ttl", tmp / "shapes.ttl"
    data_path.write_text(data)
    shapes_path.write_text(shapes)
    graph = load_graph(data_path, [])
    used = shacl_fast.validate_fast(graph.store, shapes_path, graph.locate) is not None
    monkeypatch.delenv("GGEN_SHACL", raising=False)
    fast = validate(graph, [shapes_path], [], tmp / "ggen.toml")
    monkeypatch.setenv("GGEN_SHACL", "pyshacl")
    slow = validate(graph, [shapes_path], [], tmp / "ggen.toml")
    monkeypatch.delenv("GGEN_SHACL")
    assert fast.warnings == slow.warnings
    return {_key(v) for v in fast.violations}, {_key(v) for v in slow.violations}, used


@pytest.mark.parametrize("seed", range(80))
def test_random_graphs_and_shapes_agree_with_pyshacl(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    fast, slow, _used = _both(tmp_path, _data(rng), _shapes(rng), monkeypatch)
    assert fast == slow


def test_most_random_cases_take_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used = 0
    for seed in range(30):
        rng = random.Random(seed)
        data_path, shapes_path = tmp_path / "d.ttl", tmp_path / "s.ttl"
        data_path.write_text(_data(rng))
        shapes_path.write_text(_shapes(rng))
        graph = load_graph(data_path, [])
        result = shacl_fast.validate_fast(graph.store, shapes_path, graph.locate)
        used += result is not None
    assert used >= 20


def _repo_shapes() -> list[Path]:
    return sorted((REPO / "specs").glob("**/shapes*.ttl"))


@pytest.mark.parametrize("shapes_path", _repo_shapes(), ids=lambda p: p.parent.name)
def test_repo_shapes_take_the_fast_path_and_agree(
    shapes_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shacl_fast.load_shapes(shapes_path) is not None
    data_files = sorted(p for p in shapes_path.parent.glob("*.ttl") if p != shapes_path)
    data = "\n".join(p.read_text() for p in data_files)
    fast, slow, used = _both(tmp_path, data, shapes_path.read_text(), monkeypatch)
    assert used
    assert fast == slow


@pytest.mark.parametrize("shapes_path", _repo_shapes(), ids=lambda p: p.parent.name)
def test_repo_shapes_agree_on_broken_data(
    shapes_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spec's data with values swapped around, so constraints fire."""
    data_files = sorted(p for p in shapes_path.parent.glob("*.ttl") if p != shapes_path)
    text = "\n".join(p.read_text() for p in data_files)
    for seed in range(5):
        rng = random.Random(seed)
        broken = _break(text, rng)
        fast, slow, _used = _both(
            tmp_path, broken, shapes_path.read_text(), monkeypatch
        )
        assert fast == slow


def _break(text: str, rng: random.Random) -> str:
    """Swap some literals for others of another kind, and drop some lines."""
    swaps = ['"Not_An_Atom"', "42", '"x"@en', "-1", '"redis://ok"', "<urn:x>"]
    out = []
    for line in text.splitlines():
        if rng.random() < 0.15 and not line.lstrip().startswith("@prefix"):
            line = re.sub(r'"[^"\n]*"|\b\d+\b', rng.choice(swaps), line, count=1)
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    "construct",
    [
        "sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] )",
        "sh:closed true",
        "sh:hasValue ex:n1",
        "sh:node ex:Other",
        "sh:deactivated true",
    ],
)
def test_other_constructs_fall_back_to_pyshacl(
    construct: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = (
        PREFIXES
        + f"ex:S a sh:NodeShape ; sh:targetClass ex:A ; {construct} .\n"
        + "ex:Other a sh:NodeShape ; sh:nodeKind sh:IRI .\n"
    )
    data = PREFIXES + 'ex:n1 a ex:A ; ex:p "v" .\nex:n2 a ex:A .\n'
    fast, slow, used = _both(tmp_path, data, shapes, monkeypatch)
    assert not used
    assert fast == slow


def test_sequence_path_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = PREFIXES + (
        "ex:S a sh:NodeShape ; sh:targetClass ex:A ;\n"
        "  sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .\n"
    )
    data = PREFIXES + "ex:n1 a ex:A ; ex:p ex:n2 .\n"
    fast, slow, used = _both(tmp_path, data, shapes, monkeypatch)
    assert not used
    assert fast == slow


def test_default_messages_are_pyshacls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = PREFIXES + (
        "ex:S a sh:NodeShape ; sh:targetClass ex:A ;\n"
        "  sh:property [ sh:path foaf:name ; sh:minCount 1 ] ;\n"
        "  sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:datatype xsd:integer ] .\n"
    )
    data = PREFIXES + 'ex:n1 a ex:A ; ex:p 1, "two" .\n'
    fast, slow, used = _both(tmp_path, data, shapes, monkeypatch)
    assert used
    assert fast == slow
    messages = {key[4] for key in fast}
    assert "Less than 1 values on ex:n1->foaf:name" not in messages  # no prefix ex
    assert any(
        m.startswith("Less than 1 values on <http://example.org/ns#n1>")
        for m in messages
    )


def test_no_target_warning_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = (
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:Nothing ; "
        "sh:nodeKind sh:IRI .\n"
    )
    data = PREFIXES + "ex:n1 a ex:A .\n"
    fast, slow, used = _both(tmp_path, data, shapes, monkeypatch)
    assert used
    assert fast == slow == set()
