"""``ggen init``: the job-queue starter project, and what it refuses to do."""

from __future__ import annotations

import re
import tomllib
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
    # the shared shapes, queries and templates fit both; only the default
    # backend differs, as each queue names its own.
    init_project(tmp_path)
    starter = rdflib.Graph().parse(
        tmp_path / ".specify/specs/001-job-queue/feature.ttl")
    full = rdflib.Graph().parse(REPO / "specs/001-job-queue/feature.ttl")
    assert set(starter) - set(full) == {(JOBS.Queue, JOBS.defaultBackend, JOBS.NATS)}
    assert (JOBS.Queue, JOBS.defaultBackend, JOBS.ETS) in full


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


# --- the default backend and module clashes --------------------------------

FEATURE = ".specify/specs/001-job-queue/feature.ttl"


def how_to_turtle(index: int) -> str:
    """The how-to page's Redis (0) or Kafka (1) Turtle."""
    page = (REPO / "docs/howto-custom-backend.md").read_text()
    return re.findall(r"```turtle\n(.*?)```", page, re.S)[index]


def append(root: Path, turtle: str) -> None:
    feature = root / FEATURE
    feature.write_text(feature.read_text() + "\n" + turtle)


def default_backend(root: Path) -> str:
    """The atom job_queue:default_backend() falls back to."""
    queue = (root / "src/job_queue.erl").read_text()
    found = re.search(r"get_env\(job_queue, backend, (\w+)\)", queue)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("index", [0, 1], ids=["redis", "kafka"])
def test_appending_a_backend_keeps_the_starter_default(
    cli: RunCli, tmp_path: Path, index: int
) -> None:
    assert cli("init", tmp_path).code == 0
    assert cli("sync", "-m", tmp_path).code == 0
    assert default_backend(tmp_path) == "nats"
    append(tmp_path, how_to_turtle(index))
    result = cli("sync", "-m", tmp_path)
    assert result.code == 0, result.err
    assert default_backend(tmp_path) == "nats"
    queue = (tmp_path / "src/job_queue.erl").read_text()
    assert re.search(r"backends\(\) ->\n    \[nats, ", queue)


def test_several_backends_without_a_default_fail_validation(
    cli: RunCli, tmp_path: Path
) -> None:
    init_project(tmp_path)
    feature = tmp_path / FEATURE
    text = feature.read_text()
    assert "    jobs:defaultBackend jobs:NATS ;\n" in text
    feature.write_text(text.replace("    jobs:defaultBackend jobs:NATS ;\n", ""))
    result = cli("sync", "-m", tmp_path, "--format", "json")
    assert result.code == 7
    messages = [v["message"] for v in result.json()["validation"]]
    assert len(messages) == 1
    assert "no jobs:defaultBackend" in messages[0]
    assert not (tmp_path / "src/job_queue.erl").exists()


def test_one_backend_without_a_default_is_the_default(
    cli: RunCli, tmp_path: Path
) -> None:
    init_project(tmp_path)
    feature = tmp_path / FEATURE
    text = feature.read_text().replace("    jobs:defaultBackend jobs:NATS ;\n", "")
    rabbit = text.index("jobs:RabbitMQ a jobs:Backend")
    feature.write_text(text[:rabbit])
    result = cli("sync", "-m", tmp_path)
    assert result.code == 0, result.err
    assert default_backend(tmp_path) == "nats"


def test_two_backends_on_one_module_point_to_the_implementation(
    cli: RunCli, tmp_path: Path
) -> None:
    init_project(tmp_path)
    append(
        tmp_path,
        'jobs:Redis a jobs:Backend ; rdfs:label "Redis" ;\n'
        '    jobs:url "redis://localhost:6379" .\n'
        'jobs:Cache a jobs:Backend ; rdfs:label "Cache" ; jobs:kind "redis" ;\n'
        '    jobs:url "redis://localhost:6380" .\n',
    )
    result = cli("sync", "-m", tmp_path, "--format", "json")
    assert result.code == 7, result.err
    messages = [v["message"] for v in result.json()["validation"]]
    assert len(messages) == 1
    assert "two backends become the same Erlang module" in messages[0]
    assert messages[0].endswith(
        "give one of them a jobs:implementation with its own jobs:module"
    )
    assert not (tmp_path / "src").exists() or not any(
        (tmp_path / "src").glob("*.erl")
    )


def test_a_second_backend_of_a_kind_with_its_own_module_is_fine(
    cli: RunCli, tmp_path: Path
) -> None:
    init_project(tmp_path)
    append(
        tmp_path,
        'jobs:Redis a jobs:Backend ; rdfs:label "Redis" ;\n'
        '    jobs:url "redis://localhost:6379" .\n'
        'jobs:Cache a jobs:Backend ; rdfs:label "Cache" ; jobs:kind "redis" ;\n'
        '    jobs:url "redis://localhost:6380" ;\n'
        "    jobs:implementation jobs:CacheImplementation .\n"
        "jobs:CacheImplementation a jobs:BackendImplementation ;\n"
        '    jobs:module "job_backend_cache" ; jobs:publishFunction "publish" ;\n'
        '    jobs:subscribeFunction "subscribe" ; jobs:pullFunction "pull" ;\n'
        '    jobs:ackFunction "ack" .\n',
    )
    result = cli("sync", "-m", tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "src/job_backend_cache.erl").is_file()
    assert (tmp_path / "src/job_backend_redis.erl").is_file()


def test_init_manifest_checks_what_the_repository_manifest_checks() -> None:
    # The module-clash and default-backend rules live in both manifests.
    def rules(path: Path) -> object:
        return tomllib.loads(path.read_text())["validation"]["rules"]

    init_rules = rules(REPO / "specs/init/job-queue/ggen.toml")
    assert init_rules == rules(REPO / "ggen.toml")
    names = {rule["name"] for rule in init_rules}  # type: ignore[attr-defined]
    assert {"one-module-per-backend", "explicit-default-backend"} <= names
