"""The benchmark script runs end to end on tiny projects (``--quick``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_quick_benchmark_runs_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--quick",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "first_sync" in done.stdout
    document = json.loads(out.read_text())
    assert [s["n"] for s in document["sizes"]] == [20, 100]
    scenarios = document["sizes"][0]["scenarios"]
    for name in ("floor", "first_sync", "second_sync", "one_changed", "check_clean"):
        assert scenarios[name]["exit_code"] == 0
        assert scenarios[name]["wall_s"] > 0
        assert scenarios[name]["peak_rss_mb"] > 0
    assert "render" in scenarios["first_sync"]["stages_ms"]
    assert "rdflib_pipeline" in scenarios
    assert set(document["startup_s"]) == {"--version", "--help"}
