"""Concurrency, retries and lost responses, end to end: a gateway that answers 504 after the
API committed every create, a file changing while it uploads, two applies started together,
a lock held by another run (named, waited for, broken with force-unlock, taken over after its
lease), and two sandbox applies at once."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import openai
from e2e_support import (
    CLI,
    STACK,
    assert_converged,
    asstctl,
    expected_holdings_ok,
    holdings,
    make_project,
    subprocess_env,
    upload_basename,
)
from stub_gateway import CREATES, PASS, StubGateway

from asstctl.remote import lock as L


def _claims(emu: Any) -> list[dict[str, Any]]:
    return [s for s in emu.store.objects("vector_stores") if (s.get("metadata") or {}).get(L.LOCK) == STACK]


def test_a_gateway_timeout_after_every_commit_leaves_one_object_per_address(
    emulator: Any, tmp_path: Path
) -> None:
    def rule(method: str, path: str, n: int) -> Any:
        # every create commits, then is answered 504; so is the first file batch (resent by the
        # SDK: attaching a File twice leaves one attachment)
        timed_out = path in CREATES or (path.endswith("/file_batches") and n == 0)
        return ("after", 504) if method == "POST" and timed_out else (PASS, 0)

    project = make_project(tmp_path)
    with StubGateway(emulator.root_url, rule) as gateway:
        result = asstctl(emulator, project, "apply", "--auto-approve", OPENAI_BASE_URL=gateway.base_url)

    assert result.exit_code == 0, result.output
    assert holdings(emulator).duplicates() == []
    expected_holdings_ok(emulator)
    assert _claims(emulator) == []  # the lock's claim went through the same gateway, once
    creates = [x for x in gateway.log if x.method == "POST" and x.path in CREATES]
    assert len(creates) == 3 + 1 + 2 + 1  # 3 files, 1 store, 2 assistants, 1 lock claim: none resent
    assert_converged(emulator, project)


def test_a_file_changed_while_uploading_fails_its_step_and_records_nothing(
    emulator: Any, tmp_path: Path
) -> None:
    big = "line of text\n" * 1_500_000  # ~19 MB: most of it is still on disk when the request starts
    project = make_project(
        tmp_path, files={"docs/guide.md": big, "docs/faq.md": "# FAQ\n", "data/sales.csv": "a\n1\n"}
    )
    guide = project / "assistants" / "docs" / "guide.md"

    def grow(method: str, path: str) -> None:
        if method == "POST" and path == "/v1/files" and guide.stat().st_size == len(big):
            with guide.open("a") as fh:
                fh.write("appended during the apply\n")

    gateway = StubGateway(emulator.root_url, lambda m, p, n: (PASS, 0), on_request=grow)
    with gateway:
        result = asstctl(
            emulator,
            project,
            "apply",
            "--auto-approve",
            "--parallelism",
            "1",
            OPENAI_BASE_URL=gateway.base_url,
        )

    assert result.exit_code == 1, result.output
    reason = (
        "assistants/docs/guide.md changed during the apply (it is longer than the 19500000 bytes planned)"
    )
    assert f"upload assistants/docs/guide.md: {reason}" in result.stdout
    assert not any(upload_basename(name) == "guide.md" for name in holdings(emulator).files)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0  # the next apply uploads it
    assert_converged(emulator, project)


def _start_apply(emu: Any, project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "-C", str(project), "apply", "--auto-approve", *args],
        env=subprocess_env(emu),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_applies_started_together_make_everything_once(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(latency_ms=20)
    project = make_project(tmp_path)

    procs = [_start_apply(emu, project, "--lock-timeout", "2m") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], outs
    assert sum("Waiting for the lock of stack e2e, held by " in err for _, err in outs) <= 1
    assert sum("Apply complete! Resources: 3 added" in out for out, _ in outs) == 1
    assert holdings(emu).duplicates() == []
    expected_holdings_ok(emu)
    assert _claims(emu) == []
    assert_converged(emu, project)


def test_a_second_apply_fails_at_once_naming_the_holder(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(latency_ms=150)
    project = make_project(tmp_path)

    first = _start_apply(emu, project)
    deadline = time.monotonic() + 60
    while not any((c.get("metadata") or {}).get(L.STATE) == "held" for c in _claims(emu)):
        assert first.poll() is None and time.monotonic() < deadline, "the first apply never held the lock"
        time.sleep(0.01)
    second = asstctl(emu, project, "apply", "--auto-approve")
    _, err = first.communicate(timeout=120)

    assert second.exit_code == 1
    assert "Error: stack e2e is locked by " in second.stderr
    assert f"pid {first.pid} (apply, since " in second.stderr
    assert "--lock-timeout" in second.stderr and "asstctl force-unlock" in second.stderr
    assert first.returncode == 0, err
    expected_holdings_ok(emu)
    assert holdings(emu).duplicates() == []


def _plant(emu: Any, *, expires_in: float) -> str:
    """A claim left by a run on another machine that never released it."""
    now = time.time()
    meta = {
        L.LOCK: STACK,
        L.HOLDER: "ci@runner-7 pid 4242",
        L.COMMAND: "apply",
        L.STARTED: str(int(now - 3600)),
        L.EXPIRES: str(int(now + expires_in)),
        L.STATE: "held",
        L.TOKEN: "elsewhere",
        L.MACHINE: "another-machine",
        L.PID: "4242",
    }
    with openai.OpenAI(base_url=emu.base_url, api_key="sk-test") as client:
        return client.vector_stores.create(name="asstctl lock: e2e", metadata=meta).id


def test_force_unlock_breaks_a_stale_lock(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    stale = _plant(emulator, expires_in=600)

    plan = asstctl(emulator, project, "plan")  # plan takes no lock and does not see the claim
    assert plan.exit_code == 0 and "Plan: 3 to add, 0 to change, 0 to destroy" in plan.stdout
    locked = asstctl(emulator, project, "apply", "--auto-approve")
    assert (
        locked.exit_code == 1
        and "stack e2e is locked by ci@runner-7 pid 4242 (apply, since " in locked.stderr
    )
    refused = asstctl(emulator, project, "force-unlock")
    assert refused.exit_code == 1 and "rerun with --yes" in refused.stderr
    assert "ci@runner-7 pid 4242 (apply, since " in refused.stdout and stale in refused.stdout

    broken = asstctl(emulator, project, "force-unlock", "--yes")

    assert broken.exit_code == 0, broken.output
    assert "Stack e2e is unlocked." in broken.stdout
    assert _claims(emulator) == []
    assert asstctl(emulator, project, "force-unlock", "--yes").stdout == "Stack e2e is not locked.\n"
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    expected_holdings_ok(emulator)


def test_an_expired_lease_is_taken_over(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    _plant(emulator, expires_in=-1)

    result = asstctl(emulator, project, "apply", "--auto-approve")

    assert result.exit_code == 0, result.output
    assert "Taking over the lock of stack e2e from ci@runner-7 pid 4242 (apply, since " in result.stderr
    assert "its lease expired at" in result.stderr
    assert _claims(emulator) == []
    expected_holdings_ok(emulator)


def test_destroy_waits_for_the_lock_too(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    _plant(emulator, expires_in=600)

    result = asstctl(emulator, project, "destroy", "--auto-approve", "--lock-timeout", "0.2s")

    assert result.exit_code == 1
    assert "Waiting for the lock of stack e2e, held by ci@runner-7 pid 4242" in result.stderr
    assert "stack e2e is locked by ci@runner-7" in result.stderr
    expected_holdings_ok(emulator)  # nothing was destroyed, and the claim is not the stack's


def test_two_sandbox_applies_at_once_keep_both_runs_objects(tmp_path: Path) -> None:
    manifest = (
        "".join(f"kind: VectorStore\nname: kb{i}\nfiles: [docs/*.md]\n---\n" for i in range(2))
        + "kind: Assistant\nname: plain\nmodel: gpt-4o-mini\ninstructions: Be brief.\n"
    )
    files = {f"docs/page{i:02d}.md": f"# Page {i}\n" for i in range(40)}
    project = make_project(tmp_path, manifest=manifest, files=files)
    env = {
        k: v for k, v in subprocess_env(object.__new__(_NoEmulator)).items() if not k.startswith("OPENAI_")
    }

    procs = [
        subprocess.Popen(
            [*CLI, "-C", str(project), "apply", "--sandbox", "--auto-approve", "--target", target],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for target in ("vector_store.kb0", "vector_store.kb1")
    ]
    outs = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("Apply complete! Resources: 1 added" in out for out, _ in outs), outs
    plan = subprocess.run(
        [
            *CLI,
            "-C",
            str(project),
            "plan",
            "--sandbox",
            "--target",
            "vector_store.kb0",
            "--target",
            "vector_store.kb1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plan.returncode == 0, plan.stderr
    assert "No changes" in plan.stdout, plan.stdout


class _NoEmulator:
    base_url = ""
