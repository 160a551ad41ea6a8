"""Vector stores (``Store.vector_stores``), the files attached to them (``Store.vs_files``, a
``Table`` per store) and file batches (``Store.batches``).

Called through ``Store``'s methods, which ``routes.py`` serves; each operation holds the store's
lock. Ingestion is computed lazily from time: an attached file is ``in_progress`` until its
creation time plus ``Store.processing_delay_ms``, then shows its final status. Fields starting
``_`` are the emulator's own and never rendered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from asstctl.core.filetypes import file_search_accepts
from asstctl.emulator import assistants
from asstctl.emulator.apierror import not_found
from asstctl.emulator.files import require_files
from asstctl.emulator.tables import Rec, Table, lookup
from asstctl.emulator.validation import PageQuery

if TYPE_CHECKING:
    from asstctl.emulator.store import Store

AUTO_CHUNKING: Rec = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def counts(statuses: Iterable[str]) -> dict[str, int]:
    """``file_counts`` for a collection of vector-store-file statuses (total is their sum)."""
    out = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}
    for s in statuses:
        out[s] += 1
        out["total"] += 1
    return out


# ---------------------------------------------------------------- vector stores


def render(store: Store, rec: Rec) -> Rec:
    """A vector store as the API returns it: usage, file counts, expiry and status filled in."""
    files = [render_file(store, f) for f in store.vs_files[rec["id"]].items.values()]
    fc = counts(f["status"] for f in files)
    out = {k: v for k, v in rec.items() if not k.startswith("_")}
    out["usage_bytes"] = sum(f["usage_bytes"] for f in files)
    out["file_counts"] = fc
    expires_at = None
    if "expires_after" in rec:
        expires_at = rec["last_active_at"] + rec["expires_after"]["days"] * 86400
    out["expires_at"] = expires_at
    if expires_at is not None and store._now() >= expires_at:
        out["status"] = "expired"
    else:
        out["status"] = "in_progress" if fc["in_progress"] else "completed"
    return out


def _vs(store: Store, vs_id: str) -> Rec:
    return lookup(store.vector_stores, vs_id, "vector store")


def create_vector_store(store: Store, body: Rec) -> Rec:
    with store.lock:
        file_ids = list(body.get("file_ids", []))
        require_files(store, file_ids, "file_ids")
        now = store._now()
        rec: Rec = {
            "id": store.new_id("vs_", 32),
            "object": "vector_store",
            "created_at": now,
            "name": body.get("name") or "",
            "last_active_at": now,
            "metadata": body.get("metadata") or {},
            "_description": body.get("description"),
        }
        if body.get("expires_after") is not None:
            rec["expires_after"] = body["expires_after"]
        store.vs_files[rec["id"]] = Table()
        store.vector_stores.add(rec, store._next_seq())
        chunking = body.get("chunking_strategy")
        for fid in dict.fromkeys(file_ids):
            attach(store, rec["id"], fid, chunking, None, None)
        return render(store, rec)


def list_vector_stores(store: Store, q: PageQuery) -> Rec:
    with store.lock:
        return store.vector_stores.page(q, lambda rec: render(store, rec))


def get_vector_store(store: Store, vs_id: str) -> Rec:
    with store.lock:
        return render(store, _vs(store, vs_id))


def modify_vector_store(store: Store, vs_id: str, body: Rec) -> Rec:
    with store.lock:
        rec = dict(_vs(store, vs_id))
        if "name" in body:
            rec["name"] = body["name"] or ""
        if "metadata" in body:
            rec["metadata"] = body["metadata"] or {}
        if "expires_after" in body:
            if body["expires_after"] is None:
                rec.pop("expires_after", None)
            else:
                rec["expires_after"] = body["expires_after"]
        rec["last_active_at"] = store._now()
        store.vector_stores.items[vs_id] = rec
        store.version += 1
        return render(store, rec)


def delete_vector_store(store: Store, vs_id: str) -> Rec:
    with store.lock:
        _vs(store, vs_id)
        del store.vector_stores.items[vs_id]
        del store.vs_files[vs_id]
        for bid in [b for b, rec in store.batches.items() if rec["vector_store_id"] == vs_id]:
            del store.batches[bid]
        assistants.drop_resource(store, "file_search", "vector_store_ids", vs_id)
        store.version += 1
        return {"id": vs_id, "object": "vector_store.deleted", "deleted": True}


# ---------------------------------------------------------------- vector store files


def _outcome(file_rec: Rec) -> tuple[str, Rec | None]:
    """The final ingestion status of a File and its ``last_error``."""
    if not file_search_accepts(file_rec["filename"]):
        return "failed", {
            "code": "unsupported_file",
            "message": f"The file type of '{file_rec['filename']}' is not supported for retrieval.",
        }
    if file_rec["bytes"] == 0:
        return "failed", {"code": "invalid_file", "message": "The file is empty and cannot be processed."}
    return "completed", None


def attach(
    store: Store, vs_id: str, file_id: str, chunking: Rec | None, attributes: Rec | None, batch_id: str | None
) -> Rec:
    """Attach the (existing) File ``file_id`` to the (existing) store ``vs_id``; the caller holds the
    lock. Returns the stored record, unrendered."""
    file_rec = store.files.items[file_id]
    final, error = _outcome(file_rec)
    rec: Rec = {
        "id": file_id,
        "object": "vector_store.file",
        "created_at": store._now(),
        "vector_store_id": vs_id,
        "chunking_strategy": AUTO_CHUNKING if chunking is None or chunking["type"] == "auto" else chunking,
        "attributes": attributes or {},
        "_ready_ms": store._now_ms() + store.processing_delay_ms,
        "_final": final,
        "_error": error,
        "_bytes": file_rec["bytes"],
        "_batch": batch_id,
    }
    store.vs_files[vs_id].add(rec, store._next_seq())
    vs = store.vector_stores.items[vs_id]
    store.vector_stores.items[vs_id] = {**vs, "last_active_at": store._now()}
    return rec


def _status(store: Store, ready_ms: int, final: str) -> str:
    return final if store._now_ms() >= ready_ms else "in_progress"


def render_file(store: Store, rec: Rec) -> Rec:
    """An attached file as the API returns it: status, usage and last error as of now."""
    status = _status(store, rec["_ready_ms"], rec["_final"])
    out = {k: v for k, v in rec.items() if not k.startswith("_")}
    out["status"] = status
    out["usage_bytes"] = rec["_bytes"] if status == "completed" else 0
    out["last_error"] = rec["_error"] if status == "failed" else None
    return out


def _vs_file(store: Store, vs_id: str, file_id: str) -> Rec:
    _vs(store, vs_id)
    return lookup(store.vs_files[vs_id], file_id, "file", "file_id")


def attach_file(store: Store, vs_id: str, body: Rec) -> Rec:
    with store.lock:
        _vs(store, vs_id)
        require_files(store, [body["file_id"]], "file_id")
        rec = attach(
            store, vs_id, body["file_id"], body.get("chunking_strategy"), body.get("attributes"), None
        )
        return render_file(store, rec)


def list_vs_files(store: Store, vs_id: str, q: PageQuery, status: str | None) -> Rec:
    with store.lock:
        _vs(store, vs_id)
        keep = None if status is None else (lambda r: r["status"] == status)
        return store.vs_files[vs_id].page(q, lambda rec: render_file(store, rec), keep)


def get_vs_file(store: Store, vs_id: str, file_id: str) -> Rec:
    with store.lock:
        return render_file(store, _vs_file(store, vs_id, file_id))


def update_vs_file(store: Store, vs_id: str, file_id: str, attributes: Rec | None) -> Rec:
    with store.lock:
        rec = {**_vs_file(store, vs_id, file_id), "attributes": attributes or {}}
        store.vs_files[vs_id].items[file_id] = rec
        store.version += 1
        return render_file(store, rec)


def detach_file(store: Store, vs_id: str, file_id: str) -> Rec:
    with store.lock:
        _vs_file(store, vs_id, file_id)
        del store.vs_files[vs_id].items[file_id]
        store.version += 1
        return {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}


# ---------------------------------------------------------------- file batches


def render_batch(store: Store, rec: Rec) -> Rec:
    """A file batch as the API returns it: counts and status from its files' statuses now."""
    fc = counts(_status(store, e["ready_ms"], e["final"]) for e in rec["_entries"].values())
    out = {k: v for k, v in rec.items() if not k.startswith("_")}
    out["file_counts"] = fc
    if rec["_cancelled"]:
        out["status"] = "cancelled"
    else:
        out["status"] = "in_progress" if fc["in_progress"] else "completed"
    return out


