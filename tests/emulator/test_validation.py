"""Closed request schemas and documented limits: 400 with OpenAI's error body naming the field;
401 without a key; 404 for unknown ids and routes; the OpenAI-Beta header where the SDK sends it."""

from __future__ import annotations

from typing import Any

import pytest
from openai import BadRequestError, OpenAI
from rawhttp import call


def _error(body: Any) -> dict[str, Any]:
    assert set(body) == {"error"}
    err: dict[str, Any] = body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert isinstance(err["message"], str) and err["message"]
    return err


def _fs(**opts: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "tools": [{"type": "file_search", "file_search": opts}]}


def _static(size: int, overlap: int) -> dict[str, Any]:
    return {"type": "static", "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}}


def _fn(name: str, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o", "tools": [{"type": "function", "function": {"name": name, **extra}}]}


BAD_BODIES: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("POST", "/v1/assistants", {"model": "gpt-4o", "colour": "blue"}, "colour", "unknown_parameter"),
    ("POST", "/v1/assistants", {"name": "x"}, "model", "missing_required_parameter"),
    ("POST", "/v1/assistants", {"model": 4}, "model", "invalid_type"),
    ("POST", "/v1/assistants", {"model": "m", "name": "n" * 257}, "name", "string_above_max_length"),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "description": "d" * 513},
        "description",
        "string_above_max_length",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "instructions": "i" * 256_001},
        "instructions",
        "string_above_max_length",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "metadata": {f"k{i}": "v" for i in range(17)}},
        "metadata",
        "object_above_max_properties",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "metadata": {"k" * 65: "v"}},
        "metadata." + "k" * 65,
        "string_above_max_length",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "metadata": {"k": "v" * 513}},
        "metadata.k",
        "string_above_max_length",
    ),
    ("POST", "/v1/assistants", {"model": "m", "metadata": {"k": 1}}, "metadata.k", "invalid_type"),
    ("POST", "/v1/assistants", {"model": "m", "temperature": 2.5}, "temperature", "decimal_above_max_value"),
    ("POST", "/v1/assistants", {"model": "m", "top_p": -0.1}, "top_p", "decimal_below_min_value"),
    ("POST", "/v1/assistants", {"model": "m", "temperature": True}, "temperature", "invalid_type"),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "reasoning_effort": "huge"},
        "reasoning_effort",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tools": [{"type": "code_interpreter"}] * 129},
        "tools",
        "array_above_max_length",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tools": [{"type": "browser"}]},
        "tools[0].type",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tools": [{"type": "code_interpreter", "x": 1}]},
        "tools[0].x",
        "unknown_parameter",
    ),
    ("POST", "/v1/assistants", _fn("bad name"), "tools[0].function.name", "invalid_value"),
    ("POST", "/v1/assistants", _fn("n" * 65), "tools[0].function.name", "invalid_value"),
    ("POST", "/v1/assistants", _fn("ok", parameters=[]), "tools[0].function.parameters", "invalid_type"),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tools": [{"type": "function"}]},
        "tools[0].function",
        "missing_required_parameter",
    ),
    (
        "POST",
        "/v1/assistants",
        _fs(max_num_results=51),
        "tools[0].file_search.max_num_results",
        "integer_above_max_value",
    ),
    (
        "POST",
        "/v1/assistants",
        _fs(max_num_results=0),
        "tools[0].file_search.max_num_results",
        "integer_below_min_value",
    ),
    (
        "POST",
        "/v1/assistants",
        _fs(ranking_options={"ranker": "auto"}),
        "tools[0].file_search.ranking_options.score_threshold",
        "missing_required_parameter",
    ),
    (
        "POST",
        "/v1/assistants",
        _fs(ranking_options={"score_threshold": 1.5}),
        "tools[0].file_search.ranking_options.score_threshold",
        "decimal_above_max_value",
    ),
    ("POST", "/v1/assistants", {"model": "m", "response_format": "json"}, "response_format", "invalid_value"),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "response_format": {"type": "json_schema", "json_schema": {"name": "a b"}}},
        "response_format.json_schema.name",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tool_resources": {"file_search": {"vector_store_ids": [], "vector_stores": []}}},
        "tool_resources.file_search.vector_store_ids",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tool_resources": {"file_search": {"vector_store_ids": ["a", "b"]}}},
        "tool_resources.file_search.vector_store_ids",
        "array_above_max_length",
    ),
    (
        "POST",
        "/v1/assistants",
        {"model": "m", "tool_resources": {"code_interpreter": {"file_ids": ["f"] * 21}}},
        "tool_resources.code_interpreter.file_ids",
        "array_above_max_length",
    ),
    ("POST", "/v1/vector_stores", {"file_ids": ["f"] * 501}, "file_ids", "array_above_max_length"),
    (
        "POST",
        "/v1/vector_stores",
        {"expires_after": {"anchor": "last_active_at", "days": 366}},
        "expires_after.days",
        "integer_above_max_value",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"expires_after": {"anchor": "created_at", "days": 1}},
        "expires_after.anchor",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"chunking_strategy": _static(99, 10)},
        "chunking_strategy.static.max_chunk_size_tokens",
        "integer_below_min_value",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"chunking_strategy": _static(4097, 10)},
        "chunking_strategy.static.max_chunk_size_tokens",
        "integer_above_max_value",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"chunking_strategy": _static(800, 401)},
        "chunking_strategy.static.chunk_overlap_tokens",
        "invalid_value",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"chunking_strategy": {"type": "auto", "static": {}}},
        "chunking_strategy.static",
        "unknown_parameter",
    ),
    (
        "POST",
        "/v1/vector_stores",
        {"chunking_strategy": {"type": "static"}},
        "chunking_strategy.static",
        "missing_required_parameter",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "param", "code"), BAD_BODIES, ids=[b[3] for b in BAD_BODIES]
)
def test_invalid_bodies_get_400_naming_the_field(
    emulator: Any, method: str, path: str, body: dict[str, Any], param: str, code: str
) -> None:
    status, _, answer = call(emulator.root_url, method, path, body)
    err = _error(answer)
    assert (status, err["type"], err["param"], err["code"]) == (400, "invalid_request_error", param, code)
    assert emulator.store.count("assistants") == emulator.store.count("vector_stores") == 0


