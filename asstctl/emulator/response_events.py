"""A completed (or failed) response as the server-sent events of ``POST /v1/responses`` with
``stream: true``.

The order follows OpenAI's: ``response.created`` and ``response.in_progress`` (the response with
no output yet), then for each output item ``response.output_item.added`` … ``.done`` with, between:

* a message: ``response.content_part.added``, one ``response.output_text.delta`` per word
  (``scripted.deltas``), ``response.output_text.annotation.added`` per citation,
  ``response.output_text.done``, ``response.content_part.done``;
* a function call: ``response.function_call_arguments.delta`` (the arguments in a few pieces)
  and ``response.function_call_arguments.done``;
* a file search: ``response.file_search_call.in_progress``, ``.searching``, ``.completed``;

and last ``response.completed`` with the whole response (``response.failed`` for a failed one).
Every event carries its ``type`` and a ``sequence_number`` counting from 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from asstctl.emulator import scripted
from asstctl.emulator.sse import Event

Json = dict[str, Any]


def _pieces(text: str, n: int = 3) -> list[str]:
    """``text`` cut into at most ``n`` consecutive pieces (JSON arguments have no words to split)."""
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _message_events(item: Json, where: Json) -> Iterator[Json]:
    for c, part in enumerate(item["content"]):
        at = {**where, "content_index": c}
        yield {"type": "response.content_part.added", **at, "part": {**part, "text": "", "annotations": []}}
        for delta in scripted.deltas(part["text"]):
            yield {"type": "response.output_text.delta", **at, "delta": delta, "logprobs": []}
        for a, annotation in enumerate(part["annotations"]):
            yield {
                "type": "response.output_text.annotation.added",
                **at,
                "annotation_index": a,
                "annotation": annotation,
            }
        yield {"type": "response.output_text.done", **at, "text": part["text"], "logprobs": []}
        yield {"type": "response.content_part.done", **at, "part": part}


def _call_events(item: Json, where: Json) -> Iterator[Json]:
    for piece in _pieces(item["arguments"]):
        yield {"type": "response.function_call_arguments.delta", **where, "delta": piece}
    yield {
        "type": "response.function_call_arguments.done",
        **where,
        "name": item["name"],
        "arguments": item["arguments"],
    }


def _search_events(item: Json, where: Json) -> Iterator[Json]:
    for phase in ("in_progress", "searching", "completed"):
        yield {"type": f"response.file_search_call.{phase}", **where}


_BY_TYPE = {"message": _message_events, "function_call": _call_events, "file_search_call": _search_events}
_STARTED: dict[str, Json] = {  # how an item looks when added, before its content is produced
    "message": {"content": []},
    "function_call": {"arguments": ""},
    "file_search_call": {"results": None},
}


def events(response: Json) -> Iterator[Event]:
    """The events streaming ``response`` (a completed or failed Response object)."""
    started = {**response, "status": "in_progress", "completed_at": None, "output": [], "usage": None}
    bodies: list[Json] = [
        {"type": "response.created", "response": started},
        {"type": "response.in_progress", "response": started},
    ]
    for index, item in enumerate(response["output"]):
        kind = item["type"]
        added = {**item, "status": "in_progress", **_STARTED[kind]}
        bodies.append({"type": "response.output_item.added", "output_index": index, "item": added})
        bodies.extend(_BY_TYPE[kind](item, {"item_id": item["id"], "output_index": index}))
        bodies.append({"type": "response.output_item.done", "output_index": index, "item": item})
    bodies.append({"type": f"response.{response['status']}", "response": response})
    for seq, body in enumerate(bodies):
        yield Event(body["type"], {**body, "sequence_number": seq})
