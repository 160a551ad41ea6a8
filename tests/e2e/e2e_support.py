"""Helpers for the end-to-end tests: a small project on disk, the CLI pointed at an
emulator, and what the emulator holds for the stack."""

from __future__ import annotations

import collections
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import REPO, CliResult, run_cli

from asstctl.core.ownership import META_ADDRESS, META_STACK, parse_upload_filename

STACK = "e2e"

MANIFEST = """\
kind: VectorStore
name: kb
files:
  - path: docs/guide.md
    attributes: {lang: en}
  - docs/faq.md
---
kind: Assistant
name: tutor
model: gpt-4o-mini
instructions: Answer from the docs.
tools:
  - type: file_search
    vector_store: kb
  - type: code_interpreter
    files: [data/sales.csv]
---
kind: Assistant
name: plain
model: gpt-4o-mini
instructions: Be brief.
"""

FILES = {
    "docs/guide.md": "# Guide\nStep one.\n",
    "docs/faq.md": "# FAQ\nQ: why? A: because.\n",
    "data/sales.csv": "month,total\n1,10\n2,20\n",
}


def make_project(root: Path, manifest: str = MANIFEST, files: dict[str, str] | None = None) -> Path:
    """Write a project (stack ``e2e``) under ``root`` and return its directory."""
    (root / "assistants").mkdir(parents=True, exist_ok=True)
    (root / "asstctl.yaml").write_text(f"stack: {STACK}\nmanifests: [assistants/**/*.yaml]\n")
    (root / "assistants" / "main.yaml").write_text(manifest)
    for rel, text in (FILES if files is None else files).items():
        path = root / "assistants" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def cli_env(emu: Any) -> dict[str, str]:
    """The environment a user would set to point asstctl at ``emu`` (outside CI)."""
    return {"OPENAI_BASE_URL": emu.base_url, "OPENAI_API_KEY": "sk-test", "CI": "", "NO_COLOR": "1"}


def asstctl(emu: Any, project: Path, *args: str, **env: str) -> CliResult:
    """Run ``asstctl -C project ARGS`` in-process against ``emu``."""
    return run_cli("-C", str(project), *args, env={**cli_env(emu), **env})


def subprocess_env(emu: Any) -> dict[str, str]:
    """Environment for ``python -m asstctl.main`` as a child process."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({k: v for k, v in cli_env(emu).items() if v})
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


CLI = [sys.executable, "-m", "asstctl.main"]


@contextlib.contextmanager
def apply_in_background(
    emu: Any, project: Path, *args: str, stderr: int = subprocess.DEVNULL
) -> Iterator[subprocess.Popen[str]]:
    """``asstctl apply --auto-approve ARGS`` as a child process against ``emu``; killed on exit
    if it is still running."""
    proc = subprocess.Popen(
        [*CLI, "-C", str(project), "apply", "--auto-approve", *args],
        env=subprocess_env(emu),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def wait_while_running(proc: subprocess.Popen[str], until: Callable[[], bool], timeout: float = 60) -> None:
    """Wait until ``until()`` holds; fail if ``proc`` ended first (then it is too fast to interrupt)."""
    deadline = time.monotonic() + timeout
    while not until() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "apply finished before it could be interrupted; slow the emulator down"


@dataclass
class Holdings:
    """What the emulator holds for one stack, counted so duplicates show."""

    assistants: collections.Counter[str]
    vector_stores: collections.Counter[str]
    files: collections.Counter[str]
    """Upload filename -> how many File objects carry it."""
    attachments: collections.Counter[str]
    """``<store address> <file id>`` -> count."""

    @property
    def empty(self) -> bool:
        return not (self.assistants or self.vector_stores or self.files or self.attachments)

    def duplicates(self) -> list[str]:
        counters = (self.assistants, self.vector_stores, self.files, self.attachments)
        return [k for c in counters for k, n in c.items() if n > 1]


def holdings(emu: Any, stack: str = STACK) -> Holdings:
    def ours(obj: dict[str, Any]) -> str | None:
        meta = obj.get("metadata") or {}
        return meta.get(META_ADDRESS) if meta.get(META_STACK) == stack else None

    stores = {s["id"]: ours(s) for s in emu.store.objects("vector_stores")}
    files = [f["filename"] for f in emu.store.objects("files")]
    return Holdings(
        assistants=collections.Counter(a for x in emu.store.objects("assistants") if (a := ours(x))),
        vector_stores=collections.Counter(a for a in stores.values() if a),
        files=collections.Counter(n for n in files if (p := parse_upload_filename(n)) and p.stack == stack),
        attachments=collections.Counter(
            f"{stores[v['vector_store_id']]} {v['id']}"
            for v in emu.store.objects("vector_store_files")
            if stores.get(v["vector_store_id"])
        ),
    )


def writes(emu: Any) -> int:
    return int(emu.stats()["writes"])


LOCK_WRITES = {
    "POST /v1/vector_stores": 1,
    "POST /v1/vector_stores/{vector_store_id}": 1,
    "DELETE /v1/vector_stores/{vector_store_id}": 1,
}
"""The writes the stack lock adds to an apply that changes something: its claim is created,
marked held and deleted (asstctl.remote.lock)."""


def assert_converged(emu: Any, project: Path) -> None:
    """The next plan is empty, nothing is duplicated, and a second apply writes nothing."""
    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout
    assert holdings(emu).duplicates() == []
    before = writes(emu)
    again = asstctl(emu, project, "apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    assert writes(emu) == before


def upload_basename(filename: str) -> str:
    """The basename an upload filename of asstctl's carries."""
    parsed = parse_upload_filename(filename)
    assert parsed is not None, filename
    return parsed.basename


def expected_holdings_ok(emu: Any) -> None:
    """The stack holds exactly the example project's resources and files."""
    h = holdings(emu)
    assert set(h.assistants) == {"assistant.tutor", "assistant.plain"}
    assert set(h.vector_stores) == {"vector_store.kb"}
    assert sorted(upload_basename(n) for n in h.files) == ["faq.md", "guide.md", "sales.csv"]
    assert len(h.attachments) == 2
