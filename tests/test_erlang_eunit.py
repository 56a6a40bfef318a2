"""The hand-written EUnit suites of the job-queue example, run for real.

The generated modules in examples/job_queue/src/ and the suites in
examples/job_queue/test/ are compiled with ``erlc +warnings_as_errors``; each
suite then runs under EUnit, and a failing EUnit run fails the test. Redis and
PostgreSQL suites run against live servers on loopback ports (see
test_erlang_support).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from test_erlang_support import (
    EXAMPLE,
    compile_erlang,
    has_erlang_module,
    postgres_url,
    redis_url,
    require_erlang,
    run_eunit,
)


@pytest.fixture(scope="module")
def ebin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example application and its test suites, compiled."""
    require_erlang()
    out = tmp_path_factory.mktemp("job_queue_ebin")
    sources = sorted((EXAMPLE / "src").glob("*.erl"))
    sources += sorted((EXAMPLE / "test").glob("*.erl"))
    compile_erlang(sources, out)
    return out


def passed(done: subprocess.CompletedProcess[str]) -> int:
    """How many tests EUnit passed; fails the test when any failed."""
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"EUnit failed:\n{output[-6000:]}"
    match = re.search(r"All (\d+) tests passed|Test passed", output)
    assert match, f"no EUnit summary in:\n{output[-3000:]}"
    return int(match.group(1)) if match.group(1) else 1


def test_ets_backend_and_job_queue_dispatch(ebin: Path) -> None:
    done = run_eunit(ebin, ["job_backend_ets_tests", "job_queue_tests"])
    assert passed(done) >= 10


def test_redis_backend_against_live_redis(ebin: Path) -> None:
    if not has_erlang_module("eredis"):
        pytest.skip("the eredis client is not on the Erlang code path "
                    "(Debian: apt install erlang-redis-client)")
    done = run_eunit(ebin, ["job_backend_redis_tests"],
                     {"GGEN_TEST_REDIS_URL": redis_url()})
    # The suite is empty without a server; the count proves it really ran.
    assert passed(done) >= 9


def test_postgresql_backend_against_live_postgresql(ebin: Path) -> None:
    if not has_erlang_module("pgsql"):
        pytest.skip("the p1_pgsql client is not on the Erlang code path "
                    "(Debian: apt install erlang-p1-pgsql)")
    done = run_eunit(ebin, ["job_backend_postgresql_tests"],
                     {"GGEN_TEST_PG_URL": postgres_url()})
    assert passed(done) >= 9
