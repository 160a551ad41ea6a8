"""One canonical form for both sides of a diff, and the request bodies the writer sends.

The request bodies (:func:`assistant_body`, :func:`vector_store_body`,
:func:`attachment_attributes`, :func:`chunking_request`) are what apply sends, so the
desired forms compared by the differ are built from them: what is compared is what is sent.
Fields a manifest omits are sent as their API default, so removing a field restores it.

The ``*_form`` functions map desired records and raw live objects to the same shape:
server-filled defaults made explicit, ``None`` dropped where the API treats it as absent,
reserved ownership keys removed, ids in ``tool_resources`` replaced by names and content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asstctl.core.live import LiveState
from asstctl.core.model import DesiredAssistant, DesiredVectorStore, LocalFile
from asstctl.core.ownership import (
    ATTR_PATH,
    ATTR_SHA256,
    ATTR_STACK,
    RESERVED_ATTRIBUTE_KEYS,
    RESERVED_METADATA_KEYS,
    ownership_metadata,
)

JSON = Any

DEFAULT_TEMPERATURE = 1.0
DEFAULT_TOP_P = 1.0
DEFAULT_RESPONSE_FORMAT = "auto"
AUTO_CHUNKING: dict[str, JSON] = {
    "type": "static",
    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
}
"""What ``{"type": "auto"}`` means today; the API reports auto chunking in this form."""
AFTER_APPLY = "(known after apply)"
"""Shown where a value exists only once apply has created the resource."""


# --- request bodies (shared with the writer) -------------------------------------------


def assistant_body(a: DesiredAssistant, stack: str) -> dict[str, JSON]:
    """The create/modify body for an assistant, without ``tool_resources`` (ids are known
    only at apply; the writer adds them). Omitted manifest fields carry the API default."""
    body: dict[str, JSON] = {
        "model": a.model,
        "name": a.display_name,
        "description": a.description,
        "instructions": a.instructions,
        "tools": [dict(t) for t in a.tools],
        "metadata": {**a.metadata, **ownership_metadata(stack, a.address)},
        "temperature": DEFAULT_TEMPERATURE if a.temperature is None else float(a.temperature),
        "top_p": DEFAULT_TOP_P if a.top_p is None else float(a.top_p),
        "response_format": DEFAULT_RESPONSE_FORMAT if a.response_format is None else a.response_format,
        # null on modify clears a value set earlier; on create the writer leaves None fields out
        "reasoning_effort": a.reasoning_effort,
    }
    return body


def vector_store_body(v: DesiredVectorStore, stack: str) -> dict[str, JSON]:
    """The create/modify body for a vector store (``expires_after`` None clears it)."""
    return {
        "name": v.display_name,
        "metadata": {**v.metadata, **ownership_metadata(stack, v.address)},
        "expires_after": v.expires_after,
    }


def attachment_attributes(f: LocalFile, stack: str) -> dict[str, JSON]:
    """The attributes sent when attaching ``f``: the user's plus the three reserved ones."""
    return {**f.attributes, ATTR_STACK: stack, ATTR_PATH: f.path, ATTR_SHA256: f.sha256}


def chunking_request(v: DesiredVectorStore) -> dict[str, JSON] | None:
    """The ``chunking_strategy`` to send when attaching files to ``v`` (None = auto)."""
    return None if v.chunking_strategy is None else dict(v.chunking_strategy)


# --- canonical values ------------------------------------------------------------------


