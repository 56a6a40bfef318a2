"""Shared helpers: small projects built from dicts, and the CLI run in-process.

A project is a folder under ``tmp_path`` holding ``ggen.toml`` (written from a
dict by :func:`dump_toml`) and whatever files a test passes. The CLI runs through
``ggen.cli.main`` with ``SystemExit`` caught, so each call gives the exit code,
stdout and stderr separately.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ggen.cli import main

EX = "http://example.org/"

ONTOLOGY = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:alpha a ex:Thing ;
    ex:name "alpha" ;
    ex:size 1 .

ex:beta a ex:Thing ;
    ex:name "beta" ;
    ex:size 2 .
"""

QUERY = """\
PREFIX ex: <http://example.org/>
SELECT ?thing ?name ?size WHERE {
  ?thing a ex:Thing ; ex:name ?name ; ex:size ?size .
}
ORDER BY ?name
"""

TEMPLATE = "name={{ name }} size={{ size }} iri={{ row.thing }}\n"

DOCUMENTED_CODES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 64, 130}


# --- TOML ------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) for v in value)
    )


def dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A TOML document from nested dicts (tables) and lists of dicts."""
    lines: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict) or _is_table_array(value):
            nested.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_toml_value(value)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, value in nested:
        name = f"{prefix}.{_key(key)}" if prefix else _key(key)
        if isinstance(value, dict):
            out += f"\n[{name}]\n" + dump_toml(value, name)
        else:
            for item in value:
                out += f"\n[[{name}]]\n" + _flat(item)
    return out


def _flat(item: dict[str, Any]) -> str:
    """An array-of-tables entry: its sub-dicts are written inline."""
    return "".join(f"{_key(k)} = {_toml_value(v)}\n" for k, v in item.items())


# --- projects --------------------------------------------------------------


def rule(
    name: str = "things",
    output_file: str = "out/{{ name }}.txt",
    query: str | dict[str, str] | None = None,
    template: str | dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One [[generation.rules]] entry; files by default (q.rq, t.j2)."""
    return {
        "name": name,
        "query": query if query is not None else {"file": "q.rq"},
        "template": template if template is not None else {"file": "t.j2"},
        "output_file": output_file,
        **extra,
    }


def manifest(
    rules: list[dict[str, Any]] | None = None, **tables: Any
) -> dict[str, Any]:
    """A manifest dict: one Turtle source, the given rules, extra tables."""
    data: dict[str, Any] = {
        "project": {"name": "demo"},
        "ontology": {"source": "onto.ttl"},
    }
    for key, value in tables.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    generation = dict(data.get("generation", {}))
    generation["rules"] = rules if rules is not None else [rule()]
    data["generation"] = generation
    return data


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def default_files() -> dict[str, str | bytes]:
    """The small project every test starts from."""
    return {"onto.ttl": ONTOLOGY, "q.rq": QUERY, "t.j2": TEMPLATE}


MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Build a project: ``make_project(files=..., manifest=..., name=...)``.

    ``files`` override and extend the default files (a value of None removes
    one); ``manifest`` is a dict (dumped to TOML) or raw text.
    """
    counter = [0]

    def build(
        files: dict[str, str | bytes | None] | None = None,
        manifest_data: dict[str, Any] | str | None = None,
        name: str | None = None,
    ) -> Path:
        counter[0] += 1
        root = tmp_path / (name or f"project{counter[0]}")
        root.mkdir(parents=True, exist_ok=True)
        merged: dict[str, str | bytes | None] = {**default_files(), **(files or {})}
        data = manifest_data if manifest_data is not None else manifest()
        text = data if isinstance(data, str) else dump_toml(data)
        merged["ggen.toml"] = text
        write_tree(root, {k: v for k, v in merged.items() if v is not None})
        return root

    return build


# --- running the CLI -------------------------------------------------------


@dataclass
class Result:
    """One CLI run: exit code and the two streams."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as exactly one JSON document."""
        return json.loads(self.out)


RunCli = Callable[..., Result]


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``ggen`` in-process: ``cli("sync", "-m", path)`` -> Result."""

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = _exit_code(exc)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def sync(cli: RunCli) -> Callable[..., Result]:
    """``sync(project, *flags)``: ``ggen sync -m project flags``."""

    def run(project: Path, *flags: str) -> Result:
        return cli("sync", "-m", project, *flags)

    return run


def run_subprocess(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``python -m ggen ARGS`` in a fresh interpreter."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ggen", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- looking at the disk ---------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative posix path -> bytes)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def stat_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime_ns, to prove nothing was touched."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def entries(root: Path) -> set[str]:
    """Every path (files and folders) under ``root``."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def record(root: Path) -> dict[str, Any]:
    """The parsed ``.ggen/generated.json``."""
    data: dict[str, Any] = json.loads((root / ".ggen/generated.json").read_text())
    return data


@pytest.fixture
def unchanged_on_failure() -> Iterator[Callable[[Path], Callable[[], None]]]:
    """``check = unchanged_on_failure(root)`` ... ``check()``: nothing moved."""

    def start(root: Path) -> Callable[[], None]:
        before = stat_tree(root)
        names = entries(root)

        def check() -> None:
            assert entries(root) == names
            assert stat_tree(root) == before

        return check

    yield start


# --- CI: a skip is a failure --------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under ``GGEN_NO_SKIPS=1`` (set by .ci/run, which installs Erlang and
    starts Redis and PostgreSQL) a skipped test fails: a skip there means a
    missing install step, not a test that passed."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("GGEN_NO_SKIPS") == "1":
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"skipped under GGEN_NO_SKIPS=1 (CI): {reason}"
