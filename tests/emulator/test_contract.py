"""The contract test: every operation of the spec subset, driven through the real ``openai`` SDK
(strict response validation) over HTTP, with every request body and every response body the
emulator saw validated against the spec subset in ``../shared``.

Known inconsistencies of the spec (reference.md §7, §9, §11) are handled explicitly and narrowly:

* ``UpdateVectorStoreRequest`` marks ``name``/``expires_after`` with the OpenAPI 3.0 keyword
  ``nullable``, which JSON Schema ignores; the SDK sends ``null`` for ``None``. We read it as ``| null``.
* The batch ``object`` enum says ``vector_store.files_batch``; real responses (and the SDK) use
  ``vector_store.file_batch``. We accept exactly that second spelling too.
* ``first_id``/``last_id`` are typed as strings, but an empty page has no ids: the emulator sends
  ``null`` there, as the real service does. Accepted only when ``data`` is empty.
* ``GET /files/{id}/content`` is declared as a JSON string but is raw bytes: compared byte for byte.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openai import BadRequestError, NotFoundError, OpenAI

from asstctl.emulator import Exchange


@pytest.fixture
def spec(shared_api: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((shared_api / "openai-assistants-subset.yaml").read_text())
    schemas = data["components"]["schemas"]
    update = schemas["UpdateVectorStoreRequest"]["properties"]
    assert update["name"].pop("nullable") is True
    update["name"] = {"anyOf": [update["name"], {"type": "null"}]}
    assert update["expires_after"]["allOf"][1] == {"nullable": True}
    update["expires_after"] = {"anyOf": [update["expires_after"]["allOf"][0], {"type": "null"}]}
    batch_object = schemas["VectorStoreFileBatchObject"]["properties"]["object"]
    assert batch_object["enum"] == ["vector_store.files_batch"]
    batch_object["enum"] = ["vector_store.files_batch", "vector_store.file_batch"]
    return data


def _validate(spec: dict[str, Any], schema: dict[str, Any], value: Any, what: str) -> None:
    root = {**schema, "components": spec["components"]}
    errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(value), key=str)
    assert not errors, f"{what}: {errors[0].message} at {list(errors[0].absolute_path)}"


def _check_exchange(spec: dict[str, Any], ex: Exchange) -> None:
    op = spec["paths"][ex.template.removeprefix("/v1")][ex.method.lower()]
    what = f"{ex.method} {ex.template} ({ex.status})"
    content = op.get("requestBody", {}).get("content", {})
    if content and ex.request_body is not None and ex.status == 200:
        (media,) = content.values()
        _validate(spec, media["schema"], ex.request_body, f"request of {what}")
    if ex.status != 200:
        _validate(spec, {"$ref": "#/components/schemas/ErrorResponse"}, ex.response_body, f"error of {what}")
        return
    if ex.template == "/v1/files/{file_id}/content":
        assert isinstance(ex.response_body, bytes)
        return
    body = ex.response_body
    assert isinstance(body, dict)
    if body.get("object") == "list" and body.get("data") == [] and "first_id" in body:
        assert body["first_id"] is None and body["last_id"] is None
        body = {**body, "first_id": "", "last_id": ""}
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    _validate(spec, schema, body, f"response of {what}")


def _drive_every_operation(c: OpenAI, emu: Any) -> None:
    """Call each of the 26 operations at least once, with success and error answers."""
    md = c.files.create(file=("guide.md", b"# Guide\n\nUse it.\n"), purpose="assistants")
    txt = c.files.create(
        file=("notes.txt", b"plain notes"),
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    bad = c.files.create(file=("image.bin", b"\x00\x01"), purpose="assistants")
    empty = c.files.create(file=("empty.txt", b""), purpose="user_data")
    assert [f.id for f in c.files.list(purpose="assistants", order="asc")] == [md.id, txt.id, bad.id]
    assert c.files.list(limit=1).has_more is True
    assert c.files.retrieve(txt.id).expires_at == txt.created_at + 3600
    assert c.files.content(md.id).read() == b"# Guide\n\nUse it.\n"
    with pytest.raises(NotFoundError):
        c.files.retrieve("file-missing")

    vs = c.vector_stores.create(
        name="kb",
        description="not echoed",
        file_ids=[md.id],
        chunking_strategy={
            "type": "static",
            "static": {"max_chunk_size_tokens": 1000, "chunk_overlap_tokens": 500},
        },
        expires_after={"anchor": "last_active_at", "days": 7},
        metadata={"stack": "demo"},
    )
    other = c.vector_stores.create()
    assert [v.id for v in c.vector_stores.list(limit=1, order="asc").data] == [vs.id]
    assert c.vector_stores.list(before=other.id, order="asc").data == [c.vector_stores.retrieve(vs.id)]
    c.vector_stores.update(vs.id, name=None, expires_after=None, metadata={"stack": "demo", "v": "2"})
    c.vector_stores.update(vs.id, name="kb", expires_after={"anchor": "last_active_at", "days": 30})
    with pytest.raises(BadRequestError):
        c.vector_stores.update(vs.id, extra_body={"description": "x"})

    c.vector_stores.files.create(vector_store_id=vs.id, file_id=txt.id, attributes={"lang": "en", "n": 1})
    c.vector_stores.files.create(vector_store_id=vs.id, file_id=bad.id, chunking_strategy={"type": "auto"})
    with pytest.raises(NotFoundError):
        c.vector_stores.files.create(vector_store_id=vs.id, file_id="file-missing")
    assert {f.id for f in c.vector_stores.files.list(vector_store_id=vs.id, filter="failed")} == {bad.id}
    c.vector_stores.files.update(file_id=txt.id, vector_store_id=vs.id, attributes={"lang": "fr", "ok": True})
    assert c.vector_stores.files.retrieve(file_id=bad.id, vector_store_id=vs.id).last_error is not None
    c.vector_stores.files.delete(file_id=bad.id, vector_store_id=vs.id)

    batch = c.vector_stores.file_batches.create(
        vector_store_id=other.id, files=[{"file_id": md.id, "attributes": {"a": 1}}, {"file_id": empty.id}]
    )
    c.vector_stores.file_batches.retrieve(batch.id, vector_store_id=other.id)
    assert len(c.vector_stores.file_batches.list_files(batch.id, vector_store_id=other.id).data) == 2
    c.vector_stores.file_batches.list_files(batch.id, vector_store_id=other.id, filter="cancelled")
    c.vector_stores.file_batches.cancel(batch.id, vector_store_id=other.id)
    c.vector_stores.file_batches.create(vector_store_id=other.id, file_ids=[txt.id], attributes={"x": "y"})

    a = c.beta.assistants.create(
        model="gpt-4o",
        name="Support",
        description="Answers questions",
        instructions="Be kind.",
        tools=[
            {"type": "code_interpreter"},
            {
                "type": "file_search",
                "file_search": {"max_num_results": 8, "ranking_options": {"score_threshold": 0.5}},
            },
            {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}},
        ],
        tool_resources={
            "code_interpreter": {"file_ids": [txt.id]},
            "file_search": {"vector_stores": [{"file_ids": [md.id], "metadata": {"k": "v"}}]},
        },
        metadata={"owner": "me"},
        temperature=0.2,
        top_p=0.9,
        response_format={"type": "json_schema", "json_schema": {"name": "out", "schema": {"type": "object"}}},
        reasoning_effort="low",
    )
    plain = c.beta.assistants.create(model="gpt-4o-mini")
    c.beta.assistants.retrieve(a.id)
    c.beta.assistants.update(plain.id, name=None, temperature=None, response_format={"type": "json_object"})
    c.beta.assistants.update(a.id, tool_resources={"file_search": {"vector_store_ids": [vs.id]}})
    assert [x.id for x in c.beta.assistants.list(order="asc")] == [a.id, plain.id]
    with pytest.raises(BadRequestError):
        c.beta.assistants.create(model="gpt-4o", extra_body={"colour": "blue"})
    with pytest.raises(NotFoundError):
        c.beta.assistants.delete("asst_missing")
    c.beta.assistants.delete(plain.id)

    c.models.list()
    c.models.retrieve("gpt-4o-mini")
    with pytest.raises(NotFoundError):
        c.models.retrieve("no-such-model")

    c.vector_stores.delete(other.id)
    c.files.delete(empty.id)
    assert c.beta.assistants.list(after=a.id).data == []


def test_every_operation_matches_the_spec_subset(spec: dict[str, Any], emulator: Any) -> None:
    seen: list[Exchange] = []
    emulator.set_recorder(seen.append)
    client = OpenAI(
        base_url=emulator.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _drive_every_operation(client, emulator)
    for ex in seen:
        _check_exchange(spec, copy.deepcopy(ex))
    ops = {(m.upper(), "/v1" + p) for p, item in spec["paths"].items() for m in item if m != "parameters"}
    covered = {(ex.method, ex.template) for ex in seen if ex.status == 200}
    assert ops - covered == set(), "operations never answered successfully"
    assert len(ops) == 26
    assert {ex.status for ex in seen} >= {200, 400, 404}


def test_the_recorder_sees_what_the_spec_forbids(spec: dict[str, Any], emulator: Any) -> None:
    """The checker itself can fail: a response missing a required field is reported."""
    ex = Exchange("GET", "/v1/models/{model}", "/v1/models/x", {}, None, 200, {"id": "x", "object": "model"})
    with pytest.raises(AssertionError, match="created"):
        _check_exchange(spec, ex)
