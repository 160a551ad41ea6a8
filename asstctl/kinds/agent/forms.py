"""Agent request bodies, the server's defaults, and the normalized forms the differ compares.

Both sides are brought to what the service echoes (reference §2–3): an omitted field takes
its default, so a plan right after apply is empty and removing a field from the manifest
restores the default. The body always states those defaults explicitly, except two that
cannot be stated: ``instructions`` (null: none) and ``reasoning`` (null: the model's own
default). A live reasoning effort is ignored when the manifest sets none, unless asstctl set
it earlier (the reserved metadata key ``asstctl_effort`` says so): then it is reset.

Metadata keys asstctl did not write (a server's, a person's) are kept on update and never
compared (``asstctl.core.managed``); tools are compared by identity (function name, MCP
``server_label``, built-in type: ``asstctl.core.keyed``).

The defaults are written out here and again in the emulator (``asstctl.emulator.agents``) on
purpose: the client's idea of the service and the stand-in service are checked against each
other by the tests, which sharing one table would defeat.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from asstctl.core.keyed import keyed_form, order_key
from asstctl.core.managed import compared, merged
from asstctl.core.model import JSON
from asstctl.core.normalize import canonical
from asstctl.core.ownership import ownership_metadata
from asstctl.kinds.agent import headers as hdr
from asstctl.kinds.agent.model import DesiredAgent, EnvHeader

META_EFFORT = "asstctl_effort"
"""Reserved metadata key: the reasoning effort asstctl set (present only when the manifest sets one)."""
MODEL_DEFAULT = "(model default)"
"""The reasoning effort shown when the manifest leaves it to the model."""

DEFAULT_SERVICE_TIER = "auto"
DEFAULT_TEXT: Mapping[str, JSON] = {"format": {"type": "text"}, "verbosity": "medium"}
DEFAULT_MAX_SUBAGENTS = 6
TOOL_DEFAULTS: Mapping[str, Mapping[str, JSON]] = {
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
}
"""What the service echoes for a tool field omitted or null (reference §3)."""
TRANSPORT_DEFAULTS: Mapping[str, Mapping[str, JSON]] = {
    "http": {"headers": {}},
    "stdio": {"args": [], "env_vars": []},
}
LOCATION_DEFAULTS: Mapping[str, JSON] = {"city": None, "country": None, "region": None, "timezone": None}
FORM_FIELDS = (
    "name",
    "model",
    "instructions",
    "reasoning",
    "text",
    "service_tier",
    "multi_agent",
    "compaction",
    "experimental",
    "tools",
    "metadata",
)
"""The compared fields, in plan order; each is also a top-level body field."""


def _filled(given: Mapping[str, JSON], defaults: Mapping[str, JSON]) -> dict[str, JSON]:
    """``given`` over ``defaults``; a null given takes the default."""
    out = copy.deepcopy(dict(defaults))
    out.update({k: v for k, v in given.items() if v is not None or k not in defaults})
    return out


def tool_form(tool: Mapping[str, JSON]) -> dict[str, JSON]:
    """A tool as the service echoes it: every omitted field defaulted (headers left as given)."""
    out = _filled(tool, TOOL_DEFAULTS.get(str(tool.get("type")), {}))
    if out.get("type") == "function" and not out.get("async"):
        out.pop("async", None)
    transport = out.get("transport")
    if isinstance(transport, Mapping):
        out["transport"] = _filled(transport, TRANSPORT_DEFAULTS.get(str(transport.get("type")), {}))
    if isinstance(out.get("location"), Mapping):
        out["location"] = _filled(out["location"], LOCATION_DEFAULTS)
    return out


def text_form(text: Mapping[str, JSON] | None) -> dict[str, JSON]:
    given = text or {}
    return {
        "format": given.get("format") or dict(DEFAULT_TEXT["format"]),
        "verbosity": given.get("verbosity") or DEFAULT_TEXT["verbosity"],
    }


def multi_agent_form(value: Mapping[str, JSON] | None) -> dict[str, JSON]:
    if not value or not value.get("enabled"):
        return {"enabled": False, "max_concurrent_subagents": None}
    most = value.get("max_concurrent_subagents")
    return {"enabled": True, "max_concurrent_subagents": DEFAULT_MAX_SUBAGENTS if most is None else most}


def _compaction(value: Mapping[str, JSON] | None) -> dict[str, JSON]:
    return {"async": bool((value or {}).get("async"))}


def _experimental(value: Mapping[str, JSON] | None) -> dict[str, JSON]:
    return {"time_awareness": bool((value or {}).get("time_awareness"))}


# -- request bodies ------------------------------------------------------------------------


def _body_tools(a: DesiredAgent, values: Mapping[hdr.HeaderId, str]) -> list[JSON]:
    """The tools as sent: header values resolved."""
    out: list[JSON] = []
    for tool in a.tools:
        t = copy.deepcopy(dict(tool)) if tool.get("type") != "mcp" else dict(tool)
        transport = tool.get("transport")
        if tool.get("type") == "mcp" and isinstance(transport, Mapping):
            label = str(tool["server_label"])
            t["transport"] = dict(transport)
            if "headers" in transport:
                t["transport"]["headers"] = {n: values[(label, n)] for n in transport["headers"]}
        out.append(t)
    return out


def agent_body(
    a: DesiredAgent,
    stack: str,
    values: Mapping[hdr.HeaderId, str],
    live_metadata: Mapping[str, JSON] | None = None,
) -> dict[str, JSON]:
    """The create body (``None`` fields are left out on create, sent as null on update).
    ``values``: every header's value (:func:`headers.resolve`). An update passes the agent's
    ``live_metadata``: the keys asstctl does not manage are sent back as they are."""
    tags: dict[str, str] = dict(ownership_metadata(stack, a.address))
    if a.effort is not None:
        tags[META_EFFORT] = str(a.effort)
    recorded = hdr.metadata_value(hdr.digests(stack, a.address, values))
    if recorded is not None:
        tags[hdr.META_HEADERS] = recorded
    metadata = merged(a.metadata, tags, live_metadata)
    reasoning = {k: v for k, v in (a.reasoning or {}).items() if v is not None} or None
    multi_agent = dict(a.multi_agent) if a.multi_agent else {"enabled": False}
    return {
        "name": a.display_name,
        "model": a.model,
        "instructions": a.instructions,
        "reasoning": reasoning,
        "text": text_form(a.text),
        "service_tier": a.service_tier or DEFAULT_SERVICE_TIER,
        "multi_agent": multi_agent,
        "compaction": _compaction(a.compaction),
        "experimental": _experimental(a.experimental),
        "tools": _body_tools(a, values),
        "metadata": metadata,
    }


def update_body(
    body: Mapping[str, JSON], before: Mapping[str, JSON], after: Mapping[str, JSON]
) -> dict[str, JSON]:
    """The partial update: the fields whose compared forms differ (``tools`` when only their
    order does), and always ``metadata`` (it carries the header digests and the effort marker)."""
    compared_keys = [*FORM_FIELDS, order_key("tools")]
    changed = {k for k in compared_keys if canonical(before.get(k)) != canonical(after.get(k))}
    if order_key("tools") in changed:
        changed.add("tools")
    return {k: body[k] for k in FORM_FIELDS if k in body and (k in changed or k == "metadata")}


# -- compared forms ------------------------------------------------------------------------


def shown_headers(tool: Mapping[str, JSON]) -> dict[str, JSON]:
    """``tool`` with its MCP header values as a plan shows them (secrets by their source)."""
    transport = tool.get("transport")
    if not isinstance(transport, Mapping) or not isinstance(transport.get("headers"), Mapping):
        return dict(tool)
    shown = {n: hdr.shown(v) for n, v in transport["headers"].items()}
    return {**tool, "transport": {**transport, "headers": shown}}


def _desired_tool(tool: Mapping[str, JSON]) -> JSON:
    return canonical(tool_form(shown_headers(tool)))


def desired_agent_form(a: DesiredAgent) -> dict[str, JSON]:
    """The compared form of a desired agent (header values by their source, never their value)."""
    reasoning = a.reasoning or {}
    return {
        "name": a.display_name,
        "model": a.model,
        "instructions": a.instructions,
        "reasoning": {"effort": a.effort or MODEL_DEFAULT, "summary": reasoning.get("summary")},
        "text": canonical(text_form(a.text)),
        "service_tier": a.service_tier or DEFAULT_SERVICE_TIER,
        "multi_agent": multi_agent_form(a.multi_agent),
        "compaction": _compaction(a.compaction),
        "experimental": _experimental(a.experimental),
        **keyed_form("tools", [_desired_tool(t) for t in a.tools]),
        "metadata": canonical(dict(a.metadata)),
    }


def live_agent_form(
    raw: Mapping[str, JSON],
    desired: DesiredAgent | None,
    wanted: Mapping[hdr.HeaderId, str] | None = None,
) -> dict[str, JSON]:
    """The compared form of a live agent. ``desired`` and ``wanted`` (the declared headers'
    digests) decide how header values read: as declared when their digest matches, else
    as a marker — a live header value itself is never shown."""
    reasoning = raw.get("reasoning") or {}
    effort = reasoning.get("effort")
    marked = META_EFFORT in (raw.get("metadata") or {})
    if desired is not None and desired.effort is None and not marked:
        effort = MODEL_DEFAULT
    recorded = hdr.parse(raw.get("metadata"))
    declared = {(label, name): value for label, name, value in desired.headers()} if desired else {}
    tools = []
    for tool in raw.get("tools") or []:
        t = tool_form(tool)
        transport = t.get("transport")
        if isinstance(transport, Mapping) and transport.get("type") == "http":
            label = str(t.get("server_label"))
            names = list(transport.get("headers") or {})
            names += [n for (lb, n) in declared if lb == label and hdr.header_key(lb, n) in recorded]
            t["transport"] = {
                **transport,
                "headers": {n: _live_header(label, n, declared, wanted or {}, recorded) for n in names},
            }
        tools.append(canonical(t))
    return {
        "name": raw.get("name"),
        "model": raw.get("model"),
        "instructions": raw.get("instructions"),
        "reasoning": {"effort": effort, "summary": reasoning.get("summary")},
        "text": canonical(text_form(raw.get("text"))),
        "service_tier": raw.get("service_tier") or DEFAULT_SERVICE_TIER,
        "multi_agent": multi_agent_form(raw.get("multi_agent")),
        "compaction": _compaction(raw.get("compaction")),
        "experimental": _experimental(raw.get("experimental")),
        **keyed_form("tools", tools),
        "metadata": canonical(compared(raw.get("metadata"), desired.metadata if desired else ())),
    }


def _live_header(
    label: str,
    name: str,
    declared: Mapping[hdr.HeaderId, str | EnvHeader],
    wanted: Mapping[hdr.HeaderId, str],
    recorded: Mapping[str, str],
) -> str:
    got = recorded.get(hdr.header_key(label, name))
    if (label, name) not in declared:
        return hdr.HIDDEN
    if got is None:
        return hdr.UNRECORDED
    return hdr.shown(declared[(label, name)]) if got == wanted.get((label, name)) else hdr.CHANGED


def tools_size(tools: list[Any]) -> int:
    """Bytes of the tool list as compact UTF-8 JSON (the API's 3 MiB limit)."""
    import json

    return len(json.dumps(tools, separators=(",", ":"), ensure_ascii=False).encode())
