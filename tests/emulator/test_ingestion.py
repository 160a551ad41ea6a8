"""Asynchronous ingestion of vector-store files and batches, failures, and consistent counts."""

from __future__ import annotations

import time
from typing import Any

from openai import OpenAI


def _client(emu: Any) -> OpenAI:
    return OpenAI(base_url=emu.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0)


def test_files_are_in_progress_until_the_delay_has_passed(emulator_factory: Any) -> None:
    emu = emulator_factory(processing_delay_ms=400)
    c = _client(emu)
    f = c.files.create(file=("a.md", b"12345"), purpose="assistants")
    vs = c.vector_stores.create(name="kb")
    raw = c.vector_stores.files.with_raw_response.create(vector_store_id=vs.id, file_id=f.id)
    assert raw.headers["openai-poll-after-ms"] == "100"
    assert raw.parse().status == "in_progress" and raw.parse().usage_bytes == 0
    store = c.vector_stores.retrieve(vs.id)
    assert store.status == "in_progress" and store.file_counts.in_progress == 1 and store.usage_bytes == 0
    start = time.monotonic()
    done = c.vector_stores.files.poll(f.id, vector_store_id=vs.id)
    assert done.status == "completed" and done.usage_bytes == 5 and done.last_error is None
    assert time.monotonic() - start < 1.5
    store = c.vector_stores.retrieve(vs.id)
    assert store.status == "completed" and store.usage_bytes == 5
    assert store.file_counts.model_dump() == {
        "in_progress": 0,
        "completed": 1,
        "failed": 0,
        "cancelled": 0,
        "total": 1,
    }


def test_batches_finish_and_count_failures(emulator_factory: Any) -> None:
    emu = emulator_factory(processing_delay_ms=150)
    c = _client(emu)
    ok = c.files.create(file=("ok.txt", b"hello"), purpose="assistants")
    unsupported = c.files.create(file=("photo.png", b"\x89PNG"), purpose="assistants")
    empty = c.files.create(file=("empty.md", b""), purpose="assistants")
    vs = c.vector_stores.create()
    batch = c.vector_stores.file_batches.create(
        vector_store_id=vs.id, file_ids=[ok.id, unsupported.id, empty.id]
    )
    assert batch.status == "in_progress" and batch.file_counts.in_progress == 3
    batch = c.vector_stores.file_batches.poll(batch.id, vector_store_id=vs.id)
    assert batch.status == "completed"
    assert (batch.file_counts.completed, batch.file_counts.failed, batch.file_counts.total) == (1, 2, 3)
    errors = {
        f.id: f.last_error.code if f.last_error else None
        for f in c.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)
    }
    assert errors == {ok.id: None, unsupported.id: "unsupported_file", empty.id: "invalid_file"}
    failed = c.vector_stores.files.retrieve(unsupported.id, vector_store_id=vs.id)
    assert failed.status == "failed" and failed.usage_bytes == 0
    assert c.vector_stores.retrieve(vs.id).usage_bytes == 5


def test_zero_delay_is_final_at_once(emulator: Any) -> None:
    c = _client(emulator)
    f = c.files.create(file=("a.py", b"print(1)\n"), purpose="assistants")
    vs = c.vector_stores.create(file_ids=[f.id])
    assert vs.status == "completed" and vs.file_counts.completed == 1 and vs.usage_bytes == 9


def test_reattaching_replaces_the_vector_store_file(emulator: Any) -> None:
    c = _client(emulator)
    f = c.files.create(file=("a.md", b"abc"), purpose="assistants")
    vs = c.vector_stores.create()
    c.vector_stores.files.create(vector_store_id=vs.id, file_id=f.id, attributes={"v": 1})
    static = {"type": "static", "static": {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": 100}}
    c.vector_stores.files.create(
        vector_store_id=vs.id, file_id=f.id, attributes={"v": 2}, chunking_strategy=static
    )  # type: ignore[arg-type]
    c.vector_stores.file_batches.create_and_poll(vector_store_id=vs.id, file_ids=[f.id, f.id])
    listed = c.vector_stores.files.list(vector_store_id=vs.id).data
    assert [x.id for x in listed] == [f.id] and listed[0].attributes == {}
    assert c.vector_stores.retrieve(vs.id).file_counts.total == 1
    assert listed[0].chunking_strategy is not None
    assert listed[0].chunking_strategy.model_dump() == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }


def test_deleting_a_file_detaches_it_everywhere(emulator: Any) -> None:
    c = _client(emulator)
    f = c.files.create(file=("a.md", b"abc"), purpose="assistants")
    g = c.files.create(file=("b.md", b"defg"), purpose="assistants")
    one, two = c.vector_stores.create(file_ids=[f.id, g.id]), c.vector_stores.create(file_ids=[f.id])
    a = c.beta.assistants.create(model="gpt-4o", tool_resources={"code_interpreter": {"file_ids": [f.id]}})
    c.files.delete(f.id)
    first = c.vector_stores.retrieve(one.id)
    assert first.file_counts.total == 1 and first.usage_bytes == 4
    assert c.vector_stores.retrieve(two.id).file_counts.total == 0
    assert c.beta.assistants.retrieve(a.id).tool_resources.code_interpreter.file_ids == []  # type: ignore[union-attr]
    # detaching keeps the File; deleting a store keeps its Files
    c.vector_stores.files.delete(g.id, vector_store_id=one.id)
    c.vector_stores.delete(one.id)
    assert [x.id for x in c.files.list()] == [g.id]


def test_cancelling_a_batch_cancels_its_unfinished_files(emulator_factory: Any) -> None:
    emu = emulator_factory(processing_delay_ms=60_000)
    c = _client(emu)
    ids = [c.files.create(file=(f"{i}.md", b"x"), purpose="assistants").id for i in range(3)]
    vs = c.vector_stores.create()
    batch = c.vector_stores.file_batches.create(vector_store_id=vs.id, file_ids=ids)
    cancelled = c.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id)
    assert cancelled.status == "cancelled" and cancelled.file_counts.cancelled == 3
    assert cancelled.file_counts.in_progress == 0
    statuses = {f.status for f in c.vector_stores.files.list(vector_store_id=vs.id)}
    assert statuses == {"cancelled"}
    store = c.vector_stores.retrieve(vs.id)
    assert store.status == "completed" and store.file_counts.cancelled == 3


def test_assistant_defaults_and_modify_semantics(emulator: Any) -> None:
    c = _client(emulator)
    a = c.beta.assistants.create(
        model="gpt-4o",
        tool_resources={"file_search": {"vector_stores": [{"metadata": {"k": "v"}}]}},
        temperature=0.3,
        metadata={"a": "b"},
    )
    assert a.tool_resources is not None and a.tool_resources.file_search is not None
    (vs_id,) = a.tool_resources.file_search.vector_store_ids or []
    assert c.vector_stores.retrieve(vs_id).metadata == {"k": "v"}
    b = c.beta.assistants.update(a.id, temperature=None, metadata=None, response_format=None, name="n")
    assert (b.temperature, b.metadata, b.response_format, b.name, b.model) == (1.0, {}, "auto", "n", "gpt-4o")
    assert b.tool_resources == a.tool_resources
    c.vector_stores.delete(vs_id)
    after = c.beta.assistants.retrieve(a.id).tool_resources
    assert after is not None and after.file_search is not None and after.file_search.vector_store_ids == []
    plain = c.beta.assistants.create(model="gpt-4o")
    assert plain.tool_resources is not None and plain.tool_resources.model_dump(exclude_unset=True) == {}
