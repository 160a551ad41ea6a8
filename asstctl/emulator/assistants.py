"""The Assistants API's assistants (``Store.assistants``) and their ``tool_resources``.

Called through ``Store``'s methods, which ``routes.py`` serves; each operation holds the store's
lock. Other resources are reached through the store (files, vector stores), never imported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asstctl.emulator.apierror import not_found
from asstctl.emulator.tables import Rec, lookup, new_id
from asstctl.emulator.validation import PageQuery

if TYPE_CHECKING:
    from asstctl.emulator.store import Store


def tool_resources(store: Store, given: Rec | None, base: Rec, creating: bool) -> Rec:
    """Merge ``given`` (a validated request value) over ``base``; each tool key given replaces.

    When ``creating``, ``file_search.vector_stores`` helpers are created as new vector stores.
    """
    if given is None:
        return {}
    out = dict(base)
    ci = given.get("code_interpreter")
    if ci is not None:
        ids = list(ci.get("file_ids", []))
        store._require_files(ids, "tool_resources.code_interpreter.file_ids")
        out["code_interpreter"] = {"file_ids": ids}
    fs = given.get("file_search")
    if fs is not None:
        if "vector_store_ids" in fs:
            ids = list(fs["vector_store_ids"])
            for vid in ids:
                if vid not in store.vector_stores.items:
                    raise not_found(
                        f"No vector store found with id '{vid}'.",
                        "tool_resources.file_search.vector_store_ids",
                    )
            out["file_search"] = {"vector_store_ids": ids}
        elif creating:
            helpers = fs.get("vector_stores", [])
            for h in helpers:
                store._require_files(
                    h.get("file_ids", []), "tool_resources.file_search.vector_stores.file_ids"
                )
            ids = [store.create_vector_store(h)["id"] for h in helpers]
            out["file_search"] = {"vector_store_ids": ids}
    return out


def create_assistant(store: Store, body: Rec) -> Rec:
    with store.lock:
        rec: Rec = {
            "id": new_id("asst_"),
            "object": "assistant",
            "created_at": store._now(),
            "name": None,
            "description": None,
            "model": body["model"],
            "instructions": None,
            "tools": [],
            "tool_resources": {},
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
            "response_format": "auto",
            "reasoning_effort": None,
        }
        _apply(store, rec, body, creating=True)
        store.assistants.add(rec, store._next_seq())
        return dict(rec)


def _apply(store: Store, rec: Rec, body: Rec, creating: bool) -> None:
    """Set ``body``'s fields on ``rec``; a null resets a field to the service's default."""
    resources = (
        tool_resources(store, body["tool_resources"], rec["tool_resources"], creating)
        if ("tool_resources" in body)
        else rec["tool_resources"]
    )
    defaults: Rec = {"temperature": 1.0, "top_p": 1.0, "response_format": "auto", "metadata": {}}
    for key, value in body.items():
        if key != "tool_resources":
            rec[key] = defaults.get(key) if value is None else value
    rec["tool_resources"] = resources


def list_assistants(store: Store, q: PageQuery) -> Rec:
    with store.lock:
        return store.assistants.page(q, dict)


def get_assistant(store: Store, asst_id: str) -> Rec:
    with store.lock:
        return dict(lookup(store.assistants, asst_id, "assistant"))


def modify_assistant(store: Store, asst_id: str, body: Rec) -> Rec:
    with store.lock:
        rec = dict(lookup(store.assistants, asst_id, "assistant"))
        _apply(store, rec, body, creating=False)
        store.assistants.items[asst_id] = rec
        store.version += 1
        return dict(rec)


def delete_assistant(store: Store, asst_id: str) -> Rec:
    with store.lock:
        lookup(store.assistants, asst_id, "assistant")
        del store.assistants.items[asst_id]
        store.version += 1
        return {"id": asst_id, "object": "assistant.deleted", "deleted": True}


def drop_resource(store: Store, tool: str, field: str, obj_id: str) -> None:
    """Remove ``obj_id`` from every assistant's ``tool_resources[tool][field]`` (the caller holds
    the lock and is deleting ``obj_id``)."""
    for aid, rec in list(store.assistants.items.items()):
        res = rec["tool_resources"].get(tool)
        if res is not None and obj_id in res.get(field, []):
            new_res = {**rec["tool_resources"], tool: {field: [i for i in res[field] if i != obj_id]}}
            store.assistants.items[aid] = {**rec, "tool_resources": new_res}
