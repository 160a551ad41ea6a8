"""The desired model: what the manifests ask for, as typed, frozen records.

Produced by ``asstctl.manifest.load_project`` after the whole input has been validated;
consumed by the differ and the executor. Nothing downstream ever sees raw YAML.
All API-shaped values (tools, response_format, chunking_strategy, expires_after) are
already in the API's request form, so the differ compares like with like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSON = Any
"""A JSON-compatible value (dict, list, str, int, float, bool or None)."""

AttributeValue = str | float | bool


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


@dataclass(frozen=True)
class DesiredVectorStore:
    """A ``VectorStore`` document (or an assistant's inline store, hoisted)."""

    name: str
    display_name: str
    """The API ``name``; defaults to ``name``."""
    files: tuple[LocalFile, ...]
    """Sorted by path; each path appears once."""
    chunking_strategy: JSON | None
    """API request form, e.g. ``{"type": "static", "static": {...}}``; None means auto."""
    expires_after: JSON | None
    """``{"anchor": "last_active_at", "days": N}`` or None."""
    metadata: Mapping[str, str]
    """User metadata (reserved ownership keys are added by the remote layer)."""
    prevent_destroy: bool
    location: Location

    @property
    def address(self) -> str:
        return f"vector_store.{self.name}"


@dataclass(frozen=True)
class DesiredAssistant:
    """An ``Assistant`` document."""

    name: str
    display_name: str
    model: str
    description: str | None
    instructions: str | None
    """Resolved text (``instructions_file`` already read)."""
    temperature: float | None
    top_p: float | None
    reasoning_effort: str | None
    response_format: JSON | None
    metadata: Mapping[str, str]
    tools: tuple[JSON, ...]
    """API form: ``{"type": "function", "function": {...}}``, ``{"type": "code_interpreter"}``,
    ``{"type": "file_search", "file_search": {...}}`` (``file_search`` omitted if empty)."""
    code_interpreter_files: tuple[LocalFile, ...]
    vector_store: str | None
    """Name of the DesiredVectorStore for file search (inline stores are named
    ``<assistant>.files``), or None."""
    prevent_destroy: bool
    location: Location

    @property
    def address(self) -> str:
        return f"assistant.{self.name}"


@dataclass(frozen=True)
class Project:
    """A validated project: its settings and every desired resource."""

    root: Path
    stack: str
    base_url: str | None
    assistants: tuple[DesiredAssistant, ...]
    vector_stores: tuple[DesiredVectorStore, ...]
    fingerprint: str
    """sha256 over every manifest's bytes and every referenced file's hash; a saved
    plan records it to detect that inputs changed since the plan was made."""

    @property
    def all_files(self) -> tuple[LocalFile, ...]:
        """Every distinct local file the project uploads, by path."""
        seen: dict[str, LocalFile] = {}
        for vs in self.vector_stores:
            for f in vs.files:
                seen.setdefault(f.path, f)
        for a in self.assistants:
            for f in a.code_interpreter_files:
                seen.setdefault(f.path, f)
        return tuple(seen[p] for p in sorted(seen))

    def addresses(self) -> list[str]:
        return [a.address for a in self.assistants] + [v.address for v in self.vector_stores]
