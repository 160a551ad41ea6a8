"""Threads and their messages, the first half of the Assistants runtime (runs are in ``runs.py``).

State lives in the store (``store.threads``, ``store.messages[thread_id]``) and, as there, every
operation holds the store's lock and replaces records instead of mutating them. ``OPS`` lists the
operations for ``routes.py`` as ``(method, template, op, body schema)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from asstctl.emulator import runtime_schemas as rs
from asstctl.emulator.apierror import invalid
from asstctl.emulator.schema import Schema
from asstctl.emulator.store import Rec, Store, Table, new_id
from asstctl.emulator.validation import page_query

if TYPE_CHECKING:
    from asstctl.emulator.routes import Request

Json = dict[str, Any]
Op = Callable[[Store, "Request"], Any]

ACTIVE = ("queued", "in_progress", "requires_action", "cancelling")
"""Run statuses that hold a thread: no new run and no new message until the run ends."""


def get_thread(store: Store, thread_id: str) -> Rec:
    """The thread record (404 when there is none)."""
    return store._get(store.threads, thread_id, "thread")


def active_run(store: Store, thread_id: str) -> Rec | None:
    """The thread's run still in progress, if any (one waiting on tool outputs past its
    ``expires_at`` no longer is: it has expired, whether or not anyone looked since)."""
    now = store._now()
    for run in store.runs.get(thread_id, Table()).items.values():
        if run["status"] in ACTIVE and (run["expires_at"] is None or now < run["expires_at"]):
            return run
    return None


def _blocks(content: str | list[Json]) -> list[Json]:
    """A request's message ``content`` as the content blocks of a message object."""
    if isinstance(content, str):
        return [text_block(content)]
    return [text_block(p["text"]) if p["type"] == "text" else dict(p) for p in content]


def text_block(value: str, annotations: Iterable[Json] = ()) -> Json:
    """A ``text`` content block."""
    return {"type": "text", "text": {"value": value, "annotations": list(annotations)}}


def message_text(message: Rec) -> str:
    """The text of a message: its text blocks, one per line."""
    return "\n".join(b["text"]["value"] for b in message["content"] if b["type"] == "text")


def check_messages(store: Store, bodies: Iterable[Json], param: str) -> None:
    """404 when a message to be created names a missing file (before anything is created)."""
    for i, body in enumerate(bodies):
        ids = [a["file_id"] for a in body.get("attachments") or []]
        ids += [b["image_file"]["file_id"] for b in _blocks(body["content"]) if b["type"] == "image_file"]
        store._require_files(ids, f"{param}[{i}]")


def add_message(store: Store, thread_id: str, body: Json, **fields: Any) -> Rec:
    """Add a message created from the request ``body`` (or, with ``fields``, by a run)."""
    attachments = [dict(a) for a in body.get("attachments") or []]
    rec: Rec = {
        "id": new_id("msg_"),
        "object": "thread.message",
        "created_at": store._now(),
        "thread_id": thread_id,
        "status": "completed",
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
        "role": body["role"],
        "content": _blocks(body["content"]),
        "assistant_id": None,
        "run_id": None,
        "attachments": attachments,
        "metadata": body.get("metadata") or {},
        **fields,
    }
    store.messages[thread_id].add(rec, store._next_seq())
    searchable = [a["file_id"] for a in attachments if any(t["type"] == "file_search" for t in a["tools"])]
    if searchable:
        _index_attachments(store, thread_id, searchable)
    return rec


def _index_attachments(store: Store, thread_id: str, file_ids: list[str]) -> None:
    """Files attached for file_search go into the thread's vector store, created when missing."""
    thread = get_thread(store, thread_id)
    resources = thread["tool_resources"]
    vs_ids = resources.get("file_search", {}).get("vector_store_ids", [])
    if vs_ids and vs_ids[0] in store.vs_files:
        for fid in dict.fromkeys(file_ids):
            if fid not in store.vs_files[vs_ids[0]].items:
                store._attach(vs_ids[0], fid, None, None, None)
        return
    vs = store.create_vector_store({"file_ids": file_ids, "name": f"vector store for {thread_id}"})
    resources = {**resources, "file_search": {"vector_store_ids": [vs["id"]]}}
    store.threads.items[thread_id] = {**thread, "tool_resources": resources}


