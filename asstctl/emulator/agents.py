"""The Agents API (beta) under ``/v1/agents``: reusable agent configs, with the defaults the
service fills in, partial updates, and the operations ``routes.py`` serves.

Agents live in ``Store.agents`` (a ``Table``, persisted with the rest). A record is kept exactly as
the API renders it, plus ``_effort``, the reasoning effort as requested (None: the model's
default), so a later change of model re-resolves an omitted effort.

Choices the SDK leaves open are **[unverified]** and kept here in one place: the model default
effort (``model_default_effort``), an explicit null resetting ``service_tier``, ``text``,
``multi_agent`` and clearing ``instructions``, an object replacing (not merging) ``reasoning`` and
``text``, and a function tool's ``async`` echoed only when given.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asstctl.emulator.agent_schema import CREATE_AGENT, UPDATE_AGENT
from asstctl.emulator.schema import Schema
from asstctl.emulator.store import Store, new_id
from asstctl.emulator.validation import page_query

if TYPE_CHECKING:
    from asstctl.emulator.routes import Request

Json = dict[str, Any]

BETA_HEADER = "agents=v1"
"""The ``OpenAI-Beta`` value every ``/v1/agents`` request must carry."""

DEFAULT_MAX_SUBAGENTS = 6
_REASONING_MODEL = re.compile(r"^(o\d|gpt-5)")

TOOL_DEFAULTS: dict[str, Json] = {
    "function": {"defer_loading": False},
    "tool_search": {},
    "programmatic_tool_calling": {"enabled": True},
    "mcp": {
        "allowed_tools": None,
        "connection_origin": "service",
        "credential_id": None,
        "request_metadata": {},
        "required": False,
    },
    "web_search": {"allowed_domains": None, "context_size": "medium", "location": None, "mode": "live"},
    "computer_use": {"include_screenshots": False},
    "automations": {},
}
"""What each tool type echoes for a field omitted (or sent as null), per the reference's §3."""
TRANSPORT_DEFAULTS: dict[str, Json] = {"http": {"headers": {}}, "stdio": {"args": [], "env_vars": []}}
LOCATION_DEFAULTS: Json = {"city": None, "country": None, "region": None, "timezone": None}


def model_default_effort(model: str) -> str | None:
    """The reasoning effort resolved when none is requested **[unverified]**: ``"medium"`` for a
    reasoning model (a name starting ``o<digit>`` or ``gpt-5``), None (the model picks) otherwise."""
    return "medium" if _REASONING_MODEL.match(model) else None


def _filled(given: Json, defaults: Json) -> Json:
    """``given`` over ``defaults``, a null in ``given`` taking the default."""
    out = copy.deepcopy(defaults)
    out.update({k: copy.deepcopy(v) for k, v in given.items() if v is not None or k not in defaults})
    return out


def resolve_tool(tool: Json) -> Json:
    """A validated tool parameter as the service echoes it, every omitted field defaulted."""
    out = _filled(tool, TOOL_DEFAULTS[tool["type"]])
    if out["type"] == "mcp":
        out["transport"] = _filled(out["transport"], TRANSPORT_DEFAULTS[out["transport"]["type"]])
    if out["type"] == "web_search" and out["location"] is not None:
        out["location"] = _filled(out["location"], LOCATION_DEFAULTS)
    return out


def _text(given: Json | None) -> Json:
    given = given or {}
    return {
        "format": copy.deepcopy(given.get("format")) or {"type": "text"},
        "verbosity": given.get("verbosity") or "medium",
    }


def _multi_agent(given: Json | None) -> Json:
    if not given or not given["enabled"]:
        return {"enabled": False, "max_concurrent_subagents": None}
    return {
        "enabled": True,
        "max_concurrent_subagents": given.get("max_concurrent_subagents", DEFAULT_MAX_SUBAGENTS),
    }


