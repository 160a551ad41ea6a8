"""The operations under ``/v1``: path templates, request checks, and the store call for each.

A route's template (e.g. ``/v1/vector_stores/{vector_store_id}/files``) is also its key in the
emulator's request statistics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asstctl.emulator import agents, responses, runs, threads
from asstctl.emulator import validation as v
from asstctl.emulator.apierror import invalid
from asstctl.emulator.blobs import Blobs
from asstctl.emulator.multipart import BodyReader, Upload, parse
from asstctl.emulator.response_schema import CREATE_RESPONSE
from asstctl.emulator.schema import Schema, Str
from asstctl.emulator.sse import EventStream
from asstctl.emulator.store import Store

Json = dict[str, Any]


@dataclass
class Request:
    """What an operation sees: path parameters, query, and the decoded JSON body (or the raw reader)."""

    params: dict[str, str]
    query: Mapping[str, str]
    body: Json
    reader: BodyReader | None = None
    boundary: str | None = None
    upload: Upload | None = field(default=None)
    fault: Callable[[], bool] = lambda: False
    """A seeded draw at the emulator's ``fault_rate``: whether a run fails (``runner.py``)."""


Op = Callable[[Store, Request], "Json | bytes | bytearray | EventStream"]


@dataclass(frozen=True)
class Route:
    """One operation: ``method``, ``template``, its body schema and whether it needs the beta header
    (``OpenAI-Beta: <beta_header>``)."""

    method: str
    template: str
    op: Op
    schema: Schema | None = None
    beta: bool = False
    multipart: bool = False
    beta_header: str = "assistants=v2"

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + "$")


def _upload(store: Store, req: Request) -> Json:
    assert req.reader is not None
    if req.boundary is None:
        raise invalid(
            None, "Invalid Content-Type header: expected multipart/form-data with a boundary.", "invalid_body"
        )
    blobs: Blobs = store.blobs
    up = parse(req.reader, req.boundary, blobs.writer)
    req.upload = up
    try:
        return _create_file(store, up)
    except BaseException:
        if up.blob is not None:
            up.blob.abort()
        raise


def _create_file(store: Store, up: Upload) -> Json:
    allowed = {"purpose", "expires_after[anchor]", "expires_after[seconds]"}
    for name in up.fields:
        if name not in allowed:
            raise invalid(name, f"Unknown parameter: '{name}'.", "unknown_parameter")
    if up.blob is None or up.filename is None:
        raise invalid("file", "Missing required parameter: 'file'.", "missing_required_parameter")
    if "purpose" not in up.fields:
        raise invalid("purpose", "Missing required parameter: 'purpose'.", "missing_required_parameter")
    Str(enum=v.FILE_PURPOSES).check(up.fields["purpose"], "purpose")
    seconds: int | None = None
    anchor, raw = up.fields.get("expires_after[anchor]"), up.fields.get("expires_after[seconds]")
    if anchor is not None or raw is not None:
        expiry: Json = {}
        if anchor is not None:
            expiry["anchor"] = anchor
        if raw is not None:
            expiry["seconds"] = int(raw) if raw.lstrip("-").isdigit() else raw
        v.FILE_EXPIRY.check(expiry, "expires_after")
        seconds = int(expiry["seconds"])
    return store.create_file(
        filename=up.filename, purpose=up.fields["purpose"], blob=up.blob, expires_after_seconds=seconds
    )


def _list(q: Mapping[str, str]) -> v.PageQuery:
    return v.page_query(q)


def _p(req: Request, name: str) -> str:
    return req.params[name]


