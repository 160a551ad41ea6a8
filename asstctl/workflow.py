"""The shared front half of plan, apply and destroy: load, connect, read, diff."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from asstctl.core.differ import build_plan
from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.plan import Plan
from asstctl.manifest import load_project
from asstctl.remote.client import Endpoint, open_endpoint
from asstctl.remote.reader import content_reader, read_file_users, read_live


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
        yield read_and_plan(project, endpoint, destroy=destroy, targets=targets)


def read_and_plan(project: Project, endpoint: Endpoint, *, destroy: bool, targets: Sequence[str]) -> Prepared:
    """Read the live state from ``endpoint`` and plan; the plan names the environment and endpoint."""
    live = read_live(endpoint.client, project, destroy=destroy)
    read = content_reader(endpoint.client)
    plan = build_plan(project, live, destroy=destroy, targets=tuple(targets), read_content=read)
    if plan.orphan_files and live.unread_users:  # a File would be deleted: may others still use it?
        live = read_file_users(endpoint.client, live)
        plan = build_plan(project, live, destroy=destroy, targets=tuple(targets), read_content=read)
    plan = replace(plan, environment=project.environment, endpoint=endpoint_name(endpoint))
    return Prepared(project=project, endpoint=endpoint, live=live, plan=plan)


def endpoint_name(endpoint: Endpoint) -> str:
    """How a plan names its endpoint: ``sandbox``, or the base URL without credentials or query."""
    if endpoint.sandbox:
        return "sandbox"
    parts = urlsplit(endpoint.base_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
