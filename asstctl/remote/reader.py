"""Reading the live state: list calls only, in parallel, then a pure interpretation.

:func:`read_live` starts every kind's list calls (and the one listing of Files) at once and
collects what each kind made of its results into a :class:`~asstctl.core.live.LiveState`.
Cost of a read: ⌈V/100⌉ + Σ⌈F_v/100⌉ (owned stores only) + ⌈A/100⌉ + ⌈G/100⌉ + 1 requests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import openai

from asstctl.core.live import LazyPrints, LiveFile, LiveObject, LiveState, UsersListing, fingerprint
from asstctl.core.model import Project
from asstctl.core.ownership import parse_upload_filename
from asstctl.kinds.base import Fetched
from asstctl.kinds.registry import BY_NAME, KINDS
from asstctl.remote.errors import translate
from asstctl.remote.pool import DaemonPool
from asstctl.remote.rest import UnexpectedResponse, list_all

JSON = Any
T = TypeVar("T")

FILES_PAGE = 10_000
PARALLEL_LISTS = 32
SETTLE_S = 5.0
"""After a failed read, how long the other listings in flight may take to end."""
_VOLATILE_FILE = ("status", "status_details")


class _Lister:
    """The :class:`~asstctl.kinds.base.Lister` kinds read through: SDK list calls on a pool."""

    def __init__(self, client: openai.OpenAI, stack: str, pool: DaemonPool) -> None:
        self.client, self.stack, self.pool = client, stack, pool
        self.base_url = str(client.base_url).rstrip("/")
        self._files = self.list_all(
            "listing files", "/files", {"purpose": "assistants", "limit": FILES_PAGE}, beta=None
        )

    def files(self) -> Future[list[JSON]]:
        return self._files

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except openai.OpenAIError as exc:
            raise translate(exc, base_url=self.base_url, what=what) from None
        except UnexpectedResponse as exc:
            raise exc.during(what) from None

    def list_all(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None
    ) -> Future[list[JSON]]:
        return self.pool.submit(self._call, what, lambda: list_all(self.client, path, params, beta=beta))

    def list_or_none(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None
    ) -> Future[list[JSON] | None]:
        def run() -> list[JSON] | None:
            try:
                return list_all(self.client, path, params, beta=beta)
            except openai.NotFoundError:
                return None

        return self.pool.submit(self._call, what, run)

    def list_or_status(
        self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None, absent: Collection[int]
    ) -> Future[list[JSON] | int]:
        def run() -> list[JSON] | int:
            try:
                return list_all(self.client, path, params, beta=beta)
            except openai.APIStatusError as exc:
                if exc.status_code in absent:
                    return exc.status_code
                raise

        return self.pool.submit(self._call, what, run)


def read_live(
    client: openai.OpenAI,
    project: Project | str,
    *,
    destroy: bool = False,
) -> LiveState:
    """Everything ``project``'s stack owns at the client's endpoint. (``project`` may be a
    bare stack name: a project that declares nothing.)"""
    if isinstance(project, str):
        project = Project(Path("."), project, None)
    stack = project.stack
    with DaemonPool(PARALLEL_LISTS, name="asstctl-read") as pool:
        try:
            lister = _Lister(client, stack, pool)
            pending = [(kind.name, kind.fetch(lister, project, destroy=destroy)) for kind in KINDS]
            fetched = {name: result() for name, result in pending}
            files = lister.files().result()
        except Exception:  # one listing failed: let the others end before the client closes
            pool.abandon(timeout=SETTLE_S)
            raise
    return assemble(stack, fetched, files)


def content_reader(client: openai.OpenAI) -> Callable[[str], bytes | None]:
    """``GET /files/{id}/content`` for one File (a changed configuration record, to show what it
    held); None when the endpoint refuses (OpenAI does not serve the content of assistants Files)."""
    base_url = str(client.base_url).rstrip("/")

    def read(file_id: str) -> bytes | None:
        try:
            return client.files.content(file_id).read()
        except openai.APIStatusError:
            return None
        except openai.OpenAIError as exc:
            raise translate(exc, base_url=base_url, what=f"reading file {file_id}") from None

    return read


def assemble(stack: str, fetched: Mapping[str, Fetched], files: Sequence[Mapping[str, JSON]]) -> LiveState:
    """The live state from each kind's interpretation and the raw File listing (pure)."""
    notes: list[str] = []
    resources: dict[str, Mapping[str, LiveObject]] = {}
    targets: dict[str, str] = {}
    users: dict[str, tuple[str, ...]] = {}
    unread: list[UsersListing] = []
    for name, got in fetched.items():
        resources[name] = got.objects
        notes += got.notes
        if got.target is not None:
            targets[name] = got.target
        for fid, who in got.file_users.items():
            users[fid] = users.get(fid, ()) + tuple(who)
        unread += got.unread_users
    live_files, file_prints = interpret_files(stack, files)
    prints = LazyPrints(*(got.fingerprints for got in fetched.values()), file_prints)
    assistants = fetched.get("assistant")
    return LiveState(
        stack,
        files=live_files,
        assistants_supported=assistants.supported if assistants is not None else True,
        fingerprints=prints,
        resources=resources,
        notes=tuple(notes),
        targets=targets,
        file_users={fid: who for fid, who in users.items() if fid in live_files},
        unread_users=tuple(unread),
    )


