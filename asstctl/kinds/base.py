"""The interface every kind implements, and what the generic machinery hands it.

Like a Terraform provider's resource: a kind answers *what* (its desired record, its live
read, its normalized form, its diff, its steps); the differ, the apply graph and the
renderers decide *when* and *how many*, for every kind alike.

Normalized forms (a kind's ``forms.py``; ``ResourceChange.before``/``after``) are what every
plan view shows, so they speak the manifest's language (reviewers read them, not the API):

- keys are the manifest's field names: ``display_name``, not the API's ``name``;
- a list whose items have an identity (tools) is a mapping by identity plus its order:
  ``**keyed_form("tools", tools)`` from ``asstctl.core.keyed`` gives ``tools`` (function
  name / tool type -> fields) and ``tool_order``, so one edited function is one line under its
  name and a reorder one ``tool_order`` line. Lists of plain values change as a whole; lists
  of objects would be diffed index by index: key them;
- a create shows the form's every non-empty field, so put there what the manifest sets
  (``chunking_strategy`` included), with API defaults spelled out on both sides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from asstctl.core.live import LiveObject, LiveState, UsersListing
from asstctl.core.model import LocalFile, Project
from asstctl.core.plan import ResourceChange

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder
    from asstctl.manifest.yaml_loader import YamlDocument
    from asstctl.progress import Reporter
    from asstctl.remote.writer import Writer

JSON = Any


class Lister(Protocol):
    """The read half of the remote layer, as a kind sees it: paginated list calls in parallel."""

    stack: str
    base_url: str

    def list_all(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None
    ) -> Future[list[JSON]]:
        """Every object of a cursor-paginated list, fetched in the background."""
        ...

    def list_or_none(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None
    ) -> Future[list[JSON] | None]:
        """As :meth:`list`, but ``None`` when the endpoint answers 404 (it lacks the API)."""
        ...

    def list_or_status(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None, absent: Collection[int]
    ) -> Future[list[JSON] | int]:
        """As :meth:`list`, but the HTTP status when the endpoint answers one of ``absent``
        (404: it lacks the API; 403: the key may not read it), for a kind to decide whether
        that matters; any other error is raised as usual."""
        ...

    def files(self) -> Future[list[JSON]]:
        """The one listing of Files (purpose ``assistants``) every read makes, shared: a kind
        that keeps records as Files reads them here and never lists ``/files`` itself."""
        ...


@dataclass(frozen=True)
class Fetched:
    """What a kind read: its owned objects by name, their fingerprints, remarks for the plan."""

    objects: Mapping[str, LiveObject]
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    supported: bool = True
    """False when the endpoint does not serve this kind's API at all."""
    target: str | None = None
    """How this kind is deployed on this endpoint, for a kind with a choice (an assistant:
    ``api`` or ``responses``); carried to diff and apply as ``LiveState.targets``."""
    file_users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """File id -> objects of this kind the stack does not own that use it (``assistant asst_1``):
    such a File is kept, never deleted. Read from the listing the kind makes anyway."""
    unread_users: tuple[UsersListing, ...] = ()
    """Listings naming more such users, read only if a File is about to be deleted."""


@dataclass
class DiffContext:
    """What a kind's diff may consult besides its own desired and live records."""

    stack: str
    live: LiveState
    project: Project
    destroy: bool
    replaced: set[str] = field(default_factory=set)
    """Addresses planned for create or replace so far (a reference to one changes its id)."""
    read_content: Callable[[str], bytes | None] | None = None
    """The content of one of the stack's Files by id (None: refused or gone), to show what a
    changed record held; None when the plan is built offline."""


@dataclass(frozen=True)
class Step:
    """One unit of apply work. ``run`` returns the line to report when it succeeds."""

    key: str
    run: Callable[[], str]
    deps: tuple[str, ...] = ()
    quiet: bool = False
    """Not reported line by line (uploads: the progress bar counts them)."""


class ApplyContext(Protocol):
    """What a kind's apply steps share with the run: ids learned so far, Files, the writer."""

    stack: str
    writer: Writer
    reporter: Reporter
    live: LiveState
    stop: threading.Event
    lock: threading.Lock

    def id_of(self, address: str) -> str | None:
        """The live id of ``address`` (known before apply, or created by an earlier step)."""
        ...

    def set_id(self, address: str, obj_id: str) -> None: ...

    def file_id(self, f: LocalFile) -> str:
        """The File that serves ``f`` (chosen by the plan, or uploaded by this apply)."""
        ...

    def uploads_of(self, files: Iterable[LocalFile]) -> tuple[str, ...]:
        """The upload steps that must finish before ``files`` can be referenced."""
        ...

    def main_step(self, address: str) -> str | None:
        """The key of the step creating/updating ``address`` in this apply, if any."""
        ...

    def ingestion_failed(self, failures: Sequence[IngestionFailure]) -> None: ...


