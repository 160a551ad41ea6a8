"""Vector-store request bodies, and the normalized forms the differ compares.

What is compared is what is sent: the desired form is built from the request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    """A chunking strategy with ``auto`` (or absent) spelled as the static 800/400 it means."""
    if strategy is None or (isinstance(strategy, Mapping) and strategy.get("type") == "auto"):
        return canonical(AUTO_CHUNKING)
    return canonical(strategy)


def chunking_text(strategy: JSON) -> str:
    """A chunking strategy in a few words (``static 800/400``)."""
    form = chunking_form(strategy)
    static = form.get("static") if isinstance(form, Mapping) else None
    if isinstance(static, Mapping):
        return f"static {static.get('max_chunk_size_tokens')}/{static.get('chunk_overlap_tokens')}"
    return str(form.get("type") if isinstance(form, Mapping) else form)


def desired_vector_store_form(v: DesiredVectorStore, stack: str) -> dict[str, JSON]:
    """The compared form of a desired vector store (its files are compared separately)."""
    body = vector_store_body(v, stack)
    return {
        "name": body["name"],
        "metadata": canonical(user_metadata(body["metadata"])),
        "expires_after": canonical(body["expires_after"]),
    }


def live_vector_store_form(raw: Mapping[str, JSON], *, declared: Iterable[str] = ()) -> dict[str, JSON]:
    """The compared form of a live vector store object: its metadata is the pairs asstctl
    manages plus those ``declared`` by the manifest (``core.managed``)."""
    return {
        "name": raw.get("name"),
        "metadata": canonical(compared(raw.get("metadata"), declared)),
        "expires_after": canonical(raw.get("expires_after")),
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
