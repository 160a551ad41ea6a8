"""How a run of the Assistants runtime moves on, answered by the scripted model (``scripted.py``);
the operations on runs and steps are in ``runs.py``.

A run advances synchronously within the request that moves it: ``queued → in_progress``, then
``requires_action`` when the model calls a function (the run waits for ``submit_tool_outputs``,
then goes ``queued → in_progress`` again), or ``completed`` with the assistant's message; it is
``failed`` instead (``last_error.code`` ``server_error``) when the emulator's seeded ``fault_rate``
draw says so, or with the scripted model's code when the last user message is ``fail CODE``.
A run waiting on tool outputs can be cancelled (the cancel answer says ``cancelling``, the run is
``cancelled`` from then on) and is ``expired`` once past its ``expires_at`` (``RUN_TTL`` after
creation). With ``stream: true`` the same progress is answered as server-sent events, ending with
``done``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asstctl.emulator import scripted, threads
from asstctl.emulator.sse import DONE, Event, EventStream
from asstctl.emulator.store import Rec, Store, new_id

Json = dict[str, Any]

RUN_TTL = 600
"""Seconds a run may wait for tool outputs before it expires."""
INCLUDE_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
FAULT_MESSAGE = "Sorry, something went wrong (emulated fault)."


def public(rec: Rec) -> Json:
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def usage(prompt_tokens: int, completion_tokens: int) -> Json:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def render_step(step: Rec, include_content: bool) -> Json:
    """A run step as the API shows it: file search results carry their text only when asked."""
    details = step["step_details"]
    if include_content or details["type"] != "tool_calls":
        return dict(step)
    calls = [
        {
            **c,
            "file_search": {
                **c["file_search"],
                "results": [
                    {k: v for k, v in r.items() if k != "content"}
                    for r in c["file_search"].get("results", [])
                ],
            },
        }
        if c["type"] == "file_search"
        else c
        for c in details["tool_calls"]
    ]
    return {**step, "step_details": {**details, "tool_calls": calls}}


class Runner:
    """Moves one run on within one request, keeping the events that tell of it (for a stream)."""

    def __init__(self, store: Store, run: Rec, fault: Callable[[], bool], include_content: bool) -> None:
        self.store = store
        self.run = run
        self.fault = fault
        self.include_content = include_content
        self.events: list[Event] = []

    # ---------------------------------------------------------------- records and events

    def emit(self, name: str, data: Json) -> None:
        self.events.append(Event(name, data))

    def save(self, status: str | None = None, **changes: Any) -> None:
        """Replace the run with ``changes``; a new ``status`` is also told as an event."""
        if status is not None:
            changes["status"] = status
        self.run = {**self.run, **changes}
        self.store.runs[self.run["thread_id"]].items[self.run["id"]] = self.run
        self.store.version += 1
        if status is not None:
            self.emit(f"thread.run.{status}", public(self.run))

    def new_step(self, details: Json) -> Rec:
        run = self.run
        step: Rec = {
            "id": new_id("step_"),
            "object": "thread.run.step",
            "created_at": self.store._now(),
            "assistant_id": run["assistant_id"],
            "thread_id": run["thread_id"],
            "run_id": run["id"],
            "type": details["type"],
            "status": "in_progress",
            "step_details": details,
            "last_error": None,
            "expired_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "metadata": {},
            "usage": None,
        }
        self.store.run_steps[run["id"]].add(step, self.store._next_seq())
        shown = details if details["type"] != "tool_calls" else {**details, "tool_calls": []}
        self.emit("thread.run.step.created", {**step, "step_details": shown})
        self.emit("thread.run.step.in_progress", {**step, "step_details": shown})
        if details["type"] == "tool_calls":
            calls = [  # a search's results come with the completed step only
                {"index": i, **c, **({"file_search": {}} if c["type"] == "file_search" else {})}
                for i, c in enumerate(details["tool_calls"])
            ]
            delta = {"step_details": {"type": "tool_calls", "tool_calls": calls}}
            self.emit(
                "thread.run.step.delta", {"id": step["id"], "object": "thread.run.step.delta", "delta": delta}
            )
        return step

    def end_step(self, step: Rec, status: str, **changes: Any) -> None:
        done = {**step, "status": status, **changes}
        self.store.run_steps[self.run["id"]].items[step["id"]] = done
        self.emit(f"thread.run.step.{status}", render_step(done, self.include_content))

    def close_steps(self, status: str, **stamps: Any) -> None:
        """End the run's steps still in progress with ``status`` (cancelled, expired, failed)."""
        for step in list(self.store.run_steps[self.run["id"]].items.values()):
            if step["status"] == "in_progress":
                self.end_step(step, status, **stamps)

    def finish(self, status: str, **changes: Any) -> None:
        """Put the run in the terminal ``status``, with its usage so far."""
        changes.setdefault("expires_at", None)
        self.save(status, required_action=None, usage=usage(*self.run["_usage"]), **changes)

    def count(self, prompt: str, completion: str) -> Json:
        """Add a model call's tokens to the run's; its usage object."""
        p, c = scripted.usage(prompt, completion)
        total = self.run["_usage"]
        self.save(_usage=[total[0] + p, total[1] + c])
        return usage(p, c)

    # ---------------------------------------------------------------- the model's turns

    def start(self) -> bool:
        """``in_progress`` (or ``failed`` on a fault draw): whether the model may go on."""
        self.save("in_progress", started_at=self.run["started_at"] or self.store._now())
        if not self.fault():
            return True
        self.fail("server_error", FAULT_MESSAGE)
        return False

    def fail(self, code: str, message: str) -> None:
        """End the run (and its open steps) ``failed`` with ``last_error`` ``{code, message}``."""
        now = self.store._now()
        error = {"code": code, "message": message}
        self.close_steps("failed", failed_at=now, last_error=error)
        self.finish("failed", failed_at=now, last_error=error)

    def prompt(self) -> str:
        """What the model reads: the run's instructions and the thread's messages."""
        texts = [threads.message_text(m) for m in self.store.messages[self.run["thread_id"]].items.values()]
        return "\n".join([self.run["instructions"], *texts])

    def think(self) -> None:
        """The model answers the thread's last user message (or calls a function first)."""
        messages = self.store.messages[self.run["thread_id"]].items.values()
        said = [threads.message_text(m) for m in messages if m["role"] == "user"]
        tools = [] if self.run["tool_choice"] == "none" else self.run["tools"]
        functions = {t["function"]["name"] for t in tools if t["type"] == "function"}
        searches: list[tuple[str, scripted.Passage | None]] = []

        def search(query: str) -> scripted.Passage | None:
            hit = scripted.search_files(self.store, self._vector_store_ids(), query)
            searches.append((query, hit))
            return hit

        can_search = any(t["type"] == "file_search" for t in tools)
        decision = scripted.decide(
            said[-1] if said else "", functions=functions, search=search if can_search else None
        )
        prompt = self.prompt()
        if isinstance(decision, scripted.Failure):
            self.fail(decision.code, decision.message)
            return
        if isinstance(decision, scripted.FunctionCall):
            self.call(decision, prompt)
            return
        for query, hit in searches:
            self.file_search(query, hit, prompt, next(t for t in tools if t["type"] == "file_search"))
        self.answer(decision, prompt)

    def _vector_store_ids(self) -> list[str]:
        """The vector stores searched: the run's (create-and-run) or the assistant's, then the thread's."""
        store, run = self.store, self.run
        own = run["_tool_resources"]
        if own is None:
            assistant = store.assistants.items.get(run["assistant_id"])
            own = assistant["tool_resources"] if assistant else {}
        thread = store.threads.items[run["thread_id"]]
        ids = [
            *(own.get("file_search") or {}).get("vector_store_ids", []),
            *(thread["tool_resources"].get("file_search") or {}).get("vector_store_ids", []),
        ]
        return list(dict.fromkeys(ids))

    def call(self, call: scripted.FunctionCall, prompt: str) -> None:
        """The model calls a function: the run waits for its output."""
        fn = {"name": call.name, "arguments": call.arguments}
        call_id = new_id("call_")
        self.new_step(
            {
                "type": "tool_calls",
                "tool_calls": [{"id": call_id, "type": "function", "function": {**fn, "output": None}}],
            }
        )
        self.count(prompt, call.arguments)
        action = {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {"tool_calls": [{"id": call_id, "type": "function", "function": fn}]},
        }
        self.save("requires_action", required_action=action)

    def file_search(self, query: str, hit: scripted.Passage | None, prompt: str, tool: Json) -> None:
        ranking = (tool.get("file_search") or {}).get("ranking_options") or {}
        results = (
            []
            if hit is None
            else [
                {
                    "file_id": hit.file_id,
                    "file_name": hit.filename,
                    "score": 1.0,
                    "content": [{"type": "text", "text": hit.text}],
                }
            ]
        )
        search = {
            "ranking_options": {
                "ranker": ranking.get("ranker", "default_2024_08_21"),
                "score_threshold": ranking.get("score_threshold", 0.0),
            },
            "results": results,
        }
        step = self.new_step(
            {
                "type": "tool_calls",
                "tool_calls": [{"id": new_id("call_"), "type": "file_search", "file_search": search}],
            }
        )
        self.end_step(step, "completed", completed_at=self.store._now(), usage=self.count(prompt, query))

    def answer(self, answer: scripted.Answer, prompt: str) -> None:
        """The model writes its message (word by word on a stream); the run completes."""
        text, notes = answer.text, []
        for i, passage in enumerate(answer.citations):
            marker = f"【0:{i}†{passage.filename}】"  # how the Assistants API marks a citation
            notes.append(
                {
                    "type": "file_citation",
                    "text": marker,
                    "file_citation": {"file_id": passage.file_id},
                    "start_index": len(text),
                    "end_index": len(text) + len(marker),
                }
            )
            text += marker
        run, store = self.run, self.store
        msg = threads.add_message(
            store,
            run["thread_id"],
            {"role": "assistant", "content": ""},
            status="in_progress",
            content=[],
            assistant_id=run["assistant_id"],
            run_id=run["id"],
        )
        step = self.new_step({"type": "message_creation", "message_creation": {"message_id": msg["id"]}})
        self.emit("thread.message.created", dict(msg))
        self.emit("thread.message.in_progress", dict(msg))
        pieces = scripted.deltas(text)
        for i, piece in enumerate(pieces):
            block: Json = {"index": 0, "type": "text", "text": {"value": piece}}
            if i == len(pieces) - 1 and notes:
                block["text"]["annotations"] = [{"index": j, **n} for j, n in enumerate(notes)]
            self.emit(
                "thread.message.delta",
                {"id": msg["id"], "object": "thread.message.delta", "delta": {"content": [block]}},
            )
        now = store._now()
        msg = {
            **msg,
            "status": "completed",
            "completed_at": now,
            "content": [threads.text_block(text, notes)],
        }
        store.messages[run["thread_id"]].items[msg["id"]] = msg
        self.emit("thread.message.completed", dict(msg))
        self.end_step(step, "completed", completed_at=now, usage=self.count(prompt, text))
        self.finish("completed", completed_at=now)

    def resume(self, outputs: dict[str, str]) -> None:
        """The function outputs came (one per waiting call): the model answers with them."""
        self.save("queued", required_action=None)
        if not self.start():
            return
        steps = self.store.run_steps[self.run["id"]].items.values()
        step = next(s for s in steps if s["status"] == "in_progress")
        calls = [
            {**c, "function": {**c["function"], "output": outputs[c["id"]]}}
            for c in step["step_details"]["tool_calls"]
        ]
        prompt = self.prompt()
        spent = usage(*scripted.usage(prompt, calls[0]["function"]["arguments"]))  # counted at the call
        details = {"type": "tool_calls", "tool_calls": calls}
        self.end_step(step, "completed", step_details=details, completed_at=self.store._now(), usage=spent)
        fn = calls[0]["function"]
        prompt = "\n".join([prompt, *outputs.values()])
        self.answer(scripted.after_tool_output(fn["name"], fn["output"]), prompt)

    def stream(self) -> EventStream:
        return EventStream([*self.events, DONE])
