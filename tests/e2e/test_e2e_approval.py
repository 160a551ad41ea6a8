"""Approval: the TTY prompt (for real, through a pseudo-terminal), the refusal without a
terminal or in CI, saved plans (fresh and stale) and lifecycle.prevent_destroy."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from e2e_support import CLI, MANIFEST, asstctl, holdings, make_project, subprocess_env, writes

REFUSAL = "refusing to apply without confirmation: no terminal (or CI is set)"


def run_on_tty(args: list[str], env: dict[str, str], answer: str, timeout: float = 60) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stdout/stderr; answer the prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([*CLI, *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    answered = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            if not answered and b"Enter a value:" in out:
                os.write(master, answer.encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, out.decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.parametrize(("answer", "applied"), [("yes", True), ("no", False), ("y", False)])
def test_prompt_on_a_terminal(emulator: Any, tmp_path: Path, answer: str, applied: bool) -> None:
    project = make_project(tmp_path)

    code, out = run_on_tty(["-C", str(project), "apply"], subprocess_env(emulator), answer)

    assert "Do you want to perform these actions?\n  Only 'yes' will be accepted to approve." in out
    assert "Plan: 3 to add" in out
    if applied:
        assert code == 0, out
        assert "Apply complete!" in out
        assert len(holdings(emulator).assistants) == 2
    else:
        assert code == 1, out
        assert "Apply cancelled." in out
        assert writes(emulator) == 0


def test_destroy_prompt_on_a_terminal(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    code, out = run_on_tty(["-C", str(project), "destroy"], subprocess_env(emulator), "yes")

    assert code == 0, out
    assert "Do you really want to destroy" in out and "Destroy complete!" in out
    assert holdings(emulator).empty


@pytest.mark.parametrize("ci", ["", "true"])
def test_refuses_without_terminal_or_in_ci(emulator: Any, tmp_path: Path, ci: str) -> None:
    project = make_project(tmp_path)

    result = asstctl(emulator, project, "apply", CI=ci)  # run_cli's stdin is not a terminal

    assert result.exit_code == 1
    assert REFUSAL in result.stderr and "--auto-approve" in result.stderr
    assert "Plan: 3 to add" in result.stdout
    assert writes(emulator) == 0
    destroy = asstctl(emulator, project, "destroy", CI=ci)
    assert destroy.exit_code == 0 and "No changes" in destroy.stdout  # nothing to destroy: no question


def test_no_changes_needs_no_approval(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    result = asstctl(emulator, project, "apply", CI="true")

    assert result.exit_code == 0, result.output
    assert "No changes" in result.stdout and REFUSAL not in result.output


def test_saved_plan_applies_without_prompt(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    planfile = tmp_path / "changes.plan"
    assert asstctl(emulator, project, "plan", "--out", str(planfile)).exit_code == 0
    assert writes(emulator) == 0

    result = asstctl(emulator, project, "apply", str(planfile), CI="true")

    assert result.exit_code == 0, result.output
    assert "Apply complete! Resources: 3 added" in result.stdout
    assert len(holdings(emulator).assistants) == 2
    # Applied once, the same file is now stale (what it read has changed).
    again = asstctl(emulator, project, "apply", str(planfile))
    assert again.exit_code == 1 and "saved plan is stale" in again.stderr


def test_saved_plan_is_stale_after_a_manifest_change(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    planfile = tmp_path / "changes.plan"
    assert asstctl(emulator, project, "plan", "--out", str(planfile)).exit_code == 0
    manifest = project / "assistants" / "main.yaml"
    manifest.write_text(MANIFEST.replace("Be brief.", "Be terse."))

    result = asstctl(emulator, project, "apply", str(planfile))

    assert result.exit_code == 1
    assert "saved plan is stale" in result.stderr
    assert writes(emulator) == 0


def test_saved_plan_is_stale_after_a_live_change(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    (project / "assistants" / "main.yaml").write_text(MANIFEST.replace("Be brief.", "Be terse."))
    planfile = tmp_path / "changes.plan"
    assert asstctl(emulator, project, "plan", "--out", str(planfile)).exit_code == 0
    plain = next(a for a in emulator.store.objects("assistants") if a["instructions"] == "Be brief.")
    with openai.OpenAI(base_url=emulator.base_url, api_key="sk-test") as client:
        client.beta.assistants.update(plain["id"], description="edited in the dashboard")
    before = writes(emulator)

    result = asstctl(emulator, project, "apply", str(planfile))

    assert result.exit_code == 1
    assert "saved plan is stale" in result.stderr and plain["id"] in result.stderr
    assert writes(emulator) == before


PROTECTED = MANIFEST.replace(
    "instructions: Be brief.\n", "instructions: Be brief.\nlifecycle: {prevent_destroy: true}\n"
).replace("name: kb\n", "name: kb\nlifecycle: {prevent_destroy: true}\n")


def test_prevent_destroy_refuses_before_any_write(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path, manifest=PROTECTED)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    before = writes(emulator)

    result = asstctl(emulator, project, "destroy", "--auto-approve")

    assert result.exit_code == 1
    assert "vector_store.kb" in result.stderr and "assistant.plain" in result.stderr
    assert "prevent_destroy" in result.stderr
    assert writes(emulator) == before
    assert len(holdings(emulator).assistants) == 2
    # A target that is not protected can still be destroyed.
    partial = asstctl(emulator, project, "destroy", "--auto-approve", "--target", "assistant.tutor")
    assert partial.exit_code == 0, partial.output
    assert set(holdings(emulator).assistants) == {"assistant.plain"}


def test_saved_plan_refuses_another_endpoint(emulator_factory: Any, tmp_path: Path) -> None:
    first, second = emulator_factory(), emulator_factory()
    project = make_project(tmp_path / "p")
    planfile = tmp_path / "changes.plan"
    assert asstctl(first, project, "plan", "--out", str(planfile)).exit_code == 0

    result = asstctl(second, project, "apply", str(planfile))

    assert result.exit_code == 1
    assert f"was made against {first.base_url}" in result.stderr and second.base_url in result.stderr
    assert writes(second) == 0 and writes(first) == 0
