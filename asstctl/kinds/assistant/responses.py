"""An assistant as a Responses API request: the keyword arguments of ``client.responses.create``.

This is the whole of an assistant on an endpoint without the Assistants API (and, under both
deploy targets, what ``asstctl output`` and :mod:`asstctl.api` hand applications). Pure: the
live ids come in ``ids``. Never carries asstctl's ownership tags.

Use::

    kwargs = responses_request(assistant, ids)
    client.responses.create(**kwargs, input="Where is my order?")
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from asstctl.core.normalize import AFTER_APPLY, user_metadata
from asstctl.kinds.assistant.model import DesiredAssistant

JSON = Any

RANKERS: Mapping[str, str] = {"auto": "auto", "default_2024_08_21": "default-2024-11-15"}
"""Assistants file-search rankers → the Responses API's: ``auto`` stays; the pinned
``default_2024_08_21`` becomes the Responses API's one pinned ranker, its successor."""

EMPTY_PARAMETERS: Mapping[str, JSON] = {
    "type": "object",
    "properties": {},
    "required": [],
    "additionalProperties": False,
}
"""A function declared without ``parameters`` takes none (the Assistants API's meaning)."""

DEFAULT_FORMAT_SCHEMA: Mapping[str, JSON] = {"type": "object"}
"""``json_schema`` without ``schema``: the Assistants API accepted it, the Responses API needs one."""


def responses_request(assistant: DesiredAssistant, ids: Mapping[str, str]) -> dict[str, JSON]:
    """The ``client.responses.create(**kwargs)`` keyword arguments for ``assistant`` (add
    ``input``, and per call ``previous_response_id``, ``stream`` …).

    ``ids`` holds live ids: a vector store's by its address (``vector_store.kb``), a
    code-interpreter File's by the file's project path (``assistants/data/sales.csv``). An id
    missing there is rendered as ``"(known after apply)"`` (plans before apply)."""
    kwargs: dict[str, JSON] = {"model": assistant.model}
    if assistant.instructions is not None:
        kwargs["instructions"] = assistant.instructions
    if assistant.temperature is not None:
        kwargs["temperature"] = float(assistant.temperature)
    if assistant.top_p is not None:
        kwargs["top_p"] = float(assistant.top_p)
    if assistant.reasoning_effort is not None:
        kwargs["reasoning"] = {"effort": assistant.reasoning_effort}
    fmt = text_format(assistant.response_format)
    if fmt is not None:
        kwargs["text"] = {"format": fmt}
    tools = [_tool(t, assistant, ids) for t in assistant.tools]
    if tools:
        kwargs["tools"] = tools
    metadata = user_metadata(assistant.metadata)
    if metadata:
        kwargs["metadata"] = dict(metadata)
    return kwargs


def unresolved(request: JSON) -> bool:
    """True when ``request`` still holds an id known only after apply."""
    if isinstance(request, Mapping):
        return any(unresolved(v) for v in request.values())
    if isinstance(request, list):
        return any(unresolved(v) for v in request)
    return bool(request == AFTER_APPLY)


def record_content(request: Mapping[str, JSON]) -> bytes:
    """The bytes of a configuration record: ``request`` as key-sorted, indented UTF-8 JSON."""
    return (json.dumps(request, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def record_sha256(request: Mapping[str, JSON]) -> str:
    """The sha256 of :func:`record_content` (what a record's filename carries)."""
    return hashlib.sha256(record_content(request)).hexdigest()


def text_format(value: JSON) -> JSON | None:
    """``response_format`` as ``text.format`` (None: ``auto``, the default). ``json_schema``
    is flat in the Responses API: ``{type, name, schema, strict, description?}``."""
    if value is None or value == "auto":
        return None
    if isinstance(value, Mapping) and value.get("type") == "json_schema":
        spec = value.get("json_schema") or {}
        fmt: dict[str, JSON] = {
            "type": "json_schema",
            "name": spec["name"],
            "schema": spec.get("schema", dict(DEFAULT_FORMAT_SCHEMA)),
            "strict": bool(spec.get("strict", False)),
        }
        if spec.get("description") is not None:
            fmt["description"] = spec["description"]
        return fmt
    return {"type": value["type"]} if isinstance(value, Mapping) else None


def _tool(tool: Mapping[str, JSON], a: DesiredAssistant, ids: Mapping[str, str]) -> JSON:
    kind = tool["type"]
    if kind == "function":
        fn = tool["function"]
        out: dict[str, JSON] = {"type": "function", "name": fn["name"]}
        if fn.get("description") is not None:
            out["description"] = fn["description"]
        out["parameters"] = fn.get("parameters", dict(EMPTY_PARAMETERS))
        out["strict"] = bool(fn.get("strict", False))  # required here; the Assistants default
        return out
    if kind == "file_search":
        options = tool.get("file_search") or {}
        stores = [ids.get(a.store_address, AFTER_APPLY)] if a.store_address is not None else []
        out = {"type": "file_search", "vector_store_ids": stores}
        if "max_num_results" in options:
            out["max_num_results"] = options["max_num_results"]
        ranking = options.get("ranking_options")
        if ranking:
            out["ranking_options"] = {**ranking, "ranker": RANKERS[ranking.get("ranker", "auto")]}
        if a.file_search_filters is not None:
            out["filters"] = a.file_search_filters
        return out
    if kind == "code_interpreter":
        file_ids = [ids.get(f.path, AFTER_APPLY) for f in a.code_interpreter_files]
        return {"type": "code_interpreter", "container": {"type": "auto", "file_ids": file_ids}}
    raise ValueError(f"{a.address}: no Responses form for a {kind} tool")
