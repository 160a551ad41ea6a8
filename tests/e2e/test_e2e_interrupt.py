"""Ctrl-C while requests are in flight: the first lets the running steps finish and reports
them; a second one ends the process at once, cleanly (no traceback from the thread join)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    apply_in_background,
    assert_converged,
    asstctl,
    expected_holdings_ok,
    make_project,
    wait_while_running,
)

LATENCY_MS = 600
STORE_CREATE = "POST /v1/vector_stores"


def _interrupt(emu: Any, project: Path, signals: int) -> tuple[int, str, float]:
    """Start apply, send ``signals`` SIGINTs once the store's create is in flight; return
    (exit code, stderr, seconds from the first signal to the exit)."""
    with apply_in_background(emu, project, stderr=subprocess.PIPE) as proc:
        # the first store create is the stack lock's claim; the second is vector_store.kb
        wait_while_running(proc, lambda: emu.stats()["by_endpoint"].get(STORE_CREATE, 0) >= 2, timeout=30)
        start = time.monotonic()
        for n in range(signals):
            if n:
                time.sleep(0.15)
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        return proc.returncode, err, time.monotonic() - start


@pytest.mark.parametrize("signals", [1, 2])
def test_ctrl_c_reports_running_steps_and_a_second_one_quits_cleanly(
    emulator_factory: Any, tmp_path: Path, signals: int
) -> None:
    emu = emulator_factory(latency_ms=LATENCY_MS)
    project = make_project(tmp_path)

    code, err, took = _interrupt(emu, project, signals)

    assert code == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "Interrupted: waiting for" in err and "Ctrl-C again to stop now" in err
    if signals == 1:  # the create in flight finished and is reported
        assert "vector_store.kb: created (vs_" in err
    else:  # did not sit out the request in flight
        assert "vector_store.kb: created" not in err
        assert took < LATENCY_MS / 1000
    result = asstctl(emu, project, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    expected_holdings_ok(emu)
    assert_converged(emu, project)