def create_batch(store: Store, vs_id: str, body: Rec) -> Rec:
    with store.lock:
        _vs(store, vs_id)
        if "files" in body:
            wanted = [(f["file_id"], f.get("chunking_strategy"), f.get("attributes")) for f in body["files"]]
            for i, (fid, _, _) in enumerate(wanted):
                require_files(store, [fid], f"files[{i}].file_id")
        else:
            require_files(store, body["file_ids"], "file_ids")
            chunking, attrs = body.get("chunking_strategy"), body.get("attributes")
            wanted = [(fid, chunking, attrs) for fid in body["file_ids"]]
        rec: Rec = {
            "id": store.new_id("vsfb_", 32),
            "object": "vector_store.file_batch",
            "created_at": store._now(),
            "vector_store_id": vs_id,
            "_cancelled": False,
            "_entries": {},
        }
        entries: dict[str, Rec] = {}
        for fid, chunking, attrs in wanted:
            vsf = attach(store, vs_id, fid, chunking, attrs, rec["id"])
            entries[fid] = {"ready_ms": vsf["_ready_ms"], "final": vsf["_final"]}
        rec["_entries"] = entries
        store.batches[rec["id"]] = rec
        return render_batch(store, rec)


def _batch(store: Store, vs_id: str, batch_id: str) -> Rec:
    _vs(store, vs_id)
    rec = store.batches.get(batch_id)
    if rec is None or rec["vector_store_id"] != vs_id:
        raise not_found(f"No file batch found with id '{batch_id}'.")
    return rec


