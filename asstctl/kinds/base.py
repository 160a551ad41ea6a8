"""The interface every kind implements, and what the generic machinery hands it.

Like a Terraform provider's resource: a kind answers *what* (its desired record, its live
read, its normalized form, its diff, its steps); the differ, the apply graph and the
renderers decide *when* and *how many*, for every kind alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from asstctl.core.live import LiveObject, LiveState
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


@dataclass(frozen=True)
class Fetched:
    """What a kind read: its owned objects by name, their fingerprints, remarks for the plan."""

    objects: Mapping[str, LiveObject]
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    supported: bool = True
    """False when the endpoint does not serve this kind's API at all."""


@dataclass
class DiffContext:
    """What a kind's diff may consult besides its own desired and live records."""

    stack: str
    live: LiveState
    project: Project
    destroy: bool
    replaced: set[str] = field(default_factory=set)
    """Addresses planned for create or replace so far (a reference to one changes its id)."""


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
        """The change making ``live`` (None: absent) match ``desired``."""
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
