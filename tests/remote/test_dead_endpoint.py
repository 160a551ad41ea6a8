"""A dead endpoint is reported within seconds, saying what to check (the SDK's own backoff
would take ~15 s); writes keep the SDK's retry policy."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import openai
from conftest import run_cli
from openai._models import FinalRequestOptions

from asstctl.remote.client import MAX_RETRIES, _Client


def _dead_url() -> str:
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_plan_against_a_dead_endpoint_fails_fast_and_says_what_to_check(tmp_path: Path) -> None:
    (tmp_path / "assistants").mkdir()
    (tmp_path / "asstctl.yaml").write_text("stack: dead\n")
    (tmp_path / "assistants" / "kb.yaml").write_text("kind: VectorStore\nname: kb\n")
    url = _dead_url()
    started = time.monotonic()
    result = run_cli("-C", str(tmp_path), "plan", env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-x"})
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert elapsed < 6, f"took {elapsed:.1f}s"
    assert f"cannot reach {url} while listing" in result.stderr
    assert "Connection refused" in result.stderr and "nothing is listening there" in result.stderr
    assert "endpoint.base_url" in result.stderr and "OPENAI_BASE_URL" in result.stderr


def test_reads_retry_quickly_and_writes_keep_the_sdk_backoff() -> None:
    client = _Client(api_key="sk-x", base_url=_dead_url(), max_retries=MAX_RETRIES)
    base = openai.OpenAI(api_key="sk-x", base_url=client.base_url, max_retries=MAX_RETRIES)
    try:
        get = FinalRequestOptions.construct(method="get", url="/files")
        post = FinalRequestOptions.construct(method="post", url="/files")
        reads = [client._calculate_retry_timeout(MAX_RETRIES - n, get) for n in range(MAX_RETRIES)]
        assert sum(reads) <= 2.5
        # a write waits as the SDK would (jitter: up to a quarter less)
        writes = [client._calculate_retry_timeout(MAX_RETRIES - n, post) for n in range(MAX_RETRIES)]
        sdk = [base._calculate_retry_timeout(MAX_RETRIES - n, post) for n in range(MAX_RETRIES)]
        assert sum(writes) >= 0.75 * sum(sdk) - 1e-9 and sum(writes) > 5
    finally:
        client.close()
        base.close()
