"""The writer against the emulator over real HTTP: creates survive lost responses and
gateway timeouts (a stub gateway answering 5xx after the emulator committed) without
duplicates, 429s are resent after the server's Retry-After, deletes are idempotent, batches
report each failed file with its last_error, uploads send exactly the planned bytes."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from stub_gateway import PASS, StubGateway, timeout_every_create

from asstctl.core.model import LocalFile
from asstctl.core.ownership import ownership_metadata, upload_filename
from asstctl.errors import EndpointError
from asstctl.remote.upload_body import FileChangedError
from asstctl.remote.writer import BATCH_LIMIT, Writer

STACK = "wtest"


def local_file(tmp_path: Path, name: str, data: bytes) -> LocalFile:
    p = tmp_path / name
    p.write_bytes(data)
    return LocalFile(path=name, abspath=p, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


_clients: list[openai.OpenAI] = []
_gateways: list[StubGateway] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()
    while _gateways:
        _gateways.pop().stop()


def make_writer(emu: Any, sleeps: list[float] | None = None, **kw: Any) -> Writer:
    client = openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=3)
    _clients.append(client)
    """A writer on ``emu``; with ``sleeps`` it records its waits instead of sleeping."""
    record = sleeps.append if sleeps is not None else time.sleep
    return Writer(client, stack=STACK, base_url=emu.base_url, sleep=record, **kw)


def store_body(address: str) -> dict[str, Any]:
    return {"name": "docs", "metadata": ownership_metadata(STACK, address), "expires_after": None}


def create_one_of_each(w: Writer, f: LocalFile) -> tuple[str, str, str]:
    """Upload ``f``, create a store and an assistant; their ids."""
    return (
        w.upload(f),
        w.create_vector_store("vector_store.docs", store_body("vector_store.docs")),
        w.create_assistant(
            "assistant.tutor",
            {"model": "gpt-4o", "name": "t", "metadata": ownership_metadata(STACK, "assistant.tutor")},
        ),
    )


def test_lost_create_responses_are_adopted_not_duplicated(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(lost_response_rate=1.0)
    w = make_writer(emu, [])
    f = local_file(tmp_path, "a.md", b"hello")

    file_id, store_id, asst_id = create_one_of_each(w, f)

    files = emu.store.objects("files")
    assert [(x["id"], x["filename"]) for x in files] == [(file_id, upload_filename(STACK, f.sha256, "a.md"))]
    assert [s["id"] for s in emu.store.objects("vector_stores")] == [store_id]
    assert [a["id"] for a in emu.store.objects("assistants")] == [asst_id]
    by_endpoint = emu.stats()["by_endpoint"]
    assert by_endpoint["POST /v1/files"] == 1
    assert by_endpoint["POST /v1/vector_stores"] == 1
    assert by_endpoint["POST /v1/assistants"] == 1


def _gateway_writer(emu: Any, rule: Any, sleeps: list[float], **kw: Any) -> tuple[StubGateway, Writer]:
    gateway = StubGateway(emu.root_url, rule).start()
    _gateways.append(gateway)
    client = openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=3)
    _clients.append(client)
    return gateway, Writer(client, stack=STACK, base_url=gateway.base_url, sleep=sleeps.append, **kw)


def test_a_create_answered_5xx_after_it_committed_is_found_not_sent_again(
    emulator: Any, tmp_path: Path
) -> None:
    sleeps: list[float] = []
    gateway, w = _gateway_writer(emulator, timeout_every_create, sleeps)
    f = local_file(tmp_path, "a.md", b"hello")

    file_id, store_id, asst_id = create_one_of_each(w, f)

    assert [x["id"] for x in emulator.store.objects("files")] == [file_id]
    assert [s["id"] for s in emulator.store.objects("vector_stores")] == [store_id]
    assert [a["id"] for a in emulator.store.objects("assistants")] == [asst_id]
    posts = [x for x in gateway.log if x.method == "POST"]
    assert [(x.path, x.status) for x in posts] == [
        ("/v1/files", 200),
        ("/v1/vector_stores", 200),
        ("/v1/assistants", 200),
    ]  # each sent once, committed upstream, answered 504 by the gateway, then found by a lookup


def test_a_429_is_resent_at_once_without_a_lookup(emulator: Any) -> None:
    def rule(method: str, path: str, n: int) -> Any:
        return ("before", 429) if method == "POST" and n < 2 else (PASS, 0)

    sleeps: list[float] = []
    gateway, w = _gateway_writer(emulator, rule, sleeps)

    store_id = w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))

    assert [s["id"] for s in emulator.store.objects("vector_stores")] == [store_id]
    assert [(x.method, x.action) for x in gateway.log] == [
        ("POST", "before"),
        ("POST", "before"),
        ("POST", "pass"),
    ]
    assert sleeps == [0.02, 0.02]  # the gateway's retry-after-ms


def test_server_errors_are_looked_up_retried_then_reported(emulator: Any) -> None:
    def rule(method: str, path: str, n: int) -> Any:  # a 503 from a gateway that never forwarded
        return ("before", 503) if method == "POST" else (PASS, 0)

    sleeps: list[float] = []
    gateway, w = _gateway_writer(emulator, rule, sleeps, max_attempts=4)

    with pytest.raises(EndpointError) as info:
        w.create_vector_store("vector_store.docs", store_body("vector_store.docs"))

    message = str(info.value)
    assert "answered 503 while creating vector_store.docs" in message
    assert "the next plan finds it by its tag" in message
    # every resend is preceded by a lookup: POST, GET, POST, GET, POST, GET, POST
    assert [x.method for x in gateway.log] == ["POST", "GET"] * 3 + ["POST"]
    assert len(sleeps) == 3 and all(0 < s <= 8 for s in sleeps)
    assert emulator.store.count("vector_stores") == 0


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
    assert message.startswith(f"cannot reach {base_url} while creating vector_store.docs (ConnectError")
    assert "lost" not in message  # nothing was sent, so nothing was lost or looked for
    assert len(sleeps) == 2  # retried with backoff, each time a create (no lookup in between)


def _growing_during_upload(path: Path) -> Any:
    """A gateway hook: the first upload's body is changed on disk while it streams (the
    file is far larger than the socket buffers, so most of it is still unread)."""
    done: list[bool] = []

    def hook(method: str, route: str) -> None:
        if method == "POST" and route == "/v1/files" and not done:
            done.append(True)
            with path.open("ab") as fh:
                fh.write(b"appended while uploading\n")

    return hook


@pytest.mark.parametrize("change", ["grows", "rewritten", "shrinks"])
def test_an_upload_sends_exactly_the_planned_bytes_or_fails(
    emulator: Any, tmp_path: Path, change: str
) -> None:
    big = (b"0123456789abcdef" * 4096) * 256  # 16 MiB
    f = local_file(tmp_path, "big.txt", big)
    gateway, w = _gateway_writer(emulator, lambda m, p, n: (PASS, 0), [])
    if change == "grows":
        gateway.on_request = _growing_during_upload(f.abspath)
    elif change == "rewritten":
        f.abspath.write_bytes(big[:-1] + b"!")  # same size, other bytes (changed after the plan)
    else:
        f.abspath.write_bytes(big[: len(big) // 2])

    with pytest.raises(FileChangedError) as info:
        w.upload(f)

    message = str(info.value)
    assert message.startswith("big.txt changed during the apply (")
    assert "\n" not in message and "run asstctl plan again" in message
    assert emulator.store.objects("files") == []  # nothing under the planned hash, nor any other
    deadline = time.monotonic() + 10
    while not gateway.log and time.monotonic() < deadline:  # the gateway notices the hang-up
        time.sleep(0.01)
    # the one request was cut off before its last chunk: nothing reached the API, nothing was
    # resent or looked up
    assert [(x.method, x.action) for x in gateway.log] == [("POST", "aborted")]


def test_an_upload_of_unchanged_bytes_is_verified(emulator: Any, tmp_path: Path) -> None:
    data = b"x" * 300_000
    f = local_file(tmp_path, "ok.bin.txt", data)
    file_id = make_writer(emulator).upload(f)
    (stored,) = emulator.store.objects("files")
    assert stored["id"] == file_id and stored["bytes"] == len(data)
