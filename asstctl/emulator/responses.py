"""The Responses API: ``POST /v1/responses``, ``GET`` and ``DELETE /v1/responses/{response_id}``.

No beta header; served with and without the Assistants API (``no_assistants``). Every response
is produced at once by the scripted model (``scripted.py``) and is ``completed`` (``failed``, with
``error`` and no output, when the model is told ``fail CODE``); with ``stream: true`` the same
response is sent as server-sent events (``response_events.py``).

Stored responses (``store`` is true unless set false) can be retrieved and deleted, and chain
turns: ``previous_response_id`` continues a conversation, and a ``function_call_output`` input
item answers a ``function_call`` of that chain (or of the input itself) by ``call_id``.

Errors, as the real API answers them:

* 400 ``previous_response_not_found`` for an unknown ``previous_response_id`` (the real API
  answers 400 here, not 404: the id is a parameter of the request, not the addressed object);
* 400 for a file_search tool naming an unknown vector store, a code_interpreter container naming
  an unknown File, a ``tool_choice`` naming a function not in ``tools``, a
  ``function_call_output`` whose ``call_id`` matches no call, or a continued response whose
  function calls get no output;
* 404 for ``GET``/``DELETE`` of an unknown (or unstored, or deleted) response.

Token usage is the scripted model's word count: input tokens count the instructions and the
input of this turn plus the whole usage of the previous response of the chain.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from asstctl.emulator import scripted
from asstctl.emulator.apierror import ApiError, invalid, not_found
from asstctl.emulator.response_events import events
from asstctl.emulator.sse import EventStream
from asstctl.emulator.store import Store

Json = dict[str, Any]

_FILE_SEARCH_DEFAULTS: Json = {
    "filters": None,
    "max_num_results": 20,
    "ranking_options": {"ranker": "auto", "score_threshold": 0.0},
}


def _id(prefix: str) -> str:
    return prefix + secrets.token_hex(24)


def _missing(response_id: str) -> ApiError:
    return not_found(f"Response with id '{response_id}' not found.")


# ---------------------------------------------------------------- request semantics


def _check_tools(store: Store, body: Json) -> None:
    """Referenced vector stores and Files must exist; a forced function must be offered."""
    tools: list[Json] = body.get("tools") or []
    for i, tool in enumerate(tools):
        if tool["type"] == "file_search":
            for vs_id in tool["vector_store_ids"]:
                if vs_id not in store.vector_stores.items:
                    raise invalid(
                        f"tools[{i}].vector_store_ids",
                        f"Vector store with id '{vs_id}' not found.",
                        "invalid_value",
                    )
        elif tool["type"] == "code_interpreter" and isinstance(tool["container"], dict):
            for fid in tool["container"].get("file_ids", []):
                if fid not in store.files.items:
                    raise invalid(
                        f"tools[{i}].container.file_ids",
                        f"File with id '{fid}' not found.",
                        "invalid_value",
                    )
    choice = body.get("tool_choice")
    offered = {t["name"] for t in tools if t["type"] == "function"}
    if isinstance(choice, dict) and choice["type"] == "function" and choice["name"] not in offered:
        raise invalid(
            "tool_choice",
            f"Tool choice 'function' with name '{choice['name']}' not found in 'tools' parameter.",
            "invalid_value",
        )


def _echo_tool(tool: Json) -> Json:
    """A tool as the response shows it: optional fields filled with their defaults."""
    if tool["type"] == "function":
        return {"description": None, **tool}
    if tool["type"] == "file_search":
        return {**_FILE_SEARCH_DEFAULTS, **tool}
    return dict(tool)


def _items(body: Json) -> list[Json]:
    """The input as a list of items (a string is one user message)."""
    given = body.get("input")
    if given is None:
        return []
    if isinstance(given, str):
        return [{"type": "message", "role": "user", "content": given}]
    return [{"type": "message", **item} if "type" not in item else item for item in given]


def _text_of(content: str | list[Json]) -> str:
    """The text of a message's content or a tool output: its text parts, one per line."""
    if isinstance(content, str):
        return content
    return "\n".join(
        str(p.get("text", p.get("refusal", ""))) for p in content if "text" in p or "refusal" in p
    )


