"""Carry out a Plan: turn it into a graph of steps and run them with bounded parallelism.

Order (by dependencies, not by phases): uploads → vector stores → their file attachments;
assistants after the stores and files they reference; assistant deletions before store
deletions; orphan Files last, after everything that still references them. A failed step
marks its dependents skipped; everything independent still runs. ``parallelism == 1``
runs every step in the calling thread, in plan order; in parallel, a step that becomes ready
goes ahead of the remaining per-file uploads, so attaching overlaps uploading.

Only the plan decides *what* changes; the executor decides only *how* and *when*.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, as_completed, wait
from dataclasses import dataclass, field
from typing import Any

from asstctl.core.live import LiveState
from asstctl.core.model import DesiredAssistant, DesiredVectorStore, LocalFile, Project
from asstctl.core.normalize import assistant_body, attachment_attributes, chunking_request, vector_store_body
from asstctl.core.plan import Action, FileAction, Plan, ResourceChange
from asstctl.errors import AsstctlError
from asstctl.progress import Reporter
from asstctl.remote.client import Endpoint
from asstctl.remote.errors import describe
from asstctl.remote.pool import DaemonPool
from asstctl.remote.writer import BATCH_LIMIT, Writer

APPLIED, FAILED, SKIPPED = "applied", "failed", "skipped"


@dataclass(frozen=True)
class StepResult:
    """How one step ended. ``detail`` is a short past-tense line, or the error."""

    key: str
    status: str
    detail: str


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


@dataclass
class ApplyResult:
    """Everything an apply did, for the summary."""

    applied: list[StepResult] = field(default_factory=list)
    failed: list[StepResult] = field(default_factory=list)
    skipped: list[StepResult] = field(default_factory=list)
    ingestion_failures: list[IngestionFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.ingestion_failures


@dataclass(frozen=True)
class Step:
    """One unit of work. ``run`` returns the line to report when it succeeds."""

    key: str
    run: Callable[[], str]
    deps: tuple[str, ...] = ()
    quiet: bool = False
    """Not reported line by line (uploads: the progress bar counts them)."""


def prevent_destroy_violations(plan: Plan) -> list[str]:
    """Addresses the plan would delete or replace although their manifest forbids it."""
    return [
        c.address for c in plan.changes if c.prevent_destroy and c.action in (Action.DELETE, Action.REPLACE)
    ]


def check_prevent_destroy(plan: Plan) -> None:
    """Refuse (before any write) when the plan would delete a protected resource."""
    bad = prevent_destroy_violations(plan)
    if bad:
        names = ", ".join(bad)
        verb = "has" if len(bad) == 1 else "have"
        raise AsstctlError(
            f"refusing to delete {names}: {verb} lifecycle.prevent_destroy set; nothing was changed. "
            "Remove prevent_destroy from the manifest first (and apply), or leave the resource out "
            "with --target."
        )


def execute(
    plan: Plan,
    project: Project,
    live: LiveState,
    endpoint: Endpoint,
    *,
    parallelism: int,
    reporter: Reporter,
    writer: Writer | None = None,
) -> ApplyResult:
    """Run ``plan`` against ``endpoint``; never raises for a failed step (see ApplyResult)."""
    w = writer or Writer(endpoint.client, stack=project.stack, base_url=endpoint.base_url)
    run = _Apply(plan, project, live, w, reporter, endpoint.base_url)
    steps = run.steps()
    return _run_graph(steps, parallelism, reporter, run)


# --- building the steps ------------------------------------------------------------------


class _Apply:
    """State shared by the steps of one apply: ids learned so far, files in use, failures."""

    def __init__(
        self, plan: Plan, project: Project, live: LiveState, writer: Writer, reporter: Reporter, base_url: str
    ) -> None:
        self.plan, self.project, self.live = plan, project, live
        self.writer, self.reporter, self.base_url = writer, reporter, base_url
        self.stack = project.stack
        self.lock = threading.Lock()
        self.ingestion_failures: list[IngestionFailure] = []
        self.stop = threading.Event()
        """Set when the apply is interrupted: running steps end their waits, no new step starts."""
        self.ids: dict[str, str] = {}
        for vs in live.vector_stores.values():
            self.ids[f"vector_store.{vs.name}"] = vs.id
        for asst in live.assistants.values():
            self.ids[f"assistant.{asst.name}"] = asst.id
        self.uploaded: dict[tuple[str, str], str] = {}
        """(sha256, basename) -> File id, for contents uploaded by this apply."""
        self.in_use: set[str] = set()
        self.stores = {v.name: v for v in project.vector_stores}
        self.assistants = {a.name: a for a in project.assistants}

    # -- graph -------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        steps: list[Step] = []
        upload_key: dict[tuple[str, str], str] = {}
        files_by_path = {f.path: f for f in self.project.all_files}
        for path in self.plan.uploads:
            local = files_by_path[path]
            content = (local.sha256, local.basename)
            if content in upload_key:
                continue
            upload_key[content] = f"upload {local.path}"
            steps.append(Step(upload_key[content], self._upload_step(local), quiet=True))
        self.reporter.add_total("uploaded", len(upload_key))

        def uploads_of(files: Iterable[LocalFile]) -> tuple[str, ...]:
            return tuple(
                sorted({upload_key[c] for f in files if (c := (f.sha256, f.basename)) in upload_key})
            )

        store_key: dict[str, str] = {}
        files_key: dict[str, str] = {}
        deletes: list[ResourceChange] = []
        for c in self.plan.changes:
            if c.kind != "vector_store":
                continue
            if c.action is Action.DELETE:
                deletes.append(c)
                continue
            if c.action is Action.NOOP and not c.file_changes:
                continue
            v = self.stores[c.name]
            if c.action in (Action.CREATE, Action.REPLACE) or (c.action is Action.UPDATE and c.changes):
                store_key[c.address] = c.address
                steps.append(Step(c.address, self._store_step(c, v)))
            fresh = c.action in (Action.CREATE, Action.REPLACE)
            if (fresh and v.files) or c.file_changes:
                needed = v.files if fresh else self._files_of(c, v)
                store_dep = (store_key[c.address],) if c.address in store_key else ()
                files_key[c.address] = f"{c.address} files"
                steps.append(
                    Step(files_key[c.address], self._files_step(c, v), store_dep + uploads_of(needed))
                )

        assistant_keys: list[str] = []
        for c in self.plan.changes:
            if c.kind != "assistant" or c.action is Action.NOOP:
                continue
            needs: tuple[str, ...] = ()
            a = self.assistants.get(c.name)
            if c.action is not Action.DELETE and a is not None:
                if a.vector_store is not None and (sk := store_key.get(f"vector_store.{a.vector_store}")):
                    needs += (sk,)
                needs += uploads_of(a.code_interpreter_files)
            assistant_keys.append(c.address)
            steps.append(Step(c.address, self._assistant_step(c, a), needs))

        for c in deletes:
            store_key[c.address] = c.address
            users = self._assistants_using_store(c.id, set(assistant_keys))
            steps.append(Step(c.address, self._store_delete_step(c), users))

        file_users, assistant_set = self._file_users(), set(assistant_keys)
        for file_id in self.plan.orphan_files:
            holders = file_users.get(file_id, set())
            refs = self._referencing_steps(holders, files_key, store_key, assistant_set)
            steps.append(Step(f"delete file {file_id}", self._orphan_step(file_id), refs, quiet=True))
        return steps

    def _files_of(self, c: ResourceChange, v: DesiredVectorStore) -> list[LocalFile]:
        by_path = {f.path: f for f in v.files}
        return [by_path[fc.path] for fc in c.file_changes if fc.path in by_path]

    def _assistants_using_store(self, store_id: str | None, assistant_keys: set[str]) -> tuple[str, ...]:
        """Assistant steps that must finish before the store ``store_id`` may be deleted:
        those of assistants that point at it now (no new assistant can point at it)."""
        users = []
        for asst in self.live.assistants.values():
            resources = (asst.raw or {}).get("tool_resources") or {}
            if store_id in ((resources.get("file_search") or {}).get("vector_store_ids") or []):
                users.append(f"assistant.{asst.name}")
        return tuple(sorted(k for k in users if k in assistant_keys))

    def _file_users(self) -> dict[str, set[str]]:
        """File id -> addresses of the live stores that attach it and live assistants whose
        code interpreter uses it (one pass over the live state)."""
        users: dict[str, set[str]] = {}
        for vs in self.live.vector_stores.values():
            for att in vs.attachments:
                users.setdefault(att.file_id, set()).add(f"vector_store.{vs.name}")
        for asst in self.live.assistants.values():
            resources = (asst.raw or {}).get("tool_resources") or {}
            for fid in ((resources.get("code_interpreter") or {}).get("file_ids")) or []:
                users.setdefault(fid, set()).add(f"assistant.{asst.name}")
        return users

    @staticmethod
    def _referencing_steps(
        users: set[str], files_key: dict[str, str], store_key: dict[str, str], assistant_keys: set[str]
    ) -> tuple[str, ...]:
        """Steps that must finish before a File may be deleted: those touching a resource
        (in ``users``) that references it now."""
        refs: set[str] = set()
        for address in users:
            if address.startswith("vector_store."):
                refs.update(k for k in (files_key.get(address), store_key.get(address)) if k)
            elif address in assistant_keys:
                refs.add(address)
        return tuple(sorted(refs))

    # -- step bodies -------------------------------------------------------------------

    def _upload_step(self, local: LocalFile) -> Callable[[], str]:
        def run() -> str:
            file_id = self.writer.upload(local)
            with self.lock:
                self.uploaded[(local.sha256, local.basename)] = file_id
            self.reporter.uploaded()
            return f"uploaded ({file_id})"

        return run

    def _file_id(self, f: LocalFile) -> str:
        """The File that serves ``f``: the one the plan chose, or the one uploaded now."""
        with self.lock:
            file_id = self.plan.file_ids.get(f.path) or self.uploaded.get((f.sha256, f.basename))
            if file_id is not None:
                self.in_use.add(file_id)
        if file_id is None:
            raise AsstctlError(f"no uploaded File holds {f.path} (sha256 {f.sha256[:12]}); run apply again")
        return file_id

    def _store_step(self, c: ResourceChange, v: DesiredVectorStore) -> Callable[[], str]:
        def run() -> str:
            body = vector_store_body(v, self.stack)
            if c.action is Action.UPDATE:
                assert c.id is not None
                self.writer.update_vector_store(c.address, c.id, body)
                return "updated"
            if c.action is Action.REPLACE and c.id is not None:
                # Delete first: two live stores claiming one address would be ambiguous
                # to every later plan if the apply stopped in between.
                self.writer.delete_vector_store(c.address, c.id)
            new_id = self.writer.create_vector_store(c.address, body)
            with self.lock:
                self.ids[c.address] = new_id
            return f"{'replaced' if c.action is Action.REPLACE else 'created'} ({new_id})"

        return run

    def _store_delete_step(self, c: ResourceChange) -> Callable[[], str]:
        def run() -> str:
            assert c.id is not None
            self.writer.delete_vector_store(c.address, c.id)
            return f"destroyed ({c.id})"

        return run

    def _files_step(self, c: ResourceChange, v: DesiredVectorStore) -> Callable[[], str]:
        def run() -> str:
            with self.lock:
                store_id = self.ids[c.address]
            by_path = {f.path: f for f in v.files}
            attach: list[LocalFile] = []
            detach_after: list[str] = []
            updated = detached = 0
            if c.action in (Action.CREATE, Action.REPLACE):
                attach = list(v.files)
            else:
                for fc in c.file_changes:
                    local = by_path.get(fc.path)
                    if fc.action in (FileAction.DETACH, FileAction.REATTACH) and fc.file_id:
                        self.writer.detach(c.address, store_id, fc.file_id)
                        detached += fc.action is FileAction.DETACH
                    if fc.action is FileAction.UPDATE_ATTRIBUTES and local is not None and fc.file_id:
                        self.writer.update_attributes(
                            c.address, store_id, fc.file_id, attachment_attributes(local, self.stack)
                        )
                        updated += 1
                    if fc.action in (FileAction.ATTACH, FileAction.REPLACE, FileAction.REATTACH) and local:
                        attach.append(local)
                    if fc.action is FileAction.REPLACE and fc.file_id:
                        detach_after.append(fc.file_id)
            self._attach(c.address, store_id, v, attach)
            for file_id in detach_after:
                self.writer.detach(c.address, store_id, file_id)
            tally = (
                (len(attach), "attached"),
                (updated, "updated"),
                (detached + len(detach_after), "detached"),
            )
            parts = [f"{n} {what}" for n, what in tally if n]
            return ", ".join(parts) or "unchanged"

        return run

    def _attach(self, address: str, store_id: str, v: DesiredVectorStore, files: list[LocalFile]) -> None:
        if not files:
            return
        chunking = chunking_request(v)
        entries: list[dict[str, Any]] = []
        path_of: dict[str, str] = {}
        for f in files:
            entry: dict[str, Any] = {
                "file_id": self._file_id(f),
                "attributes": attachment_attributes(f, self.stack),
            }
            if chunking is not None:
                entry["chunking_strategy"] = chunking
            entries.append(entry)
            path_of[entry["file_id"]] = f.path
        self.reporter.add_total("indexed", len(entries))
        batch_ids = [
            self.writer.attach_batch(address, store_id, entries[i : i + BATCH_LIMIT])
            for i in range(0, len(entries), BATCH_LIMIT)
        ]
        for batch_id in batch_ids:
            outcome = self.writer.wait_batch(
                address, store_id, batch_id, functools.partial(self.reporter.indexed, batch_id), self.stop
            )
            failures = [
                IngestionFailure(address, path_of.get(f.file_id, "?"), f.file_id, f.code, f.message)
                for f in outcome.failed
            ]
            if outcome.timed_out:
                failures.append(
                    IngestionFailure(
                        address, "(batch)", batch_id, "timeout", "ingestion did not finish in time"
                    )
                )
            with self.lock:
                self.ingestion_failures.extend(failures)

    def _tool_resources(self, a: DesiredAssistant, *, clear: bool) -> dict[str, Any]:
        resources: dict[str, Any] = {}
        file_ids = [self._file_id(f) for f in a.code_interpreter_files]
        if file_ids or clear:
            resources["code_interpreter"] = {"file_ids": file_ids}
        if a.vector_store is not None:
            address = f"vector_store.{a.vector_store}"
            with self.lock:
                store_id = self.ids.get(address)
            if store_id is None:
                raise AsstctlError(f"{address} does not exist yet; run apply again")
            resources["file_search"] = {"vector_store_ids": [store_id]}
        elif clear:
            resources["file_search"] = {"vector_store_ids": []}
        return resources

    def _assistant_step(self, c: ResourceChange, a: DesiredAssistant | None) -> Callable[[], str]:
        def run() -> str:
            if c.action is Action.DELETE or a is None:
                assert c.id is not None
                self.writer.delete_assistant(c.address, c.id)
                return f"destroyed ({c.id})"
            if c.action is Action.UPDATE:
                assert c.id is not None
                body = {
                    **assistant_body(a, self.stack),
                    "tool_resources": self._tool_resources(a, clear=True),
                }
                self.writer.update_assistant(c.address, c.id, body)
                return "updated"
            if c.action is Action.REPLACE and c.id is not None:
                self.writer.delete_assistant(c.address, c.id)
            body = assistant_body(a, self.stack)
            resources = self._tool_resources(a, clear=False)
            if resources:
                body["tool_resources"] = resources
            new_id = self.writer.create_assistant(c.address, body)
            with self.lock:
                self.ids[c.address] = new_id
            return f"{'replaced' if c.action is Action.REPLACE else 'created'} ({new_id})"

        return run

    def _orphan_step(self, file_id: str) -> Callable[[], str]:
        def run() -> str:
            with self.lock:
                if file_id in self.in_use:
                    return "kept (still in use)"
            self.writer.delete_file(file_id)
            return "deleted"

        return run

    def describe(self, exc: Exception) -> str:
        return describe(exc, base_url=self.base_url, what="writing")


# --- running the graph -------------------------------------------------------------------


def _run_graph(steps: list[Step], parallelism: int, reporter: Reporter, run: _Apply) -> ApplyResult:
    by_key = {s.key: s for s in steps}
    dependents: dict[str, list[str]] = {s.key: [] for s in steps}
    waiting: dict[str, int] = {}
    for s in steps:
        deps = [d for d in s.deps if d in by_key]
        waiting[s.key] = len(deps)
        for d in deps:
            dependents[d].append(s.key)
    status: dict[str, str] = {}
    result = ApplyResult()

    def record(step: Step, state: str, detail: str) -> None:
        status[step.key] = state
        entry = StepResult(step.key, state, detail)
        {APPLIED: result.applied, FAILED: result.failed, SKIPPED: result.skipped}[state].append(entry)
        if state != APPLIED or not step.quiet:
            reporter.line(f"{step.key}: {detail if state == APPLIED else f'{state}: {detail}'}")

    def attempt(step: Step) -> tuple[str, str]:
        if run.stop.is_set():
            return SKIPPED, "the apply was interrupted"
        try:
            return APPLIED, step.run()
        except Exception as exc:  # a failed step never stops independent ones
            return FAILED, run.describe(exc)

    def settle(key: str) -> list[Step]:
        """After ``key`` finished: skip dependents whose deps did not all apply; return the ready ones."""
        ready: list[Step] = []
        stack = [key]
        while stack:
            done = stack.pop()
            for dep_key in dependents[done]:
                waiting[dep_key] -= 1
                if waiting[dep_key]:
                    continue
                step = by_key[dep_key]
                blocked = [d for d in step.deps if d in by_key and status.get(d) != APPLIED]
                if blocked:
                    record(step, SKIPPED, f"{blocked[0]} did not complete")
                    stack.append(dep_key)
                else:
                    ready.append(step)
        return ready

    # Ready steps wait in a heap in plan order. In parallel, resource steps (stores, attachments,
    # assistants) go ahead of the bulk of quiet per-file steps, so ingestion overlaps the remaining
    # uploads. Only ``parallelism`` steps are ever submitted: waiting costs O(parallelism), not O(steps).
    order = {s.key: (1 if s.quiet and parallelism > 1 else 0, i) for i, s in enumerate(steps)}
    ready = [(order[s.key], s.key) for s in steps if waiting[s.key] == 0]
    heapq.heapify(ready)

    def finish(step: Step, outcome: tuple[str, str]) -> None:
        record(step, *outcome)
        for nxt in settle(step.key):
            heapq.heappush(ready, (order[nxt.key], nxt.key))

    if parallelism <= 1:
        while ready:
            step = by_key[heapq.heappop(ready)[1]]
            finish(step, attempt(step))
    else:
        running: dict[Future[tuple[str, str]], Step] = {}
        with DaemonPool(parallelism, name="asstctl-apply") as pool:
            try:
                while ready or running:
                    while ready and len(running) < parallelism:
                        step = by_key[heapq.heappop(ready)[1]]
                        running[pool.submit(attempt, step)] = step
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        finish(running.pop(fut), fut.result())
            except BaseException:  # Ctrl-C: start nothing new, let running steps end quickly
                run.stop.set()
                _drain(running, record, reporter)
                raise
    result.ingestion_failures = sorted(run.ingestion_failures, key=lambda f: (f.address, f.path))
    return result


def _drain(
    running: dict[Future[tuple[str, str]], Step],
    record: Callable[[Step, str, str], None],
    reporter: Reporter,
) -> None:
    """After an interrupt: report the steps still running as they finish, so the user sees
    everything that was done. A second Ctrl-C stops waiting (the workers are daemons)."""
    if not running:
        return
    n = len(running)
    reporter.line(
        f"Interrupted: waiting for {n} running step{'s' if n != 1 else ''} to finish "
        "(Ctrl-C again to stop now; the next apply picks up either way)"
    )
    with contextlib.suppress(KeyboardInterrupt):
        for fut in as_completed(running):
            record(running[fut], *fut.result())
