"""The two pipelines ggen is measured against, each run in its own process.

``floor``: Oxigraph parse + SELECT + Jinja2 render + plain writes of the same
files, nothing else (no validation, no plan, no record). ``rdflib``: the
straightforward pipeline: rdflib parse + rdflib SPARQL + pyshacl + Jinja2 +
plain writes. Each prints one JSON object of stage times (ms) on stdout.

Usage: python benchmarks/reference.py floor|rdflib PROJECT OUTPUT_DIR
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Row = dict[str, str]


def _timed(times: dict[str, int], stage: str, step: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = step()
    times[stage] = round((time.perf_counter() - start) * 1000)
    return result


def _render_and_write(project: Path, out: Path, rows: list[Row]) -> int:
    """Render one file per row and the index, with templates compiled once."""
    import jinja2

    env = jinja2.Environment(keep_trailing_newline=True, autoescape=False)
    backend = env.from_string((project / "templates/backend.erl.tera").read_text())
    index = env.from_string((project / "templates/index.erl.tera").read_text())
    src = out / "src"
    src.mkdir(parents=True, exist_ok=True)
    files = [(src / f"{row['module']}.erl", backend.render(**row)) for row in rows]
    files.append((src / "job_backends.erl", index.render(results=rows)))
    for path, text in files:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return len(files)


def _plain(values: Iterable[tuple[str, Any]]) -> Row:
    return {name: str(value) for name, value in values if value is not None}


def floor(project: Path, out: Path) -> dict[str, int]:
    """Oxigraph parse + SELECT + render + write: the least any pipeline does."""
    import pyoxigraph as ox

    times: dict[str, int] = {}
    data = (project / "ontology/backends.ttl").read_bytes()
    query = (project / "queries/backends.rq").read_text()
    store = ox.Store()
    _timed(times, "load", lambda: store.load(data, format=ox.RdfFormat.TURTLE))

    def select() -> list[Row]:
        solutions: Any = store.query(query)
        names = [v.value for v in solutions.variables]
        return [
            _plain((n, s[n].value if s[n] is not None else None) for n in names)
            for s in solutions
        ]

    rows = _timed(times, "select", select)
    times["files"] = _timed(
        times, "render_write", lambda: _render_and_write(project, out, rows)
    )
    return times


def straightforward(project: Path, out: Path) -> dict[str, int]:
    """The rdflib pipeline: what ggen would cost without Oxigraph."""
    import pyshacl
    import rdflib

    times: dict[str, int] = {}
    graph = rdflib.Graph()
    _timed(
        times,
        "load",
        lambda: graph.parse(project / "ontology/backends.ttl", format="turtle"),
    )
    query = (project / "queries/backends.rq").read_text()

    def select() -> list[Row]:
        result: Any = graph.query(query)
        names = [str(v) for v in result.vars or []]
        return [_plain(zip(names, row, strict=True)) for row in result]

    rows = _timed(times, "select", select)
    shapes = rdflib.Graph().parse(project / "shapes/shapes.ttl", format="turtle")
    _timed(
        times,
        "validate",
        lambda: pyshacl.validate(graph, shacl_graph=shapes, inference="none"),
    )
    times["files"] = _timed(
        times, "render_write", lambda: _render_and_write(project, out, rows)
    )
    return times


def main(argv: list[str]) -> int:
    """Run the pipeline ``argv[0]`` names; print its stage times as JSON."""
    kind, project, out = argv[0], Path(argv[1]), Path(argv[2])
    run = {"floor": floor, "rdflib": straightforward}[kind]
    start = time.perf_counter()
    times = run(project, out)
    times["total"] = round((time.perf_counter() - start) * 1000)
    sys.stdout.write(json.dumps(times) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