def read_file_users(client: openai.OpenAI, live: LiveState) -> LiveState:
    """``live`` with its :attr:`~asstctl.core.live.LiveState.unread_users` listings read (in
    parallel): each object there that uses one of the stack's Files is added to ``file_users``.
    Called only when a plan would delete a File. Cost: Σ⌈F_u/100⌉ over those listings."""
    if not live.unread_users:
        return live
    with DaemonPool(PARALLEL_LISTS, name="asstctl-read") as pool:
        lister = _Lister(client, live.stack, pool)
        jobs = [
            (u, lister.list_all(f"listing the files of {u.user}", u.path, {"limit": 100}, beta=u.beta))
            for u in live.unread_users
        ]
        users = {fid: list(who) for fid, who in live.file_users.items()}
        for u, job in jobs:
            for att in job.result():
                fid = str(att.get("file_id") or att["id"])
                if fid in live.files and u.user not in users.setdefault(fid, []):
                    users[fid].append(u.user)
    return dataclasses.replace(live, file_users={k: tuple(v) for k, v in users.items()}, unread_users=())


def interpret_files(
    stack: str, files: Sequence[Mapping[str, JSON]]
) -> tuple[dict[str, LiveFile], LazyPrints]:
    """The stack's uploaded Files (recognised by their filename), and their fingerprints (lazily)."""
    live_files: dict[str, LiveFile] = {}
    raws: dict[str, Mapping[str, JSON]] = {}
    for raw in files:
        parsed = parse_upload_filename(str(raw.get("filename") or ""))
        if parsed is None or parsed.stack != stack:
            continue
        fid = str(raw["id"])
        live_files[fid] = LiveFile(
            id=fid,
            filename=str(raw["filename"]),
            sha256=parsed.sha256,
            basename=parsed.basename,
            bytes=int(raw.get("bytes") or 0),
            created_at=int(raw.get("created_at") or 0),
        )
        raws[fid] = raw

    def prints() -> dict[str, str]:
        return {
            fid: fingerprint({k: v for k, v in raw.items() if k not in _VOLATILE_FILE})
            for fid, raw in raws.items()
        }

    return live_files, LazyPrints(prints)


def interpret(
    stack: str,
    *,
    assistants: Sequence[Mapping[str, JSON]] | None,
    vector_stores: Sequence[Mapping[str, JSON]],
    attachments: Mapping[str, Sequence[Mapping[str, JSON]]],
    files: Sequence[Mapping[str, JSON]],
    **others: Sequence[Mapping[str, JSON]],
) -> LiveState:
    """The live state from raw list results, for tests and tools (``assistants`` None: the
    endpoint does not serve the Assistants API; ``others``: raw lists of further kinds)."""
    from asstctl.kinds.assistant.kind import NO_ASSISTANTS_NOTE
    from asstctl.kinds.assistant.kind import interpret as interpret_assistants
    from asstctl.kinds.vector_store.kind import interpret as interpret_stores

    fetched: dict[str, Fetched] = {"vector_store": interpret_stores(stack, vector_stores, attachments)}
    if assistants is None:
        fetched["assistant"] = Fetched(objects={}, notes=(NO_ASSISTANTS_NOTE,), supported=False)
    else:
        fetched["assistant"] = interpret_assistants(stack, assistants)
    for name, raws in others.items():
        kind_interpret = getattr(BY_NAME[name], "interpret", None)
        if kind_interpret is not None:
            fetched[name] = kind_interpret(stack, raws)
    return assemble(stack, fetched, files)
