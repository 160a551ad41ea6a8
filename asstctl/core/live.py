"""The live model: what the API holds for this stack, as read by ``asstctl.remote``.

Records keep the raw API object (``raw``, a plain dict as the API returned it) so the
differ can normalize it and a saved plan can fingerprint it. Only resources tagged with
this stack appear here; everything else on the account is invisible to asstctl.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

JSON = Any


def fingerprint(raw: JSON) -> str:
    """A stable hash of one raw API object, for saved-plan staleness checks."""
    return hashlib.sha256(json.dumps(raw, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class LazyPrints(Mapping[str, str]):
    """Fingerprints computed on first use: only saved plans need them (writing or checking one),
    and hashing every object read costs about as much as reading it (0.3 s at 16,000 files)."""

    def __init__(self, *sources: Callable[[], Mapping[str, str]] | Mapping[str, str]) -> None:
        self._sources = sources
        self._data: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._data is None:
            data: dict[str, str] = {}
            for source in self._sources:
                data.update(source() if callable(source) else source)
            self._data, self._sources = data, ()
        return self._data

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


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
class LiveObject:
    """One live object the stack owns (an assistant, an agent, ...)."""

    id: str
    name: str
    """The manifest name taken from the address in metadata (``<kind>.<name>``)."""
    raw: JSON


LiveAssistant = LiveObject


@dataclass(frozen=True)
class LiveVectorStore(LiveObject):
    attachments: tuple[LiveAttachment, ...] = ()


@dataclass(frozen=True)
class UsersListing:
    """A listing, read only when one of the stack's Files is about to be deleted, of the Files
    an object the stack does not own uses (an unmanaged vector store's attachments)."""

    user: str
    """The object, as a plan note names it (``vector store vs_123``)."""
    path: str
    beta: str | None = None


@dataclass(frozen=True, init=False)
class LiveState:
    """Everything the stack owns on the endpoint, read with list calls only."""

    stack: str
    resources: Mapping[str, Mapping[str, LiveObject]]
    """Kind name -> manifest name -> live object."""
    files: Mapping[str, LiveFile]
    """By file id: every File whose filename marks it as this stack's."""
    assistants_supported: bool
    """False when the endpoint answers 404 on /v1/assistants."""
    fingerprints: Mapping[str, str]
    """Object id -> :func:`fingerprint` of every live object read."""
    notes: tuple[str, ...]
    """One-line remarks about what was read (e.g. the deploy target chosen)."""
    targets: Mapping[str, str]
    """Kind name -> how it is deployed here, for kinds with a choice (``assistant``: ``api``
    or ``responses``); absent means the kind's only way."""
    file_users: Mapping[str, tuple[str, ...]]
    """File id -> the objects this stack does not own that use it (never deleted while they do)."""
    unread_users: tuple[UsersListing, ...]
    """Listings of further such users, read only when a File would be deleted
    (:func:`asstctl.remote.reader.read_file_users`)."""

    def __init__(
        self,
        stack: str,
        assistants: Mapping[str, LiveObject] | None = None,
        vector_stores: Mapping[str, LiveVectorStore] | None = None,
        files: Mapping[str, LiveFile] | None = None,
        assistants_supported: bool = True,
        fingerprints: Mapping[str, str] | None = None,
        *,
        resources: Mapping[str, Mapping[str, LiveObject]] | None = None,
        notes: tuple[str, ...] = (),
        targets: Mapping[str, str] | None = None,
        file_users: Mapping[str, tuple[str, ...]] | None = None,
        unread_users: tuple[UsersListing, ...] = (),
    ) -> None:
        merged: dict[str, Mapping[str, LiveObject]] = dict(resources or {})
        if assistants:
            merged["assistant"] = dict(assistants)
        if vector_stores:
            merged["vector_store"] = dict(vector_stores)
        object.__setattr__(self, "stack", stack)
        object.__setattr__(self, "resources", merged)
        object.__setattr__(self, "files", dict(files or {}))
        object.__setattr__(self, "assistants_supported", assistants_supported)
        prints = fingerprints if isinstance(fingerprints, LazyPrints) else dict(fingerprints or {})
        object.__setattr__(self, "fingerprints", prints)
        object.__setattr__(self, "notes", notes)
        object.__setattr__(self, "targets", dict(targets or {}))
        object.__setattr__(self, "file_users", dict(file_users or {}))
        object.__setattr__(self, "unread_users", unread_users)

    def target(self, kind: str) -> str | None:
        """How ``kind`` is deployed on this endpoint (None: its only way)."""
        return self.targets.get(kind)

    def of(self, kind: str) -> Mapping[str, LiveObject]:
        """The live objects of ``kind`` by manifest name."""
        return self.resources.get(kind, {})

    @property
    def assistants(self) -> Mapping[str, LiveObject]:
        return self.of("assistant")

    @property
    def vector_stores(self) -> Mapping[str, LiveVectorStore]:
        return self.of("vector_store")  # type: ignore[return-value]

    def address_of_id(self, obj_id: str) -> str | None:
        """The address of the live object with id ``obj_id`` (None if the stack has none)."""
        for kind, objs in self.resources.items():
            for obj in objs.values():
                if obj.id == obj_id:
                    return f"{kind}.{obj.name}"
        return None
