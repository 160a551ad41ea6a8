"""``asstctl emulator`` as a user runs it: a real process, its printed URL, Ctrl-C, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rawhttp import call

from asstctl.emulator import EmulatorConfig, serve_in_thread


@pytest.fixture
def launch() -> Iterator[object]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "asstctl.main", "emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        procs.append(proc)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("asstctl emulator listening on http://127.0.0.1:"), first + proc.stderr.read()
        export = proc.stdout.readline()
        base = first.split()[-1]
        assert export.strip() == f"export OPENAI_BASE_URL={base} OPENAI_API_KEY=sk-local"
        return proc, base

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_prints_the_url_serves_and_stops_cleanly_on_ctrl_c(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "state.json"
    proc, base = launch("--state", str(state), "--no-assistants")
    root = base.removesuffix("/v1")
    assert call(root, "POST", "/v1/vector_stores", {"name": "kept"})[0] == 200
    assert call(root, "GET", "/v1/assistants")[0] == 404
    with urllib.request.urlopen(root + "/_emulator/stats", timeout=5) as resp:
        assert json.loads(resp.read())["writes"] == 1
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert [s["name"] for s in json.loads(state.read_text())["vector_stores"]["items"]] == ["kept"]


def test_a_killed_emulator_loses_at_most_the_last_moment(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "state.json"
    proc, base = launch("--state", str(state))
    root = base.removesuffix("/v1")
    assert call(root, "POST", "/v1/vector_stores", {"name": "survives"})[0] == 200
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with serve_in_thread(EmulatorConfig(state_path=state)) as emu:
        assert [s["name"] for s in emu.store.objects("vector_stores")] == ["survives"]


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    from conftest import run_cli

    with serve_in_thread() as emu:
        result = run_cli("emulator", "--port", str(emu.port))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{emu.port}" in result.stderr and "--port" in result.stderr


@pytest.mark.parametrize("content", ["{not json", "[1]", '{"seq": 1}'])
def test_an_unreadable_state_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    from conftest import run_cli

    state = tmp_path / "state.json"
    state.write_text(content, encoding="utf-8")
    result = run_cli("emulator", "--port", "0", "--state", str(state))
    assert result.exit_code == 1
    assert f"cannot read the emulator state file {state}" in result.stderr and "--state" in result.stderr


def test_a_state_file_under_a_plain_file_is_a_state_error_not_a_port_error(tmp_path: Path) -> None:
    from conftest import run_cli

    (tmp_path / "plain").write_text("x", encoding="utf-8")
    state = tmp_path / "plain" / "state.json"
    result = run_cli("emulator", "--port", "0", "--state", str(state))
    assert result.exit_code == 1
    assert f"cannot read the emulator state file {state}" in result.stderr, result.stderr
