"""Helpers for the ``asstctl run`` end-to-end tests: a deployed support assistant on an
emulator with the Assistants API, or on one without it (the Responses API), and a driver for
the CLI on a real pseudo-terminal."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e_support import CLI, asstctl, make_project, subprocess_env

APIS = ("assistants", "responses")

MANIFEST = """\
kind: VectorStore
name: kb
files:
  - docs/returns.md
  - docs/shipping.md
---
kind: Assistant
name: support
model: gpt-4o-mini
instructions: Answer from the docs; look orders up with get_order.
tools:
  - type: file_search
    vector_store: kb
  - type: function
    name: get_order
    description: Look an order up by its number.
    parameters:
      type: object
      properties: {order: {type: string}}
      required: [order]
"""

FILES = {
    "docs/returns.md": "# Returns\n\nReturns are accepted within 30 days of delivery.\n",
    "docs/shipping.md": "# Shipping\n\nShipping is free for orders over 50 euros.\n",
}


def deploy(emulator_factory: Any, tmp_path: Path, api: str, **knobs: Any) -> tuple[Any, Path]:
    """The support project applied, and the emulator to talk to it on: with the Assistants API
    (``assistants``), or the same state served without it (``responses``: OpenAI today); the
    emulator ``knobs`` apply after the deploy."""
    project = make_project(tmp_path / "project", MANIFEST, FILES)
    state = tmp_path / "state.json"
    emu = emulator_factory(state_path=state)
    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    if api == "assistants" and not knobs:
        return emu, project
    emu.stop()
    return emulator_factory(state_path=state, no_assistants=api == "responses", **knobs), project


def threads_left(emu: Any) -> int:
    return len(emu.store.threads.items)


def responses_left(emu: Any) -> int:
    return len(emu.store.responses.items)


@dataclass
class Terminal:
    """``asstctl ARGS`` with a pseudo-terminal as stdin, stdout and stderr."""

    args: list[str]
    env: dict[str, str]
    out: bytes = b""
    proc: subprocess.Popen[bytes] = field(init=False)
    master: int = field(init=False)

    def __post_init__(self) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [*CLI, *self.args], stdin=slave, stdout=slave, stderr=slave, env=self.env, close_fds=True
        )
        os.close(slave)

    @classmethod
    @contextlib.contextmanager
    def start(cls, emu: Any, project: Path, *args: str) -> Iterator[Terminal]:
        """``asstctl -C project run ARGS`` on a terminal, closed after the block."""
        term = cls(["-C", str(project), "run", *args], subprocess_env(emu))
        try:
            yield term
        finally:
            term.close()

    @property
    def text(self) -> str:
        return self.out.decode(errors="replace").replace("\r\n", "\n")

    def expect(self, needle: str, timeout: float = 30) -> None:
        """Read until ``needle`` has been written (after what was read before)."""
        deadline = time.monotonic() + timeout
        while needle not in self.text and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.out += chunk
            elif self.proc.poll() is not None:
                break
        assert needle in self.text, f"{needle!r} never came; the terminal showed:\n{self.text}"

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def eof(self) -> None:
        os.write(self.master, b"\x04")

    def finish(self, timeout: float = 30) -> int:
        """Wait for the exit, reading what is left; the exit code."""
        deadline = time.monotonic() + timeout
        try:
            while self.proc.poll() is None and time.monotonic() < deadline:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    try:
                        self.out += os.read(self.master, 4096)
                    except OSError:
                        break
            return self.proc.wait(timeout=max(1, deadline - time.monotonic()))
        finally:
            self.close()

    def close(self) -> None:
        """Kill the process if it still runs; close the terminal (safe to repeat)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
