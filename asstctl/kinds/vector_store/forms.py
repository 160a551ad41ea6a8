"""Vector-store request bodies, and the normalized forms the differ compares.

What is compared is what is sent: the desired form is built from the request body.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence

from asstctl.core.live import LiveAttachment
from asstctl.core.managed import compared, merged
from asstctl.core.model import JSON, LocalFile
from asstctl.core.normalize import canonical, user_metadata
from asstctl.core.ownership import ATTR_PATH, ATTR_SHA256, ATTR_STACK, ownership_metadata
from asstctl.kinds.vector_store.model import DesiredVectorStore

AUTO_CHUNKING: dict[str, JSON] = {
    "type": "static",
    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
}
"""What ``{"type": "auto"}`` means today; the API reports auto chunking in this form."""


def vector_store_body(
    v: DesiredVectorStore, stack: str, live_metadata: Mapping[str, JSON] | None = None
) -> dict[str, JSON]:
    """The create/modify body for a vector store (``expires_after`` None clears it). An update
    passes the store's ``live_metadata``: the keys asstctl does not manage are sent back as
    they are (``core.managed``)."""
    return {
        "name": v.display_name,
        "metadata": merged(v.metadata, ownership_metadata(stack, v.address), live_metadata),
        "expires_after": v.expires_after,
    }


def attachment_attributes(
    f: LocalFile, stack: str, live_attributes: Mapping[str, JSON] | None = None
) -> dict[str, JSON]:
    """The attributes sent for ``f``: the user's, the three reserved ones and ``asstctl_keys``;
    an update passes the ``live_attributes`` to keep those asstctl does not manage."""
    tags = {ATTR_STACK: stack, ATTR_PATH: f.path, ATTR_SHA256: f.sha256}
    return merged(f.attributes, tags, live_attributes)


def chunking_request(v: DesiredVectorStore) -> dict[str, JSON] | None:
    """The ``chunking_strategy`` to send when attaching files to ``v`` (None = auto)."""
    return None if v.chunking_strategy is None else dict(v.chunking_strategy)


def chunking_form(strategy: JSON | None) -> JSON:
    """A chunking strategy with ``auto`` (or absent) spelled as the static 800/400 it means.
    The result may be shared between calls: read it, do not change it."""
    for seen, form in _CHUNKING_SEEN:  # every attachment of a store usually holds the same one
        if seen == strategy:
            return form
    if strategy is None or (isinstance(strategy, Mapping) and strategy.get("type") == "auto"):
        form = canonical(AUTO_CHUNKING)
    else:
        form = canonical(strategy)
    if len(_CHUNKING_SEEN) < 8:
        _CHUNKING_SEEN.append((copy.deepcopy(strategy), form))
    return form


_CHUNKING_SEEN: list[tuple[JSON, JSON]] = []
"""A few strategies already normalized (compared by value: ``1 == 1.0`` and the form agrees)."""


def chunking_text(strategy: JSON) -> str:
    """A chunking strategy in a few words (``static 800/400``)."""
    form = chunking_form(strategy)
    static = form.get("static") if isinstance(form, Mapping) else None
    if isinstance(static, Mapping):
        return f"static {static.get('max_chunk_size_tokens')}/{static.get('chunk_overlap_tokens')}"
    return str(form.get("type") if isinstance(form, Mapping) else form)


def chunking_manifest_form(strategy: JSON | None) -> JSON:
    """A chunking strategy as the manifest writes it (``{"type": "static",
    "max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}``), ``auto`` spelled out."""
    form = chunking_form(strategy)
    static = form.get("static") if isinstance(form, Mapping) else None
    if isinstance(static, Mapping):
        size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
        return {"type": "static", "max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}
    return form


def desired_vector_store_form(v: DesiredVectorStore, stack: str) -> dict[str, JSON]:
    """The compared form of a desired vector store. Its files are compared one by one
    (``file_changes``); ``chunking_strategy`` is shown here once for the store."""
    body = vector_store_body(v, stack)
    return {
        "display_name": body["name"],  # plans use the manifest's labels
        "metadata": canonical(user_metadata(body["metadata"])),
        "expires_after": canonical(body["expires_after"]),
        "chunking_strategy": chunking_manifest_form(chunking_request(v)),
    }


def live_vector_store_form(
    raw: Mapping[str, JSON],
    attachments: Sequence[LiveAttachment] = (),
    *,
    unknown_chunking: JSON = None,
    declared: Iterable[str] = (),
) -> dict[str, JSON]:
    """The compared form of a live vector store object. A store has no chunking of its own:
    it is the one its ``attachments`` were made with (a list when they differ), else
    ``unknown_chunking`` (no files: nothing to re-chunk). Its metadata is the pairs asstctl
    manages plus those ``declared`` by the manifest (``core.managed``)."""
    found: list[JSON] = []
    for att in attachments:
        if att.chunking_strategy is not None:
            form = chunking_manifest_form(att.chunking_strategy)
            if form not in found:
                found.append(form)
    chunking = found[0] if len(found) == 1 else (found or unknown_chunking)
    return {
        "display_name": raw.get("name"),
        "metadata": canonical(compared(raw.get("metadata"), declared)),
        "expires_after": canonical(raw.get("expires_after")),
        "chunking_strategy": chunking,
    }


_VOLATILE_STORE = ("last_active_at", "usage_bytes", "file_counts", "expires_at")
_SETTLED_FILE_STATUSES = ("failed", "cancelled")


def stable_vector_store(raw: Mapping[str, JSON]) -> dict[str, JSON]:
    """A vector store without the fields that change on their own (usage, activity, ingestion)."""
    out = {k: v for k, v in raw.items() if k not in _VOLATILE_STORE}
    if out.get("status") != "expired":
        out.pop("status", None)
    return out


def stable_attachment(raw: Mapping[str, JSON]) -> dict[str, JSON]:
    """A vector-store file without usage and in-flight ingestion status."""
    out = {k: v for k, v in raw.items() if k != "usage_bytes"}
    if out.get("status") not in _SETTLED_FILE_STATUSES:
        out.pop("status", None)
    return out
