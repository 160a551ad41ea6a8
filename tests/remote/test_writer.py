"""The writer against the emulator over real HTTP: creates survive lost responses without
duplicates, 429/5xx are retried with the server's Retry-After, deletes are idempotent,
batches report each failed file with its last_error."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from asstctl.core.model import LocalFile
from asstctl.core.ownership import ownership_metadata, upload_filename
from asstctl.errors import EndpointError
from asstctl.remote.writer import BATCH_LIMIT, Writer

STACK = "wtest"


def local_file(tmp_path: Path, name: str, data: bytes) -> LocalFile:
    p = tmp_path / name
    p.write_bytes(data)
    return LocalFile(path=name, abspath=p, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


_clients: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def make_writer(emu: Any, sleeps: list[float] | None = None, **kw: Any) -> Writer:
    client = openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=3)
    _clients.append(client)
    """A writer on ``emu``; with ``sleeps`` it records its waits instead of sleeping."""
    record = sleeps.append if sleeps is not None else time.sleep
    return Writer(client, stack=STACK, base_url=emu.base_url, sleep=record, **kw)


def store_body(address: str) -> dict[str, Any]:
    return {"name": "docs", "metadata": ownership_metadata(STACK, address), "expires_after": None}


def test_lost_create_responses_are_adopted_not_duplicated(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(lost_response_rate=1.0)
    w = make_writer(emu, [])
    f = local_file(tmp_path, "a.md", b"hello")

    file_id = w.upload(f)
    store_id = w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))
    asst_id = w.create_assistant(
        "assistant.tutor",
        {"model": "gpt-4o", "name": "t", "metadata": ownership_metadata(STACK, "assistant.tutor")},
    )

    files = emu.store.objects("files")
    assert [(x["id"], x["filename"]) for x in files] == [(file_id, upload_filename(STACK, f.sha256, "a.md"))]
    assert [s["id"] for s in emu.store.objects("vector_stores")] == [store_id]
    assert [a["id"] for a in emu.store.objects("assistants")] == [asst_id]
    by_endpoint = emu.stats()["by_endpoint"]
    assert by_endpoint["POST /v1/files"] == 1
    assert by_endpoint["POST /v1/vector_stores"] == 1
    assert by_endpoint["POST /v1/assistants"] == 1


def test_rate_limits_and_server_errors_are_retried_then_reported(emulator_factory: Any) -> None:
    emu = emulator_factory(fault_rate=1.0, seed=3)
    sleeps: list[float] = []
    w = make_writer(emu, sleeps, max_attempts=6)

    with pytest.raises(EndpointError) as info:
        w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))

    assert "while creating vector_store.docs" in str(info.value)
    assert emu.stats()["by_endpoint"]["POST /v1/vector_stores"] == 6
    assert len(sleeps) == 5
    # 429s carry retry-after-ms: 20, which is honoured; 5xx back off exponentially (< 8 s).
    assert 0.02 in sleeps
    assert all(0 < s <= 8 for s in sleeps)
    assert emu.store.count("vector_stores") == 0


def test_deletes_of_missing_objects_count_as_done(emulator: Any) -> None:
    w = make_writer(emulator)
    store_id = w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))
    w.delete_vector_store("vector_store.docs", store_id)
    w.delete_vector_store("vector_store.docs", store_id)
    w.delete_file("file-doesnotexist")
    w.delete_assistant("assistant.x", "asst_doesnotexist")
    assert emulator.store.count("vector_stores") == 0


def test_batch_reports_each_failed_file_with_last_error(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(processing_delay_ms=30)
    w = make_writer(emu)
    good = local_file(tmp_path, "good.md", b"# fine\n")
    empty = local_file(tmp_path, "empty.md", b"")
    ids = {w.upload(good): "good", w.upload(empty): "empty"}
    store_id = w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))
    batch_id = w.attach_batch(
        "vector_store.docs",
        store_id,
        [{"file_id": fid, "attributes": {"n": name}} for fid, name in ids.items()],
    )
    seen: list[int] = []

    outcome = w.wait_batch("vector_store.docs", store_id, batch_id, seen.append)

    assert outcome.completed == 1 and not outcome.timed_out
    assert [(ids[f.file_id], f.code) for f in outcome.failed] == [("empty", "invalid_file")]
    assert "empty" in outcome.failed[0].message
    assert seen[-1] == 2 and seen == sorted(seen)
    polls = emu.stats()["by_endpoint"]["GET /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}"]
    assert 1 <= polls <= 10


def test_batch_size_is_bounded(emulator: Any) -> None:
    w = make_writer(emulator)
    with pytest.raises(ValueError):
        w.attach_batch("vector_store.docs", "vs_x", [{"file_id": "f"}] * (BATCH_LIMIT + 1))


def test_a_create_on_a_refused_connection_is_retried_and_reported_plainly(emulator_factory: Any) -> None:
    emu = emulator_factory()
    base_url = emu.base_url
    emu.stop()  # the endpoint goes down mid-apply: connections are refused
    sleeps: list[float] = []
    w = make_writer(emu, sleeps, max_attempts=3)

    with pytest.raises(EndpointError) as info:
        w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))

    message = str(info.value)
    assert message.startswith(f"cannot reach {base_url} while creating vector_store.docs: ConnectError")
    assert "lost" not in message  # nothing was sent, so nothing was lost or looked for
    assert len(sleeps) == 2  # retried with backoff, each time a create (no lookup in between)
