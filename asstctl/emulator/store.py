"""The emulator's state: a pure in-memory store of OpenAI objects, safe under concurrent requests.

It knows nothing about HTTP. Every public method takes already-validated request data, holds one
re-entrant lock, and returns JSON-ready dicts shaped exactly as the API returns them (or raises
``ApiError``). Records never have nested values mutated in place, so a shallow copy is a safe
snapshot to serialize outside the lock.

Ingestion is computed lazily from time: a vector-store file is ``in_progress`` until its creation
time plus the processing delay, then shows its final status.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from asstctl.core.filetypes import file_search_accepts
from asstctl.emulator.apierror import ApiError, invalid, not_found
from asstctl.emulator.blobs import Blobs, BlobWriter, MemoryBlobs
from asstctl.emulator.validation import PageQuery

Rec = dict[str, Any]
Key = tuple[int, int]

AUTO_CHUNKING: Rec = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
BATCH_FILE_DEFAULT_EXPIRY = 30 * 86400
KINDS = ("assistants", "files", "vector_stores", "vector_store_files", "file_batches", "agents")
MODELS: tuple[tuple[str, int, str], ...] = (
    ("gpt-4o", 1715367049, "system"),
    ("gpt-4o-mini", 1721172741, "system"),
    ("gpt-4.1", 1744316542, "system"),
    ("gpt-4.1-mini", 1744318173, "system"),
    ("gpt-5", 1754425777, "system"),
    ("gpt-5-mini", 1754425928, "system"),
    ("o3-mini", 1737146383, "system"),
    ("gpt-3.5-turbo", 1677610602, "openai"),
)
_ALNUM = string.ascii_letters + string.digits
_RUNTIME = ("messages", "runs", "run_steps")  # tables by thread or run id (absent from older states)


def new_id(prefix: str, length: int = 24) -> str:
    """A fresh random id in OpenAI's style, e.g. ``asst_…``."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def counts(statuses: Iterable[str]) -> dict[str, int]:
    """``file_counts`` for a collection of vector-store-file statuses (total is their sum)."""
    out = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}
    for s in statuses:
        out[s] += 1
        out["total"] += 1
    return out


class Table:
    """Objects of one kind with their sort keys ``(created_at, seq)``.

    Keys of deleted objects are kept, so a cursor naming an object deleted since the previous
    page still works (callers often delete while paging).
    """

    def __init__(self) -> None:
        self.items: dict[str, Rec] = {}
        self.keys: dict[str, Key] = {}

    def add(self, rec: Rec, seq: int) -> None:
        self.items.pop(rec["id"], None)
        self.items[rec["id"]] = rec
        self.keys[rec["id"]] = (int(rec["created_at"]), seq)

    def page(
        self,
        q: PageQuery,
        render: Callable[[Rec], Rec],
        keep: Callable[[Rec], bool] | None = None,
    ) -> Rec:
        """One page of a cursor-paginated list, as the list endpoints return it.

        Cursors are applied to the sort keys; only the objects up to the page's end are rendered.
        """
        keys = self.keys
        desc = q.order == "desc"
        ids = sorted(self.items, key=keys.__getitem__, reverse=desc)
        if q.after is not None:
            ak = self._cursor(q.after, "after")
            ids = [i for i in ids if (keys[i] < ak if desc else keys[i] > ak)]
        if q.before is not None:
            bk = self._cursor(q.before, "before")
            ids = [i for i in ids if (keys[i] > bk if desc else keys[i] < bk)]
            found = self._render_first(reversed(ids), q.limit + 1, render, keep)[::-1]
            data, has_more = found[-q.limit :], len(found) > q.limit
        else:
            found = self._render_first(ids, q.limit + 1, render, keep)
            data, has_more = found[: q.limit], len(found) > q.limit
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": has_more,
        }

    def _render_first(
        self, ids: Iterable[str], n: int, render: Callable[[Rec], Rec], keep: Callable[[Rec], bool] | None
    ) -> list[Rec]:
        """The first ``n`` objects of ``ids``, rendered, that ``keep`` accepts."""
        out: list[Rec] = []
        for obj_id in ids:
            rec = render(self.items[obj_id])
            if keep is None or keep(rec):
                out.append(rec)
                if len(out) == n:
                    break
        return out

    def _cursor(self, cursor: str, param: str) -> Key:
        key = self.keys.get(cursor)
        if key is None:
            raise invalid(
                param, f"Invalid '{param}': no object with id '{cursor}' to page from.", "invalid_value"
            )
        return key

    def dump(self) -> Rec:
        return {"items": list(self.items.values()), "keys": {k: list(v) for k, v in self.keys.items()}}

    @classmethod
    def load(cls, data: Rec) -> Table:
        t = cls()
        t.items = {r["id"]: r for r in data["items"]}
        t.keys = {k: (int(v[0]), int(v[1])) for k, v in data["keys"].items()}
        return t


