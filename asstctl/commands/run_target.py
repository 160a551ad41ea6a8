"""Which assistant ``asstctl run`` talks to, through which API, and how cited Files map back
to project paths. Reads only the live state ``read_live`` gives; writes nothing.

The API: the Assistants API when the endpoint serves ``/v1/assistants`` and the assistant is
live there (or the project's deploy target says ``api``); the Responses API otherwise, with
the assistant's rendered ``responses.create`` keyword arguments.
"""

from __future__ import annotations

from typing import Any

from asstctl.core.live import LiveState, LiveVectorStore
from asstctl.core.model import Project
from asstctl.errors import EndpointError, UsageError
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.assistant.record import known_ids
from asstctl.kinds.assistant.responses import responses_request
from asstctl.remote.chat_assistants import AssistantsChat
from asstctl.remote.chat_events import Conversation
from asstctl.remote.chat_responses import ResponsesChat
from asstctl.remote.client import Endpoint

JSON = Any


def find_assistant(project: Project, address: str) -> DesiredAssistant:
    """The declared assistant at ``address`` (``assistant.NAME``, or just ``NAME``)."""
    kind, dot, name = address.partition(".")
    if not dot:
        kind, name = "assistant", address
    by_name = {a.name: a for a in project.assistants}
    if kind == "assistant" and name in by_name:
        return by_name[name]
    declared = ", ".join(a.address for a in project.assistants) or "none"
    if kind != "assistant":
        raise UsageError(f"asstctl run talks to assistants: {address} is not one (declared: {declared})")
    raise UsageError(f"{address} is not declared in this project (declared assistants: {declared})")


def open_conversation(
    endpoint: Endpoint, project: Project, live: LiveState, desired: DesiredAssistant
) -> tuple[Conversation, str]:
    """The conversation with ``desired`` on the API it is deployed to, and a line saying which:
    the Assistants API when the assistant is live there (the deploy target is not
    ``responses``); an error when the target is ``api`` and it is not; else the Responses API."""
    setting = str(project.settings.get("assistants_target") or "auto")
    target = dict(getattr(live, "targets", {}) or {}).get("assistant")
    obj = live.resources.get("assistant", {}).get(desired.name)
    where = endpoint.base_url
    on_api = "responses" not in (setting, target) and live.assistants_supported
    if on_api and obj is not None:
        chat = AssistantsChat(endpoint.client, obj.id, base_url=where)
        return chat, f"{desired.address} ({obj.id}) on the Assistants API"
    if setting == "api":
        raise EndpointError(f"{desired.address} {_apply_hint(endpoint.sandbox, where)}")
    request = responses_kwargs(desired, project, live, sandbox=endpoint.sandbox, where=where)
    return ResponsesChat(endpoint.client, request, base_url=where), f"{desired.address} on the Responses API"


def _apply_hint(sandbox: bool, where: str) -> str:
    return f"is not deployed at {where}: run asstctl apply{' --sandbox' if sandbox else ''} first"


def responses_kwargs(
    desired: DesiredAssistant, project: Project, live: LiveState, *, sandbox: bool = False, where: str = ""
) -> dict[str, JSON]:
    """The ``client.responses.create`` keyword arguments for ``desired`` with its live ids (no
    ``input``); an id not live yet is an error saying to apply first. The ids are the plan's
    choice (``record.known_ids``: of several Files with the same content, the oldest), so
    ``run`` uses what apply deployed."""
    ids = known_ids(desired, live)
    missing = [ref for ref in _references(desired) if ref not in ids]
    if missing:
        raise EndpointError(f"{missing[0]} (used by {desired.address}) {_apply_hint(sandbox, where)}")
    return responses_request(desired, ids)


def _references(desired: DesiredAssistant) -> list[str]:
    """What the rendered request needs a live id for: its vector store, its interpreter files."""
    refs = [desired.store_address] if desired.store_address is not None else []
    return refs + [f.path for f in desired.code_interpreter_files]


def file_paths(project: Project, live: LiveState) -> dict[str, str]:
    """File id → the project path it was uploaded from (the attachments' ``asstctl_path``,
    else a declared file with the same content), for the citations ``run`` lists."""
    paths: dict[str, str] = {}
    for store in live.resources.get("vector_store", {}).values():
        if isinstance(store, LiveVectorStore):
            for a in store.attachments:
                if a.path:
                    paths.setdefault(a.file_id, a.path)
    declared = {(f.sha256, f.basename): f.path for f in project.all_files}
    for fid, lf in live.files.items():
        path = declared.get((lf.sha256, lf.basename))
        if path is not None:
            paths.setdefault(fid, path)
    return paths
