"""Canonical values shared by every kind's normalized forms.

Each kind builds the two sides of its diff in its own ``forms`` module
(``asstctl.kinds.<kind>.forms``): server-filled defaults made explicit, ``None`` dropped where
the API treats it as absent, reserved ownership keys removed, ids replaced by names and
content. The helpers they share are here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asstctl.core.managed import KEYS
from asstctl.core.ownership import RESERVED_ATTRIBUTE_KEYS, RESERVED_METADATA_KEYS

JSON = Any

AFTER_APPLY = "(known after apply)"
"""Shown where a value exists only once apply has created the resource."""


def canonical(value: JSON) -> JSON:
    """Key-sorted copy with integral floats as ints (``1.0`` and ``1`` compare and print alike)."""
    if isinstance(value, Mapping):
        return {str(k): canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def drop_none(d: Mapping[str, JSON]) -> dict[str, JSON]:
    """``d`` without the keys whose value is ``None``."""
    return {k: v for k, v in d.items() if v is not None}


def user_metadata(metadata: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Metadata without the reserved ownership keys (nor ``asstctl_keys``: ``core.managed``)."""
    return {k: v for k, v in (metadata or {}).items() if k not in RESERVED_METADATA_KEYS and k != KEYS}


def user_attributes(attributes: Mapping[str, JSON] | None) -> dict[str, JSON]:
    """Vector-store-file attributes without the reserved keys (nor ``asstctl_keys``)."""
    kept = {k: v for k, v in (attributes or {}).items() if k not in RESERVED_ATTRIBUTE_KEYS and k != KEYS}
    return canonical(kept)  # type: ignore[no-any-return]


def file_label(sha256: str, basename: str) -> str:
    """How a File is named in a plan: by content, never by id."""
    return f"{basename} (sha256:{sha256[:16]})"


_MOVED = {
    "asstctl.kinds.assistant.forms": (
        "assistant_body",
        "tool_form",
        "response_format_form",
        "desired_assistant_form",
        "live_assistant_form",
        "DEFAULT_TEMPERATURE",
        "DEFAULT_TOP_P",
        "DEFAULT_RESPONSE_FORMAT",
    ),
    "asstctl.kinds.vector_store.forms": (
        "vector_store_body",
        "attachment_attributes",
        "chunking_request",
        "chunking_form",
        "desired_vector_store_form",
        "live_vector_store_form",
        "stable_vector_store",
        "stable_attachment",
        "AUTO_CHUNKING",
    ),
}


def __getattr__(name: str) -> Any:
    """Compatibility: the kind-specific forms moved to their kinds."""
    import importlib

    for module, names in _MOVED.items():
        if name in names:
            return getattr(importlib.import_module(module), name)
    raise AttributeError(name)