# How each body field sets the record: explicit null (or omission at create) gives the default.
_SETTERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: v,
    "instructions": lambda v: v,
    "metadata": lambda v: dict(v or {}),
    "service_tier": lambda v: v or "auto",
    "text": _text,
    "multi_agent": _multi_agent,
    "tools": lambda v: [resolve_tool(t) for t in v or []],
    "compaction": lambda v: {"async": bool((v or {}).get("async"))},
}


def _apply(rec: Json, body: Json) -> None:
    """Set ``rec`` from a validated create or update ``body``: absent fields stay as they are."""
    for key, setter in _SETTERS.items():
        if key in body:
            rec[key] = setter(body[key])
    if "model" in body:
        rec["model"] = body["model"]
    if "experimental" in body:
        rec["experimental"] = {**rec["experimental"], **body["experimental"]}
    summary = rec["reasoning"]["summary"]
    if "reasoning" in body:
        given = body["reasoning"] or {}
        rec["_effort"], summary = given.get("effort"), given.get("summary")
    effort = rec["_effort"] if rec["_effort"] is not None else model_default_effort(rec["model"])
    rec["reasoning"] = {"effort": effort, "summary": summary}


def render(rec: Json) -> Json:
    """An agent record as the API returns it (private ``_`` fields dropped)."""
    return {k: v for k, v in rec.items() if not k.startswith("_")}


def _agent(store: Store, agent_id: str) -> Json:
    return store._get(store.agents, agent_id, "agent")


def create_agent(store: Store, body: Json) -> Json:
    """``POST /v1/agents``."""
    with store.lock:
        now = store._now()
        rec: Json = {
            "id": new_id("agent_"),
            "object": "agent",
            "created_at": now,
            "updated_at": now,
            "name": None,
            "model": body["model"],
            "instructions": None,
            "tools": [],
            "reasoning": {"effort": None, "summary": None},
            "text": _text(None),
            "service_tier": "auto",
            "multi_agent": _multi_agent(None),
            "compaction": {"async": False},
            "experimental": {"time_awareness": False},
            "metadata": {},
            "_effort": None,
        }
        _apply(rec, body)
        store.agents.add(rec, store._next_seq())
        return render(rec)


def get_agent(store: Store, agent_id: str) -> Json:
    """``GET /v1/agents/{agent_id}``."""
    with store.lock:
        return render(_agent(store, agent_id))


def update_agent(store: Store, agent_id: str, body: Json) -> Json:
    """``POST /v1/agents/{agent_id}``: a partial update (absent: unchanged; null: cleared or reset)."""
    with store.lock:
        rec = copy.deepcopy(_agent(store, agent_id))
        _apply(rec, body)
        rec["updated_at"] = store._now()
        store.agents.items[agent_id] = rec
        store.version += 1
        return render(rec)


def delete_agent(store: Store, agent_id: str) -> Json:
    """``DELETE /v1/agents/{agent_id}``."""
    with store.lock:
        _agent(store, agent_id)
        del store.agents.items[agent_id]
        store.version += 1
        return {"id": agent_id, "deleted": True, "object": "agent.deleted"}


def list_agents(store: Store, req: Request) -> Json:
    """``GET /v1/agents``: ``after``/``limit``/``order`` (no ``before``, no metadata filter)."""
    q = page_query(req.query, allow_before=False)
    with store.lock:
        return store.agents.page(q, render)


Op = Callable[[Store, "Request"], Json]
OPS: tuple[tuple[str, str, Op, Schema | None], ...] = (
    ("GET", "/v1/agents", list_agents, None),
    ("POST", "/v1/agents", lambda s, r: create_agent(s, r.body), CREATE_AGENT),
    ("GET", "/v1/agents/{agent_id}", lambda s, r: get_agent(s, r.params["agent_id"]), None),
    (
        "POST",
        "/v1/agents/{agent_id}",
        lambda s, r: update_agent(s, r.params["agent_id"], r.body),
        UPDATE_AGENT,
    ),
    ("DELETE", "/v1/agents/{agent_id}", lambda s, r: delete_agent(s, r.params["agent_id"]), None),
)
"""Each operation as ``(method, template, op, body schema)``; ``routes.py`` makes them routes."""
