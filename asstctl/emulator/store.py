"""The emulator's state: a pure in-memory store of OpenAI objects, safe under concurrent requests.

It knows nothing about HTTP. ``Store`` owns the tables, the re-entrant lock, the clock and
persistence (``dump``/``load``); its methods delegate to one module per resource
(``assistants``, ``files``, ``vector_stores``, ``models``; records and paging in ``tables``).
Every public method takes already-validated request data, holds the lock, and returns JSON-ready
dicts shaped exactly as the API returns them (or raises ``ApiError``). Records never have nested
values mutated in place, so a shallow copy is a safe snapshot to serialize outside the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from asstctl.emulator import assistants, files, models, vector_stores
from asstctl.emulator.blobs import Blobs, BlobWriter, MemoryBlobs
from asstctl.emulator.files import BATCH_FILE_DEFAULT_EXPIRY
from asstctl.emulator.models import MODELS
from asstctl.emulator.tables import Key, Rec, Table, lookup, new_id
from asstctl.emulator.validation import PageQuery
from asstctl.emulator.vector_stores import AUTO_CHUNKING, counts

__all__ = [
    "AUTO_CHUNKING",
    "BATCH_FILE_DEFAULT_EXPIRY",
    "KINDS",
    "MODELS",
    "Key",
    "Rec",
    "Store",
    "Table",
    "counts",
    "new_id",
]

KINDS = ("assistants", "files", "vector_stores", "vector_store_files", "file_batches", "agents")
_RUNTIME = ("messages", "runs", "run_steps")  # tables by thread or run id (absent from older states)


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
        self.new_id: Callable[..., str] = new_id
        """Makes the ids of Files, vector stores and file batches (a compatibility profile may
        spell them as its server does: ``emulator.compat``)."""
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

    # ------------------------------------------------- helpers for the resource modules (lock held)

    def _now(self) -> int:
        return int(self.clock())

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def _next_seq(self) -> int:
        self._seq += 1
        self.version += 1
        return self._seq

    def _get(self, table: Table, obj_id: str, what: str, param: str | None = None) -> Rec:
        return lookup(table, obj_id, what, param)

    def _require_files(self, file_ids: Iterable[str], param: str) -> None:
        files.require_files(self, file_ids, param)

    def _tool_resources(self, given: Rec | None, base: Rec, creating: bool) -> Rec:
        return assistants.tool_resources(self, given, base, creating)

    def _attach(
        self, vs_id: str, file_id: str, chunking: Rec | None, attributes: Rec | None, batch_id: str | None
    ) -> Rec:
        return vector_stores.attach(self, vs_id, file_id, chunking, attributes, batch_id)

    # ------------------------------------------------- assistants (assistants.py)

    def create_assistant(self, body: Rec) -> Rec:
        return assistants.create_assistant(self, body)

    def list_assistants(self, q: PageQuery) -> Rec:
        return assistants.list_assistants(self, q)

    def get_assistant(self, asst_id: str) -> Rec:
        return assistants.get_assistant(self, asst_id)

    def modify_assistant(self, asst_id: str, body: Rec) -> Rec:
        return assistants.modify_assistant(self, asst_id, body)

    def delete_assistant(self, asst_id: str) -> Rec:
        return assistants.delete_assistant(self, asst_id)

    # ------------------------------------------------- files (files.py)

    def create_file(
        self, *, filename: str, purpose: str, blob: BlobWriter, expires_after_seconds: int | None
    ) -> Rec:
        return files.create_file(
            self, filename=filename, purpose=purpose, blob=blob, expires_after_seconds=expires_after_seconds
        )

    def list_files(self, q: PageQuery, purpose: str | None) -> Rec:
        return files.list_files(self, q, purpose)

    def get_file(self, file_id: str) -> Rec:
        return files.get_file(self, file_id)

    def file_content(self, file_id: str) -> bytes | bytearray:
        return files.file_content(self, file_id)

    def delete_file(self, file_id: str) -> Rec:
        return files.delete_file(self, file_id)

    # ------------------------------------------------- vector stores, their files, file batches

    def create_vector_store(self, body: Rec) -> Rec:
        return vector_stores.create_vector_store(self, body)

    def list_vector_stores(self, q: PageQuery) -> Rec:
        return vector_stores.list_vector_stores(self, q)

    def get_vector_store(self, vs_id: str) -> Rec:
        return vector_stores.get_vector_store(self, vs_id)

    def modify_vector_store(self, vs_id: str, body: Rec) -> Rec:
        return vector_stores.modify_vector_store(self, vs_id, body)

    def delete_vector_store(self, vs_id: str) -> Rec:
        return vector_stores.delete_vector_store(self, vs_id)

    def attach_file(self, vs_id: str, body: Rec) -> Rec:
        return vector_stores.attach_file(self, vs_id, body)

    def list_vs_files(self, vs_id: str, q: PageQuery, status: str | None) -> Rec:
        return vector_stores.list_vs_files(self, vs_id, q, status)

    def get_vs_file(self, vs_id: str, file_id: str) -> Rec:
        return vector_stores.get_vs_file(self, vs_id, file_id)

    def update_vs_file(self, vs_id: str, file_id: str, attributes: Rec | None) -> Rec:
        return vector_stores.update_vs_file(self, vs_id, file_id, attributes)

    def detach_file(self, vs_id: str, file_id: str) -> Rec:
        return vector_stores.detach_file(self, vs_id, file_id)

    def create_batch(self, vs_id: str, body: Rec) -> Rec:
        return vector_stores.create_batch(self, vs_id, body)

    def get_batch(self, vs_id: str, batch_id: str) -> Rec:
        return vector_stores.get_batch(self, vs_id, batch_id)

    def cancel_batch(self, vs_id: str, batch_id: str) -> Rec:
        """Cancel a batch: its files still in progress end ``cancelled``."""
        return vector_stores.cancel_batch(self, vs_id, batch_id)

    def list_batch_files(self, vs_id: str, batch_id: str, q: PageQuery, status: str | None) -> Rec:
        return vector_stores.list_batch_files(self, vs_id, batch_id, q, status)

    # ------------------------------------------------- models (models.py)

    def list_models(self) -> Rec:
        return models.list_models()

    def get_model(self, model_id: str) -> Rec:
        return models.get_model(model_id)

    # ------------------------------------------------- inspection (for tests)

    def objects(self, kind: str) -> list[Rec]:
        """Every live object of ``kind`` (one of ``KINDS``) as the API would render it, oldest first."""
        with self.lock:
            if kind == "assistants":
                return [dict(r) for r in self.assistants.items.values()]
            if kind == "files":
                return [dict(r) for r in self.files.items.values()]
            if kind == "vector_stores":
                return [vector_stores.render(self, r) for r in self.vector_stores.items.values()]
            if kind == "vector_store_files":
                return [
                    vector_stores.render_file(self, r)
                    for t in self.vs_files.values()
                    for r in t.items.values()
                ]
            if kind == "file_batches":
                return [vector_stores.render_batch(self, r) for r in self.batches.values()]
            if kind == "agents":
                return [{k: v for k, v in r.items() if k[0] != "_"} for r in self.agents.items.values()]
            raise KeyError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")

    def count(self, kind: str) -> int:
        """How many live objects of ``kind`` there are."""
        return len(self.objects(kind))

    # ------------------------------------------------- persistence

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
