"""Every operation answers through the real SDK (strict response validation) over HTTP."""

from __future__ import annotations

from typing import Any

from openai import OpenAI


def _client(emu: Any) -> OpenAI:
    return OpenAI(base_url=emu.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0)


def test_every_operation_round_trips_through_the_sdk(emulator: Any) -> None:
    c = _client(emulator)
    f = c.files.create(file=("notes.md", b"# hello\n"), purpose="assistants")
    assert f.bytes == 8 and f.status == "processed"
    assert [x.id for x in c.files.list()] == [f.id]
    assert c.files.retrieve(f.id).filename == "notes.md"
    assert c.files.content(f.id).read() == b"# hello\n"

    vs = c.vector_stores.create(name="docs", metadata={"stack": "s"})
    vsf = c.vector_stores.files.create(vector_store_id=vs.id, file_id=f.id, attributes={"k": "v"})
    assert vsf.id == f.id and vsf.status == "completed"
    assert vsf.chunking_strategy is not None and vsf.chunking_strategy.type == "static"
    c.vector_stores.files.update(file_id=f.id, vector_store_id=vs.id, attributes={"k": 2})
    assert c.vector_stores.files.retrieve(file_id=f.id, vector_store_id=vs.id).attributes == {"k": 2}
    assert [x.id for x in c.vector_stores.files.list(vector_store_id=vs.id, filter="completed")] == [f.id]
    batch = c.vector_stores.file_batches.create_and_poll(vector_store_id=vs.id, file_ids=[f.id])
    assert batch.status == "completed" and batch.file_counts.completed == 1
    assert c.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id).id == batch.id
    assert [x.id for x in c.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)] == [f.id]
    assert c.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id).status == "cancelled"
    store = c.vector_stores.retrieve(vs.id)
    assert store.file_counts.completed == 1 and store.usage_bytes == 8
    assert c.vector_stores.update(vs.id, name="renamed").name == "renamed"
    assert [x.id for x in c.vector_stores.list()] == [vs.id]

    a = c.beta.assistants.create(
        model="gpt-4o",
        name="helper",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [vs.id]}},
    )
    assert a.temperature == 1.0 and a.top_p == 1.0 and a.response_format == "auto"
    assert c.beta.assistants.update(a.id, instructions="be brief").instructions == "be brief"
    assert c.beta.assistants.retrieve(a.id).tool_resources.file_search.vector_store_ids == [vs.id]  # type: ignore[union-attr]
    assert [x.id for x in c.beta.assistants.list()] == [a.id]
    assert c.beta.assistants.delete(a.id).deleted

    assert c.vector_stores.files.delete(file_id=f.id, vector_store_id=vs.id).deleted
    assert c.vector_stores.delete(vs.id).deleted
    assert c.files.delete(f.id).deleted
    assert "gpt-4o" in [m.id for m in c.models.list()]
    assert c.models.retrieve("gpt-4o").owned_by
    stats = emulator.stats()
    assert stats["by_endpoint"]["POST /v1/files"] == 1
    assert stats["total"] == sum(stats["by_endpoint"].values())