def _vs(emu: Any) -> str:
    status, _, body = call(emu.root_url, "POST", "/v1/vector_stores", {})
    assert status == 200
    return str(body["id"])


@pytest.mark.parametrize(
    ("suffix", "body", "param"),
    [
        ("", {"name": "x", "description": "no"}, "description"),
        ("", {"file_ids": []}, "file_ids"),
        ("/files", {}, "file_id"),
        ("/files", {"file_id": "f", "attributes": {f"a{i}": 1 for i in range(17)}}, "attributes"),
        ("/files", {"file_id": "f", "attributes": {"a": [1]}}, "attributes.a"),
        ("/files", {"file_id": "f", "attributes": {"a": "v" * 513}}, "attributes.a"),
        ("/file_batches", {}, "file_ids"),
        ("/file_batches", {"file_ids": ["a"], "files": [{"file_id": "a"}]}, "file_ids"),
        ("/file_batches", {"file_ids": []}, "file_ids"),
        ("/file_batches", {"file_ids": ["f"] * 2001}, "file_ids"),
        ("/file_batches", {"files": [{"file_id": "a", "extra": 1}]}, "files[0].extra"),
    ],
)
def test_vector_store_writes_are_checked(
    emulator: Any, suffix: str, body: dict[str, Any], param: str
) -> None:
    vs = _vs(emulator)
    status, _, answer = call(emulator.root_url, "POST", f"/v1/vector_stores/{vs}{suffix}", body)
    assert (status, _error(answer)["param"]) == (400, param)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/v1/assistants?limit=0", "limit"),
        ("/v1/assistants?limit=101", "limit"),
        ("/v1/assistants?limit=ten", "limit"),
        ("/v1/vector_stores?order=up", "order"),
        ("/v1/assistants?after=asst_unknown", "after"),
        ("/v1/files?limit=10001", "limit"),
        ("/v1/files?before=file-x", "before"),
    ],
)
def test_invalid_list_queries(emulator: Any, query: str, param: str) -> None:
    status, _, answer = call(emulator.root_url, "GET", query)
    assert (status, _error(answer)["param"]) == (400, param)


def test_list_filter_is_checked(emulator: Any) -> None:
    vs = _vs(emulator)
    status, _, answer = call(emulator.root_url, "GET", f"/v1/vector_stores/{vs}/files?filter=done")
    assert (status, _error(answer)["param"]) == (400, "filter")


def test_a_request_without_a_bearer_key_gets_401(emulator: Any) -> None:
    status, _, answer = call(emulator.root_url, "GET", "/v1/models", headers={"Authorization": ""})
    assert status == 401 and "API key" in _error(answer)["message"]
    status, _, _ = call(emulator.root_url, "GET", "/v1/models", headers={"Authorization": "Basic abc"})
    assert status == 401
    status, _, _ = call(emulator.root_url, "GET", "/v1/models", headers={"Authorization": "Bearer anything"})
    assert status == 200


