"""Request checks of the Agents API (beta): the closed create and update bodies of ``/v1/agents``.

The contract is the ``openai`` SDK's own param types (``types/beta/agent_create_params.py``,
``agent_update_params.py``, ``persisted_agent_tool_param.py``); the limits its docstrings state
in prose (metadata 16/64/512, tools ≤ 3 MiB of compact UTF-8 JSON) are enforced here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from asstctl.emulator.apierror import invalid
from asstctl.emulator.schema import AnyValue, Arr, Bool, Int, Nullable, Obj, Schema, Str, Tagged
from asstctl.emulator.validation import METADATA, NAME_PATTERN, REASONING_EFFORTS

SERVICE_TIERS = ("auto", "default", "flex", "priority", "fast", "ultrafast")
SUMMARIES = ("concise", "detailed", "auto")
VERBOSITIES = ("low", "medium", "high")
TOOLS_MAX_BYTES = 3 * 1024 * 1024
"""The tool list must fit within 3 MiB (3,145,728 bytes) of compact UTF-8 JSON."""

_TYPE = Str()
_STRINGS = Nullable(Arr(Str()))


def _only_type() -> Obj:
    return Obj({"type": _TYPE})


_MCP_TRANSPORT = Tagged(
    {
        "http": Obj(
            {"type": _TYPE, "server_url": Str(), "headers": Nullable(Obj(values=Str()))},
            required=("server_url",),
        ),
        "stdio": Obj(
            {"type": _TYPE, "command": Str(), "cwd": Str(), "args": _STRINGS, "env_vars": _STRINGS},
            required=("command", "cwd"),
        ),
    }
)
_LOCATION = Obj({k: Nullable(Str()) for k in ("city", "country", "region", "timezone")})
TOOL: Schema = Tagged(
    {
        "function": Obj(
            {
                "type": _TYPE,
                "name": Str(pattern=NAME_PATTERN),
                "description": Str(),
                "parameters": AnyValue(object_only=True),
                "defer_loading": Bool(),
                "async": Bool(),
            },
            required=("name", "description", "parameters"),
        ),
        "tool_search": _only_type(),
        "programmatic_tool_calling": Obj({"type": _TYPE, "enabled": Bool()}),
        "mcp": Obj(
            {
                "type": _TYPE,
                "server_label": Str(),
                "transport": _MCP_TRANSPORT,
                "allowed_tools": _STRINGS,
                "connection_origin": Nullable(Str(enum=("service", "environment"))),
                "credential_id": Nullable(Str()),
                "request_metadata": Nullable(AnyValue(object_only=True)),
                "required": Bool(),
            },
            required=("server_label", "transport"),
        ),
        "web_search": Obj(
            {
                "type": _TYPE,
                "allowed_domains": _STRINGS,
                "context_size": Nullable(Str(enum=("low", "medium", "high"))),
                "location": Nullable(_LOCATION),
                "mode": Nullable(Str(enum=("disabled", "cached", "live"))),
            }
        ),
        "computer_use": Obj({"type": _TYPE, "include_screenshots": Bool()}),
        "automations": _only_type(),
    }
)


@dataclass(frozen=True)
class _ToolList:
    """A nullable array of tools whose compact UTF-8 JSON fits in ``TOOLS_MAX_BYTES``."""

    def check(self, value: object, path: str) -> None:
        if value is None:
            return
        Arr(TOOL).check(value, path)
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
        if size > TOOLS_MAX_BYTES:
            raise invalid(
                path,
                f"Invalid '{path}': the tool list must fit within 3 MiB ({TOOLS_MAX_BYTES:,} bytes) of "
                f"compact UTF-8 JSON, but got {size:,} bytes.",
                "invalid_value",
            )


_TEXT_FORMAT = Tagged(
    {
        "text": _only_type(),
        # unlike Responses, no name, strict or description
        "json_schema": Obj({"type": _TYPE, "schema": AnyValue(object_only=True)}, required=("schema",)),
    }
)


def _fields() -> dict[str, Schema]:
    """The fields create and update share (update adds nothing but makes ``model`` optional)."""
    return {
        "model": Str(),
        "name": Nullable(Str()),
        "instructions": Nullable(Str()),
        "metadata": METADATA,
        "service_tier": Nullable(Str(enum=SERVICE_TIERS)),
        "reasoning": Nullable(
            Obj({"effort": Nullable(Str(enum=REASONING_EFFORTS)), "summary": Nullable(Str(enum=SUMMARIES))})
        ),
        "text": Nullable(
            Obj({"format": Nullable(_TEXT_FORMAT), "verbosity": Nullable(Str(enum=VERBOSITIES))})
        ),
        "multi_agent": Nullable(
            Obj({"enabled": Bool(), "max_concurrent_subagents": Int(lo=1)}, required=("enabled",))
        ),
        "tools": _ToolList(),
        "compaction": Nullable(Obj({"async": Nullable(Bool())})),
        "experimental": Obj({"time_awareness": Bool()}),
    }


CREATE_AGENT: Schema = Obj(_fields(), required=("model",))
UPDATE_AGENT: Schema = Obj(_fields())