ROUTES: tuple[Route, ...] = (
    Route("GET", "/v1/assistants", lambda s, r: s.list_assistants(_list(r.query)), beta=True),
    Route(
        "POST",
        "/v1/assistants",
        lambda s, r: s.create_assistant(r.body),
        v.CREATE_ASSISTANT,
        beta=True,
    ),
    Route(
        "GET", "/v1/assistants/{assistant_id}", lambda s, r: s.get_assistant(_p(r, "assistant_id")), beta=True
    ),
    Route(
        "POST",
        "/v1/assistants/{assistant_id}",
        lambda s, r: s.modify_assistant(_p(r, "assistant_id"), r.body),
        v.MODIFY_ASSISTANT,
        beta=True,
    ),
    Route(
        "DELETE",
        "/v1/assistants/{assistant_id}",
        lambda s, r: s.delete_assistant(_p(r, "assistant_id")),
        beta=True,
    ),
    Route(
        "GET",
        "/v1/files",
        lambda s, r: s.list_files(
            v.page_query(r.query, max_limit=10_000, default_limit=10_000, allow_before=False),
            r.query.get("purpose"),
        ),
    ),
    Route("POST", "/v1/files", _upload, multipart=True),
    Route("GET", "/v1/files/{file_id}", lambda s, r: s.get_file(_p(r, "file_id"))),
    Route("DELETE", "/v1/files/{file_id}", lambda s, r: s.delete_file(_p(r, "file_id"))),
    Route("GET", "/v1/files/{file_id}/content", lambda s, r: s.file_content(_p(r, "file_id"))),
    Route("GET", "/v1/vector_stores", lambda s, r: s.list_vector_stores(_list(r.query)), beta=True),
    Route(
        "POST",
        "/v1/vector_stores",
        lambda s, r: s.create_vector_store(r.body),
        v.CREATE_VECTOR_STORE,
        beta=True,
    ),
    Route(
        "GET",
        "/v1/vector_stores/{vector_store_id}",
        lambda s, r: s.get_vector_store(_p(r, "vector_store_id")),
        beta=True,
    ),
    Route(
        "POST",
        "/v1/vector_stores/{vector_store_id}",
        lambda s, r: s.modify_vector_store(_p(r, "vector_store_id"), r.body),
        v.MODIFY_VECTOR_STORE,
        beta=True,
    ),
    Route(
        "DELETE",
        "/v1/vector_stores/{vector_store_id}",
        lambda s, r: s.delete_vector_store(_p(r, "vector_store_id")),
        beta=True,
    ),
    Route(
        "GET",
        "/v1/vector_stores/{vector_store_id}/files",
        lambda s, r: s.list_vs_files(_p(r, "vector_store_id"), _list(r.query), v.status_filter(r.query)),
        beta=True,
    ),
    Route(
        "POST",
        "/v1/vector_stores/{vector_store_id}/files",
        lambda s, r: s.attach_file(_p(r, "vector_store_id"), r.body),
        v.CREATE_VS_FILE,
        beta=True,
    ),
    Route(
        "GET",
        "/v1/vector_stores/{vector_store_id}/files/{file_id}",
        lambda s, r: s.get_vs_file(_p(r, "vector_store_id"), _p(r, "file_id")),
        beta=True,
    ),
    Route(
        "POST",
        "/v1/vector_stores/{vector_store_id}/files/{file_id}",
        lambda s, r: s.update_vs_file(_p(r, "vector_store_id"), _p(r, "file_id"), r.body["attributes"]),
        v.UPDATE_VS_FILE,
        beta=True,
    ),
    Route(
        "DELETE",
        "/v1/vector_stores/{vector_store_id}/files/{file_id}",
        lambda s, r: s.detach_file(_p(r, "vector_store_id"), _p(r, "file_id")),
        beta=True,
    ),
    Route(
        "POST",
        "/v1/vector_stores/{vector_store_id}/file_batches",
        lambda s, r: s.create_batch(_p(r, "vector_store_id"), r.body),
        v.CREATE_BATCH,
        beta=True,
    ),
    Route(
        "GET",
        "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}",
        lambda s, r: s.get_batch(_p(r, "vector_store_id"), _p(r, "batch_id")),
        beta=True,
    ),
    Route(
        "POST",
        "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel",
        lambda s, r: s.cancel_batch(_p(r, "vector_store_id"), _p(r, "batch_id")),
        v.EMPTY,
        beta=True,
    ),
    Route(
        "GET",
        "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
        lambda s, r: s.list_batch_files(
            _p(r, "vector_store_id"), _p(r, "batch_id"), _list(r.query), v.status_filter(r.query)
        ),
        beta=True,
    ),
    Route("GET", "/v1/models", lambda s, r: s.list_models()),
    Route("GET", "/v1/models/{model}", lambda s, r: s.get_model(_p(r, "model"))),
    Route("POST", "/v1/responses", lambda s, r: responses.create_response(s, r.body), CREATE_RESPONSE),
    Route("GET", "/v1/responses/{response_id}", lambda s, r: responses.get_response(s, _p(r, "response_id"))),
    Route(
        "DELETE",
        "/v1/responses/{response_id}",
        lambda s, r: responses.delete_response(s, _p(r, "response_id")),
    ),
    *(Route(m, t, op, schema, beta=True, beta_header=agents.BETA_HEADER) for m, t, op, schema in agents.OPS),
    # runs first: POST /threads/runs is not a thread's modification
    *(Route(m, t, op, schema, beta=True) for m, t, op, schema in runs.OPS + threads.OPS),
)

_COMPILED = [(r, r.pattern) for r in ROUTES]


def match(method: str, path: str) -> tuple[Route | None, dict[str, str]]:
    """The route for ``method path`` and its path parameters (None when there is none: OpenAI
    answers an unknown path and a known path under another method alike, 404 Invalid URL)."""
    for route, pattern in _COMPILED:
        if route.method == method:
            m = pattern.match(path)
            if m:
                return route, m.groupdict()
    return None, {}


def check_body(route: Route, body: Json) -> None:
    """Validate a JSON body against the route's schema (routes without one ignore their body)."""
    if route.schema is not None:
        route.schema.check(body, "")