class Store:
    """All emulated objects. ``processing_delay_ms`` is how long ingestion of a file takes."""

    def __init__(
        self,
        *,
        processing_delay_ms: int = 0,
        blobs: Blobs | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.RLock()
        self.processing_delay_ms = processing_delay_ms
        self.blobs: Blobs = blobs if blobs is not None else MemoryBlobs()
        self.clock = clock
        self.version = 0
        self._seq = 0
        self.assistants = Table()
        self.files = Table()
        self.vector_stores = Table()
        self.vs_files: dict[str, Table] = {}
        self.batches: dict[str, Rec] = {}
        self.responses = Table()  # the Responses API's (logic in responses.py)
        self.agents = Table()  # the Agents API's (logic in agents.py)
        # the Assistants runtime (logic in threads.py and runs.py)
        self.threads = Table()
        self.messages: dict[str, Table] = {}  # by thread id
        self.runs: dict[str, Table] = {}  # by thread id
        self.run_steps: dict[str, Table] = {}  # by run id

    # ---------------------------------------------------------------- helpers

    def _now(self) -> int:
        return int(self.clock())

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _next_seq(self) -> int:
        self._seq += 1
        self.version += 1
        return self._seq

    def _get(self, table: Table, obj_id: str, what: str, param: str | None = None) -> Rec:
        rec = table.items.get(obj_id)
        if rec is None:
            raise not_found(f"No {what} found with id '{obj_id}'.", param)
        return rec

    def _vs(self, vs_id: str) -> Rec:
        return self._get(self.vector_stores, vs_id, "vector store")

    def _require_files(self, file_ids: Iterable[str], param: str) -> None:
        for fid in file_ids:
            if fid not in self.files.items:
                raise not_found(f"No file found with id '{fid}'.", param)

    # ---------------------------------------------------------------- assistants

    def _tool_resources(self, given: Rec | None, base: Rec, creating: bool) -> Rec:
        """Merge ``given`` (a validated request value) over ``base``; each tool key given replaces."""
        if given is None:
            return {}
        out = dict(base)
        ci = given.get("code_interpreter")
        if ci is not None:
            ids = list(ci.get("file_ids", []))
            self._require_files(ids, "tool_resources.code_interpreter.file_ids")
            out["code_interpreter"] = {"file_ids": ids}
        fs = given.get("file_search")
        if fs is not None:
            if "vector_store_ids" in fs:
                ids = list(fs["vector_store_ids"])
                for vid in ids:
                    if vid not in self.vector_stores.items:
                        raise not_found(
                            f"No vector store found with id '{vid}'.",
                            "tool_resources.file_search.vector_store_ids",
                        )
                out["file_search"] = {"vector_store_ids": ids}
            elif creating:
                helpers = fs.get("vector_stores", [])
                for h in helpers:
                    self._require_files(
                        h.get("file_ids", []), "tool_resources.file_search.vector_stores.file_ids"
                    )
                ids = [self.create_vector_store(h)["id"] for h in helpers]
                out["file_search"] = {"vector_store_ids": ids}
        return out

    def create_assistant(self, body: Rec) -> Rec:
        with self.lock:
            rec: Rec = {
                "id": new_id("asst_"),
                "object": "assistant",
                "created_at": self._now(),
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
            self._apply_assistant(rec, body, creating=True)
            self.assistants.add(rec, self._next_seq())
            return dict(rec)

    def _apply_assistant(self, rec: Rec, body: Rec, creating: bool) -> None:
        resources = (
            self._tool_resources(body["tool_resources"], rec["tool_resources"], creating)
            if ("tool_resources" in body)
            else rec["tool_resources"]
        )
        defaults: Rec = {"temperature": 1.0, "top_p": 1.0, "response_format": "auto", "metadata": {}}
        for key, value in body.items():
            if key != "tool_resources":
                rec[key] = defaults.get(key) if value is None else value
        rec["tool_resources"] = resources

    def list_assistants(self, q: PageQuery) -> Rec:
        with self.lock:
            return self.assistants.page(q, dict)

    def get_assistant(self, asst_id: str) -> Rec:
        with self.lock:
            return dict(self._get(self.assistants, asst_id, "assistant"))

    def modify_assistant(self, asst_id: str, body: Rec) -> Rec:
        with self.lock:
            rec = dict(self._get(self.assistants, asst_id, "assistant"))
            self._apply_assistant(rec, body, creating=False)
            self.assistants.items[asst_id] = rec
            self.version += 1
            return dict(rec)

    def delete_assistant(self, asst_id: str) -> Rec:
        with self.lock:
            self._get(self.assistants, asst_id, "assistant")
            del self.assistants.items[asst_id]
            self.version += 1
            return {"id": asst_id, "object": "assistant.deleted", "deleted": True}

    def _drop_resource(self, tool: str, field: str, obj_id: str) -> None:
        """Remove ``obj_id`` from every assistant's ``tool_resources[tool][field]``."""
        for aid, rec in list(self.assistants.items.items()):
            res = rec["tool_resources"].get(tool)
            if res is not None and obj_id in res.get(field, []):
                new_res = {**rec["tool_resources"], tool: {field: [i for i in res[field] if i != obj_id]}}
                self.assistants.items[aid] = {**rec, "tool_resources": new_res}

    # ---------------------------------------------------------------- files

    def create_file(
        self, *, filename: str, purpose: str, blob: BlobWriter, expires_after_seconds: int | None
    ) -> Rec:
        with self.lock:
            now = self._now()
            rec: Rec = {
                "id": new_id("file-", 22),
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
            self.files.add(rec, self._next_seq())
            return dict(rec)

    def list_files(self, q: PageQuery, purpose: str | None) -> Rec:
        with self.lock:
            keep = None if purpose is None else (lambda r: r["purpose"] == purpose)
            return self.files.page(q, dict, keep)

    def get_file(self, file_id: str) -> Rec:
        with self.lock:
            return dict(self._get(self.files, file_id, "file"))

    def file_content(self, file_id: str) -> bytes | bytearray:
        with self.lock:
            self._get(self.files, file_id, "file")
        return self.blobs.read(file_id)

    def delete_file(self, file_id: str) -> Rec:
        with self.lock:
            self._get(self.files, file_id, "file")
            del self.files.items[file_id]
            for table in self.vs_files.values():
                table.items.pop(file_id, None)
            self._drop_resource("code_interpreter", "file_ids", file_id)
            self.blobs.delete(file_id)
            self.version += 1
            return {"id": file_id, "object": "file", "deleted": True}

    # ---------------------------------------------------------------- vector stores

    def _render_vs(self, rec: Rec) -> Rec:
        files = [self._render_vs_file(f) for f in self.vs_files[rec["id"]].items.values()]
        fc = counts(f["status"] for f in files)
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        out["usage_bytes"] = sum(f["usage_bytes"] for f in files)
        out["file_counts"] = fc
        expires_at = None
        if "expires_after" in rec:
            expires_at = rec["last_active_at"] + rec["expires_after"]["days"] * 86400
        out["expires_at"] = expires_at
        if expires_at is not None and self._now() >= expires_at:
            out["status"] = "expired"
        else:
            out["status"] = "in_progress" if fc["in_progress"] else "completed"
        return out

    def create_vector_store(self, body: Rec) -> Rec:
        with self.lock:
            file_ids = list(body.get("file_ids", []))
            self._require_files(file_ids, "file_ids")
            now = self._now()
            rec: Rec = {
                "id": new_id("vs_", 32),
                "object": "vector_store",
                "created_at": now,
                "name": body.get("name") or "",
                "last_active_at": now,
                "metadata": body.get("metadata") or {},
                "_description": body.get("description"),
            }
            if body.get("expires_after") is not None:
                rec["expires_after"] = body["expires_after"]
            self.vs_files[rec["id"]] = Table()
            self.vector_stores.add(rec, self._next_seq())
            chunking = body.get("chunking_strategy")
            for fid in dict.fromkeys(file_ids):
                self._attach(rec["id"], fid, chunking, None, None)
            return self._render_vs(rec)

    def list_vector_stores(self, q: PageQuery) -> Rec:
        with self.lock:
            return self.vector_stores.page(q, self._render_vs)

    def get_vector_store(self, vs_id: str) -> Rec:
        with self.lock:
            return self._render_vs(self._vs(vs_id))

    def modify_vector_store(self, vs_id: str, body: Rec) -> Rec:
        with self.lock:
            rec = dict(self._vs(vs_id))
            if "name" in body:
                rec["name"] = body["name"] or ""
            if "metadata" in body:
                rec["metadata"] = body["metadata"] or {}
            if "expires_after" in body:
                if body["expires_after"] is None:
                    rec.pop("expires_after", None)
                else:
                    rec["expires_after"] = body["expires_after"]
            rec["last_active_at"] = self._now()
            self.vector_stores.items[vs_id] = rec
            self.version += 1
            return self._render_vs(rec)

    def delete_vector_store(self, vs_id: str) -> Rec:
        with self.lock:
            self._vs(vs_id)
            del self.vector_stores.items[vs_id]
            del self.vs_files[vs_id]
            for bid in [b for b, rec in self.batches.items() if rec["vector_store_id"] == vs_id]:
                del self.batches[bid]
            self._drop_resource("file_search", "vector_store_ids", vs_id)
            self.version += 1
            return {"id": vs_id, "object": "vector_store.deleted", "deleted": True}

    # ---------------------------------------------------------------- vector store files

    def _outcome(self, file_rec: Rec) -> tuple[str, Rec | None]:
        """The final ingestion status of a File and its ``last_error``."""
        if not file_search_accepts(file_rec["filename"]):
            return "failed", {
                "code": "unsupported_file",
                "message": f"The file type of '{file_rec['filename']}' is not supported for retrieval.",
            }
        if file_rec["bytes"] == 0:
            return "failed", {"code": "invalid_file", "message": "The file is empty and cannot be processed."}
        return "completed", None

    def _attach(
        self, vs_id: str, file_id: str, chunking: Rec | None, attributes: Rec | None, batch_id: str | None
    ) -> Rec:
        file_rec = self.files.items[file_id]
        final, error = self._outcome(file_rec)
        rec: Rec = {
            "id": file_id,
            "object": "vector_store.file",
            "created_at": self._now(),
            "vector_store_id": vs_id,
            "chunking_strategy": AUTO_CHUNKING
            if chunking is None or chunking["type"] == "auto"
            else chunking,
            "attributes": attributes or {},
            "_ready_ms": self._now_ms() + self.processing_delay_ms,
            "_final": final,
            "_error": error,
            "_bytes": file_rec["bytes"],
            "_batch": batch_id,
        }
        self.vs_files[vs_id].add(rec, self._next_seq())
        vs = self.vector_stores.items[vs_id]
        self.vector_stores.items[vs_id] = {**vs, "last_active_at": self._now()}
        return rec

    def _status(self, ready_ms: int, final: str) -> str:
        return final if self._now_ms() >= ready_ms else "in_progress"

    def _render_vs_file(self, rec: Rec) -> Rec:
        status = self._status(rec["_ready_ms"], rec["_final"])
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        out["status"] = status
        out["usage_bytes"] = rec["_bytes"] if status == "completed" else 0
        out["last_error"] = rec["_error"] if status == "failed" else None
        return out

    def _vs_file(self, vs_id: str, file_id: str) -> Rec:
        self._vs(vs_id)
        return self._get(self.vs_files[vs_id], file_id, "file", "file_id")

    def attach_file(self, vs_id: str, body: Rec) -> Rec:
        with self.lock:
            self._vs(vs_id)
            self._require_files([body["file_id"]], "file_id")
            rec = self._attach(
                vs_id, body["file_id"], body.get("chunking_strategy"), body.get("attributes"), None
            )
            return self._render_vs_file(rec)

    def list_vs_files(self, vs_id: str, q: PageQuery, status: str | None) -> Rec:
        with self.lock:
            self._vs(vs_id)
            keep = None if status is None else (lambda r: r["status"] == status)
            return self.vs_files[vs_id].page(q, self._render_vs_file, keep)

    def get_vs_file(self, vs_id: str, file_id: str) -> Rec:
        with self.lock:
            return self._render_vs_file(self._vs_file(vs_id, file_id))

    def update_vs_file(self, vs_id: str, file_id: str, attributes: Rec | None) -> Rec:
        with self.lock:
            rec = {**self._vs_file(vs_id, file_id), "attributes": attributes or {}}
            self.vs_files[vs_id].items[file_id] = rec
            self.version += 1
            return self._render_vs_file(rec)

    def detach_file(self, vs_id: str, file_id: str) -> Rec:
        with self.lock:
            self._vs_file(vs_id, file_id)
            del self.vs_files[vs_id].items[file_id]
            self.version += 1
            return {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}

    # ---------------------------------------------------------------- file batches

    def _render_batch(self, rec: Rec) -> Rec:
        fc = counts(self._status(e["ready_ms"], e["final"]) for e in rec["_entries"].values())
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        out["file_counts"] = fc
        if rec["_cancelled"]:
            out["status"] = "cancelled"
        else:
            out["status"] = "in_progress" if fc["in_progress"] else "completed"
        return out

    def create_batch(self, vs_id: str, body: Rec) -> Rec:
        with self.lock:
            self._vs(vs_id)
            if "files" in body:
                wanted = [
                    (f["file_id"], f.get("chunking_strategy"), f.get("attributes")) for f in body["files"]
                ]
                for i, (fid, _, _) in enumerate(wanted):
                    self._require_files([fid], f"files[{i}].file_id")
            else:
                self._require_files(body["file_ids"], "file_ids")
                chunking, attrs = body.get("chunking_strategy"), body.get("attributes")
                wanted = [(fid, chunking, attrs) for fid in body["file_ids"]]
            rec: Rec = {
                "id": new_id("vsfb_", 32),
                "object": "vector_store.file_batch",
                "created_at": self._now(),
                "vector_store_id": vs_id,
                "_cancelled": False,
                "_entries": {},
            }
            entries: dict[str, Rec] = {}
            for fid, chunking, attrs in wanted:
                vsf = self._attach(vs_id, fid, chunking, attrs, rec["id"])
                entries[fid] = {"ready_ms": vsf["_ready_ms"], "final": vsf["_final"]}
            rec["_entries"] = entries
            self.batches[rec["id"]] = rec
            return self._render_batch(rec)

    def _batch(self, vs_id: str, batch_id: str) -> Rec:
        self._vs(vs_id)
        rec = self.batches.get(batch_id)
        if rec is None or rec["vector_store_id"] != vs_id:
            raise not_found(f"No file batch found with id '{batch_id}'.")
        return rec

    def get_batch(self, vs_id: str, batch_id: str) -> Rec:
        with self.lock:
            return self._render_batch(self._batch(vs_id, batch_id))

    def cancel_batch(self, vs_id: str, batch_id: str) -> Rec:
        """Cancel a batch: its files still in progress end ``cancelled``."""
        with self.lock:
            rec = self._batch(vs_id, batch_id)
            now_ms = self._now_ms()
            entries = {}
            for fid, e in rec["_entries"].items():
                if self._status(e["ready_ms"], e["final"]) == "in_progress":
                    e = {"ready_ms": now_ms, "final": "cancelled"}
                    table = self.vs_files[vs_id]
                    vsf = table.items.get(fid)
                    if vsf is not None and vsf["_batch"] == batch_id:
                        table.items[fid] = {**vsf, "_ready_ms": now_ms, "_final": "cancelled", "_error": None}
                entries[fid] = e
            rec = {**rec, "_entries": entries, "_cancelled": True}
            self.batches[batch_id] = rec
            self.version += 1
            return self._render_batch(rec)

    def list_batch_files(self, vs_id: str, batch_id: str, q: PageQuery, status: str | None) -> Rec:
        with self.lock:
            self._batch(vs_id, batch_id)

            def keep(r: Rec) -> bool:
                return status is None or r["status"] == status

            table = self.vs_files[vs_id]
            sub = Table()
            sub.keys = table.keys
            sub.items = {k: v for k, v in table.items.items() if v["_batch"] == batch_id}
            return sub.page(q, self._render_vs_file, keep)

    # ---------------------------------------------------------------- models

    @staticmethod
    def _model(model_id: str, created: int, owner: str) -> Rec:
        return {"id": model_id, "object": "model", "created": created, "owned_by": owner}

    def list_models(self) -> Rec:
        return {"object": "list", "data": [self._model(*m) for m in MODELS]}

    def get_model(self, model_id: str) -> Rec:
        for m in MODELS:
            if m[0] == model_id:
                return self._model(*m)
        raise ApiError(
            404,
            f"The model '{model_id}' does not exist or you do not have access to it.",
            code="model_not_found",
        )

    # ---------------------------------------------------------------- inspection (for tests)

    def objects(self, kind: str) -> list[Rec]:
        """Every live object of ``kind`` (one of ``KINDS``) as the API would render it, oldest first."""
        with self.lock:
            if kind == "assistants":
                return [dict(r) for r in self.assistants.items.values()]
            if kind == "files":
                return [dict(r) for r in self.files.items.values()]
            if kind == "vector_stores":
                return [self._render_vs(r) for r in self.vector_stores.items.values()]
            if kind == "vector_store_files":
                return [self._render_vs_file(r) for t in self.vs_files.values() for r in t.items.values()]
            if kind == "file_batches":
                return [self._render_batch(r) for r in self.batches.values()]
            if kind == "agents":
                return [{k: v for k, v in r.items() if k[0] != "_"} for r in self.agents.items.values()]
            raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")

    def count(self, kind: str) -> int:
        """How many live objects of ``kind`` there are."""
        return len(self.objects(kind))

    # ---------------------------------------------------------------- persistence

    def dump(self) -> Rec:
        """The whole state as JSON-ready data (file contents excluded: they live in ``blobs``)."""
        with self.lock:
            return {
                "format": 1,
                "seq": self._seq,
                "assistants": self.assistants.dump(),
                "files": self.files.dump(),
                "vector_stores": self.vector_stores.dump(),
                "vs_files": {k: t.dump() for k, t in self.vs_files.items()},
                "batches": list(self.batches.values()),
                "responses": self.responses.dump(),
                "agents": self.agents.dump(),
                "threads": self.threads.dump(),
                **{k: {i: t.dump() for i, t in getattr(self, k).items()} for k in _RUNTIME},
            }

    def load(self, data: Rec) -> None:
        """Replace the state with ``data`` as produced by ``dump``."""
        with self.lock:
            self._seq = int(data["seq"])
            self.assistants = Table.load(data["assistants"])
            self.files = Table.load(data["files"])
            self.vector_stores = Table.load(data["vector_stores"])
            self.vs_files = {k: Table.load(t) for k, t in data["vs_files"].items()}
            self.batches = {b["id"]: b for b in data["batches"]}
            self.responses = Table.load(data["responses"]) if "responses" in data else Table()
            self.agents = Table.load(data["agents"]) if "agents" in data else Table()
            self.threads = Table.load(data["threads"]) if "threads" in data else Table()
            for k in _RUNTIME:
                setattr(self, k, {i: Table.load(t) for i, t in data.get(k, {}).items()})
