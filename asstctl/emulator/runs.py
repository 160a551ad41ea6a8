"""Runs and run steps, the second half of the Assistants runtime (threads and messages are in
``threads.py``; how a run moves on is in ``runner.py``). ``OPS`` lists the operations for
``routes.py`` as ``(method, template, op, body schema)``.

Every read of a run first settles it: one waiting on tool outputs past its ``expires_at`` becomes
``expired`` (its waiting step too), so time alone moves a run, as on the real service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asstctl.emulator import runtime_schemas as rs
from asstctl.emulator import threads
from asstctl.emulator.apierror import invalid
from asstctl.emulator.runner import INCLUDE_CONTENT, RUN_TTL, Runner, public, render_step
from asstctl.emulator.schema import Schema
from asstctl.emulator.sse import Event, EventStream
from asstctl.emulator.store import Rec, Store, Table, new_id
from asstctl.emulator.validation import page_query

if TYPE_CHECKING:
    from asstctl.emulator.routes import Request

Json = dict[str, Any]
Op = Callable[[Store, "Request"], Any]


def _include(req: Request) -> bool:
    """Whether the request asks for the text of file search results."""
    return INCLUDE_CONTENT in (req.query.get("include[]"), req.query.get("include"))


def _runner(store: Store, run: Rec, req: Request) -> Runner:
    return Runner(store, run, req.fault, _include(req))


def _answer(runner: Runner, body: Json) -> Json | EventStream:
    """The run as it now stands, or with ``stream: true`` every event on the way there."""
    return runner.stream() if body.get("stream") else public(runner.run)


def _settle(store: Store, run: Rec) -> Rec:
    """The run, expired first when it waited on tool outputs past ``expires_at``."""
    if run["status"] != "requires_action" or store._now() < run["expires_at"]:
        return run
    runner = Runner(store, run, lambda: False, False)
    runner.close_steps("expired", expired_at=run["expires_at"])
    runner.finish("expired", expires_at=run["expires_at"])
    return runner.run


def _run(store: Store, req: Request) -> Rec:
    thread_id = threads.get_thread(store, req.params["thread_id"])["id"]
    run = store._get(store.runs[thread_id], req.params["run_id"], "run")
    return _settle(store, run)


def _new_run(store: Store, thread_id: str, body: Json) -> Rec:
    """A queued run of the assistant ``body["assistant_id"]`` on the thread, per ``body``'s overrides."""
    a = store.assistants.items[body["assistant_id"]]
    instructions = body["instructions"] if body.get("instructions") is not None else a["instructions"] or ""
    if body.get("additional_instructions"):
        instructions = "\n\n".join(filter(None, [instructions, body["additional_instructions"]]))

    def pick(key: str) -> Any:
        return body[key] if body.get(key) is not None else a[key]

    now = store._now()
    run: Rec = {
        "id": new_id("run_"),
        "object": "thread.run",
        "created_at": now,
        "thread_id": thread_id,
        "assistant_id": a["id"],
        "status": "queued",
        "required_action": None,
        "last_error": None,
        "expires_at": now + RUN_TTL,
        "started_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "incomplete_details": None,
        "model": pick("model"),
        "instructions": instructions,
        "tools": pick("tools"),
        "metadata": body.get("metadata") or {},
        "usage": None,
        "temperature": pick("temperature"),
        "top_p": pick("top_p"),
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "truncation_strategy": {
            "last_messages": None,
            **(body.get("truncation_strategy") or {"type": "auto"}),
        },
        "tool_choice": body.get("tool_choice") or "auto",
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "response_format": pick("response_format"),
        "_usage": [0, 0],
        "_tool_resources": body.get("tool_resources"),
    }
    store.runs[thread_id].add(run, store._next_seq())
    store.run_steps[run["id"]] = Table()
    return run


def _start(store: Store, run: Rec, req: Request, first: list[Event]) -> Json | EventStream:
    runner = _runner(store, run, req)
    runner.events.extend(first)
    runner.emit("thread.run.created", public(run))
    runner.emit("thread.run.queued", public(run))
    if runner.start():
        runner.think()
    return _answer(runner, req.body)


def _require_assistant(store: Store, body: Json) -> None:
    store._get(store.assistants, body["assistant_id"], "assistant", "assistant_id")


