"""Compatibility profiles: the emulator answering as another OpenAI-compatible server does.

``EmulatorConfig(profile="ogx")`` (``asstctl emulator --profile ogx``) reproduces what OGX 1.5.0
(formerly Llama Stack) was seen to do differently from OpenAI, so CI covers each divergence:

- a file batch's per-file ``files: [{file_id, attributes}]`` is ignored: the batch completes
  with ``file_counts.total: 0`` and nothing attached (``file_ids`` works);
- uploaded filenames are rewritten to ``[A-Za-z0-9._-]`` (every other character becomes ``_``);
- a new vector store's ``metadata`` gains the server's own keys (``provider_id``,
  ``provider_vector_store_id``, ``embedding_model``, ``embedding_dimension``); an update replaces
  metadata wholesale, and a store that lost ``provider_id`` refuses every later attach
  ("not properly configured for file processing");
- not-found is answered 400, not 404, and error bodies carry only ``message`` (no ``type``,
  ``param`` nor ``code``); an unknown route answers ``{"detail": "Not Found"}``; the Assistants
  and Agents APIs are not served;
- ids are ``vs_<uuid>``, ``batch_<uuid>``, ``file-<32 hex>``; Files carry ``expires_at``;
- an attached file made with auto chunking shows ``{"type": "auto", "static": null}``;
  numbers in attributes come back as floats;
- after an error answer, the next request on that keep-alive connection is dropped unanswered.

``profile="llama-stack"`` is the same but refuses a batch's ``files`` with a 400 asking for
``file_ids``, as llama-stack 0.7.3 was reported to do (not verified against that server).

Only ``http.py`` calls in here (:func:`profile_for`); ``store.py`` stays OpenAI's. Not for
emulating anything not seen on the real server.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asstctl.emulator.apierror import ApiError
from asstctl.emulator.store import AUTO_CHUNKING, Store

if TYPE_CHECKING:
    from asstctl.emulator.routes import Request, Route

Json = Any
PROFILES = ("openai", "ogx", "llama-stack")
"""The names ``--profile`` accepts (``openai``: the plain emulator)."""

EMBEDDING_MODEL = "openai/stub-embed"
FILE_EXPIRY_S = 365 * 86400
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_NOT_SERVED = ("/v1/assistants", "/v1/threads", "/v1/agents")
_VS_FILE_ROUTES = (
    "/v1/vector_stores/{vector_store_id}/files",
    "/v1/vector_stores/{vector_store_id}/files/{file_id}",
    "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
)
_ATTACH_ROUTES = (
    "/v1/vector_stores/{vector_store_id}/files",
    "/v1/vector_stores/{vector_store_id}/file_batches",
)


class PlainError(ApiError):
    """An error whose body is only ``{"error": {"message": ...}}`` (or FastAPI's ``detail``)."""

    def __init__(self, status: int, message: str, *, detail: bool = False) -> None:
        super().__init__(status, message)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"detail": self.message} if self.detail else {"error": {"message": self.message}}


def _ogx_id(prefix: str, length: int = 24) -> str:
    if prefix == "vs_":
        return f"vs_{uuid.uuid4()}"
    if prefix == "vsfb_":
        return f"batch_{uuid.uuid4()}"
    if prefix == "file-":
        return f"file-{uuid.uuid4().hex}"
    from asstctl.emulator.store import new_id

    return new_id(prefix, length)


