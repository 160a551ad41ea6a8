"""asstctl for applications: a project's assistants as ``client.responses.create`` arguments,
with the live ids of what ``asstctl apply`` deployed.

::

    from openai import OpenAI
    import asstctl.api

    deployment = asstctl.api.load("path/to/project")          # list calls only, no writes
    client = OpenAI()
    answer = client.responses.create(**deployment.responses_kwargs("support"), input="Hi")

:func:`load` validates the project offline, then reads the endpoint with the same list calls
as ``asstctl plan`` (no more): the stack's vector stores and their files, the Files listing and,
unless ``endpoint.assistants`` is ``responses``, the assistants. It never writes and does not
need the CLI. The arguments are rendered from the manifests; once ``asstctl plan`` is empty
they are exactly what was deployed. Not for deploying anything: that is ``asstctl apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.normalize import AFTER_APPLY
from asstctl.errors import AsstctlError, UsageError
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.assistant.record import known_ids
from asstctl.kinds.assistant.responses import responses_request, unresolved
from asstctl.manifest import load_project
from asstctl.remote.client import open_endpoint
from asstctl.remote.reader import read_live

__all__ = ["Deployment", "load"]


@dataclass(frozen=True)
class Deployment:
    """A project and what its stack holds on the endpoint, read once by :func:`load`."""

    project: Project
    live: LiveState

    @property
    def target(self) -> str:
        """How the assistants are deployed here: ``api`` (Assistants API objects) or ``responses``."""
        return self.live.target("assistant") or "api"

    @property
    def assistants(self) -> tuple[str, ...]:
        """The names of the declared assistants."""
        return tuple(a.name for a in self.project.assistants)

    def responses_kwargs(self, name: str) -> dict[str, Any]:
        """The ``client.responses.create`` keyword arguments of assistant ``name`` (add ``input``).

        Raises AsstctlError when something it uses is not deployed yet (run ``asstctl apply``)."""
        a = self._assistant(name)
        ids = known_ids(a, self.live)
        kwargs = responses_request(a, ids)
        if unresolved(kwargs):
            used = (a.store_address, *(f.path for f in a.code_interpreter_files))
            missing = ", ".join(ref for ref in used if ref is not None and ref not in ids)
            raise AsstctlError(
                f"{a.address} uses {missing}, not deployed on this endpoint yet ({AFTER_APPLY}): "
                "run asstctl apply first"
            )
        return kwargs

    def assistant_id(self, name: str) -> str | None:
        """The Assistants API id of ``name`` (None under the ``responses`` target, or before apply)."""
        self._assistant(name)
        if self.target != "api":
            return None
        obj = self.live.of("assistant").get(name)
        return obj.id if obj is not None else None

    def vector_store_id(self, name: str) -> str | None:
        """The live id of vector store ``name`` (an inline store is ``<assistant>.files``)."""
        obj = self.live.of("vector_store").get(name)
        return obj.id if obj is not None else None

    def _assistant(self, name: str) -> DesiredAssistant:
        for a in self.project.assistants:
            if a.name == name:
                return a
        declared = ", ".join(self.assistants) or "none"
        raise UsageError(f"no assistant is named {name!r} in this project (declared: {declared})")


def load(project_dir: str | Path = ".", *, client: openai.OpenAI | None = None) -> Deployment:
    """Validate the project at ``project_dir`` and read its stack's live ids (list calls only).

    ``client``: the endpoint to read; by default the project's own (``endpoint.base_url``,
    else ``OPENAI_BASE_URL``, with ``OPENAI_API_KEY``), as the CLI uses it."""
    project = load_project(Path(project_dir))
    if client is not None:
        return Deployment(project, read_live(client, project))
    with open_endpoint(project, sandbox=False) as endpoint:
        return Deployment(project, read_live(endpoint.client, project))
