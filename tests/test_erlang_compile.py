"""Every generated Erlang module compiles with ``erlc +warnings_as_errors``.

The client libraries (eredis, p1_pgsql, amqp_client, brod, enats) need not be
installed: the modules only call them, and remote calls compile without them.
"""

from __future__ import annotations

from pathlib import Path

from test_erlang_support import EXAMPLE, compile_erlang, require_erlang

BACKENDS = ["ets", "kafka", "nats", "postgresql", "rabbitmq", "redis"]


def test_example_has_one_module_per_backend() -> None:
    names = {p.name for p in (EXAMPLE / "src").glob("*.erl")}
    expected = {f"job_backend_{b}.erl" for b in BACKENDS}
    assert names == expected | {"job_backend.erl", "job_queue.erl"}


def test_generated_modules_compile_without_warnings(tmp_path: Path) -> None:
    require_erlang()
    compile_erlang(sorted((EXAMPLE / "src").glob("*.erl")), tmp_path)
    beams = {p.stem for p in tmp_path.glob("*.beam")}
    assert {f"job_backend_{b}" for b in BACKENDS} <= beams
    assert {"job_backend", "job_queue"} <= beams


def test_hand_written_suites_compile_without_warnings(tmp_path: Path) -> None:
    require_erlang()
    sources = sorted((EXAMPLE / "src").glob("*.erl"))
    sources += sorted((EXAMPLE / "test").glob("*.erl"))
    compile_erlang(sources, tmp_path)


def test_backend_modules_need_no_handle_and_export_the_ontology_names() -> None:
    redis = (EXAMPLE / "src" / "job_backend_redis.erl").read_text()
    for export in ("publish/4", "subscribe/2", "pull/3", "ack/2", "push_job/4",
                   "subscribe_to_list/2", "pull_jobs/3", "remove_job/2"):
        assert export in redis
    for alias in ("push_job(", "subscribe_to_list(", "pull_jobs(", "remove_job("):
        assert f"\n{alias}" in redis, f"{alias} is exported but not defined"
    assert '"LPOP"' not in redis


def test_kafka_without_implementation_uses_default_names() -> None:
    kafka = (EXAMPLE / "src" / "job_backend_kafka.erl").read_text()
    assert "-module(job_backend_kafka)." in kafka
    assert "brod:produce_sync_offset(" in kafka
    queue = (EXAMPLE / "src" / "job_queue.erl").read_text()
    assert "job_backend_kafka:publish(Priority" in queue
    assert "job_backend_redis:push_job(Priority" in queue