def _create_run(store: Store, req: Request) -> Json | EventStream:
    with store.lock:
        thread_id = threads.get_thread(store, req.params["thread_id"])["id"]
        _require_assistant(store, req.body)
        busy = threads.active_run(store, thread_id)
        if busy is not None:
            raise invalid(
                None, f"Thread {thread_id} already has an active run {busy['id']}.", "invalid_value"
            )
        extra = req.body.get("additional_messages") or []
        threads.check_messages(store, extra, "additional_messages")
        for m in extra:
            threads.add_message(store, thread_id, m)
        return _start(store, _new_run(store, thread_id, req.body), req, [])


def _create_thread_and_run(store: Store, req: Request) -> Json | EventStream:
    with store.lock:
        _require_assistant(store, req.body)
        thread = threads.new_thread(store, req.body.get("thread") or {})
        run = _new_run(store, thread["id"], req.body)
        return _start(store, run, req, [Event("thread.created", thread)])


def _list_runs(store: Store, req: Request) -> Json:
    with store.lock:
        thread_id = threads.get_thread(store, req.params["thread_id"])["id"]
        return store.runs[thread_id].page(page_query(req.query), lambda r: public(_settle(store, r)))


def _get_run(store: Store, req: Request) -> Json:
    with store.lock:
        return public(_run(store, req))


def _modify_run(store: Store, req: Request) -> Json:
    with store.lock:
        run = _run(store, req)
        return public(
            threads.set_metadata(store, store.runs[run["thread_id"]], run, req.body.get("metadata"))
        )


def _cancel_run(store: Store, req: Request) -> Json:
    with store.lock:
        run = _run(store, req)
        if run["status"] not in ("queued", "in_progress", "requires_action"):
            raise invalid(None, f"Cannot cancel run with status '{run['status']}'.", "invalid_value")
        runner = _runner(store, run, req)
        now = store._now()
        runner.close_steps("cancelled", cancelled_at=now)
        runner.finish("cancelled", cancelled_at=now)
        # the service answers while the run is still winding down; it is cancelled from then on
        return {**public(runner.run), "status": "cancelling", "cancelled_at": None, "usage": None}


def _submit_tool_outputs(store: Store, req: Request) -> Json | EventStream:
    with store.lock:
        run = _run(store, req)
        if run["status"] != "requires_action":
            raise invalid(
                None, f'Runs in status "{run["status"]}" do not accept tool outputs.', "invalid_value"
            )
        outputs = req.body["tool_outputs"]
        calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
        expected, given = [c["id"] for c in calls], [o.get("tool_call_id") for o in outputs]
        if sorted(expected) != sorted(map(str, given)):
            raise invalid(
                "tool_outputs",
                f"Expected tool outputs for call_ids {expected}, got {given}.",
                "invalid_value",
            )
        runner = _runner(store, run, req)
        runner.resume({o["tool_call_id"]: o.get("output", "") for o in outputs})
        return _answer(runner, req.body)


def _list_steps(store: Store, req: Request) -> Json:
    with store.lock:
        run = _run(store, req)
        return store.run_steps[run["id"]].page(page_query(req.query), lambda s: render_step(s, _include(req)))


def _get_step(store: Store, req: Request) -> Json:
    with store.lock:
        run = _run(store, req)
        step = store._get(store.run_steps[run["id"]], req.params["step_id"], "run step")
        return render_step(step, _include(req))


OPS: tuple[tuple[str, str, Op, Schema | None], ...] = (
    ("POST", "/v1/threads/runs", _create_thread_and_run, rs.CREATE_THREAD_AND_RUN),
    ("GET", "/v1/threads/{thread_id}/runs", _list_runs, None),
    ("POST", "/v1/threads/{thread_id}/runs", _create_run, rs.CREATE_RUN),
    ("GET", "/v1/threads/{thread_id}/runs/{run_id}", _get_run, None),
    ("POST", "/v1/threads/{thread_id}/runs/{run_id}", _modify_run, rs.MODIFY_METADATA),
    ("POST", "/v1/threads/{thread_id}/runs/{run_id}/cancel", _cancel_run, None),
    (
        "POST",
        "/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
        _submit_tool_outputs,
        rs.SUBMIT_TOOL_OUTPUTS,
    ),
    ("GET", "/v1/threads/{thread_id}/runs/{run_id}/steps", _list_steps, None),
    ("GET", "/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}", _get_step, None),
)