def canonical(value: JSON) -> JSON:
    """Key-sorted copy with integral floats as ints (``1.0`` and ``1`` compare and print alike)."""
    if isinstance(value, Mapping):
        return {str(k): canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _float(value: JSON, default: float) -> float:
    return default if value is None else float(value)


def user_metadata(metadata: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Metadata without the reserved ownership keys."""
    return {k: v for k, v in (metadata or {}).items() if k not in RESERVED_METADATA_KEYS}


def user_attributes(attributes: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Vector-store-file attributes without the reserved keys."""
    return canonical({k: v for k, v in (attributes or {}).items() if k not in RESERVED_ATTRIBUTE_KEYS})  # type: ignore[no-any-return]


def chunking_form(strategy: JSON | None) -> JSON:
    """A chunking strategy with ``auto`` (or absent) spelled as the static 800/400 it means."""
    if strategy is None or (isinstance(strategy, Mapping) and strategy.get("type") == "auto"):
        return canonical(AUTO_CHUNKING)
    return canonical(strategy)


def _drop_none(d: Mapping[str, JSON]) -> dict[str, JSON]:
    return {k: v for k, v in d.items() if v is not None}


def _default_max_results(model: str) -> int:
    return 5 if model.startswith("gpt-3.5") else 20


def tool_form(tool: Mapping[str, JSON], model: str) -> JSON:
    """One tool with server defaults removed: function ``strict`` false and ``parameters``
    ``{}``; file-search overrides equal to their defaults (auto ranker, threshold 0,
    the model's default ``max_num_results``)."""
    kind = tool.get("type")
    if kind == "function":
        fn = _drop_none(dict(tool.get("function") or {}))
        fn["strict"] = bool(fn.get("strict", False))
        fn["parameters"] = fn.get("parameters") or {}
        return canonical({"type": "function", "function": fn})
    if kind == "file_search":
        fs = _drop_none(dict(tool.get("file_search") or {}))
        ranking = fs.get("ranking_options")
        if isinstance(ranking, Mapping):
            ranking = _drop_none(ranking)
            if ranking.get("ranker", "auto") == "auto" and not ranking.get("score_threshold"):
                fs.pop("ranking_options")
            else:
                fs["ranking_options"] = {"ranker": "auto", **ranking}
        if fs.get("max_num_results") == _default_max_results(model):
            fs.pop("max_num_results")
        return canonical({"type": "file_search", "file_search": fs} if fs else {"type": "file_search"})
    return canonical(_drop_none(tool))


def response_format_form(value: JSON) -> JSON:
    """``None`` → ``"auto"``; json_schema ``strict`` defaults to false."""
    if value is None:
        return DEFAULT_RESPONSE_FORMAT
    if isinstance(value, Mapping) and value.get("type") == "json_schema":
        js = _drop_none(dict(value.get("json_schema") or {}))
        js["strict"] = bool(js.get("strict", False))
        return canonical({"type": "json_schema", "json_schema": js})
    return canonical(value)


def file_label(sha256: str, basename: str) -> str:
    """How a File is named in a plan: by content, never by id."""
    return f"{basename} (sha256:{sha256[:16]})"


# --- assistant forms -------------------------------------------------------------------


def _assistant_core(body: Mapping[str, JSON]) -> dict[str, JSON]:
    model = str(body.get("model") or "")
    form: dict[str, JSON] = {
        "model": model,
        "name": body.get("name"),
        "description": body.get("description"),
        "instructions": body.get("instructions"),
        "tools": [tool_form(t, model) for t in body.get("tools") or []],
        "metadata": canonical(user_metadata(body.get("metadata"))),
        "temperature": _float(body.get("temperature"), DEFAULT_TEMPERATURE),
        "top_p": _float(body.get("top_p"), DEFAULT_TOP_P),
        "response_format": response_format_form(body.get("response_format")),
    }
    return form


def desired_assistant_form(
    a: DesiredAssistant, stack: str, *, new_stores: frozenset[str] = frozenset()
) -> dict[str, JSON]:
    """The compared form of a desired assistant. ``new_stores`` are vector-store addresses
    that apply creates or replaces: a reference to one changes the live id."""
    form = _assistant_core(assistant_body(a, stack))
    if a.reasoning_effort is not None:
        form["reasoning_effort"] = a.reasoning_effort
    resources: dict[str, JSON] = {}
    if a.code_interpreter_files:
        labels = sorted({file_label(f.sha256, f.basename) for f in a.code_interpreter_files})
        resources["code_interpreter"] = {"files": labels}
    if a.vector_store is not None:
        address = f"vector_store.{a.vector_store}"
        ref = f"{address} {AFTER_APPLY}" if address in new_stores else address
        resources["file_search"] = {"vector_store": ref}
    form["tool_resources"] = resources
    return form


def live_assistant_form(
    raw: Mapping[str, JSON], live: LiveState, *, desired: DesiredAssistant | None
) -> JSON:
    """The compared form of a live assistant object (as the API returned it).

    ``reasoning_effort`` is not in the object schema: when the API does not report it, it is
    taken to be what the manifest says (it cannot be compared); when the API reports a value
    the manifest no longer sets, the plan clears it.
    """
    form = _assistant_core(raw)
    if desired is not None and desired.reasoning_effort is not None:
        form["reasoning_effort"] = raw.get("reasoning_effort", desired.reasoning_effort)
    elif raw.get("reasoning_effort") is not None:
        form["reasoning_effort"] = raw["reasoning_effort"]
    form["tool_resources"] = _live_tool_resources(raw.get("tool_resources"), live)
    return form


def _live_tool_resources(value: JSON, live: LiveState) -> dict[str, JSON]:
    resources: dict[str, JSON] = {}
    if not isinstance(value, Mapping):
        return resources
    ci = value.get("code_interpreter") or {}
    ids = list(ci.get("file_ids") or []) if isinstance(ci, Mapping) else []
    if ids:
        labels = set()
        for fid in ids:
            lf = live.files.get(fid)
            labels.add(file_label(lf.sha256, lf.basename) if lf else f"{fid} (not uploaded by this stack)")
        resources["code_interpreter"] = {"files": sorted(labels)}
    fs = value.get("file_search") or {}
    vs_ids = list(fs.get("vector_store_ids") or []) if isinstance(fs, Mapping) else []
    if vs_ids:
        by_id = {v.id: v.name for v in live.vector_stores.values()}
        refs = [
            f"vector_store.{by_id[i]}" if i in by_id else f"{i} (not managed by this stack)" for i in vs_ids
        ]
        resources["file_search"] = {"vector_store": refs[0] if len(refs) == 1 else refs}
    return resources


# --- vector store forms ----------------------------------------------------------------


def desired_vector_store_form(v: DesiredVectorStore, stack: str) -> dict[str, JSON]:
    """The compared form of a desired vector store (its files are compared separately)."""
    body = vector_store_body(v, stack)
    return {
        "name": body["name"],
        "metadata": canonical(user_metadata(body["metadata"])),
        "expires_after": canonical(body["expires_after"]),
    }


def live_vector_store_form(raw: Mapping[str, JSON]) -> dict[str, JSON]:
    """The compared form of a live vector store object."""
    return {
        "name": raw.get("name"),
        "metadata": canonical(user_metadata(raw.get("metadata"))),
        "expires_after": canonical(raw.get("expires_after")),
    }


# --- fingerprints of what was read -----------------------------------------------------

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
