"""docs/howto-custom-backend.md, followed step by step as a reader would.

The Turtle and the Erlang shell lines are taken from the page itself, so the
page cannot drift from what works: ``ggen init``, ``ggen sync``, append the
page's Redis Turtle, ``ggen sync --audit true`` (checking the lines it
prints), compile with ``erlc +warnings_as_errors``, then the page's shell
session against a live Redis server on a loopback port. The Kafka section is
followed up to compiling.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import RunCli
from test_erlang_support import (
    REPO,
    compile_erlang,
    free_port,
    has_erlang_module,
    redis_url,
    require_erlang,
    run_erl,
)

PAGE = REPO / "docs/howto-custom-backend.md"
FEATURE = ".specify/specs/001-job-queue/feature.ttl"


def page_blocks(language: str) -> list[str]:
    """The page's fenced code blocks of one language, in order."""
    return re.findall(rf"```{language}\n(.*?)```", PAGE.read_text(), re.S)


def shell_commands() -> list[str]:
    """The expressions typed at the page's ``N>`` Erlang prompts."""
    session = page_blocks("erlang")[0]
    return [m.group(1) for m in re.finditer(r"^\d+> (.*)$", session, re.M)]


def start_project(cli: RunCli, root: Path) -> None:
    assert cli("init", root).code == 0
    first = cli("sync", "-m", root)
    assert first.code == 0, first.err


def append_turtle(root: Path, turtle: str) -> None:
    feature = root / FEATURE
    feature.write_text(feature.read_text() + "\n" + turtle)


def test_page_blocks_are_where_the_test_expects() -> None:
    redis, kafka = page_blocks("turtle")
    assert "jobs:Redis a jobs:Backend" in redis
    assert "jobs:Kafka a jobs:Backend" in kafka
    assert "jobs:implementation" not in kafka
    assert len(shell_commands()) == 5
    generated, report = page_blocks("text")
    assert "Generated src/job_backend_redis.erl (new)" in generated
    assert report.startswith("=ERROR REPORT====")


def test_page_opens_with_help_not_history() -> None:
    intro = PAGE.read_text().split("## 1.")[0]
    assert "corrected" not in intro and "bugs" not in intro
    assert PAGE.read_text().rstrip().split("\n## ")[-1].startswith("Notes")


def test_redis_how_to_end_to_end(cli: RunCli, tmp_path: Path) -> None:
    require_erlang()
    if not has_erlang_module("eredis"):
        pytest.skip("the eredis client is not on the Erlang code path "
                    "(Debian: apt install erlang-redis-client)")
    url = redis_url()
    root = tmp_path / "my-queue"
    start_project(cli, root)

    # Step 2: the page's Turtle, appended as is.
    append_turtle(root, page_blocks("turtle")[0])

    # Step 4: generate with an audit record; ggen.toml is untouched.
    manifest_before = (root / "ggen.toml").read_bytes()
    result = cli("sync", "-m", root, "--audit", "true")
    assert result.code == 0, result.err
    assert "Generated src/job_backend_redis.erl (new)" in result.err
    assert "Updated src/job_queue.erl" in result.err
    assert list((root / ".ggen/audit").glob("*.json"))
    assert (root / "ggen.toml").read_bytes() == manifest_before
    assert "redis" in (root / "src/job_queue.erl").read_text()

    # Step 5: compile, then type the page's shell lines against live Redis.
    ebin = root / "ebin"
    compile_erlang(sorted((root / "src").glob("*.erl")), ebin)
    done = run_erl(ebin, shell_script(url))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    results = re.findall(r"^RESULT (.*)$", done.stdout, re.M)
    assert len(results) == 6, output
    started, published, pulled, acked, empty, leftovers = results
    assert started.startswith("{ok,<"), started
    assert published == '{ok,<<"1">>}'
    assert "payload => #{amount => 100}" in pulled and 'id => <<"1">>' in pulled
    assert acked == "ok"
    assert empty == "{ok,[]}"
    assert leftovers == "{0,undefined}", "ack/2 must remove the job for good"


def test_redis_down_is_an_error_after_eredis_reports_it(
    cli: RunCli, tmp_path: Path
) -> None:
    # The page: with Redis down, eredis prints an error report, then step 1
    # returns {error, {redis_unavailable, no_connection}} and the shell lives.
    require_erlang()
    if not has_erlang_module("eredis"):
        pytest.skip("the eredis client is not on the Erlang code path")
    root = tmp_path / "my-queue"
    start_project(cli, root)
    append_turtle(root, page_blocks("turtle")[0])
    assert cli("sync", "-m", root).code == 0
    ebin = root / "ebin"
    compile_erlang(sorted((root / "src").glob("*.erl")), ebin)

    closed = f'"redis://127.0.0.1:{free_port()}"'
    start = shell_commands()[0].replace('"redis://localhost:6379"', closed)
    script = (f"R = ({start.rstrip('.')}), io:format(\"RESULT ~0p~n\", [R]), "
              "io:format(\"ALIVE~n\"), halt(0).")
    done = run_erl(ebin, script)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    page = " ".join(PAGE.read_text().split())
    assert "`{error, {redis_unavailable, no_connection}}`" in page
    assert "RESULT {error,{redis_unavailable,no_connection}}" in done.stdout
    assert "ALIVE" in done.stdout
    assert "=ERROR REPORT====" in output
    assert "eredis: Re-establishing connection to" in output


def shell_script(url: str) -> str:
    """The page's session as one ``-eval``, each result printed on its line.

    The page's URL becomes the test server's, and the key prefix a fresh one so
    the job ids start at 1 whatever ran before. After the page's lines, the
    script asks Redis whether anything of the acked job is left.
    """
    prefix = f"howto:{time.time_ns()}:"
    lines = []
    for number, command in enumerate(shell_commands(), 1):
        command = command.replace('"redis://localhost:6379"', f'"{url}"')
        command = command.replace('"jobs:"', f'"{prefix}"').rstrip(".")
        lines.append(f"R{number} = ({command}), "
                     f"io:format(\"RESULT ~0p~n\", [R{number}]),")
    lines.append(
        f"{{ok, C}} = eredis:start_link(\"127.0.0.1\", {url.rsplit(':', 1)[1]}), "
        f"{{ok, Len}} = eredis:q(C, [\"LLEN\", \"{prefix}processing:payment\"]), "
        f"{{ok, Job}} = eredis:q(C, [\"GET\", \"{prefix}job:1\"]), "
        "io:format(\"RESULT ~0p~n\", [{binary_to_integer(Len), Job}]),"
    )
    lines.append("halt(0).")
    return "\n".join(lines)


def test_kafka_alternative_compiles(cli: RunCli, tmp_path: Path) -> None:
    require_erlang()
    root = tmp_path / "kafka-queue"
    start_project(cli, root)
    append_turtle(root, page_blocks("turtle")[1])
    result = cli("sync", "-m", root)
    assert result.code == 0, result.err
    assert "Generated src/job_backend_kafka.erl (new)" in result.err
    kafka = (root / "src/job_backend_kafka.erl").read_text()
    assert "brod:" in kafka
    # No implementation node: the behaviour's names, and no aliases.
    assert "-export([start_link/1, publish/4, subscribe/2, pull/3, ack/2])." in kafka
    assert kafka.count("-export(") == 3
    compile_erlang(sorted((root / "src").glob("*.erl")), root / "ebin")
    assert (root / "ebin/job_backend_kafka.beam").is_file()