def get_batch(store: Store, vs_id: str, batch_id: str) -> Rec:
    with store.lock:
        return render_batch(store, _batch(store, vs_id, batch_id))


def cancel_batch(store: Store, vs_id: str, batch_id: str) -> Rec:
    """Cancel a batch: its files still in progress end ``cancelled``."""
    with store.lock:
        rec = _batch(store, vs_id, batch_id)
        now_ms = store._now_ms()
        entries = {}
        for fid, e in rec["_entries"].items():
            if _status(store, e["ready_ms"], e["final"]) == "in_progress":
                e = {"ready_ms": now_ms, "final": "cancelled"}
                table = store.vs_files[vs_id]
                vsf = table.items.get(fid)
                if vsf is not None and vsf["_batch"] == batch_id:
                    table.items[fid] = {**vsf, "_ready_ms": now_ms, "_final": "cancelled", "_error": None}
            entries[fid] = e
        rec = {**rec, "_entries": entries, "_cancelled": True}
        store.batches[batch_id] = rec
        store.version += 1
        return render_batch(store, rec)


def list_batch_files(store: Store, vs_id: str, batch_id: str, q: PageQuery, status: str | None) -> Rec:
    with store.lock:
        _batch(store, vs_id, batch_id)

        def keep(r: Rec) -> bool:
            return status is None or r["status"] == status

        table = store.vs_files[vs_id]
        sub = Table()
        sub.keys = table.keys
        sub.items = {k: v for k, v in table.items.items() if v["_batch"] == batch_id}
        return sub.page(q, lambda rec: render_file(store, rec), keep)
