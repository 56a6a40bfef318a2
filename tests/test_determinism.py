"""Byte-stable output: the same project from shuffled inputs, anywhere, any env."""

from __future__ import annotations

import random

from conftest import dump_toml, manifest, record, rule, run_subprocess, tree, write_tree

PREFIX = "@prefix ex: <http://example.org/> .\n"


def _statements(count: int) -> list[str]:
    out = []
    for i in range(count):
        out.append(f'ex:t{i} a ex:Thing ; ex:name "t{i}" ; ex:size {i % 7} .\n')
        out.append(f"ex:t{i} ex:part [ ex:label \"p{i}\" ; ex:rank {i % 3} ] .\n")
    return out


# No ORDER BY anywhere: the order must come from the values alone.
QUERY_ALL = (
    "PREFIX ex: <http://example.org/>\n"
    "SELECT ?name ?size ?label ?part WHERE {\n"
    "  ?t ex:name ?name ; ex:size ?size ; ex:part ?part . ?part ex:label ?label }\n"
)
TEMPLATE_ALL = (
    "{% for r in results %}{{ r.name }} {{ r.size }} {{ r.label }} {{ r.part }}\n"
    "{% endfor %}"
)
QUERY_ROW = (
    "PREFIX ex: <http://example.org/>\n"
    "SELECT ?name ?size WHERE { ?t ex:name ?name ; ex:size ?size }\n"
)


def _write_project(root, seed: int) -> None:
    rng = random.Random(seed)
    statements = _statements(30)
    rng.shuffle(statements)
    chunks = [statements[i::3] for i in range(3)]
    imports = [f"part{i}.ttl" for i in range(1, 3)]
    rng.shuffle(imports)
    data = manifest(
        [
            rule("all", "out/all.txt", query={"file": "all.rq"},
                 template={"file": "all.j2"}),
            rule("each", "out/each/{{ name }}.txt"),
        ]
    )
    data["ontology"]["imports"] = imports
    files = {
        "ggen.toml": dump_toml(data),
        "onto.ttl": PREFIX + "".join(chunks[0]),
        "part1.ttl": PREFIX + "".join(chunks[1]),
        "part2.ttl": PREFIX + "".join(chunks[2]),
        "all.rq": QUERY_ALL,
        "all.j2": TEMPLATE_ALL,
        "q.rq": QUERY_ROW,
        "t.j2": "{{ name }}={{ size }} ({{ results | length }} in all)\n",
    }
    write_tree(root, files)


def _outputs(root) -> dict[str, object]:
    """Generated files and the whole record, as bytes."""
    out: dict[str, object] = {
        k: v for k, v in tree(root).items() if k.startswith("out/")
    }
    out["record"] = (root / ".ggen/generated.json").read_bytes()
    return out


def test_shuffled_inputs_different_folders_and_env(tmp_path):
    results = []
    envs = [
        {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"},
        {"PYTHONHASHSEED": "4242", "TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8"},
        {"PYTHONHASHSEED": "random", "TZ": "America/St_Johns", "LC_ALL": "POSIX"},
    ]
    for index, env in enumerate(envs):
        root = tmp_path / f"place{index}" / ("deep/" * index) / "proj"
        root.mkdir(parents=True)
        _write_project(root, seed=index)
        proc = run_subprocess(["sync", "-m", str(root)], cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr
        results.append(_outputs(root))
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 32  # all.txt, 30 per-row files, the record


def test_record_is_deterministic_and_has_no_paths_or_times(make_project, sync):
    root = make_project()
    assert sync(root).code == 0
    first = (root / ".ggen/generated.json").read_bytes()
    (root / ".ggen/generated.json").unlink()
    assert sync(root, "--force").code == 0
    assert (root / ".ggen/generated.json").read_bytes() == first
    text = first.decode()
    assert str(root) not in text and "/tmp" not in text
    assert "time" not in text and "20" + "2" not in text.replace("sha256", "")
    data = record(root)
    assert list(data["files"]) == sorted(data["files"])


def test_blank_node_labels_do_not_reach_output(make_project, sync):
    root = make_project()
    _write_project(root, seed=7)
    assert sync(root).code == 0
    text = (root / "out/all.txt").read_text()
    labels = [line.split()[-1] for line in text.splitlines()]
    assert labels == [f"_:b{i}" for i in range(30)]
