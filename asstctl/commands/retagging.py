"""The front half shared by the commands that change what live objects claim (``import``,
``forget``, ``destroy --claimant``): load, connect, read (tolerating ambiguous addresses, which
these commands exist to resolve), and the stack's lock for the writes.

Like apply: nothing is written before the whole project is valid, the preview is read without
the lock, and the writes happen under it after reading again.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.ownership import Clash, tolerate_clashes
from asstctl.errors import UsageError
from asstctl.kinds.base import Retagging
from asstctl.manifest import load_project
from asstctl.prompt import interactive
from asstctl.remote.client import Endpoint, open_endpoint
from asstctl.remote.lock import hold_lock
from asstctl.remote.objects import ObjectClient
from asstctl.remote.reader import read_live
from asstctl.retag import objects_client

JSON = Any


@dataclass(frozen=True)
class Read:
    """The live state as read, with every ambiguous address (kind -> clashes)."""

    live: LiveState
    clashes: Mapping[str, tuple[Clash, ...]]

    def claimants(self, address: str) -> list[JSON]:
        """Raw objects claiming ``address`` in the stack, oldest first."""
        kind, _, name = address.partition(".")
        for clash in self.clashes.get(kind, ()):
            if clash.name == name:
                return list(clash.raws)
        obj = self.live.of(kind).get(name)
        return [obj.raw] if obj is not None else []


@dataclass(frozen=True)
class Session:
    """A loaded project on its open endpoint."""

    project: Project
    endpoint: Endpoint
    api: ObjectClient
    command: str
    lock_timeout: float | None

    def read(self, project: Project | None = None) -> Read:
        """Read what ``project`` (default: this one)'s stack owns, ambiguity tolerated."""
        with tolerate_clashes() as clashes:
            live = read_live(self.endpoint.client, project or self.project)
        return Read(live, dict(clashes))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the stack's lock (the sandbox's file lock is held for the whole command)."""
        if self.endpoint.sandbox:
            yield
            return
        with hold_lock(
            self.endpoint.client,
            stack=self.project.stack,
            base_url=self.endpoint.base_url,
            command=self.command,
            timeout=self.lock_timeout or 0.0,
        ):
            yield


@contextlib.contextmanager
def open_session(
    project_dir: Path, *, command: str, sandbox: bool, lock_timeout: float | None
) -> Iterator[Session]:
    project = load_project(project_dir)
    with open_endpoint(project, sandbox=sandbox, lock_timeout=lock_timeout) as endpoint:
        yield Session(
            project=project,
            endpoint=endpoint,
            api=objects_client(endpoint, project.stack),
            command=command,
            lock_timeout=lock_timeout,
        )


def show(title: str, retagging: Retagging) -> None:
    """Print what re-tagging will write, and its remarks."""
    print(title)
    for w in retagging.writes:
        print(f"  ~ {w.description}")
    for note in retagging.notes:
        print(f"  # {note}")


def same_writes(a: Retagging, b: Retagging) -> bool:
    return [w.description for w in a.writes] == [w.description for w in b.writes]


def confirm(question: str, *, yes: bool, flag: str) -> bool:
    """Ask on a terminal (only ``yes`` approves); without one, ``flag`` is required."""
    if yes:
        return True
    if not interactive():
        raise UsageError(
            f"refusing to go ahead without confirmation: no terminal (or CI is set); rerun with {flag}"
        )
    sys.stdout.write(f"\n{question}\n  Only 'yes' will be accepted to approve.\n  Enter a value: ")
    sys.stdout.flush()
    return sys.stdin.readline().strip() == "yes"


def declared_addresses(project: Project, kind: str) -> Sequence[str]:
    return sorted(d.address for d in project.desired(kind))