@pytest.mark.parametrize("path", ["/v1/assistants", "/v1/vector_stores"])
def test_the_beta_header_is_required_on_assistants_and_vector_stores(emulator: Any, path: str) -> None:
    status, _, answer = call(emulator.root_url, "GET", path, headers={"OpenAI-Beta": ""})
    err = _error(answer)
    assert status == 400 and err["type"] == "invalid_request_error" and "OpenAI-Beta" in err["message"]
    assert call(emulator.root_url, "GET", "/v1/files", headers={"OpenAI-Beta": ""})[0] == 200


def test_bodies_that_are_not_json_objects(emulator: Any) -> None:
    status, _, answer = call(emulator.root_url, "POST", "/v1/vector_stores", raw=b"{nope")
    assert status == 400 and "JSON" in _error(answer)["message"]
    status, _, answer = call(emulator.root_url, "POST", "/v1/vector_stores", raw=b"[1]")
    assert status == 400 and _error(answer)["code"] == "invalid_type"


def test_an_empty_body_is_an_empty_object(emulator: Any) -> None:
    vs = _vs(emulator)
    status, _, _ = call(emulator.root_url, "DELETE", f"/v1/vector_stores/{vs}", raw=b"")
    assert status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/v1/assistants/asst_missing",
        "/v1/files/file-missing",
        "/v1/files/file-missing/content",
        "/v1/vector_stores/vs_missing",
        "/v1/vector_stores/vs_missing/files",
        "/v1/models/gpt-missing",
    ],
)
def test_unknown_ids_get_404_with_the_error_body(emulator: Any, path: str) -> None:
    status, _, answer = call(emulator.root_url, "GET", path)
    assert status == 404
    assert "missing" in _error(answer)["message"]


def test_unknown_files_in_bodies_get_404_naming_the_field(emulator: Any) -> None:
    vs = _vs(emulator)
    status, _, answer = call(
        emulator.root_url, "POST", f"/v1/vector_stores/{vs}/files", {"file_id": "file-x"}
    )
    err = _error(answer)
    assert (status, err["param"]) == (404, "file_id") and "file-x" in err["message"]
    status, _, answer = call(
        emulator.root_url, "POST", f"/v1/vector_stores/{vs}/file_batches", {"file_ids": ["file-x"]}
    )
    assert (status, _error(answer)["param"]) == (404, "file_ids")
    body = {"model": "m", "tool_resources": {"file_search": {"vector_store_ids": ["vs_x"]}}}
    status, _, answer = call(emulator.root_url, "POST", "/v1/assistants", body)
    assert (status, _error(answer)["param"]) == (404, "tool_resources.file_search.vector_store_ids")


def test_unknown_routes_are_invalid_urls(emulator: Any) -> None:
    status, _, answer = call(emulator.root_url, "GET", "/v1/threads")
    assert status == 404 and _error(answer)["message"] == "Invalid URL (GET /v1/threads)"
    status, _, answer = call(emulator.root_url, "PATCH", "/v1/assistants")
    assert status == 404 and _error(answer)["message"] == "Invalid URL (PATCH /v1/assistants)"


def test_uploads_are_checked(emulator: Any) -> None:
    c = OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
    with pytest.raises(BadRequestError) as exc:
        c.files.create(file=("a.txt", b"x"), purpose="nonsense")  # type: ignore[arg-type]
    assert exc.value.param == "purpose"
    with pytest.raises(BadRequestError) as exc:
        c.files.create(
            file=("a.txt", b"x"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 5}
        )
    assert exc.value.param == "expires_after.seconds" and exc.value.code == "integer_below_min_value"
    with pytest.raises(BadRequestError) as exc:
        c.files.create(file=("a.txt", b"x"), purpose="assistants", extra_body={"colour": "red"})
    assert exc.value.param == "colour"
    boundary = "b0undary"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n'
        f"assistants\r\n--{boundary}--\r\n"
    )
    status, _, answer = call(
        emulator.root_url,
        "POST",
        "/v1/files",
        raw=form.encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert (status, _error(answer)["param"]) == (400, "file")
    assert emulator.store.count("files") == 0
    # the connection stays usable after a rejected upload
    assert call(emulator.root_url, "GET", "/v1/files")[0] == 200
