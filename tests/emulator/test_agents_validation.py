"""The Agents API's request checks: every refused body answers 400 naming the parameter, the
tool list's 3 MiB limit counts UTF-8 bytes, and every request needs ``OpenAI-Beta: agents=v1``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from agentcalls import AGENTS, FN, client, raw
from openai import BadRequestError, omit
from rawhttp import call

from asstctl.emulator.agent_schema import TOOLS_MAX_BYTES


def _fn_with(**fields: Any) -> dict[str, Any]:
    return {"model": "m", "tools": [{**FN, **fields}]}


def _mcp(**fields: Any) -> dict[str, Any]:
    tool = {"type": "mcp", "server_label": "s", "transport": {"type": "http", "server_url": "https://m"}}
    return {"model": "m", "tools": [{k: v for k, v in {**tool, **fields}.items() if v is not None}]}


BAD_BODIES: list[tuple[str, dict[str, Any], str, str]] = [
    ("create", {}, "model", "missing_required_parameter"),
    ("create", {"name": "x"}, "model", "missing_required_parameter"),
    ("create", {"model": 4}, "model", "invalid_type"),
    ("update", {"model": None}, "model", "invalid_type"),
    ("create", {"model": "m", "colour": "blue"}, "colour", "unknown_parameter"),
    ("create", {"model": "m", "temperature": 1}, "temperature", "unknown_parameter"),
    ("update", {"top_p": 1}, "top_p", "unknown_parameter"),
    ("create", {"model": "m", "service_tier": "slow"}, "service_tier", "invalid_value"),
    ("create", {"model": "m", "reasoning": {"effort": "huge"}}, "reasoning.effort", "invalid_value"),
    ("update", {"reasoning": {"summary": "long"}}, "reasoning.summary", "invalid_value"),
    ("create", {"model": "m", "text": {"verbosity": "loud"}}, "text.verbosity", "invalid_value"),
    *[
        (
            "create",
            {"model": "m", "text": {"format": {"type": "json_schema", "schema": {}, key: value}}},
            f"text.format.{key}",
            "unknown_parameter",
        )
        for key, value in (("name", "out"), ("strict", True), ("description", "d"))
    ],
    (
        "create",
        {"model": "m", "text": {"format": {"type": "json_schema"}}},
        "text.format.schema",
        "missing_required_parameter",
    ),
    (
        "create",
        {"model": "m", "text": {"format": {"type": "json_object"}}},
        "text.format.type",
        "invalid_value",
    ),
    ("create", {"model": "m", "multi_agent": {}}, "multi_agent.enabled", "missing_required_parameter"),
    (
        "create",
        {"model": "m", "multi_agent": {"enabled": True, "max_concurrent_subagents": 0}},
        "multi_agent.max_concurrent_subagents",
        "integer_below_min_value",
    ),
    ("create", {"model": "m", "compaction": {"async": "yes"}}, "compaction.async", "invalid_type"),
    ("create", {"model": "m", "experimental": None}, "experimental", "invalid_type"),
    ("update", {"experimental": {"mind_reading": True}}, "experimental.mind_reading", "unknown_parameter"),
    (
        "create",
        {"model": "m", "metadata": {f"k{i}": "v" for i in range(17)}},
        "metadata",
        "object_above_max_properties",
    ),
    (
        "create",
        {"model": "m", "metadata": {"k" * 65: "v"}},
        "metadata." + "k" * 65,
        "string_above_max_length",
    ),
    ("update", {"metadata": {"k": "v" * 513}}, "metadata.k", "string_above_max_length"),
    ("create", {"model": "m", "tools": {}}, "tools", "invalid_type"),
    ("create", {"model": "m", "tools": [{"type": "file_search"}]}, "tools[0].type", "invalid_value"),
    ("create", {"model": "m", "tools": [{"type": "code_interpreter"}]}, "tools[0].type", "invalid_value"),
    ("create", {"model": "m", "tools": [{"name": "f"}]}, "tools[0].type", "missing_required_parameter"),
    *[
        (
            "create",
            {"model": "m", "tools": [{k: v for k, v in FN.items() if k != key}]},
            f"tools[0].{key}",
            "missing_required_parameter",
        )
        for key in ("name", "description", "parameters")
    ],
    ("create", _fn_with(strict=True), "tools[0].strict", "unknown_parameter"),
    ("create", _fn_with(name="has space"), "tools[0].name", "invalid_value"),
    ("create", _fn_with(parameters=[]), "tools[0].parameters", "invalid_type"),
    ("create", _mcp(server_label=None), "tools[0].server_label", "missing_required_parameter"),
    ("create", _mcp(transport=None), "tools[0].transport", "missing_required_parameter"),
    (
        "create",
        _mcp(transport={"type": "http"}),
        "tools[0].transport.server_url",
        "missing_required_parameter",
    ),
    (
        "create",
        _mcp(transport={"type": "stdio", "command": "c"}),
        "tools[0].transport.cwd",
        "missing_required_parameter",
    ),
    (
        "create",
        _mcp(transport={"type": "stdio", "cwd": "/"}),
        "tools[0].transport.command",
        "missing_required_parameter",
    ),
    (
        "create",
        _mcp(transport={"type": "sse", "server_url": "u"}),
        "tools[0].transport.type",
        "invalid_value",
    ),
    ("create", _mcp(server_url="https://m"), "tools[0].server_url", "unknown_parameter"),
    ("create", _mcp(require_approval="never"), "tools[0].require_approval", "unknown_parameter"),
    ("create", _mcp(connection_origin="cloud"), "tools[0].connection_origin", "invalid_value"),
    (
        "create",
        {"model": "m", "tools": [{"type": "web_search", "mode": "offline"}]},
        "tools[0].mode",
        "invalid_value",
    ),
    (
        "create",
        {"model": "m", "tools": [{"type": "web_search", "location": {"planet": "Mars"}}]},
        "tools[0].location.planet",
        "unknown_parameter",
    ),
]


@pytest.mark.parametrize(("op", "body", "param", "code"), BAD_BODIES)
def test_invalid_bodies_are_refused(
    emulator: Any, op: str, body: dict[str, Any], param: str, code: str
) -> None:
    c = client(emulator)
    agent = c.beta.agents.create(model="gpt-4o", metadata={"keep": "me"})
    path = "/v1/agents" if op == "create" else f"/v1/agents/{agent.id}"
    status, payload = raw(emulator, "POST", path, body)
    assert status == 400, payload
    assert payload["error"]["type"] == "invalid_request_error"
    assert (payload["error"]["param"], payload["error"]["code"]) == (param, code)
    assert c.beta.agents.retrieve(agent.id).to_dict() == agent.to_dict()  # nothing changed
    assert emulator.store.count("agents") == 1


def test_sdk_errors_carry_the_param(emulator: Any) -> None:
    c = client(emulator)
    with pytest.raises(BadRequestError) as exc:
        c.beta.agents.create(model="gpt-5", tools=[{"type": "function", "name": "f"}])  # type: ignore[list-item]
    assert exc.value.status_code == 400 and exc.value.param == "tools[0].description"


def test_tools_must_fit_in_three_mebibytes_of_utf8_json(emulator: Any) -> None:
    c = client(emulator)
    empty = [{**FN, "description": ""}]
    room = TOOLS_MAX_BYTES - len(json.dumps(empty, separators=(",", ":")).encode())
    fits = c.beta.agents.create(model="gpt-5", tools=[{**FN, "description": "x" * room}])
    assert len(fits.tools[0].description) == room  # type: ignore[union-attr]
    # as many characters, one byte more: "é" is two bytes of UTF-8
    status, payload = raw(
        emulator,
        "POST",
        "/v1/agents",
        {"model": "m", "tools": [{**FN, "description": "é" + "x" * (room - 1)}]},
    )
    assert status == 400 and (payload["error"]["param"], payload["error"]["code"]) == (
        "tools",
        "invalid_value",
    )
    status, payload = raw(
        emulator, "POST", f"/v1/agents/{fits.id}", {"tools": [{**FN, "description": "x" * (room + 1)}]}
    )
    assert status == 400 and payload["error"]["param"] == "tools"


def test_the_agents_beta_header_is_required(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(model="gpt-4o")
    with pytest.raises(BadRequestError) as exc:
        c.beta.agents.retrieve(a.id, extra_headers={"OpenAI-Beta": omit})
    assert exc.value.body == {
        "message": "You must provide the 'OpenAI-Beta' header to access the Agents API. "
        "Please try again by setting the header 'OpenAI-Beta: agents=v1'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    for method, path, body in (
        ("GET", "/v1/agents", None),
        ("POST", "/v1/agents", {"model": "gpt-4o"}),
        ("POST", f"/v1/agents/{a.id}", {"name": "x"}),
        ("DELETE", f"/v1/agents/{a.id}", None),
    ):
        status, _, payload = call(emulator.root_url, method, path, body)  # sends assistants=v2
        assert status == 400 and "agents=v1" in payload["error"]["message"]
    assert [x.id for x in c.beta.agents.list()] == [a.id] and c.beta.agents.retrieve(a.id).name is None
    # the assistants routes keep their own header
    status, _, payload = call(emulator.root_url, "GET", "/v1/assistants", headers=AGENTS)
    assert status == 400 and "'OpenAI-Beta: assistants=v2'" in payload["error"]["message"]