class Kind(Protocol):
    """One kind of resource. Implementations are stateless singletons in the registry."""

    name: str
    """Address prefix and plan ``kind`` (``assistant``)."""
    manifest_kind: str
    """The manifest ``kind:`` value (``Assistant``)."""

    def build(self, builder: Builder, doc: YamlDocument) -> list[Any]:
        """Desired records from one schema-valid manifest document (any kind: an assistant
        may bring its inline vector store). Problems go to ``builder`` as diagnostics."""
        ...

    def fetch(self, lister: Lister, project: Project, *, destroy: bool) -> Callable[[], Fetched]:
        """Start the list calls for this kind; the returned thunk waits and interprets them."""
        ...

    def dependencies(self, desired: Any) -> tuple[str, ...]:
        """Addresses that must exist before ``desired`` can be created."""
        ...

    def diff(self, desired: Any, live: LiveObject | None, ctx: DiffContext) -> ResourceChange:
        """The change making ``live`` (None: absent) match ``desired``: ``before``/``after``
        are the normalized forms (manifest labels, keyed tools: see the module docstring)."""
        ...

    def delete(self, live: LiveObject, reason: str, desired: Any | None, ctx: DiffContext) -> ResourceChange:
        """The change deleting ``live``."""
        ...

    def local_files(self, desired: Any) -> tuple[LocalFile, ...]:
        """Local files this record uploads."""
        ...

    def needs_content(self, desired: Any, change: ResourceChange) -> set[str]:
        """Paths of ``local_files`` whose bytes the change sends (upload when no File has them)."""
        ...

    def kept_file_ids(self, change: ResourceChange, live: LiveObject | None) -> set[str]:
        """Ids of Files this resource keeps using without apply touching them."""
        ...

    def live_file_ids(self, live: LiveObject) -> set[str]:
        """Ids of Files the live object references now."""
        ...

    def live_references(self, live: LiveObject, state: LiveState) -> set[str]:
        """Addresses of the stack's other objects the live object references now."""
        ...

    def steps(self, change: ResourceChange, desired: Any | None, ctx: ApplyContext) -> list[Step]:
        """The apply steps for one change (keys start with the change's address)."""
        ...


class ObjectAPI(Protocol):
    """One-object reads and idempotent writes by API path, for the commands that change what an
    object claims (``import``, ``forget``, ``moved``, ambiguity recovery) — never for apply's
    resource writes, which go through the :class:`~asstctl.remote.writer.Writer`. Errors are
    :class:`~asstctl.errors.AsstctlError` lines naming ``what``."""

    stack: str

    def get(self, what: str, path: str, *, beta: str | None) -> JSON | None:
        """The object at ``path`` (None: the endpoint answers 404)."""
        ...

    def list_all(self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None) -> list[JSON]:
        """Every object of a cursor-paginated list."""
        ...

    def post(self, what: str, path: str, body: Mapping[str, Any], *, beta: str | None) -> JSON:
        """An idempotent modification (metadata, attributes)."""
        ...

    def delete(self, what: str, path: str, *, beta: str | None) -> None:
        """Delete the object at ``path`` (already gone counts as done)."""
        ...


@dataclass(frozen=True)
class TagWrite:
    """One planned write changing what a live object claims. ``description`` is what
    ``--dry-run`` and the prompts show; nothing is sent until ``run`` is called."""

    description: str
    run: Callable[[], None]


@dataclass(frozen=True)
class Retagging:
    """What re-tagging one live object takes: its writes, and remarks for the user (e.g. which
    attached files were claimed, and which the next apply uploads again)."""

    writes: tuple[TagWrite, ...]
    notes: tuple[str, ...] = ()


@runtime_checkable
class Adoptable(Protocol):
    """The per-kind hooks behind ``asstctl import``, ``forget``, ``moved:`` and ambiguity recovery.

    Every kind should implement them (the commands refuse a kind that does not, naming it).
    A kind whose ownership tags live in ``metadata`` builds its object write with
    :func:`asstctl.core.ownership.retagged_metadata` (user metadata kept, reserved keys
    replaced or removed, the API's 16-key limit checked); children carrying tags of their own
    (a vector store's file attachments) are re-tagged in the same :class:`Retagging`.
    """

    name: str

    def retrieve(self, api: ObjectAPI, obj_id: str) -> JSON | None:
        """The raw live object ``obj_id`` of this kind, as a list call returns it (None: this
        endpoint has no such object of this kind, or does not serve the kind at all)."""
        ...

    def retag(
        self, api: ObjectAPI, raw: JSON, tags: Mapping[str, str] | None, desired: Any | None
    ) -> Retagging:
        """The writes that make live object ``raw`` carry the ownership ``tags``
        (:func:`~asstctl.core.ownership.ownership_metadata`; None: no tags at all — ``forget``),
        touching nothing else. ``desired`` is the declared record when adopting (``import``):
        then children are claimed where they match it (a vector store claims each attached File
        whose name and size match a declared file, tagging the attachment with that file's path
        and sha256) and the notes say what the next apply does about the rest. With ``desired``
        None (``moved``, ``forget``) only the object itself and, for ``forget``, its children's
        tags change. Reads may happen here; writes only in the returned ``TagWrite.run``."""
        ...

    def remove(self, api: ObjectAPI, raw: JSON) -> None:
        """Delete live object ``raw`` (one claimant of an ambiguous address). Files it uses stay."""
        ...


@dataclass(frozen=True)
class IngestionFailure:
    """A file attached to a vector store that the API could not ingest."""

    address: str
    path: str
    file_id: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.address}: {self.path} ({self.file_id}): {self.code}: {self.message}"
