"""A ``kind: Agent`` document → its record: shared files (instructions, parameters), defaults
left as None, and the limits the JSON Schema cannot state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agent_support import FULL, load_agent, write_project

from asstctl.errors import ManifestError
from asstctl.kinds.agent.model import EnvHeader
from asstctl.manifest import load_project


def _errors(root: Path, manifest: str) -> str:
    with pytest.raises(ManifestError) as err:
        load_project(write_project(root, manifest))
    return str(err.value)


def test_files_are_read_and_omitted_fields_stay_unset(tmp_path: Path) -> None:
    (tmp_path / "agents" / "fn").mkdir(parents=True)
    (tmp_path / "agents" / "prompt.md").write_text("Be kind.\n", encoding="utf-8")
    params = {"type": "object", "properties": {"id": {"type": "string"}}}
    (tmp_path / "agents" / "fn" / "lookup.json").write_text(json.dumps(params), encoding="utf-8")
    a = load_agent(
        tmp_path,
        "kind: Agent\nname: bot\nmodel: m\ninstructions_file: prompt.md\ntools:\n"
        "  - {type: function, name: lookup, description: d, parameters_file: fn/lookup.json}\n"
        "  - {type: function, name: ping, description: p}\n",
    )
    assert (a.display_name, a.instructions, a.reasoning, a.text, a.service_tier) == (
        "bot",
        "Be kind.\n",
        None,
        None,
        None,
    )
    assert a.tools[0] == {"type": "function", "name": "lookup", "description": "d", "parameters": params}
    assert a.tools[1]["parameters"] == {"type": "object", "properties": {}}


def test_an_env_header_is_kept_as_a_reference_with_its_place(tmp_path: Path) -> None:
    a = load_agent(tmp_path, FULL)
    (label, name, value), plain = a.headers()
    assert (label, name, plain) == ("wiki", "Authorization", ("wiki", "X-Tenant", "acme"))
    assert isinstance(value, EnvHeader)
    assert (value.env, value.prefix, value.field) == (
        "WIKI_TOKEN",
        "Bearer ",
        "tools[1].transport.headers.Authorization",
    )
    assert (value.location.file, value.location.line) == ("agents/a.yaml", 26)


def test_the_tool_list_must_fit_in_3_mib(tmp_path: Path) -> None:
    big = "x" * (3 * 1024 * 1024)
    message = _errors(
        tmp_path,
        f"kind: Agent\nname: bot\nmodel: m\ntools:\n  - {{type: function, name: f, description: {big}}}\n",
    )
    assert "agents/a.yaml:5:3: tools: the tool list is 3,145,8" in message
    assert "the API allows 3,145,728 (3 MiB)" in message


def test_too_many_headers_for_one_metadata_value(tmp_path: Path) -> None:
    headers = ", ".join(f"H{i}: v" for i in range(26))
    message = _errors(
        tmp_path,
        "kind: Agent\nname: bot\nmodel: m\ntools:\n  - type: mcp\n    server_label: s\n"
        f"    transport: {{type: http, server_url: 'https://x.example', headers: {{{headers}}}}}\n",
    )
    assert "declares 26 MCP headers; an agent takes at most 25" in message


def test_instructions_and_instructions_file_exclude_each_other(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir(parents=True)
    (tmp_path / "agents" / "p.md").write_text("x", encoding="utf-8")
    message = _errors(
        tmp_path, "kind: Agent\nname: bot\nmodel: m\ninstructions: y\ninstructions_file: p.md\n"
    )
    assert "instructions_file: set either 'instructions' or 'instructions_file', not both" in message
