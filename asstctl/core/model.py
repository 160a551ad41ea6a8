"""The desired model: what the manifests ask for, as typed, frozen records.

Produced by ``asstctl.manifest.load_project`` after the whole input has been validated;
consumed by the differ and the executor. Nothing downstream ever sees raw YAML.
Each kind's own record lives with its kind (``asstctl.kinds.<kind>``); this module holds what
every kind shares: locations, local files, and the project that holds them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

JSON = Any
"""A JSON-compatible value (dict, list, str, int, float, bool or None)."""

AttributeValue = str | float | bool

if TYPE_CHECKING:
    from asstctl.kinds.assistant.model import DesiredAssistant
    from asstctl.kinds.vector_store.model import DesiredVectorStore


@dataclass(frozen=True)
class Location:
    """Where a record was declared: path relative to the project root, 1-based line/col."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file


@dataclass(frozen=True)
class LocalFile:
    """A file on disk that the stack uploads, identified by its content."""

    path: str
    """POSIX path relative to the project root; recorded on the attachment."""
    abspath: Path
    sha256: str
    """Hex sha256 of the bytes, computed by streaming the file."""
    size: int
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    """User attributes for the vector-store file (reserved keys excluded)."""

    @property
    def basename(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, init=False)
class Project:
    """A validated project: its settings and every desired resource, by kind."""

    root: Path
    stack: str
    base_url: str | None
    fingerprint: str
    """sha256 over every manifest's bytes and every referenced file's hash; a saved
    plan records it to detect that inputs changed since the plan was made."""
    resources: Mapping[str, tuple[Any, ...]]
    """Kind name (``assistant``, ``vector_store``, ``agent``) -> its desired records, by name."""
    settings: Mapping[str, Any]
    """Further ``asstctl.yaml`` settings (e.g. ``assistants_target``), by name."""
    environment: str | None
    """The environment loaded (``-e``); None: the top-level settings. ``stack`` is already its."""

    def __init__(
        self,
        root: Path,
        stack: str,
        base_url: str | None,
        assistants: tuple[DesiredAssistant, ...] = (),
        vector_stores: tuple[DesiredVectorStore, ...] = (),
        fingerprint: str = "",
        *,
        resources: Mapping[str, tuple[Any, ...]] | None = None,
        settings: Mapping[str, Any] | None = None,
        environment: str | None = None,
    ) -> None:
        merged: dict[str, tuple[Any, ...]] = dict(resources or {})
        if assistants:
            merged["assistant"] = tuple(assistants)
        if vector_stores:
            merged["vector_store"] = tuple(vector_stores)
        object.__setattr__(self, "root", root)
        object.__setattr__(self, "stack", stack)
        object.__setattr__(self, "base_url", base_url)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "resources", merged)
        object.__setattr__(self, "settings", dict(settings or {}))
        object.__setattr__(self, "environment", environment)

    def desired(self, kind: str) -> tuple[Any, ...]:
        """The desired records of ``kind`` (empty when the project declares none)."""
        return self.resources.get(kind, ())

    @property
    def assistants(self) -> tuple[DesiredAssistant, ...]:
        return self.desired("assistant")

    @property
    def vector_stores(self) -> tuple[DesiredVectorStore, ...]:
        return self.desired("vector_store")

    @property
    def all_files(self) -> tuple[LocalFile, ...]:
        """Every distinct local file the project uploads, by path."""
        from asstctl.kinds.registry import KINDS

        seen: dict[str, LocalFile] = {}
        for kind in KINDS:
            for record in self.desired(kind.name):
                for f in kind.local_files(record):
                    seen.setdefault(f.path, f)
        return tuple(seen[p] for p in sorted(seen))

    def addresses(self) -> list[str]:
        from asstctl.kinds.registry import KINDS

        return [r.address for kind in reversed(KINDS) for r in self.desired(kind.name)]


def __getattr__(name: str) -> Any:
    """Compatibility: the kind records used to live here."""
    if name == "DesiredAssistant":
        from asstctl.kinds.assistant.model import DesiredAssistant

        return DesiredAssistant
    if name == "DesiredVectorStore":
        from asstctl.kinds.vector_store.model import DesiredVectorStore

        return DesiredVectorStore
    raise AttributeError(name)
