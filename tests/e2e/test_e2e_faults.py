"""Faults: random 429/5xx, lost responses, a killed apply, and files the API cannot ingest.
Every case must converge to an empty plan with no duplicates, and destroy must leave none
of the stack's objects behind (and every foreign object in place)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from e2e_support import (
    apply_in_background,
    assert_converged,
    asstctl,
    expected_holdings_ok,
    holdings,
    make_project,
    wait_while_running,
    writes,
)

from asstctl.core.ownership import upload_filename


def apply_until_done(emu: Any, project: Path, runs: int = 5) -> int:
    """Apply repeatedly (as a user or CI retry would) until one run succeeds; return the runs used."""
    for n in range(1, runs + 1):
        result = asstctl(emu, project, "apply", "--auto-approve")
        if result.exit_code == 0:
            assert "Apply complete!" in result.stdout or "No changes" in result.stdout
            return n
        assert "Traceback" not in result.output and "bug in asstctl" not in result.output, result.output
    raise AssertionError(f"apply did not succeed within {runs} runs:\n{result.output}")


@pytest.mark.parametrize("knob", ["fault_rate", "lost_response_rate"])
def test_converges_without_duplicates_under_faults(emulator_factory: Any, tmp_path: Path, knob: str) -> None:
    emu = emulator_factory(**{knob: 0.2, "seed": 7})
    project = make_project(tmp_path)

    apply_until_done(emu, project)
    assert holdings(emu).duplicates() == []
    expected_holdings_ok(emu)
    assert_converged(emu, project)

    (project / "assistants" / "docs" / "faq.md").write_text("# FAQ\nchanged\n")
    apply_until_done(emu, project)
    assert_converged(emu, project)
    expected_holdings_ok(emu)

    for _ in range(5):
        if asstctl(emu, project, "destroy", "--auto-approve").exit_code == 0:
            break
    assert holdings(emu).empty


def test_killed_apply_is_finished_by_the_next_one(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(latency_ms=40, processing_delay_ms=400)
    files = {f"docs/page{i:02d}.md": f"# Page {i}\n" for i in range(12)}
    manifest = "kind: VectorStore\nname: kb\nfiles: [docs/*.md]\n---\n" + (
        "kind: Assistant\nname: tutor\nmodel: gpt-4o-mini\ninstructions: Hi.\n"
        "tools:\n  - type: file_search\n    vector_store: kb\n"
    )
    project = make_project(tmp_path, manifest=manifest, files=files)
    with openai.OpenAI(base_url=emu.base_url, api_key="sk-test") as client:
        foreign = client.vector_stores.create(name="someone else's", metadata={"owner": "ops"})
    before = writes(emu)

    with apply_in_background(emu, project, "--parallelism", "2") as proc:
        wait_while_running(proc, lambda: writes(emu) - before >= 5)
        proc.send_signal(signal.SIGKILL)
    partial = holdings(emu)
    assert 0 < len(partial.files) < len(files) or not partial.vector_stores  # really stopped midway

    apply_until_done(emu, project, runs=2)
    assert holdings(emu).duplicates() == []
    assert len(holdings(emu).files) == len(files) and len(holdings(emu).attachments) == len(files)
    assert_converged(emu, project)

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert holdings(emu).empty
    assert [s["id"] for s in emu.store.objects("vector_stores")] == [foreign.id]


def test_ingestion_failures_are_listed_and_everything_else_completes(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    guide = (project / "assistants" / "docs" / "guide.md").read_bytes()
    sha = hashlib.sha256(guide).hexdigest()
    # A broken upload of guide.md already sits on the endpoint under our name (e.g. from a
    # faulty proxy): asstctl adopts it by name, and the API fails to ingest the empty bytes.
    with openai.OpenAI(base_url=emulator.base_url, api_key="sk-test") as client:
        broken = client.files.create(
            file=(upload_filename("e2e", sha, "guide.md"), b""), purpose="assistants"
        )

    result = asstctl(emulator, project, "apply", "--auto-approve")

    assert result.exit_code == 1
    assert "Ingestion failed for 1 file:" in result.stdout
    assert f"vector_store.kb: assistants/docs/guide.md ({broken.id}): invalid_file:" in result.stdout
    assert "1 file not ingested" in result.stderr
    assert set(holdings(emulator).assistants) == {"assistant.tutor", "assistant.plain"}
    statuses = sorted(v["status"] for v in emulator.store.objects("vector_store_files"))
    assert statuses == ["completed", "failed"]
    # The next plan shows the failed file for another attempt.
    plan = asstctl(emulator, project, "plan")
    assert "previous ingestion failed: invalid_file" in plan.stdout


def test_ctrl_c_stops_promptly_and_the_next_apply_finishes(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(processing_delay_ms=4000)
    project = make_project(tmp_path)
    batch = "POST /v1/vector_stores/{vector_store_id}/file_batches"
    with apply_in_background(emu, project, stderr=subprocess.PIPE) as proc:
        wait_while_running(proc, lambda: bool(emu.stats()["by_endpoint"].get(batch)))
        proc.send_signal(signal.SIGINT)  # while it waits for ingestion
        start = time.monotonic()
        _, err = proc.communicate(timeout=30)
        stopped_after = time.monotonic() - start
    assert proc.returncode == 130, err
    assert "Interrupted." in err and "Traceback" not in err
    assert stopped_after < 3  # did not sit out the 4 s ingestion

    apply_until_done(emu, project, runs=2)
    expected_holdings_ok(emu)
    assert_converged(emu, project)
