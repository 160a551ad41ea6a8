"""Helpers for the plan tests: small projects on disk, the CLI pointed at an emulator,
and expected-output files (regenerate with ASSTCTL_UPDATE_EXPECTED=1, then review the diff)."""

from __future__ import annotations

import hashlib
import os
import re
import textwrap
from pathlib import Path
from typing import Any

from conftest import REPO, CliResult, run_cli

CASES = REPO / "tests" / "cases" / "plan"
KEY = "sk-test-plan-0123456789"
_ID = re.compile(r"\b(asst_|vs_|file-)([A-Za-z0-9]+)\b")
_PORT = re.compile(r"\b(127\.0\.0\.1|localhost):\d+")


def env_for(emulator: Any) -> dict[str, str]:
    """Point the SDK (and so asstctl) at ``emulator``."""
    return {"OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": KEY, "NO_COLOR": ""}


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``; return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def sha(text: str) -> str:
    return hashlib.sha256(textwrap.dedent(text).lstrip("\n").encode()).hexdigest()


def plan(proj: Path, emulator: Any, *args: str) -> CliResult:
    return run_cli("-C", str(proj), "plan", *args, env=env_for(emulator))


def apply(proj: Path, emulator: Any) -> CliResult:
    result = run_cli("-C", str(proj), "apply", "--auto-approve", env=env_for(emulator))
    assert result.exit_code == 0, result.output
    return result


def scrub_ids(text: str) -> str:
    """Live ids are random: number them by first appearance (``asst_1``, ``vs_1``, ``file-1``);
    the emulator's port too (``127.0.0.1:PORT``)."""
    seen: dict[str, str] = {}
    counters: dict[str, int] = {}

    def sub(m: re.Match[str]) -> str:
        if m.group(0) not in seen:
            counters[m.group(1)] = counters.get(m.group(1), 0) + 1
            seen[m.group(0)] = f"{m.group(1)}{counters[m.group(1)]}"
        return seen[m.group(0)]

    return _PORT.sub(r"\1:PORT", _ID.sub(sub, text))


def check_expected(actual: str, case: str, name: str) -> None:
    """Compare ``actual`` with tests/cases/plan/<case>/<name> literally."""
    path = CASES / case / name
    if os.environ.get("ASSTCTL_UPDATE_EXPECTED") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with ASSTCTL_UPDATE_EXPECTED=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (ASSTCTL_UPDATE_EXPECTED=1 regenerates it)"
