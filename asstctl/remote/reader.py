"""Reading the live state: list calls only, then a pure interpretation of what came back.

:func:`read_live` fetches (assistants, vector stores, the stack's stores' files, Files) with
paginated list calls; :func:`interpret` turns those raw objects into a
:class:`~asstctl.core.live.LiveState` and is tested from recorded data. Cost of a read:
⌈A/100⌉ + ⌈V/100⌉ + Σ⌈F_v/100⌉ (owned stores only) + 1 requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import openai

from asstctl.core import normalize as nz
from asstctl.core.live import LiveAssistant, LiveAttachment, LiveFile, LiveState, LiveVectorStore, fingerprint
from asstctl.core.ownership import ATTR_PATH, ATTR_SHA256, ATTR_STACK, owned_address, parse_upload_filename
from asstctl.errors import EndpointError, OwnershipError
from asstctl.remote.errors import ASSISTANTS_GONE, translate
from asstctl.remote.pool import DaemonPool
from asstctl.remote.rest import list_all, list_assistants

JSON = Any
T = TypeVar("T")

PAGE = 100
FILES_PAGE = 10_000
PARALLEL_LISTS = 8
_PAGED = {"limit": PAGE}
_VOLATILE_FILE = ("status", "status_details")


def read_live(client: openai.OpenAI, stack: str, *, want_assistants: bool) -> LiveState:
    """Everything ``stack`` owns at the client's endpoint. ``want_assistants``: the manifests
    declare assistants, so an endpoint without the Assistants API is an error."""
    base_url = str(client.base_url).rstrip("/")

    def call(what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except openai.OpenAIError as exc:
            raise translate(exc, base_url=base_url, what=what) from None

    with DaemonPool(PARALLEL_LISTS, name="asstctl-read") as pool:
        files_job = pool.submit(
            call,
            "listing files",
            lambda: list_all(client, "/files", {"purpose": "assistants", "limit": FILES_PAGE}, beta=False),
        )
        stores = call(
            "listing vector stores", lambda: list_all(client, "/vector_stores", {"limit": PAGE}, beta=True)
        )
        owned = [s["id"] for s in stores if _claim(s, stack, "vector_store") is not None]
        jobs = {
            vs_id: pool.submit(
                call,
                f"listing the files of vector store {vs_id}",
                lambda vs_id=vs_id: list_all(
                    client, f"/vector_stores/{vs_id}/files", {"limit": PAGE}, beta=True
                ),
            )
            for vs_id in owned
        }
        # after the vector stores answered: a 404 here is about the Assistants API, not the URL
        assistants = _list_assistants(client, base_url, want_assistants=want_assistants)
        attachments = {vs_id: job.result() for vs_id, job in jobs.items()}
        files = files_job.result()
    return interpret(stack, assistants=assistants, vector_stores=stores, attachments=attachments, files=files)


def _list_assistants(client: openai.OpenAI, base_url: str, *, want_assistants: bool) -> list[JSON] | None:
    """All assistants, or None when the endpoint does not serve the Assistants API."""
    try:
        return list_assistants(client, limit=PAGE)
    except openai.NotFoundError:
        if want_assistants:
            raise EndpointError(ASSISTANTS_GONE.format(base_url=base_url)) from None
        return None
    except openai.OpenAIError as exc:
        raise translate(exc, base_url=base_url, what="listing assistants") from None


# --- interpretation (pure) -------------------------------------------------------------


def _claim(raw: Mapping[str, JSON], stack: str, kind: str) -> str | None:
    """The manifest name a live object claims in ``stack`` (None if it is not ours)."""
    address = owned_address(raw.get("metadata"), stack)
    prefix = f"{kind}."
    if address is None or not address.startswith(prefix) or len(address) == len(prefix):
        return None
    return address[len(prefix) :]


def _unique(stack: str, kind: str, raws: Sequence[Mapping[str, JSON]]) -> dict[str, Mapping[str, JSON]]:
    """Owned objects by name; two claiming one address stop everything."""
    by_name: dict[str, list[Mapping[str, JSON]]] = {}
    for raw in raws:
        name = _claim(raw, stack, kind)
        if name is not None:
            by_name.setdefault(name, []).append(raw)
    clashes = {n: rs for n, rs in by_name.items() if len(rs) > 1}
    if clashes:
        lines = [
            f"ambiguous ownership: {kind}.{n} is claimed by {' and '.join(str(r['id']) for r in rs)}"
            for n, rs in sorted(clashes.items())
        ]
        raise OwnershipError(
            "\n".join(lines)
            + f"\nBoth carry asstctl_stack={stack} and the same asstctl_address, and asstctl "
            "never guesses: delete the one you do not want, or remove its asstctl_stack / asstctl_address "
            "metadata so this stack ignores it; then run the plan again."
        )
    return {n: rs[0] for n, rs in by_name.items()}


def _attachment(raw: Mapping[str, JSON], stack: str) -> LiveAttachment:
    attributes = dict(raw.get("attributes") or {})
    ours = attributes.get(ATTR_STACK) == stack
    path, sha = attributes.get(ATTR_PATH), attributes.get(ATTR_SHA256)
    return LiveAttachment(
        file_id=str(raw["id"]),
        status=str(raw.get("status") or ""),
        path=str(path) if ours and path is not None else None,
        sha256=str(sha) if ours and sha is not None else None,
        attributes=nz.user_attributes(attributes),
        chunking_strategy=raw.get("chunking_strategy"),
        last_error=raw.get("last_error"),
        raw=dict(raw),
    )


def interpret(
    stack: str,
    *,
    assistants: Sequence[Mapping[str, JSON]] | None,
    vector_stores: Sequence[Mapping[str, JSON]],
    attachments: Mapping[str, Sequence[Mapping[str, JSON]]],
    files: Sequence[Mapping[str, JSON]],
) -> LiveState:
    """The stack's live state from raw list results (``assistants`` None: the endpoint does
    not serve the Assistants API). Raises ``OwnershipError`` on ambiguous ownership."""
    prints: dict[str, str] = {}
    live_assistants: dict[str, LiveAssistant] = {}
    for name, raw in _unique(stack, "assistant", assistants or ()).items():
        live_assistants[name] = LiveAssistant(id=str(raw["id"]), name=name, raw=dict(raw))
        prints[str(raw["id"])] = fingerprint(raw)
    live_stores: dict[str, LiveVectorStore] = {}
    for name, raw in _unique(stack, "vector_store", vector_stores).items():
        vs_id = str(raw["id"])
        atts = attachments.get(vs_id, ())
        live_stores[name] = LiveVectorStore(
            id=vs_id, name=name, raw=dict(raw), attachments=tuple(_attachment(a, stack) for a in atts)
        )
        prints[vs_id] = fingerprint(nz.stable_vector_store(raw))
        for a in atts:
            prints[f"{vs_id}/{a['id']}"] = fingerprint(nz.stable_attachment(a))
    live_files: dict[str, LiveFile] = {}
    for raw in files:
        parsed = parse_upload_filename(str(raw.get("filename") or ""))
        if parsed is None or parsed.stack != stack:
            continue
        fid = str(raw["id"])
        live_files[fid] = LiveFile(
            id=fid,
            filename=str(raw["filename"]),
            sha256=parsed.sha256,
            basename=parsed.basename,
            bytes=int(raw.get("bytes") or 0),
            created_at=int(raw.get("created_at") or 0),
        )
        prints[fid] = fingerprint({k: v for k, v in raw.items() if k not in _VOLATILE_FILE})
    return LiveState(
        stack=stack,
        assistants=live_assistants,
        vector_stores=live_stores,
        files=live_files,
        assistants_supported=assistants is not None,
        fingerprints=prints,
    )
