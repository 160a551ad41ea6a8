"""The desired record of a vector store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asstctl.core.model import JSON, LocalFile, Location


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
