"""The processes a benchmark measures: the emulator, asstctl commands, and the baseline refresh.

Every figure is of a whole process (start-up included) unless its name says in-process.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleet import STACK


@dataclass
class Phase:
    name: str
    seconds: float
    requests: dict[str, int]
    total: int
    writes: int
    peak_rss_mb: float
    exit_code: int
    cpu_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# --- fleet generation -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Emulator:
    """``asstctl emulator`` in its own process, so its memory is not counted as ours."""

    def __init__(self, latency_ms: int, processing_delay_ms: int) -> None:
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = self.root + "/v1"
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "asstctl.main", "emulator", "--port", str(self.port),
                "--latency-ms", str(latency_ms), "--processing-delay-ms", str(processing_delay_ms),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.stats()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the emulator did not start")

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.root + "/_emulator/stats", timeout=10) as r:
            return dict(json.load(r))

    def reset(self) -> None:
        req = urllib.request.Request(self.root + "/_emulator/reset-stats", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=10).close()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_phase(name: str, emu: Emulator, project: Path, *args: str) -> Phase:
    """Run one asstctl command; measure wall time, requests and the child's peak RSS."""
    emu.reset()
    env = dict(os.environ, OPENAI_BASE_URL=emu.base_url, OPENAI_API_KEY="sk-bench", NO_COLOR="1")
    env.pop("CI", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "asstctl.main", "-C", str(project), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    stats = emu.stats()
    phase = Phase(
        name=name,
        seconds=seconds,
        requests=dict(stats["by_endpoint"]),
        total=int(stats["total"]),
        writes=int(stats["writes"]),
        peak_rss_mb=usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
        exit_code=proc.returncode,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
    if phase.exit_code not in (0, 2):
        print(output[-3000:], file=sys.stderr)
        raise SystemExit(f"phase {name!r} failed with exit code {phase.exit_code}")
    return phase


_BASELINE = """
import json, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)  # (the SDK marks the Assistants API deprecated)
from concurrent.futures import ThreadPoolExecutor
from openai import OpenAI

client = OpenAI(base_url=sys.argv[1], api_key="sk-bench", max_retries=2)
jobs = json.load(open(sys.argv[2]))

def get(job):
    kind, a, b = job
    if kind == "assistant":
        client.beta.assistants.retrieve(a)
    elif kind == "store":
        client.vector_stores.retrieve(a)
    elif kind == "attached":
        client.vector_stores.files.retrieve(b, vector_store_id=a)
    else:
        client.files.retrieve(a)

with ThreadPoolExecutor(10) as pool:
    list(pool.map(get, jobs))
"""


def baseline_refresh(emu: Emulator) -> Phase:
    """The usual refresh as a whole process: one GET per object it knows (ids from its state),
    10 in parallel, as Terraform providers do by default."""
    from openai import OpenAI

    client = OpenAI(base_url=emu.base_url, api_key="sk-bench", max_retries=2)
    assistants = [a.id for a in client.beta.assistants.list(limit=100)]
    stores = [v.id for v in client.vector_stores.list(limit=100)]
    attached = [(v, f.id) for v in stores for f in client.vector_stores.files.list(v, limit=100)]
    files = [f.id for f in client.files.list()]
    jobs = (
        [("assistant", a, "") for a in assistants]
        + [("store", v, "") for v in stores]
        + [("attached", v, f) for v, f in attached]
        + [("file", f, "") for f in files]
    )
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.json"
        state.write_text(json.dumps(jobs))
        emu.reset()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _BASELINE, emu.base_url, str(state)], check=True)
        seconds = time.perf_counter() - start
    stats = emu.stats()
    name = "baseline refresh (GET each, 10 parallel; whole process)"
    return Phase(name, seconds, dict(stats["by_endpoint"]), int(stats["total"]), int(stats["writes"]), 0.0, 0)


def asstctl_refresh(emu: Emulator) -> Phase:
    """asstctl's own live read (list calls), in-process like the baseline: the like-for-like figure."""
    from openai import OpenAI

    from asstctl.remote.reader import read_live

    client = OpenAI(base_url=emu.base_url, api_key="sk-bench", max_retries=2)
    emu.reset()
    start = time.perf_counter()
    read_live(client, STACK)  # (the stack alone: no manifests to read)
    seconds = time.perf_counter() - start
    stats = emu.stats()
    return Phase("asstctl refresh (list calls, in-process)", seconds, dict(stats["by_endpoint"]),
                 int(stats["total"]), int(stats["writes"]), 0.0, 0)  # fmt: skip


def hash_speed(path: Path) -> tuple[float, float]:
    """MB/s of asstctl's streaming hash, and of plain reading, over ``path``."""
    from asstctl.manifest.files import sha256_file

    size_mb = path.stat().st_size / 1e6
    start = time.perf_counter()
    with path.open("rb") as fh:
        while fh.read(1 << 20):
            pass
    read = size_mb / (time.perf_counter() - start)
    start = time.perf_counter()
    sha256_file(path)
    hashed = size_mb / (time.perf_counter() - start)
    return hashed, read


# --- report ---------------------------------------------------------------------------
