"""Plan types only: what would change, and why. Built by the differ, rendered by
``asstctl.render``, carried out by ``asstctl.executor``.

``reason`` fields explain to humans; they must not drive decisions during apply.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = Any

FORMAT_VERSION = "1.0"


class Action(enum.Enum):
    """What happens to one resource. ``value`` is the JSON ``actions`` list."""

    NOOP = ("no-op",)
    CREATE = ("create",)
    UPDATE = ("update",)
    REPLACE = ("delete", "create")
    DELETE = ("delete",)

    @property
    def is_change(self) -> bool:
        return self is not Action.NOOP


class FileAction(enum.Enum):
    """What happens to one file attached to a vector store."""

    NOOP = "no-op"
    ATTACH = "attach"
    """Not attached yet: upload if needed, then attach."""
    REPLACE = "replace"
    """Content changed: upload the new bytes, attach them, detach and delete the old File."""
    UPDATE_ATTRIBUTES = "update-attributes"
    """Only attributes changed: updated in place."""
    REATTACH = "reattach"
    """Chunking strategy changed: detach and attach again with the new strategy."""
    DETACH = "detach"
    """No longer in the manifest: detach (the File is deleted if nothing else uses it)."""


@dataclass(frozen=True)
class AttributeChange:
    """One changed field, by path (e.g. ``instructions``, ``tools[0].function.parameters``)."""

    path: str
    before: JSON
    after: JSON
    forces_replacement: bool = False


@dataclass(frozen=True)
class FileChange:
    """One file of a vector store, by its path in the project."""

    path: str
    action: FileAction
    reason: str | None = None
    file_id: str | None = None
    """The currently attached File id (None when attaching)."""
    sha256_before: str | None = None
    sha256_after: str | None = None
    attributes_before: JSON = None
    attributes_after: JSON = None


@dataclass(frozen=True)
class ResourceChange:
    """The planned action on one address.

    ``before`` is None for create; ``after`` is None for delete. Both are the
    normalized forms the differ compared (so a renderer shows exactly what differs).
    """

    address: str
    kind: str
    """``assistant`` or ``vector_store``."""
    name: str
    action: Action
    reason: str | None = None
    id: str | None = None
    before: JSON = None
    after: JSON = None
    changes: tuple[AttributeChange, ...] = ()
    requires_replace: tuple[str, ...] = ()
    file_changes: tuple[FileChange, ...] = ()
    """Vector stores only: every file whose attachment changes (no-ops omitted)."""
    unchanged_files: int = 0
    prevent_destroy: bool = False
    """The manifest sets ``lifecycle.prevent_destroy``: apply must refuse a delete or replace."""


@dataclass(frozen=True)
class Moved:
    """A live object that keeps its id under a new address (``moved:`` in ``asstctl.yaml``):
    apply re-tags it; its other changes are planned under ``to``."""

    source: str
    """The address the object claims now (``assistant.old``)."""
    to: str
    id: str


@dataclass(frozen=True)
class OrphanFile:
    """An uploaded File nothing will use after apply, named for a reviewer."""

    id: str
    basename: str
    """The file's name when uploaded (``warranty.md``)."""
    sha256: str
    paths: tuple[str, ...] = ()
    """Project paths it was attached as (from its attachments' ``asstctl_path``), when known."""


@dataclass(frozen=True)
class Plan:
    """A complete plan for one stack. Rendered by several views; executed by apply."""

    stack: str
    changes: tuple[ResourceChange, ...]
    """Every address, in apply order (files/stores first, then assistants)."""
    uploads: tuple[str, ...] = ()
    """Project paths whose content must be uploaded (no live File has it)."""
    orphan_files: tuple[str, ...] = ()
    """Ids of the stack's File objects nothing will reference after apply."""
    orphan_details: tuple[OrphanFile, ...] = ()
    """``orphan_files`` by name and path, in the same order (for the views only)."""
    notes: tuple[str, ...] = ()
    """One-line remarks shown above the plan (e.g. the endpoint lacks the Assistants API)."""
    file_ids: dict[str, str] = field(default_factory=dict)
    """Project path -> the existing File id to attach or reference for it (paths listed in
    ``uploads`` are absent: apply uploads them first)."""
    destroy: bool = False
    environment: str | None = None
    """The environment of ``asstctl.yaml`` planned (``-e``); None: its top-level settings."""
    endpoint: str | None = None
    """The API the live state was read from, without credentials (``sandbox``: the local emulator)."""
    project_fingerprint: str = ""
    live_fingerprints: Mapping[str, str] = field(default_factory=dict)
    moves: tuple[Moved, ...] = ()
    """Objects re-tagged under a new address before anything else (``moved:``)."""

    @property
    def has_changes(self) -> bool:
        return bool(self.orphan_files or self.uploads or self.moves) or any(
            c.action.is_change for c in self.changes
        )

    def summary(self) -> dict[str, int]:
        add = sum(1 for c in self.changes if c.action in (Action.CREATE, Action.REPLACE))
        change = sum(1 for c in self.changes if c.action is Action.UPDATE)
        destroy = sum(1 for c in self.changes if c.action in (Action.DELETE, Action.REPLACE))
        return {"add": add, "change": change, "destroy": destroy}
