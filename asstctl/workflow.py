"""The shared front half of plan, apply and destroy: load, connect, read, diff."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asstctl.core.differ import build_plan
from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.plan import Plan
from asstctl.manifest import load_project
from asstctl.remote.client import Endpoint, open_endpoint
from asstctl.remote.reader import read_live


@dataclass(frozen=True)
class Prepared:
    """A validated project, its open endpoint, the live state read from it, and the plan."""

    project: Project
    endpoint: Endpoint
    live: LiveState
    plan: Plan


@contextlib.contextmanager
def prepare(
    project_dir: Path, *, sandbox: bool, destroy: bool = False, targets: Sequence[str] = ()
) -> Iterator[Prepared]:
    """Load and fully validate the project (before any network call), open the endpoint,
    read the live state and build the plan. The endpoint stays open inside the block."""
    project = load_project(project_dir)
    with open_endpoint(project, sandbox=sandbox) as endpoint:
        live = read_live(endpoint.client, project, destroy=destroy)
        plan = build_plan(project, live, destroy=destroy, targets=tuple(targets))
        yield Prepared(project=project, endpoint=endpoint, live=live, plan=plan)
