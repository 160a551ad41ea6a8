"""The Files API's files (``Store.files``; their contents live in ``Store.blobs``).

Called through ``Store``'s methods, which ``routes.py`` serves; each operation holds the store's lock.
Deleting a file also detaches it from every vector store and assistant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from asstctl.emulator import assistants
from asstctl.emulator.apierror import not_found
from asstctl.emulator.blobs import BlobWriter
from asstctl.emulator.tables import Rec, lookup
from asstctl.emulator.validation import PageQuery

if TYPE_CHECKING:
    from asstctl.emulator.store import Store

BATCH_FILE_DEFAULT_EXPIRY = 30 * 86400


def require_files(store: Store, file_ids: Iterable[str], param: str) -> None:
    """A 404 naming ``param`` for the first of ``file_ids`` that is not a File."""
    for fid in file_ids:
        if fid not in store.files.items:
            raise not_found(f"No file found with id '{fid}'.", param)


def create_file(
    store: Store, *, filename: str, purpose: str, blob: BlobWriter, expires_after_seconds: int | None
) -> Rec:
    with store.lock:
        now = store._now()
        rec: Rec = {
            "id": store.new_id("file-", 22),
            "object": "file",
            "bytes": blob.size,
            "created_at": now,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
        }
        if expires_after_seconds is None and purpose == "batch":
            expires_after_seconds = BATCH_FILE_DEFAULT_EXPIRY
        if expires_after_seconds is not None:
            rec["expires_at"] = now + expires_after_seconds
        blob.commit(rec["id"])
        store.files.add(rec, store._next_seq())
        return dict(rec)


def list_files(store: Store, q: PageQuery, purpose: str | None) -> Rec:
    with store.lock:
        keep = None if purpose is None else (lambda r: r["purpose"] == purpose)
        return store.files.page(q, dict, keep)


def get_file(store: Store, file_id: str) -> Rec:
    with store.lock:
        return dict(lookup(store.files, file_id, "file"))


def file_content(store: Store, file_id: str) -> bytes | bytearray:
    """The uploaded bytes (read outside the lock)."""
    with store.lock:
        lookup(store.files, file_id, "file")
    return store.blobs.read(file_id)


def delete_file(store: Store, file_id: str) -> Rec:
    with store.lock:
        lookup(store.files, file_id, "file")
        del store.files.items[file_id]
        for table in store.vs_files.values():
            table.items.pop(file_id, None)
        assistants.drop_resource(store, "code_interpreter", "file_ids", file_id)
        store.blobs.delete(file_id)
        store.version += 1
        return {"id": file_id, "object": "file", "deleted": True}
