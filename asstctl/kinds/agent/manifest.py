"""A ``kind: Agent`` document → its record, with the checks the JSON Schema cannot express:
unique function names and MCP server labels, one of each built-in tool, the metadata pairs
left after asstctl's reserved keys, the 3 MiB tool list, JSON Schema validity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from asstctl.core import managed
from asstctl.core.model import Location
from asstctl.core.ownership import META_ADDRESS, META_STACK
from asstctl.kinds.agent import headers as hdr
from asstctl.kinds.agent.forms import META_EFFORT, shown_headers, tools_size
from asstctl.kinds.agent.model import DesiredAgent, EnvHeader
from asstctl.manifest import checks
from asstctl.manifest.yaml_loader import YamlDocument, format_path

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder

TOOLS_MAX_BYTES = 3 * 1024 * 1024
EMPTY_PARAMETERS: Mapping[str, Any] = {"type": "object", "properties": {}}
"""Sent for a function without ``parameters`` (the API requires the field)."""
_KEYED = {"function": "name", "mcp": "server_label"}
"""Tool types that may repeat, and the field that must then differ."""


def build_agent(b: Builder, doc: YamlDocument) -> DesiredAgent:
    """The agent in ``doc``; problems go to ``b`` as diagnostics."""
    data: Mapping[str, Any] = doc.data
    name: str = data["name"]
    tools = _tools(b, doc, data.get("tools", []))
    agent = DesiredAgent(
        name=name,
        display_name=data.get("display_name", name),
        model=data["model"],
        instructions=b.instructions(doc, "agent", required=False),
        reasoning=data.get("reasoning"),
        text=data.get("text"),
        service_tier=data.get("service_tier"),
        multi_agent=data.get("multi_agent"),
        compaction=data.get("compaction"),
        experimental=data.get("experimental"),
        metadata=dict(data.get("metadata", {})),
        tools=tuple(tools),
        prevent_destroy=bool(data.get("lifecycle", {}).get("prevent_destroy", False)),
        location=b.location(doc),
    )
    _check_metadata(b, doc, agent)
    _check_text(b, doc)
    if len(agent.headers()) > hdr.MAX_HEADERS:
        b.error(
            doc,
            ("tools",),
            f"declares {len(agent.headers())} MCP headers; an agent takes at most {hdr.MAX_HEADERS} "
            "(asstctl records a digest of each in one metadata value); remove some",
        )
    size = tools_size([shown_headers(t) for t in tools])
    if size > TOOLS_MAX_BYTES:
        b.error(
            doc,
            ("tools",),
            f"the tool list is {size:,} bytes of compact JSON; the API allows {TOOLS_MAX_BYTES:,} (3 MiB): "
            "shorten descriptions or parameter schemas, or split the agent",
        )
    return agent


def _tools(b: Builder, doc: YamlDocument, entries: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, tool in enumerate(entries):
        kind = tool["type"]
        field = _KEYED.get(kind)
        key = (kind, str(tool[field]) if field else "")
        if key in seen:
            where = ("tools", i, field or "type")
            if field is None:
                b.error(
                    doc,
                    where,
                    f"an agent has at most one {kind} tool (another is tools[{seen[key]}]); merge them",
                )
            else:
                b.error(
                    doc,
                    where,
                    f"the {kind} {field} '{key[1]}' is already used by tools[{seen[key]}]; "
                    f"{field}s are unique per agent, rename one",
                )
            continue
        seen[key] = i
        if kind == "function":
            tools.append(_function(b, doc, i, tool))
        elif kind == "mcp":
            tools.append(_mcp(doc, i, tool))
        else:
            tools.append(dict(tool))
    return tools


def _function(b: Builder, doc: YamlDocument, i: int, tool: Mapping[str, Any]) -> dict[str, Any]:
    params = b.parameters(doc, i, tool, strict=False)
    out = {k: v for k, v in tool.items() if k not in ("parameters", "parameters_file")}
    out["parameters"] = params if params is not None else dict(EMPTY_PARAMETERS)
    return out


def _mcp(doc: YamlDocument, i: int, tool: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(tool)
    transport = dict(tool["transport"])
    if "headers" in transport:
        given: Mapping[str, Any] = transport["headers"]
        transport["headers"] = {
            n: _header(doc, ("tools", i, "transport", "headers", n), v) for n, v in given.items()
        }
    out["transport"] = transport
    return out


def _header(doc: YamlDocument, path: tuple[str | int, ...], value: Any) -> str | EnvHeader:
    if isinstance(value, str):
        return value
    at = doc.pos(path)
    return EnvHeader(
        env=value["env"],
        prefix=value.get("prefix", ""),
        location=Location(doc.file, at.line, at.col),
        field=format_path(path),
    )


def _check_metadata(b: Builder, doc: YamlDocument, a: DesiredAgent) -> None:
    """The user pairs must fit beside asstctl's reserved ones, and their keys in ``asstctl_keys``."""
    reserved = [META_STACK, META_ADDRESS]
    reserved += [META_EFFORT] if a.effort is not None else []
    reserved += [hdr.META_HEADERS] if a.headers() else []
    reserved += [managed.KEYS]
    room = managed.MAX_PAIRS - len(reserved)
    if len(a.metadata) > room:
        b.error(
            doc,
            ("metadata",),
            f"holds {len(a.metadata)} pairs, but this agent has room for {room}: the API allows "
            f"{managed.MAX_PAIRS} and asstctl reserves {len(reserved)} here ({', '.join(reserved)}); "
            "remove some",
        )
    elif problem := managed.key_list_problem(a.metadata):
        b.error(doc, ("metadata",), problem)


def _check_text(b: Builder, doc: YamlDocument) -> None:
    fmt = (doc.data.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema" and "schema" in fmt:
        for sub, message in checks.schema_value_problems(
            fmt["schema"], what="the output schema", strict=False, object_root=False
        ):
            b.error(doc, ("text", "format", "schema", *sub), message)
