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
import heapq
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, as_completed, wait
from dataclasses import dataclass, field, replace

from asstctl.core.differ import desired_by_address
from asstctl.core.live import LiveState
from asstctl.core.model import LocalFile, Project
from asstctl.core.moves import apply_moves
from asstctl.core.plan import Action, Plan
from asstctl.errors import AsstctlError
from asstctl.kinds.base import IngestionFailure, Step
from asstctl.kinds.registry import KINDS
from asstctl.progress import Reporter
from asstctl.remote.client import Endpoint
from asstctl.remote.errors import describe
from asstctl.remote.pool import DaemonPool
from asstctl.remote.writer import Writer
from asstctl.retag import with_move_steps

APPLIED, FAILED, SKIPPED = "applied", "failed", "skipped"


@dataclass(frozen=True)
class StepResult:
    """How one step ended. ``detail`` is a short past-tense line, or the error."""

    key: str
    status: str
    detail: str


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
    throttle = getattr(endpoint, "throttle", None)  # (an endpoint-like object may have none)
    if throttle is not None:
        throttle.adapt(cap=parallelism)
    w = writer or Writer(endpoint.client, stack=project.stack, base_url=endpoint.base_url)
    live = apply_moves(project, live)[0]  # as the plan saw it (``moved:``)
    run = _Apply(plan, project, live, w, reporter, endpoint.base_url)
    steps = with_move_steps(run.steps(), plan, live, endpoint)
    return _run_graph(steps, parallelism, reporter, run)


# --- building the steps ------------------------------------------------------------------


class _Apply:
    """The :class:`~asstctl.kinds.base.ApplyContext` of one apply: ids learned so far, Files
    uploaded and in use, ingestion failures. Builds the step graph from every kind's steps."""

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
        self.ids: dict[str, str] = {
            f"{kind}.{obj.name}": obj.id for kind, objs in live.resources.items() for obj in objs.values()
        }
        self.uploaded: dict[tuple[str, str], str] = {}
        """(sha256, basename) -> File id, for contents uploaded by this apply."""
        self.in_use: set[str] = set()
        self._upload_key: dict[tuple[str, str], str] = {}
        self._steps_of: dict[str, list[str]] = {}
        """Address -> keys of its steps in this apply."""

    # -- the ApplyContext protocol -----------------------------------------------------

    def id_of(self, address: str) -> str | None:
        with self.lock:
            return self.ids.get(address)

    def set_id(self, address: str, obj_id: str) -> None:
        with self.lock:
            self.ids[address] = obj_id

    def uploads_of(self, files: Iterable[LocalFile]) -> tuple[str, ...]:
        keys = {self._upload_key[c] for f in files if (c := (f.sha256, f.basename)) in self._upload_key}
        return tuple(sorted(keys))

    def main_step(self, address: str) -> str | None:
        return address if address in self._steps_of.get(address, ()) else None

    def ingestion_failed(self, failures: Sequence[IngestionFailure]) -> None:
        with self.lock:
            self.ingestion_failures.extend(failures)

    def file_id(self, f: LocalFile) -> str:
        """The File that serves ``f``: the one the plan chose, or the one uploaded now."""
        with self.lock:
            file_id = self.plan.file_ids.get(f.path) or self.uploaded.get((f.sha256, f.basename))
            if file_id is not None:
                self.in_use.add(file_id)
        if file_id is None:
            raise AsstctlError(f"no uploaded File holds {f.path} (sha256 {f.sha256[:12]}); run apply again")
        return file_id

    # -- graph -------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        """Uploads; then every kind's creates and updates in registry order; then deletes in
        reverse order, each after the steps of whatever references the deleted object; then
        the orphan Files, after every step touching something that references them."""
        steps: list[Step] = []
        files_by_path = {f.path: f for f in self.project.all_files}
        for path in self.plan.uploads:
            local = files_by_path[path]
            content = (local.sha256, local.basename)
            if content in self._upload_key:
                continue
            self._upload_key[content] = f"upload {local.path}"
            steps.append(Step(self._upload_key[content], self._upload_step(local), quiet=True))
        self.reporter.add_total("uploaded", len(self._upload_key))

        desired = desired_by_address(self.project)
        by_kind = {kind.name: [c for c in self.plan.changes if c.kind == kind.name] for kind in KINDS}
        for kind in KINDS:
            for c in by_kind[kind.name]:
                if c.action is not Action.DELETE and (c.action is not Action.NOOP or c.file_changes):
                    self._add(steps, c.address, kind.steps(c, desired.get(c.address), self))
        users = self._live_users()
        for kind in reversed(KINDS):
            for c in by_kind[kind.name]:
                if c.action is Action.DELETE:
                    deps = tuple(
                        sorted(k for u in users.get(c.address, ()) for k in self._steps_of.get(u, ()))
                    )
                    made = kind.steps(c, None, self)
                    self._add(steps, c.address, [replace(s, deps=s.deps + deps) for s in made])

        file_users = self._file_users()
        for file_id in self.plan.orphan_files:
            refs = sorted({k for a in file_users.get(file_id, ()) for k in self._steps_of.get(a, ())})
            steps.append(Step(f"delete file {file_id}", self._orphan_step(file_id), tuple(refs), quiet=True))
        return steps

    def _add(self, steps: list[Step], address: str, made: list[Step]) -> None:
        steps.extend(made)
        self._steps_of.setdefault(address, []).extend(s.key for s in made)

    def _live_users(self) -> dict[str, set[str]]:
        """Address -> addresses of the live objects that reference it now."""
        users: dict[str, set[str]] = {}
        for kind in KINDS:
            for obj in self.live.of(kind.name).values():
                for ref in kind.live_references(obj, self.live):
                    users.setdefault(ref, set()).add(f"{kind.name}.{obj.name}")
        return users

    def _file_users(self) -> dict[str, set[str]]:
        """File id -> addresses of the live objects that use it now (one pass)."""
        users: dict[str, set[str]] = {}
        for kind in KINDS:
            for obj in self.live.of(kind.name).values():
                for fid in kind.live_file_ids(obj):
                    users.setdefault(fid, set()).add(f"{kind.name}.{obj.name}")
        return users

    # -- generic step bodies -----------------------------------------------------------

    def _upload_step(self, local: LocalFile) -> Callable[[], str]:
        def run() -> str:
            file_id = self.writer.upload(local)
            with self.lock:
                self.uploaded[(local.sha256, local.basename)] = file_id
            self.reporter.uploaded()
            return f"uploaded ({file_id})"

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
