"""The live model: what the API holds for this stack, as read by ``asstctl.remote``.

Records keep the raw API object (``raw``, a plain dict as the API returned it) so the
differ can normalize it and a saved plan can fingerprint it. Only resources tagged with
this stack appear here; everything else on the account is invisible to asstctl.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = Any


def fingerprint(raw: JSON) -> str:
    """A stable hash of one raw API object, for saved-plan staleness checks."""
    return hashlib.sha256(json.dumps(raw, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class LiveFile:
    """An uploaded File object owned by the stack (recognised by its filename)."""

    id: str
    filename: str
    sha256: str
    basename: str
    bytes: int
    created_at: int


@dataclass(frozen=True)
class LiveAttachment:
    """A vector-store file: a File attached to one of the stack's vector stores."""

    file_id: str
    status: str
    path: str | None
    """``asstctl_path`` attribute (None if the attachment was not made by asstctl)."""
    sha256: str | None
    """``asstctl_sha256`` attribute."""
    attributes: Mapping[str, Any]
    """User attributes only (reserved keys removed)."""
    chunking_strategy: JSON | None
    last_error: JSON | None
    raw: JSON


@dataclass(frozen=True)
class LiveVectorStore:
    id: str
    name: str
    """The manifest name taken from the address in metadata (``vector_store.<name>``)."""
    raw: JSON
    attachments: tuple[LiveAttachment, ...] = ()


@dataclass(frozen=True)
class LiveAssistant:
    id: str
    name: str
    """The manifest name taken from the address in metadata (``assistant.<name>``)."""
    raw: JSON


@dataclass(frozen=True)
class LiveState:
    """Everything the stack owns on the endpoint, read with list calls only."""

    stack: str
    assistants: Mapping[str, LiveAssistant]
    vector_stores: Mapping[str, LiveVectorStore]
    files: Mapping[str, LiveFile]
    """By file id: every File whose filename marks it as this stack's."""
    assistants_supported: bool = True
    """False when the endpoint answers 404 on /v1/assistants."""
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    """Object id -> :func:`fingerprint` of every live object read."""