def _floats(value: Json) -> Json:
    """Attribute values as OGX returns them: every number a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return float(value)


class OgxProfile:
    """OGX 1.5.0's divergences (see the module doc), applied around the store's operations."""

    name = "ogx"

    def __init__(self, store: Store, *, refuse_batch_files: bool = False) -> None:
        store.new_id = _ogx_id
        self.refuse_batch_files = refuse_batch_files
        self.dropped = 0
        """Requests dropped unanswered because an error came before them on their connection."""

    def serves(self, path: str) -> bool:
        return not path.startswith(_NOT_SERVED)

    def call(self, route: Route, store: Store, req: Request, op: Callable[[], Json]) -> Json:
        """Run ``op`` (the route's store call) the way OGX would, and shape its answer."""
        template, method = route.template, route.method
        if method == "POST" and template in _ATTACH_ROUTES:
            self._check_configured(store, req.params["vector_store_id"])
            if "files" in req.body and self.refuse_batch_files and template.endswith("file_batches"):
                raise PlainError(400, "Invalid request: 'files' is not supported; provide 'file_ids'")
            if "files" in req.body:  # ignored: the batch completes with nothing in it
                req.body = {"file_ids": []}
        if method == "POST" and template == "/v1/vector_stores/{vector_store_id}/file_batches":
            return self._empty_batch_or(store, req, op)
        result = op()
        if method == "POST" and template == "/v1/files":
            result = self._uploaded(store, result)
        elif method == "POST" and template == "/v1/vector_stores":
            result = self._created_store(store, result)
        if template in _VS_FILE_ROUTES:
            result = self._vs_files(result)
        return result

    def error(self, err: ApiError) -> ApiError:
        """OGX's spelling of an error: not-found as 400, no type/code, FastAPI's 404 body."""
        if err.message.startswith("Invalid URL"):
            return PlainError(404, "Not Found", detail=True)
        if err.status == 404:
            found = re.match(r"No (.+?) found with id '(.*)'", err.message)
            what = found.group(1).capitalize().replace(" ", "_") if found else "Object"
            ident = found.group(2) if found else ""
            return PlainError(400, f"{what} '{ident}' not found")
        return PlainError(err.status, err.message)

    # -- one divergence each ------------------------------------------------------------------

    @staticmethod
    def _check_configured(store: Store, vs_id: str) -> None:
        with store.lock:
            rec = store.vector_stores.items.get(vs_id)
            if rec is not None and "provider_id" not in (rec.get("metadata") or {}):
                raise PlainError(
                    400,
                    f"Vector store {vs_id} is not properly configured for file processing: its "
                    "metadata lacks provider_id",
                )

    @staticmethod
    def _empty_batch_or(store: Store, req: Request, op: Callable[[], Json]) -> Json:
        if req.body.get("file_ids"):
            return op()
        vs_id = req.params["vector_store_id"]
        with store.lock:  # what OGX answers for a batch whose files it ignored: nothing in it
            store.get_vector_store(vs_id)
            batch_id = store.new_id("vsfb_")
            store.batches[batch_id] = {
                "id": batch_id,
                "object": "vector_store.file_batch",
                "created_at": int(store.clock()),
                "vector_store_id": vs_id,
                "_cancelled": False,
                "_entries": {},
            }
            return store.get_batch(vs_id, batch_id)

    @staticmethod
    def _uploaded(store: Store, result: Json) -> Json:
        with store.lock:
            rec = store.files.items[result["id"]]
            safe = _UNSAFE.sub("_", rec["filename"])
            store.files.items[rec["id"]] = rec = {
                **rec,
                "filename": safe,
                "expires_at": rec.get("expires_at") or rec["created_at"] + FILE_EXPIRY_S,
            }
            return dict(rec)

    @staticmethod
    def _created_store(store: Store, result: Json) -> Json:
        own = {
            "provider_id": "faiss",
            "provider_vector_store_id": result["id"],
            "embedding_model": EMBEDDING_MODEL,
            "embedding_dimension": "64",
        }
        with store.lock:
            rec = store.vector_stores.items[result["id"]]
            store.vector_stores.items[rec["id"]] = {**rec, "metadata": {**rec["metadata"], **own}}
            return store.get_vector_store(rec["id"])

    @staticmethod
    def _vs_files(result: Json) -> Json:
        def shape(vsf: Json) -> Json:
            if not isinstance(vsf, dict) or vsf.get("object") != "vector_store.file":
                return vsf
            out = {**vsf, "attributes": {k: _floats(v) for k, v in (vsf.get("attributes") or {}).items()}}
            if vsf.get("chunking_strategy") == AUTO_CHUNKING:
                out["chunking_strategy"] = {"type": "auto", "static": None}
            return out

        if isinstance(result, dict) and isinstance(result.get("data"), list):
            return {**result, "data": [shape(x) for x in result["data"]]}
        return shape(result)


def profile_for(name: str, store: Store) -> OgxProfile | None:
    """The profile called ``name`` set up on ``store`` (None for the plain emulator)."""
    if name == "openai":
        return None
    if name in ("ogx", "llama-stack"):
        return OgxProfile(store, refuse_batch_files=name == "llama-stack")
    raise ValueError(f"unknown emulator profile {name!r}: use one of {', '.join(PROFILES)}")
