"""``ggen init``: the job-queue starter project, and what it refuses to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from conftest import RunCli
from test_erlang_support import REPO

from ggen.errors import UsageError
from ggen.init import data_root, init_project

EXPECTED = {
    ".gitignore",
    "ggen.toml",
    "README.md",
    "rebar.config",
    "src/job_queue.app.src",
    ".specify/specs/001-job-queue/feature.ttl",
    ".specify/specs/001-job-queue/shapes.ttl",
    ".specify/specs/001-job-queue/queries/backends.rq",
    ".specify/specs/001-job-queue/queries/vocabulary.rq",
    *(f"templates/erlang/backend_{kind}.erl.tera"
      for kind in ("ets", "kafka", "nats", "postgresql", "rabbitmq", "redis")),
    "templates/erlang/job_backend.erl.tera",
    "templates/erlang/job_queue.erl.tera",
}
JOBS = rdflib.Namespace("http://ggen.dev/ontology/jobs#")


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_writes_the_project(cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "my-queue"
    result = cli("init", target)
    assert result.code == 0, result.err
    assert files_under(target) == EXPECTED
    assert ".ggen/audit/" in (target / ".gitignore").read_text().splitlines()


def test_init_returns_what_it_wrote(tmp_path: Path) -> None:
    created = init_project(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in created} == EXPECTED
    assert created == sorted(created)


def test_starting_ontology_has_nats_and_rabbitmq_only(tmp_path: Path) -> None:
    init_project(tmp_path)
    graph = rdflib.Graph().parse(
        tmp_path / ".specify/specs/001-job-queue/feature.ttl")
    backends = set(graph.subjects(rdflib.RDF.type, JOBS.Backend))
    assert backends == {JOBS.NATS, JOBS.RabbitMQ}


def test_starting_ontology_is_part_of_the_repository_example(tmp_path: Path) -> None:
    # The starter keeps the vocabulary and settings of specs/001-job-queue, so
    # the shared shapes, queries and templates fit both.
    init_project(tmp_path)
    starter = rdflib.Graph().parse(
        tmp_path / ".specify/specs/001-job-queue/feature.ttl")
    full = rdflib.Graph().parse(REPO / "specs/001-job-queue/feature.ttl")
    assert set(starter) - set(full) == set()


def test_init_then_sync_generates_the_application(
    cli: RunCli, tmp_path: Path
) -> None:
    assert cli("init", tmp_path).code == 0
    result = cli("sync", "-m", tmp_path)
    assert result.code == 0, result.err
    generated = {p.name for p in (tmp_path / "src").glob("*.erl")}
    assert generated == {"job_backend.erl", "job_backend_nats.erl",
                         "job_backend_rabbitmq.erl", "job_queue.erl"}
    queue = (tmp_path / "src/job_queue.erl").read_text()
    assert "[nats, rabbitmq]" in queue
    assert cli("sync", "--check", "-m", tmp_path).code == 0


def test_init_refuses_an_existing_project(cli: RunCli, tmp_path: Path) -> None:
    assert cli("init", tmp_path).code == 0
    manifest = tmp_path / "ggen.toml"
    manifest.write_text(manifest.read_text() + "\n# my edit\n")
    result = cli("init", tmp_path)
    assert result.code == 64
    assert "already holds a ggen project: ggen.toml" in result.err
    assert "--force" in result.err
    assert manifest.read_text().endswith("# my edit\n")


def test_init_force_overwrites(cli: RunCli, tmp_path: Path) -> None:
    assert cli("init", tmp_path).code == 0
    manifest = tmp_path / "ggen.toml"
    manifest.write_text("# my edit\n")
    assert cli("init", tmp_path, "--force").code == 0
    assert manifest.read_text() != "# my edit\n"
    # The ignore entry is added once, however often init runs.
    assert (tmp_path / ".gitignore").read_text().count(".ggen/audit/") == 1


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("_build/")
    init_project(tmp_path)
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "_build/"
    assert ".ggen/audit/" in (tmp_path / ".gitignore").read_text().splitlines()


def test_unknown_example_is_a_usage_error(cli: RunCli, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown example `todo-app`"):
        init_project(tmp_path, example="todo-app")
    result = cli("init", tmp_path / "x", "--example", "todo-app")
    assert result.code == 64
    assert "known examples: job-queue" in result.err
    assert not (tmp_path / "x").exists()


def test_bundled_data_is_found() -> None:
    root = data_root()
    assert (root / "specs/init/job-queue/ggen.toml").is_file()
    assert (root / "templates/erlang/backend_redis.erl.tera").is_file()


def test_readme_turtle_is_the_how_to_page_turtle(tmp_path: Path) -> None:
    init_project(tmp_path)
    readme = (tmp_path / "README.md").read_text()
    page = (REPO / "docs/howto-custom-backend.md").read_text()
    in_readme = re.findall(r"```turtle\n(.*?)```", readme, re.S)[0]
    on_page = re.findall(r"```turtle\n(.*?)```", page, re.S)[0]
    dedented = "\n".join(line[3:] for line in in_readme.splitlines()) + "\n"
    assert dedented.strip() == on_page.strip()
