"""Helpers for the Erlang tests: compiling, running EUnit, and test servers.

Not a test module (it holds no tests); its name matches ``test_erlang_*`` so it
lives with the tests it serves. The other modules import it by name, which works
because pytest puts ``tests/`` on ``sys.path`` for ``conftest.py``.

Servers: Redis and PostgreSQL come from the environment when ``.ci/run`` set
``GGEN_TEST_REDIS_PORT`` / ``GGEN_TEST_PG_PORT``; otherwise one throwaway server
of each is started on a free loopback port when its binaries are installed, and
stopped when the test process exits. Without the binaries the tests that need a
server are skipped with the reason. Every address used is 127.0.0.1.
"""

from __future__ import annotations

import atexit
import functools
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "job_queue"
LOOPBACK = "127.0.0.1"


# --- Erlang ----------------------------------------------------------------


def require_erlang() -> None:
    """Skip the calling test when erlc or erl is not installed."""
    missing = [tool for tool in ("erlc", "erl") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"Erlang is not installed ({', '.join(missing)} not on PATH)")


def compile_erlang(sources: list[Path], ebin: Path) -> None:
    """Compile with ``+warnings_as_errors`` into ``ebin``; fail with erlc's output.

    ``job_backend.erl`` goes first: the other modules name it as their behaviour,
    and erlc checks the callbacks against the compiled behaviour.
    """
    ebin.mkdir(parents=True, exist_ok=True)
    first = [s for s in sources if s.name == "job_backend.erl"]
    rest = [s for s in sources if s.name != "job_backend.erl"]
    for batch in (first, rest):
        if not batch:
            continue
        done = subprocess.run(
            ["erlc", "+warnings_as_errors", "-pa", str(ebin), "-o", str(ebin)]
            + [str(s) for s in batch],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"erlc failed:\n{done.stdout}{done.stderr}"


def run_erl(ebin: Path, expression: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``erl -noshell -pa EBIN -eval EXPRESSION`` (which must halt)."""
    return subprocess.run(
        ["erl", "-noshell", "-pa", str(ebin), "-eval", expression],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def run_eunit(ebin: Path, modules: list[str],
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run EUnit on ``modules``; exit status 0 only when every test passed."""
    names = ", ".join(modules)
    expression = (
        f"case eunit:test([{names}], [verbose]) of "
        "ok -> halt(0); _ -> halt(1) end."
    )
    return run_erl(ebin, expression, env)


def has_erlang_module(module: str) -> bool:
    """True when ``module`` is on Erlang's default code path (a client library)."""
    done = run_erl(
        Path(tempfile.gettempdir()),
        f"io:format(\"~p\", [code:which({module})]), halt().",
        timeout=60,
    )
    return done.returncode == 0 and "non_existing" not in done.stdout


# --- servers ---------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now, on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, seconds: float = 20) -> bool:
    """True once something accepts connections on the loopback port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@functools.cache
def redis_url() -> str:
    """The URL of a Redis server for the tests, starting one when needed."""
    port = os.environ.get("GGEN_TEST_REDIS_PORT")
    if port:
        return f"redis://{LOOPBACK}:{int(port)}"
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no Redis: GGEN_TEST_REDIS_PORT is unset and redis-server "
                    "is not installed")
    chosen = free_port()
    process = subprocess.Popen(
        [server, "--port", str(chosen), "--bind", LOOPBACK, "--save", "",
         "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop_process, process)
    if not wait_for_port(chosen):
        pytest.skip(f"redis-server did not start on {LOOPBACK}:{chosen}")
    return f"redis://{LOOPBACK}:{chosen}"


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@functools.cache
def postgres_url() -> str:
    """The URL of a PostgreSQL server for the tests, starting one when needed."""
    port = os.environ.get("GGEN_TEST_PG_PORT")
    if port:
        return f"postgresql://postgres@{LOOPBACK}:{int(port)}/postgres"
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL: GGEN_TEST_PG_PORT is unset and initdb/pg_ctl "
                    "were not found (PATH or /usr/lib/postgresql/*/bin)")
    chosen = free_port()
    _start_postgres(bindir, chosen)
    return f"postgresql://postgres@{LOOPBACK}:{chosen}/postgres"


def _postgres_bindir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                           reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _start_postgres(bindir: Path, port: int) -> None:
    """initdb in a temporary folder and start a server on the loopback port.

    PostgreSQL refuses to run as root, so as root the server runs as the
    ``postgres`` user, which then owns the temporary folder.
    """
    base = Path(tempfile.mkdtemp(prefix="ggen-test-pg-"))
    prefix = _run_as_postgres_prefix(base)
    data, log = base / "data", base / "server.log"
    init = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust",
         "-U", "postgres", "--no-sync"],
        capture_output=True, text=True, timeout=120,
    )
    if init.returncode != 0:
        pytest.skip(f"initdb failed: {init.stderr.strip()[:300]}")
    options = (f"-p {port} -k {base} -c listen_addresses={LOOPBACK} "
               "-c fsync=off -c synchronous_commit=off")
    start = subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
         "-o", options, "-w", "-t", "60", "start"],
        capture_output=True, text=True, timeout=120,
    )
    if start.returncode != 0:
        pytest.skip(f"PostgreSQL did not start: {start.stderr.strip()[:300]}")
    atexit.register(_stop_postgres, prefix, bindir, data, base)


def _run_as_postgres_prefix(base: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run "
                    "PostgreSQL as")
    os.chown(base, user.pw_uid, user.pw_gid)
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root and runuser is missing")
    return [runuser, "-u", "postgres", "--"]


def _stop_postgres(prefix: list[str], bindir: Path, data: Path, base: Path) -> None:
    subprocess.run(
        [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
         "stop"],
        capture_output=True, timeout=60, check=False,
    )
    shutil.rmtree(base, ignore_errors=True)
