"""Benchmark ``ggen sync`` on synthetic job-queue projects of N backends.

For each N, in one run: a first sync into an empty folder, a second sync with
nothing changed, a sync after one backend's label changed, ``--check`` on the
clean tree, the floor (Oxigraph parse + SELECT + render + plain write, see
reference.py) and, for the larger sizes, the straightforward rdflib pipeline.
Every figure is one fresh subprocess: wall time and its own peak RSS (from
wait4), and for ggen the stage times of ``--format json``. Prints a table of
each figure and its ratio to the target's reference, and writes it as JSON.

Usage:
    python benchmarks/run.py --sizes 100,1000,10000,50000 --json out.json
    python benchmarks/run.py --quick            # N = 20 and 100, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from project import relabel, write_project

HERE = Path(__file__).resolve().parent
GGEN = [sys.executable, "-m", "ggen"]


@dataclass
class Measure:
    """One subprocess: wall time, its peak RSS, its exit code and its report."""

    wall_s: float
    peak_rss_mb: float
    exit_code: int
    stages_ms: dict[str, int] = field(default_factory=dict)
    timed_out: bool = False
    walls: list[float] = field(default_factory=list)  # every repeat, sorted


def run_measured(
    argv: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> tuple[Measure, str]:
    """Run ``argv`` in a fresh process; its stdout goes through a file."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, _kill, (proc.pid,))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if proc.returncode not in (0, 8):
            tail = err.read().decode("utf-8", "replace")[-2000:]
            print(f"  ! {' '.join(argv[-3:])}: exit {proc.returncode}\n{tail}")
    measure = Measure(
        round(wall, 3),
        round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        proc.returncode,
        timed_out=proc.returncode == -signal.SIGKILL,
    )
    return measure, text


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def ggen_sync(project: Path, timeout: float, *extra: str) -> Measure:
    """One ``ggen sync --format json`` and its stage times."""
    measure, text = run_measured(
        [*GGEN, "sync", "-q", "--format", "json", *extra], project, timeout
    )
    with contextlib.suppress(ValueError):
        measure.stages_ms = dict(json.loads(text).get("durations_ms", {}))
    return measure


def reference(kind: str, project: Path, timeout: float) -> Measure:
    """The floor or the rdflib pipeline, writing into a folder of its own."""
    out = project.parent / f"{project.name}-{kind}-out"
    shutil.rmtree(out, ignore_errors=True)  # only left by a run that was killed
    script = str(HERE / "reference.py")
    measure, text = run_measured(
        [sys.executable, script, kind, str(project), str(out)], project, timeout
    )
    with contextlib.suppress(ValueError):
        measure.stages_ms = dict(json.loads(text))
    shutil.rmtree(out, ignore_errors=True)  # before the next run's settle()
    return measure


def settle(pause: float) -> None:
    """Flush what earlier steps left for the disk, then wait a moment.

    Creating or deleting tens of thousands of files leaves the file system
    journal (and, on a disk mounted with ``discard``, the trims of deleted
    files) to be committed later, and whichever run comes next pays for it:
    on this project's machine the same 10,000 creates took 0.8 s or 6 s
    depending on that alone. Every measured run starts after this.
    """
    os.sync()
    time.sleep(pause)