def _chain(store: Store, prev_id: str | None) -> list[Json]:
    """The stored responses of a conversation, newest first, from ``prev_id`` back."""
    out: list[Json] = []
    while prev_id is not None and prev_id in store.responses.items:
        rec = store.responses.items[prev_id]
        out.append(rec)
        prev_id = rec.get("previous_response_id")
    return out


def _calls(chain: list[Json], items: list[Json]) -> dict[str, Json]:
    """Every function call of the conversation and of this input, by ``call_id``."""
    found: dict[str, Json] = {}
    for rec in reversed(chain):
        found.update({i["call_id"]: i for i in rec["output"] if i["type"] == "function_call"})
    found.update({i["call_id"]: i for i in items if i["type"] == "function_call"})
    return found


def _check_outputs_given(chain: list[Json], items: list[Json]) -> None:
    """A continued response whose function calls were not all answered is refused, as by OpenAI."""
    if not chain:
        return
    answered = {i["call_id"] for i in items if i["type"] == "function_call_output"}
    for item in chain[0]["output"]:
        if item["type"] == "function_call" and item["call_id"] not in answered:
            raise invalid("input", f"No tool output found for function call {item['call_id']}.")


# ---------------------------------------------------------------- the model's turn


class _Turn:
    """What the scripted model made of one request: output items and the completion's text."""

    def __init__(self) -> None:
        self.output: list[Json] = []
        self.completion = ""
        self.failure: scripted.Failure | None = None

    def message(self, answer: scripted.Answer) -> None:
        annotations = [
            {"type": "file_citation", "file_id": p.file_id, "filename": p.filename, "index": len(answer.text)}
            for p in answer.citations
        ]
        part = {"type": "output_text", "text": answer.text, "annotations": annotations, "logprobs": []}
        self.output.append(
            {
                "id": _id("msg_"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        )
        self.completion += answer.text

    def call(self, call: scripted.FunctionCall) -> None:
        self.output.append(
            {
                "id": _id("fc_"),
                "type": "function_call",
                "status": "completed",
                "arguments": call.arguments,
                "call_id": "call_" + secrets.token_hex(12),
                "name": call.name,
            }
        )
        self.completion += call.arguments


def _search(store: Store, body: Json, turn: _Turn) -> Callable[[str], scripted.Passage | None] | None:
    """The scripted model's search over the file_search tools' stores, recording a
    ``file_search_call`` output item for each search (None without a file_search tool)."""
    ids = [v for t in body.get("tools") or [] if t["type"] == "file_search" for v in t["vector_store_ids"]]
    if not any(t["type"] == "file_search" for t in body.get("tools") or []):
        return None
    with_results = "file_search_call.results" in (body.get("include") or [])

    def search(query: str) -> scripted.Passage | None:
        hit = scripted.search_files(store, ids, query)
        results = None
        if with_results:
            results = [] if hit is None else [_result(store, hit)]
        turn.output.append(
            {
                "id": _id("fs_"),
                "type": "file_search_call",
                "status": "completed",
                "queries": [query],
                "results": results,
            }
        )
        return hit

    return search


def _result(store: Store, hit: scripted.Passage) -> Json:
    attributes: Json = {}
    for table in store.vs_files.values():
        rec = table.items.get(hit.file_id)
        if rec is not None:
            attributes = rec["attributes"]
            break
    return {
        "file_id": hit.file_id,
        "filename": hit.filename,
        "text": hit.text,
        "score": 1.0,
        "attributes": attributes,
    }


def _run_model(store: Store, body: Json, items: list[Json], calls: dict[str, Json]) -> _Turn:
    turn = _Turn()
    relevant = [
        i
        for i in items
        if i["type"] == "function_call_output" or (i["type"] == "message" and i["role"] == "user")
    ]
    if relevant and relevant[-1]["type"] == "function_call_output":
        for i, item in enumerate(items):
            if item["type"] != "function_call_output":
                continue
            call = calls.get(item["call_id"])
            if call is None:
                raise invalid(
                    f"input[{i}].call_id",
                    f"No tool call found for function call output with call_id {item['call_id']}.",
                    "invalid_value",
                )
            turn.message(scripted.after_tool_output(call["name"], _text_of(item["output"])))
        return turn
    message = _text_of(relevant[-1]["content"]) if relevant else ""
    offer_tools = body.get("tool_choice") != "none"
    functions = [t["name"] for t in body.get("tools") or [] if t["type"] == "function"] if offer_tools else []
    search = _search(store, body, turn) if offer_tools else None
    decision = scripted.decide(message, functions=functions, search=search)
    if isinstance(decision, scripted.Failure):
        turn.failure = decision
    elif isinstance(decision, scripted.FunctionCall):
        turn.call(decision)
    else:
        turn.message(decision)
    return turn


def _usage(body: Json, items: list[Json], chain: list[Json], completion: str) -> Json:
    texts = [body.get("instructions") or ""]
    for item in items:
        if item["type"] == "message":
            texts.append(_text_of(item["content"]))
        elif item["type"] == "function_call_output":
            texts.append(_text_of(item["output"]))
        elif item["type"] == "function_call":
            texts.append(item["arguments"])
    prompt_tokens, output_tokens = scripted.usage("\n".join(texts), completion)
    if chain:
        prompt_tokens += chain[0]["usage"]["total_tokens"]
    return {
        "input_tokens": prompt_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt_tokens + output_tokens,
    }


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _response(body: Json, turn: _Turn, usage: Json, now: int) -> Json:
    reasoning = body.get("reasoning") or {}
    text = body.get("text") or {}
    failure = turn.failure
    return {
        "id": _id("resp_"),
        "object": "response",
        "created_at": now,
        "status": "completed" if failure is None else "failed",
        "completed_at": now if failure is None else None,
        "background": False,
        "error": None if failure is None else {"code": failure.code, "message": failure.message},
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": body["model"],
        "output": turn.output,
        "parallel_tool_calls": _or(body.get("parallel_tool_calls"), True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "safety_identifier": body.get("safety_identifier"),
        "service_tier": "default",
        "store": _or(body.get("store"), True),
        "temperature": _or(body.get("temperature"), 1.0),
        "text": {
            "format": text.get("format") or {"type": "text"},
            "verbosity": _or(text.get("verbosity"), "medium"),
        },
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": [_echo_tool(t) for t in body.get("tools") or []],
        "top_logprobs": _or(body.get("top_logprobs"), 0),
        "top_p": _or(body.get("top_p"), 1.0),
        "truncation": _or(body.get("truncation"), "disabled"),
        "usage": usage,
        "metadata": body.get("metadata") or {},
    } | ({"user": body["user"]} if "user" in body else {})  # a string when present (never null)


# ---------------------------------------------------------------- operations


def create_response(store: Store, body: Json) -> Json | EventStream:
    """``POST /v1/responses`` (``body`` already checked against ``CREATE_RESPONSE``)."""
    with store.lock:
        _check_tools(store, body)
        prev_id = body.get("previous_response_id")
        if prev_id is not None and prev_id not in store.responses.items:
            raise invalid(
                "previous_response_id",
                f"Previous response with id '{prev_id}' not found.",
                "previous_response_not_found",
            )
        chain = _chain(store, prev_id)
        items = _items(body)
        _check_outputs_given(chain, items)
        turn = _run_model(store, body, items, _calls(chain, items))
        rec = _response(body, turn, _usage(body, items, chain, turn.completion), store._now())
        if rec["store"]:
            store.responses.add(rec, store._next_seq())
    return EventStream(tuple(events(rec))) if body.get("stream") else dict(rec)


def get_response(store: Store, response_id: str) -> Json:
    """``GET /v1/responses/{response_id}``."""
    with store.lock:
        rec = store.responses.items.get(response_id)
        if rec is None:
            raise _missing(response_id)
        return dict(rec)


def delete_response(store: Store, response_id: str) -> Json:
    """``DELETE /v1/responses/{response_id}``: later turns may no longer continue from it."""
    with store.lock:
        if response_id not in store.responses.items:
            raise _missing(response_id)
        del store.responses.items[response_id]
        store.version += 1
        return {"id": response_id, "object": "response", "deleted": True}