def new_thread(store: Store, body: Json) -> Rec:
    """Create a thread (with its first messages) from a ``CreateThreadRequest`` body."""
    messages = body.get("messages") or []
    check_messages(store, messages, "messages")
    rec: Rec = {
        "id": new_id("thread_"),
        "object": "thread",
        "created_at": store._now(),
        "tool_resources": store._tool_resources(body.get("tool_resources"), {}, creating=True),
        "metadata": body.get("metadata") or {},
    }
    store.threads.add(rec, store._next_seq())
    store.messages[rec["id"]] = Table()
    store.runs[rec["id"]] = Table()
    for m in messages:
        add_message(store, rec["id"], m)
    return dict(store.threads.items[rec["id"]])


def _create_thread(store: Store, req: Request) -> Json:
    with store.lock:
        return new_thread(store, req.body)


def _get_thread(store: Store, req: Request) -> Json:
    with store.lock:
        return dict(get_thread(store, req.params["thread_id"]))


def _modify_thread(store: Store, req: Request) -> Json:
    with store.lock:
        rec = dict(get_thread(store, req.params["thread_id"]))
        if "tool_resources" in req.body:
            rec["tool_resources"] = store._tool_resources(
                req.body["tool_resources"], rec["tool_resources"], creating=False
            )
        if "metadata" in req.body:
            rec["metadata"] = req.body["metadata"] or {}
        store.threads.items[rec["id"]] = rec
        store.version += 1
        return dict(rec)


def _delete_thread(store: Store, req: Request) -> Json:
    with store.lock:
        thread_id = get_thread(store, req.params["thread_id"])["id"]
        del store.threads.items[thread_id]
        for run_id in store.runs.pop(thread_id, Table()).items:
            store.run_steps.pop(run_id, None)
        store.messages.pop(thread_id, None)
        store.version += 1
        return {"id": thread_id, "object": "thread.deleted", "deleted": True}


def _create_message(store: Store, req: Request) -> Json:
    with store.lock:
        thread_id = get_thread(store, req.params["thread_id"])["id"]
        run = active_run(store, thread_id)
        if run is not None:
            raise invalid(
                None, f"Can't add messages to {thread_id} while a run {run['id']} is active.", "invalid_value"
            )
        check_messages(store, [req.body], "body")
        return dict(add_message(store, thread_id, req.body))


def _message(store: Store, req: Request) -> Rec:
    thread_id = get_thread(store, req.params["thread_id"])["id"]
    return store._get(store.messages[thread_id], req.params["message_id"], "message")


def _list_messages(store: Store, req: Request) -> Json:
    with store.lock:
        thread_id = get_thread(store, req.params["thread_id"])["id"]
        run_id = req.query.get("run_id")
        keep = None if run_id is None else (lambda m: m["run_id"] == run_id)
        return store.messages[thread_id].page(page_query(req.query), dict, keep)


def _get_message(store: Store, req: Request) -> Json:
    with store.lock:
        return dict(_message(store, req))


def set_metadata(store: Store, table: Table, rec: Rec, metadata: Json | None) -> Rec:
    """Replace ``rec`` in ``table`` with its ``metadata`` modified (for messages and runs)."""
    rec = {**rec, "metadata": metadata or {}}
    table.items[rec["id"]] = rec
    store.version += 1
    return rec


def _modify_message(store: Store, req: Request) -> Json:
    with store.lock:
        rec = _message(store, req)
        return set_metadata(store, store.messages[rec["thread_id"]], rec, req.body.get("metadata"))


OPS: tuple[tuple[str, str, Op, Schema | None], ...] = (
    ("POST", "/v1/threads", _create_thread, rs.CREATE_THREAD),
    ("GET", "/v1/threads/{thread_id}", _get_thread, None),
    ("POST", "/v1/threads/{thread_id}", _modify_thread, rs.MODIFY_THREAD),
    ("DELETE", "/v1/threads/{thread_id}", _delete_thread, None),
    ("GET", "/v1/threads/{thread_id}/messages", _list_messages, None),
    ("POST", "/v1/threads/{thread_id}/messages", _create_message, rs.MESSAGE),
    ("GET", "/v1/threads/{thread_id}/messages/{message_id}", _get_message, None),
    ("POST", "/v1/threads/{thread_id}/messages/{message_id}", _modify_message, rs.MODIFY_METADATA),
)