def median_run(runs: list[Measure]) -> Measure:
    """The run with the median wall time; every wall time kept in ``walls``."""
    runs = sorted(runs, key=lambda m: m.wall_s)
    median = runs[(len(runs) - 1) // 2]
    median.walls = [m.wall_s for m in runs]
    median.exit_code = max((m.exit_code for m in runs), key=abs)
    median.timed_out = any(m.timed_out for m in runs)
    return median


def measure_size(
    n: int, root: Path, timeout: float, baseline: bool, times: int, pause: float
) -> dict[str, Any]:
    """Every scenario for one N, in ``times`` rounds (the median is kept).

    Each round runs every scenario once, in order, so the runs a ratio
    compares were measured minutes apart at most, whatever the machine's
    speed does over the whole benchmark.
    """
    project = write_project(root / f"n{n}", n)
    print(f"N = {n}: project written", flush=True)

    def clean_outputs(_k: int) -> None:
        shutil.rmtree(project / "out", ignore_errors=True)
        shutil.rmtree(project / ".ggen", ignore_errors=True)

    def nothing(_k: int) -> None:
        pass

    def changed(k: int) -> None:  # a new label each round: one backend differs
        relabel(project, n, n // 2, version=k + 1)

    steps: list[tuple[str, Callable[[int], None], Callable[[], Measure]]] = [
        ("floor", nothing, lambda: reference("floor", project, timeout)),
        ("first_sync", clean_outputs, lambda: ggen_sync(project, timeout)),
        ("second_sync", nothing, lambda: ggen_sync(project, timeout)),
        ("one_changed", changed, lambda: ggen_sync(project, timeout)),
        ("check_clean", nothing, lambda: ggen_sync(project, timeout, "--check")),
    ]
    rounds: dict[str, list[Measure]] = {name: [] for name, _, _ in steps}
    for k in range(times):
        for name, prepare, run in steps:
            prepare(k)
            settle(pause)
            rounds[name].append(run())
    scenarios = {name: median_run(runs) for name, runs in rounds.items()}
    if baseline:  # minutes per run at 50,000: once is enough for its memory
        settle(pause)
        scenarios["rdflib_pipeline"] = median_run(
            [reference("rdflib", project, timeout)]
        )
    for name, m in scenarios.items():
        walls = ", ".join(f"{w:.2f}" for w in m.walls)
        print(
            f"  {name:16} {m.wall_s:8.2f} s {m.peak_rss_mb:8.0f} MB  ({walls})",
            flush=True,
        )
    shutil.rmtree(project, ignore_errors=True)
    return {"n": n, "scenarios": {k: asdict(v) for k, v in scenarios.items()}}


def startup(timeout: float, repeats: int = 5) -> dict[str, float]:
    """Median wall time of ``ggen --version`` and ``ggen --help``."""
    out: dict[str, float] = {}
    for flag in ("--version", "--help"):
        walls = [
            run_measured([*GGEN, flag], HERE, timeout)[0].wall_s for _ in range(repeats)
        ]
        out[flag] = round(statistics.median(walls), 3)
    return out


# --- targets and table --------------------------------------------------------

TARGETS = (
    # (label, scenario, reference scenario, limit, sizes it applies to)
    ("first sync / floor", "first_sync", "floor", 2.0, (10_000, 50_000)),
    ("second sync / first", "second_sync", "first_sync", 0.1, None),
    ("one changed / first", "one_changed", "first_sync", 0.3, None),
    ("--check / first", "check_clean", "first_sync", 0.5, None),
)


def evaluate(
    sizes: list[dict[str, Any]], boot: dict[str, float]
) -> list[dict[str, Any]]:
    """Each target, per size, with its ratio and whether it holds."""
    checks: list[dict[str, Any]] = []
    for size in sizes:
        s = size["scenarios"]
        for label, name, ref, limit, applies in TARGETS:
            if applies is not None and size["n"] not in applies:
                continue
            ratio = s[name]["wall_s"] / max(s[ref]["wall_s"], 1e-9)
            checks.append(_check(size["n"], label, ratio, limit))
        if "rdflib_pipeline" in s and size["n"] >= 50_000:
            ratio = s["first_sync"]["peak_rss_mb"] / s["rdflib_pipeline"]["peak_rss_mb"]
            checks.append(_check(size["n"], "peak RSS / rdflib pipeline", ratio, 0.6))
    for flag, wall in boot.items():
        checks.append(_check(None, f"ggen {flag} (s)", wall, 0.3))
    return checks


def _check(n: int | None, label: str, value: float, limit: float) -> dict[str, Any]:
    return {
        "n": n,
        "target": label,
        "value": round(value, 3),
        "limit": limit,
        "holds": value <= limit,
    }


def table(sizes: list[dict[str, Any]]) -> str:
    """One line per (N, scenario): wall, ratio to floor and first sync, RSS."""
    head = (
        f"{'N':>7} {'scenario':16} {'wall s':>8} {'/floor':>7} {'/first':>7} "
        f"{'RSS MB':>8}  stages (ms)"
    )
    lines = [head, "-" * len(head)]
    for size in sizes:
        s = size["scenarios"]
        floor, first = s["floor"]["wall_s"], s["first_sync"]["wall_s"]
        for name, m in s.items():
            stages = " ".join(
                f"{k}={v}" for k, v in m["stages_ms"].items() if k != "files"
            )
            lines.append(
                f"{size['n']:>7} {name:16} {m['wall_s']:8.2f} "
                f"{m['wall_s'] / floor:7.2f} {m['wall_s'] / first:7.2f} "
                f"{m['peak_rss_mb']:8.0f}  {stages}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when every run finished (targets are reported)."""
    args = _parser().parse_args(argv)
    sizes = [20, 100] if args.quick else [int(x) for x in args.sizes.split(",")]
    limit = args.baseline_from if not args.quick else 0
    root = Path(tempfile.mkdtemp(prefix="ggen-bench-"))
    try:
        results = [
            measure_size(
                n,
                root,
                args.timeout,
                baseline=n >= limit,
                times=1 if args.quick else args.repeat,
                pause=0.0 if args.quick else args.pause,
            )
            for n in sizes
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    boot = startup(args.timeout)
    checks = evaluate(results, boot)
    print()
    print(table(results))
    print()
    for c in checks:
        n = f"N={c['n']}" if c["n"] else ""
        verdict = "holds" if c["holds"] else "MISSED"
        print(f"{c['target']:28} {n:9} {c['value']:8.3f} <= {c['limit']:<5} {verdict}")
    document = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "sizes": results,
        "startup_s": boot,
        "targets": checks,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    failed = [
        name
        for size in results
        for name, m in size["scenarios"].items()
        if m["exit_code"] not in (0,) or m["timed_out"]
    ]
    if failed:
        print(f"runs that failed: {', '.join(failed)}")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--quick", action="store_true", help="N = 20 and 100 only")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds per subprocess"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each scenario; the median is reported (default 3)",
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=2.0,
        help="seconds to wait after flushing the disk before each run",
    )
    parser.add_argument(
        "--baseline-from",
        type=int,
        default=10_000,
        help="run the rdflib pipeline for sizes from this N up",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
