"""The front half of every command that writes: plan as ``prepare`` does, then write only
while holding the stack's lock (:mod:`asstctl.remote.lock`).

The lock is taken once there is something to write and it was approved: a run with nothing
to change, or one that is cancelled at the prompt, takes no lock and sends no write, and
nobody waits on a person reading a plan. Under the lock the live state is read again, so
what is applied includes whatever another run wrote before it let go: if the plan is still
the one approved, it goes ahead; if not, :func:`asstctl.commands.apply.carry_out` shows the
new plan (``--auto-approve``) or stops (a person approved the old one). The sandbox is
locked by its own file lock for the whole command instead
(:func:`asstctl.remote.client.sandbox_lock`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asstctl.core.model import Project
from asstctl.manifest import load_project
from asstctl.remote.client import Endpoint, open_endpoint
from asstctl.remote.lock import hold_lock
from asstctl.workflow import Prepared, read_and_plan


def _read_and_plan(project: Project, endpoint: Endpoint, destroy: bool, targets: Sequence[str]) -> Prepared:
    return read_and_plan(project, endpoint, destroy=destroy, targets=targets)  # as prepare reads


@dataclass(frozen=True)
class WriteSession:
    """A prepared plan on an open endpoint, and the way to hold the stack's lock to apply it."""

    prepared: Prepared
    command: str
    lock_timeout: float | None
    destroy: bool
    targets: tuple[str, ...]

    @contextlib.contextmanager
    def locked(self) -> Iterator[Prepared]:
        """Hold the lock for the block; yields the live state and plan read under it."""
        p = self.prepared
        if p.endpoint.sandbox:  # the sandbox's file lock is held for the whole command
            yield p
            return
        with hold_lock(
            p.endpoint.client,
            stack=p.project.stack,
            base_url=p.endpoint.base_url,
            command=self.command,
            timeout=self.lock_timeout or 0.0,
        ):
            yield _read_and_plan(p.project, p.endpoint, self.destroy, self.targets)


@contextlib.contextmanager
def prepare_to_write(
    project_dir: Path,
    *,
    command: str,
    sandbox: bool,
    lock_timeout: float | None,
    destroy: bool = False,
    targets: Sequence[str] = (),
) -> Iterator[WriteSession]:
    """Like :func:`asstctl.workflow.prepare`, for a command that writes. ``lock_timeout``:
    seconds to wait for another holder of the lock (None: the default, 0 s at an endpoint,
    a while for the sandbox)."""
    project = load_project(project_dir)
    with open_endpoint(project, sandbox=sandbox, lock_timeout=lock_timeout) as endpoint:
        yield WriteSession(
            prepared=_read_and_plan(project, endpoint, destroy, targets),
            command=command,
            lock_timeout=lock_timeout,
            destroy=destroy,
            targets=tuple(targets),
        )
