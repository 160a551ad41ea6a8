"""A conversation on the Responses API: one streamed ``responses.create`` per model step.

Each request is the assistant's rendered keyword arguments (model, instructions, tools with
live ids: see :func:`asstctl.commands.run_target.responses_kwargs`) plus ``input`` and, after
the first, ``previous_response_id``. Function calls in a response are answered with
``function_call_output`` items in the next request of the same turn. The stored responses are
deleted by :meth:`ResponsesChat.close` (unless kept). Only for ``asstctl run``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import openai

from asstctl.remote.chat_events import (
    Answer,
    ChatEvent,
    Citations,
    Deadline,
    TextDelta,
    ToolActivity,
    ToolCall,
    ToolResult,
    TurnEnd,
    Usage,
    api_errors,
    compact,
    start_once,
)

_FINAL = ("response.completed", "response.incomplete", "response.failed")


class ResponsesChat:
    """The Responses API (``api = "responses"``), chained with ``previous_response_id``."""

    api = "responses"

    def __init__(self, client: openai.OpenAI, request: Mapping[str, Any], *, base_url: str) -> None:
        self.client, self.request, self.base_url = client, dict(request), base_url
        self.previous: str | None = None
        self.stored: list[str] = []
        """Every response created (deleted on close)."""
        self._stream: Any = None

    def turn(self, message: str, answer: Answer, deadline: Deadline) -> Iterator[ChatEvent]:
        inputs: list[dict[str, Any]] = [{"role": "user", "content": message}]
        step = _Step(Citations(), [])
        usage: Usage | None = None
        while True:
            chained = {} if self.previous is None else {"previous_response_id": self.previous}
            with api_errors(self.base_url, "asking the assistant", deadline):
                create = self.client.with_options(max_retries=0).responses.create  # see start_once
                self._stream = start_once(
                    deadline, create, **self.request, **chained, input=inputs, stream=True
                )
                for event in self._stream:
                    deadline.remaining()
                    yield from step.take(event, self)
            self._stream = None
            if step.usage is not None:
                usage = step.usage if usage is None else usage + step.usage
            if step.status != "completed" or not step.calls:
                break
            inputs = []
            for call in step.calls:
                yield call
                with deadline.paused():
                    output = answer(call)
                inputs.append({"type": "function_call_output", "call_id": call.call_id, "output": output})
                yield ToolResult(call.call_id, call.name, output)
            step = _Step(step.citations, step.parts)
        yield TurnEnd(step.status, "".join(step.parts), step.citations.all(), usage, step.reason)

    def cancel(self) -> str | None:
        """Closing the stream stops the response (it does not run in the background)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()
        return None

    def close(self, *, keep: bool) -> str | None:
        if keep:
            return self.previous
        for response_id in self.stored:
            with (
                contextlib.suppress(openai.NotFoundError),
                api_errors(self.base_url, f"deleting response {response_id}"),
            ):
                self.client.responses.delete(response_id, timeout=30)
        return None


class _Step:
    """What one response's events add up to; citations and text carry over within a turn."""

    def __init__(self, citations: Citations, parts: list[str]) -> None:
        self.citations, self.parts = citations, parts
        self.calls: list[ToolCall] = []
        self.status = "in_progress"
        self.reason: str | None = None
        self.usage: Usage | None = None

    def take(self, event: Any, chat: ResponsesChat) -> Iterator[ChatEvent]:
        kind: str = event.type
        if kind == "response.created":
            chat.stored.append(event.response.id)
        elif kind == "response.output_item.added" and event.item.type == "message":
            if self.parts and not self.parts[-1].endswith("\n"):
                yield self._text("\n\n")
        elif kind == "response.output_text.delta" and event.delta:
            yield self._text(event.delta)
        elif kind == "response.output_text.annotation.added":
            note = _mapping(event.annotation)
            if note.get("type") == "file_citation" and note.get("file_id"):
                yield self._text(f"[{self.citations.number(str(note['file_id']), note.get('filename'))}]")
        elif kind == "response.output_item.done":
            item = event.item
            if item.type == "function_call":
                self.calls.append(ToolCall(item.call_id, item.name, item.arguments))
            elif item.type == "file_search_call":
                yield ToolActivity("file_search", ", ".join(item.queries or ()) or "searching the files")
            elif item.type == "code_interpreter_call":
                yield ToolActivity("code_interpreter", compact(item.code or ""))
        elif kind in _FINAL:
            self._finish(event.response, chat)
        elif kind == "error":
            self.status, self.reason = "failed", f"{event.code}: {event.message}"

    def _text(self, text: str) -> TextDelta:
        self.parts.append(text)
        return TextDelta(text)

    def _finish(self, response: Any, chat: ResponsesChat) -> None:
        self.status = str(response.status)
        if self.status in ("completed", "incomplete"):  # the next turn continues from here
            chat.previous = response.id
        if response.usage is not None:
            u = response.usage
            self.usage = Usage(u.input_tokens, u.output_tokens, u.total_tokens)
        if response.error is not None:
            self.reason = f"{response.error.code}: {response.error.message}"
        elif response.incomplete_details is not None:
            self.reason = str(response.incomplete_details.reason)


def _mapping(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    dump = getattr(value, "model_dump", None)
    return dump() if callable(dump) else {}
