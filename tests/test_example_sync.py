"""The repository's own job-queue example: generated files match their inputs.

``ggen sync`` over the root ggen.toml writes examples/job_queue/src/; the
committed files must be exactly what it produces, and a copy of the inputs must
produce the same bytes. Mistakes in the ontology stop the run with a message
that names them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import RunCli
from test_erlang_support import REPO


def copy_example(dest: Path) -> Path:
    """The example's inputs and committed outputs, copied under ``dest``."""
    for name in ("specs/001-job-queue", "templates/erlang", "examples/job_queue"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy2(REPO / "ggen.toml", dest / "ggen.toml")
    return dest


def src_bytes(root: Path) -> dict[str, bytes]:
    src = root / "examples/job_queue/src"
    return {p.name: p.read_bytes() for p in sorted(src.glob("*.erl"))}


def test_committed_example_is_up_to_date(cli: RunCli, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    result = cli("sync", "--check", "-m", root)
    assert result.code == 0, result.err


def test_sync_reproduces_the_committed_bytes(cli: RunCli, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "repo")
    committed = src_bytes(root)
    for path in (root / "examples/job_queue/src").glob("*.erl"):
        path.unlink()
    result = cli("sync", "-m", root)
    assert result.code == 0, result.err
    assert src_bytes(root) == committed
    assert len(committed) == 8


def test_generated_erlang_holds_no_machine_details(tmp_path: Path) -> None:
    for name, text in src_bytes(REPO).items():
        body = text.decode()
        assert str(REPO) not in body, name
        assert "/tmp" not in body and "/home" not in body, name
        assert body.endswith("\n"), name


def test_statement_order_does_not_change_the_output(
    cli: RunCli, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "repo")
    feature = root / "specs/001-job-queue/feature.ttl"
    text = feature.read_text()
    prefixes = [line for line in text.splitlines() if line.startswith("@prefix")]
    blocks = [b for b in text.split("\n\n") if b.strip()]
    statements = [b for b in blocks if any(
        line.strip() and not line.startswith(("@prefix", "#"))
        for line in b.splitlines())]
    shuffled = "\n".join(prefixes) + "\n\n" + "\n\n".join(reversed(statements))
    feature.write_text(shuffled + "\n")
    result = cli("sync", "--check", "-m", root)
    assert result.code == 0, result.err + result.out


def test_backend_without_template_names_the_missing_file(
    cli: RunCli, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "repo")
    feature = root / "specs/001-job-queue/feature.ttl"
    feature.write_text(
        feature.read_text()
        + '\njobs:Carrier a jobs:Backend ;\n    rdfs:label "Carrier" ;\n'
        '    jobs:url "pigeon://roof" .\n'
    )
    before = src_bytes(root)
    result = cli("sync", "-m", root)
    assert result.code == 4
    assert "templates/erlang/backend_carrier.erl.tera" in result.err
    assert src_bytes(root) == before


def test_half_described_backend_is_stopped_by_the_shapes(
    cli: RunCli, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "repo")
    feature = root / "specs/001-job-queue/feature.ttl"
    feature.write_text(
        feature.read_text()
        + '\njobs:Memcached a jobs:Backend ;\n    rdfs:label "Memcached" ;\n'
        '    jobs:implementation jobs:MemcachedImplementation .\n'
        'jobs:MemcachedImplementation a jobs:BackendImplementation ;\n'
        '    jobs:module "job_backend_memcached" .\n'
        'jobs:Queue jobs:defaultPriority jobs:Urgent .\n'
    )
    result = cli("sync", "-m", root)
    assert result.code == 7
    assert "a backend needs exactly one jobs:url" in result.err
    assert "jobs:publishFunction" in result.err
    assert "jobs:defaultPriority must be one of the declared priorities" in result.err


def test_two_backends_of_one_kind_are_stopped_before_their_paths_clash(
    cli: RunCli, tmp_path: Path
) -> None:
    # Without an implementation both would be src/job_backend_redis.erl; the
    # user should hear about jobs:implementation, not about clashing paths.
    root = copy_example(tmp_path / "repo")
    before = src_bytes(root)
    feature = root / "specs/001-job-queue/feature.ttl"
    feature.write_text(
        feature.read_text()
        + '\njobs:Cache a jobs:Backend ;\n    rdfs:label "Cache" ;\n'
        '    jobs:kind "kafka" ;\n    jobs:url "kafka://localhost:9093" .\n'
    )
    result = cli("sync", "-m", root, "--format", "json")
    assert result.code == 7
    messages = [v["message"] for v in result.json()["validation"]]
    assert len(messages) == 1
    assert "two backends become the same Erlang module" in messages[0]
    assert "jobs:implementation with its own jobs:module" in messages[0]
    assert src_bytes(root) == before


def test_the_example_default_backend_is_named_in_the_ontology(
    cli: RunCli, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "repo")
    feature = root / "specs/001-job-queue/feature.ttl"
    text = feature.read_text()
    assert "    jobs:defaultBackend jobs:ETS ;\n" in text
    queue = (root / "examples/job_queue/src/job_queue.erl").read_text()
    assert "application:get_env(job_queue, backend, ets)" in queue
