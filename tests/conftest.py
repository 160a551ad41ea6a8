"""Shared fixtures: the emulator as a real server on 127.0.0.1, and the CLI as a user runs it."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_API = REPO.parent / "shared" / "openai-api"
EXAMPLES = REPO / "assistants"
AGENT_EXAMPLES = REPO / "agents"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> CliResult:
    """Run ``asstctl ARGS`` in-process through ``asstctl.main.main`` and capture its output.

    ``env`` entries are set for the duration (a value of "" removes the variable).
    """
    from asstctl.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    saved_stdin = os.sys.stdin  # type: ignore[attr-defined]
    try:
        for k, v in (env or {}).items():
            if v == "":
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.sys.stdin = io.StringIO(stdin)  # type: ignore[attr-defined]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
        os.sys.stdin = saved_stdin  # type: ignore[attr-defined]
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> type[object]:
    """The in-process CLI runner, as a fixture for tests that prefer injection."""
    return run_cli  # type: ignore[return-value]


@pytest.fixture
def shared_api() -> Path:
    """The official contract in ../shared/openai-api; tests needing it skip without it."""
    if not (SHARED_API / "openai-assistants-subset.yaml").exists():
        pytest.skip(f"the OpenAI API contract is not at {SHARED_API} (../shared is absent)")
    return SHARED_API


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the repository's example project (asstctl.yaml, assistants/, agents/)."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy(REPO / "asstctl.yaml", dst / "asstctl.yaml")
    shutil.copytree(EXAMPLES, dst / "assistants")
    shutil.copytree(AGENT_EXAMPLES, dst / "agents")
    yield dst


# --- the emulator (issue 3) -------------------------------------------------------------------


@pytest.fixture
def emulator() -> Iterator[object]:
    """A running default emulator on a free port (``.base_url`` for ``OpenAI(base_url=...)``)."""
    from asstctl.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig()) as emu:
        yield emu


@pytest.fixture
def emulator_factory() -> Iterator[object]:
    """``emulator_factory(**knobs)`` starts an emulator with those ``EmulatorConfig`` knobs (and
    optional ``host``/``port``); all are stopped at teardown."""
    from asstctl.emulator import EmulatorConfig, RunningEmulator, start_in_thread

    started: list[RunningEmulator] = []

    def start(host: str = "127.0.0.1", port: int = 0, **knobs: object) -> RunningEmulator:
        emu = start_in_thread(EmulatorConfig(**knobs), host=host, port=port)  # type: ignore[arg-type]
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()
