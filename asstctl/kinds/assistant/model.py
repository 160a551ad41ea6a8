"""The desired record of an assistant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asstctl.core.model import JSON, LocalFile, Location


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
    file_search_filters: JSON | None = None
    """``file_search.filters``: Responses API attribute filters (the Assistants API has none)."""

    @property
    def address(self) -> str:
        return f"assistant.{self.name}"

    @property
    def store_address(self) -> str | None:
        """The address of the vector store it searches, if any."""
        return f"vector_store.{self.vector_store}" if self.vector_store is not None else None
