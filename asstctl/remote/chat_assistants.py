"""A conversation on the Assistants API: one thread, one streamed run per turn.

A turn is ``POST /threads/{id}/runs`` with the user's message as ``additional_messages`` and
``stream: true``; when the run stops at ``requires_action`` every function call is answered and
``submit_tool_outputs`` (streamed too) continues the same run, until it ends ``completed``,
``failed``, ``cancelled``, ``expired`` or ``incomplete``. The thread is created on the first
turn and deleted by :meth:`AssistantsChat.close` (unless kept). Only for ``asstctl run``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
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

ENDED = ("completed", "failed", "cancelled", "expired", "incomplete")
_RUN_ENDED = frozenset(f"thread.run.{status}" for status in ENDED)


class AssistantsChat:
    """Threads and runs of the Assistants API (``api = "assistants"``)."""

    api = "assistants"

    def __init__(self, client: openai.OpenAI, assistant_id: str, *, base_url: str) -> None:
        self.client, self.assistant_id, self.base_url = client, assistant_id, base_url
        self.thread_id: str | None = None
        self.active_run: str | None = None
        """The run in progress (between its creation and its end), for :meth:`cancel`."""

    def turn(self, message: str, answer: Answer, deadline: Deadline) -> Iterator[ChatEvent]:
        runs = self.client.with_options(max_retries=0).beta.threads.runs  # see start_once
        if self.thread_id is None:
            with api_errors(self.base_url, "creating a thread", deadline):
                threads = self.client.with_options(max_retries=0).beta.threads
                self.thread_id = start_once(deadline, threads.create).id
        thread_id = self.thread_id
        turn = _Turn()
        with api_errors(self.base_url, "starting a run", deadline):
            stream: Iterable[Any] = start_once(
                deadline,
                runs.create,
                thread_id=thread_id,
                assistant_id=self.assistant_id,
                additional_messages=[{"role": "user", "content": message}],
                stream=True,
            )
        while True:
            with api_errors(self.base_url, "running the assistant", deadline):
                for event in _events(stream, deadline):
                    if event.event == "thread.run.created":
                        self.active_run = event.data.id
                    yield from turn.take(event)
            if turn.status != "requires_action":
                break
            outputs = []
            for call in turn.calls:
                yield call
                with deadline.paused():
                    output = answer(call)
                outputs.append({"tool_call_id": call.call_id, "output": output})
                yield ToolResult(call.call_id, call.name, output)
            run_id = self.active_run
            assert run_id is not None
            with api_errors(self.base_url, "submitting tool outputs", deadline):
                stream = start_once(
                    deadline,
                    runs.submit_tool_outputs,
                    run_id=run_id,
                    thread_id=thread_id,
                    tool_outputs=outputs,
                    stream=True,
                )
            turn.calls = []
        self.active_run = None
        yield turn.end()

    def cancel(self) -> str | None:
        run_id, self.active_run = self.active_run, None
        if run_id is None or self.thread_id is None:
            return None
        with contextlib.suppress(openai.OpenAIError):
            self.client.beta.threads.runs.cancel(run_id=run_id, thread_id=self.thread_id, timeout=10)
            return f"Cancelled run {run_id} on the server."
        return f"Could not cancel run {run_id}; it ends by itself when it expires."

    def close(self, *, keep: bool) -> str | None:
        thread_id = self.thread_id
        if thread_id is None or keep:
            return thread_id
        with api_errors(self.base_url, f"deleting thread {thread_id}"):
            self.client.beta.threads.delete(thread_id, timeout=30)
        return None


def _events(stream: Iterable[Any], deadline: Deadline) -> Iterator[Any]:
    """The stream's events, checking the deadline between them."""
    for event in stream:
        deadline.remaining()
        yield event


class _Turn:
    """What one turn's events add up to (several runs' streams when tools are answered)."""

    def __init__(self) -> None:
        self.status = "queued"
        self.calls: list[ToolCall] = []
        self.citations = Citations()
        self.parts: list[str] = []
        self.usage: Usage | None = None
        self.reason: str | None = None

    def take(self, event: Any) -> Iterator[ChatEvent]:
        name: str = event.event
        data = event.data
        if name == "thread.message.created" and self.parts and not self.parts[-1].endswith("\n"):
            yield self._text("\n\n")
        elif name == "thread.message.delta":
            for part in data.delta.content or ():
                if part.type == "text" and part.text is not None:
                    text = self._mark(part.text.value or "", part.text.annotations or ())
                    if text:
                        yield self._text(text)
        elif name == "thread.run.step.completed" and data.step_details.type == "tool_calls":
            for call in data.step_details.tool_calls:
                activity = _activity(call)
                if activity is not None:
                    yield activity
        elif name == "thread.run.requires_action":
            self.status = "requires_action"
            self.calls = [
                ToolCall(c.id, c.function.name, c.function.arguments)
                for c in data.required_action.submit_tool_outputs.tool_calls
            ]
        elif name in _RUN_ENDED:
            self._finish(data)

    def _text(self, text: str) -> TextDelta:
        self.parts.append(text)
        return TextDelta(text)

    def _mark(self, value: str, annotations: Iterable[Any]) -> str:
        """The delta's text with each file citation's marker (e.g. ``【4:0†guide.md】``) as ``[n]``."""
        for a in annotations:
            if a.type == "file_citation" and a.file_citation is not None and a.text:
                n = self.citations.number(a.file_citation.file_id)
                value = value.replace(a.text, f"[{n}]", 1)
        return value

    def _finish(self, run: Any) -> None:
        self.status = run.status
        if run.usage is not None:
            u = run.usage
            self.usage = Usage(u.prompt_tokens, u.completion_tokens, u.total_tokens)
        if run.last_error is not None:
            self.reason = f"{run.last_error.code}: {run.last_error.message}"
        elif run.incomplete_details is not None:
            self.reason = str(run.incomplete_details.reason)
        elif run.status == "expired":
            self.reason = "the run expired before it completed"

    def end(self) -> TurnEnd:
        status = self.status if self.status in ENDED else "incomplete"
        reason = self.reason
        if status != self.status:
            reason = f"the stream ended while the run was {self.status}"
        return TurnEnd(status, "".join(self.parts), self.citations.all(), self.usage, reason)


def _activity(call: Any) -> ToolActivity | None:
    if call.type == "file_search":
        results = getattr(call.file_search, "results", None)
        found = f": {len(results)} result{'s' if len(results) != 1 else ''}" if results else ""
        return ToolActivity("file_search", "searched the files" + found)
    if call.type == "code_interpreter":
        return ToolActivity("code_interpreter", compact(call.code_interpreter.input or ""))
    return None
