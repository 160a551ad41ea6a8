"""A small run of benchmarks/bench.py, so the benchmark cannot rot (its figures are not asserted here,
only that every phase runs and the request-count targets, which are stable, hold)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_bench_smoke_runs_every_phase_and_meets_request_targets(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--smoke", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    names = [p["name"] for p in doc["phases"]]
    assert names[:6] == [
        "apply from empty",
        "no-op plan",
        "no-op apply",
        "plan after changing 1% of files",
        "apply after changing 1% of files",
        "destroy",
    ]
    phases = {p["name"]: p for p in doc["phases"]}
    assert phases["no-op apply"]["writes"] == 0
    assert phases["no-op plan"]["writes"] == 0
    # one upload per changed file (1% of 30 -> 1), nothing else re-uploaded
    assert phases["apply after changing 1% of files"]["requests"].get("POST /v1/files") == 1
    # destroy leaves nothing: every uploaded file is deleted
    assert phases["destroy"]["requests"].get("DELETE /v1/files/{file_id}") == 31
    assert all(t["ok"] for t in doc["targets"]), doc["targets"]
    assert "[ok] no-op apply sends zero writes" in proc.stdout
