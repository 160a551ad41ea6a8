"""The Agents API (beta) under ``/v1/agents``, driven through the real SDK (``client.beta.agents``,
strict response validation) over HTTP: defaults, partial updates and nulls, pagination, 404s,
persistence, and serving with the Assistants API turned off (validation: test_agents_validation.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agentcalls import FN, client, raw
from openai import NotFoundError
from rawhttp import call


def test_create_fills_every_server_default(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(model="gpt-4o")
    assert a.id.startswith("agent_") and a.object == "agent"
    assert a.created_at == a.updated_at and a.created_at > 0
    body = c.beta.agents.with_raw_response.retrieve(a.id).http_response.json()
    assert body == {
        "id": a.id,
        "object": "agent",
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "name": None,
        "model": "gpt-4o",
        "instructions": None,
        "tools": [],
        "reasoning": {"effort": None, "summary": None},
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "service_tier": "auto",
        "multi_agent": {"enabled": False, "max_concurrent_subagents": None},
        "compaction": {"async": False},
        "experimental": {"time_awareness": False},
        "metadata": {},
    }


def test_reasoning_effort_resolves_to_the_model_default(emulator: Any) -> None:
    c = client(emulator)
    assert c.beta.agents.create(model="gpt-5").reasoning.effort == "medium"
    assert c.beta.agents.create(model="o3-mini").reasoning.effort == "medium"
    assert c.beta.agents.create(model="my-custom-model").model == "my-custom-model"  # verbatim
    low = c.beta.agents.create(model="gpt-5", reasoning={"effort": "low", "summary": "auto"})
    assert (low.reasoning.effort, low.reasoning.summary) == ("low", "auto")
    # a requested effort survives a change of model; an omitted one follows the model
    assert c.beta.agents.update(low.id, model="gpt-4o").reasoning.effort == "low"
    reset = c.beta.agents.update(low.id, reasoning=None)
    assert (reset.reasoning.effort, reset.reasoning.summary) == (None, None)
    assert c.beta.agents.update(low.id, model="gpt-5-mini").reasoning.effort == "medium"


def test_tools_echo_their_defaults(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(
        model="gpt-5",
        tools=[
            FN,
            {**FN, "name": "later", "defer_loading": True, "async": True},
            {"type": "tool_search"},
            {"type": "programmatic_tool_calling"},
            {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://m"}},
            {
                "type": "mcp",
                "server_label": "local",
                "transport": {"type": "stdio", "command": "srv", "cwd": "/w", "args": None},
                "connection_origin": None,
                "request_metadata": None,
            },
            {"type": "web_search"},
            {"type": "web_search", "location": {"city": "Paris"}, "mode": "cached"},
            {"type": "computer_use"},
            {"type": "automations"},
        ],
    )
    tools = c.beta.agents.with_raw_response.retrieve(a.id).http_response.json()["tools"]
    assert tools[0] == {**FN, "defer_loading": False}
    assert tools[1] == {**FN, "name": "later", "defer_loading": True, "async": True}
    assert tools[2:4] == [{"type": "tool_search"}, {"type": "programmatic_tool_calling", "enabled": True}]
    mcp_defaults: dict[str, Any] = {
        "allowed_tools": None,
        "connection_origin": "service",
        "credential_id": None,
        "request_metadata": {},
        "required": False,
    }
    assert tools[4] == {
        "type": "mcp",
        "server_label": "docs",
        "transport": {"type": "http", "server_url": "https://m", "headers": {}},
        **mcp_defaults,
    }
    assert tools[5] == {
        "type": "mcp",
        "server_label": "local",
        "transport": {"type": "stdio", "command": "srv", "cwd": "/w", "args": [], "env_vars": []},
        **mcp_defaults,
    }
    web = {"type": "web_search", "allowed_domains": None, "context_size": "medium", "location": None}
    assert tools[6] == {**web, "mode": "live"}
    place = {"city": "Paris", "country": None, "region": None, "timezone": None}
    assert tools[7] == {**web, "location": place, "mode": "cached"}
    assert tools[8:] == [{"type": "computer_use", "include_screenshots": False}, {"type": "automations"}]


def test_multi_agent_text_and_compaction_resolve(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(
        model="gpt-5",
        multi_agent={"enabled": True},
        text={"format": {"type": "json_schema", "schema": {"type": "object"}}, "verbosity": "high"},
        compaction={"async_": True},
        service_tier="flex",
        experimental={"time_awareness": True},
    )
    assert (a.multi_agent.enabled, a.multi_agent.max_concurrent_subagents) == (True, 6)
    assert a.text.format.type == "json_schema" and a.text.verbosity == "high"
    assert a.compaction is not None and a.compaction.async_ is True
    assert a.service_tier == "flex"
    assert a.experimental is not None and a.experimental.time_awareness is True
    three = c.beta.agents.update(a.id, multi_agent={"enabled": True, "max_concurrent_subagents": 3})
    assert three.multi_agent.max_concurrent_subagents == 3
    off = c.beta.agents.update(a.id, multi_agent={"enabled": False, "max_concurrent_subagents": 3})
    assert (off.multi_agent.enabled, off.multi_agent.max_concurrent_subagents) == (False, None)
    empty = c.beta.agents.update(a.id, compaction={})
    assert empty.compaction is not None and empty.compaction.async_ is False


def test_update_is_partial(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(
        model="gpt-5", name="helper", instructions="Be brief.", tools=[FN], metadata={"team": "a"}
    )
    before = a.to_dict()
    renamed = c.beta.agents.update(a.id, name="renamed")
    assert {**renamed.to_dict(), "name": "helper", "updated_at": a.updated_at} == before
    assert c.beta.agents.update(a.id).to_dict() | {"updated_at": 0} == renamed.to_dict() | {"updated_at": 0}
    assert c.beta.agents.retrieve(a.id).name == "renamed"


def test_explicit_null_clears_or_resets(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(
        model="gpt-5",
        name="helper",
        instructions="Be brief.",
        tools=[FN],
        metadata={"team": "a"},
        reasoning={"effort": "high", "summary": "concise"},
        compaction={"async_": True},
        service_tier="priority",
        text={"verbosity": "low"},
        multi_agent={"enabled": True},
        experimental={"time_awareness": True},
    )
    u = c.beta.agents.update(
        a.id,
        name=None,
        instructions=None,
        tools=None,
        metadata=None,
        reasoning=None,
        compaction=None,
        service_tier=None,
        text=None,
        multi_agent=None,
    )
    fresh = c.beta.agents.create(model="gpt-5", experimental={"time_awareness": True})
    ignore = {"id": "", "created_at": 0, "updated_at": 0}
    assert u.to_dict() | ignore == fresh.to_dict() | ignore
    assert c.beta.agents.update(a.id, metadata={"k": "v"}).metadata == {"k": "v"}
    assert c.beta.agents.update(a.id, metadata={}).metadata == {}
    # experimental merges by key: an empty object keeps what is set
    merged = c.beta.agents.update(a.id, experimental={})
    assert merged.experimental is not None and merged.experimental.time_awareness is True


def test_unknown_agents_are_404(emulator: Any) -> None:
    c = client(emulator)
    for call_it in (
        lambda: c.beta.agents.retrieve("agent_missing"),
        lambda: c.beta.agents.update("agent_missing", name="x"),
        lambda: c.beta.agents.delete("agent_missing"),
    ):
        with pytest.raises(NotFoundError) as exc:
            call_it()
        assert exc.value.body == {  # type: ignore[comparison-overlap]
            "message": "No agent found with id 'agent_missing'.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    a = c.beta.agents.create(model="gpt-4o")
    deleted = c.beta.agents.delete(a.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (a.id, True, "agent.deleted")
    with pytest.raises(NotFoundError):
        c.beta.agents.retrieve(a.id)
    with pytest.raises(NotFoundError):
        c.beta.agents.delete(a.id)
    assert emulator.store.count("agents") == 0


def test_list_pages_with_after_limit_and_order(emulator: Any) -> None:
    c = client(emulator)
    ids = [c.beta.agents.create(model="gpt-4o", name=f"a{i}").id for i in range(23)]
    page = c.beta.agents.list()
    assert [x.id for x in page.data] == ids[::-1][:20] and page.has_more  # default: desc, 20
    assert [x.id for x in c.beta.agents.list(limit=2)] == ids[::-1]  # the SDK follows `after`
    asc = c.beta.agents.list(order="asc", limit=5)
    assert [x.id for x in asc.data] == ids[:5] and asc.has_more
    tail = c.beta.agents.with_raw_response.list(order="asc", limit=5, after=ids[19]).http_response.json()
    assert tail["object"] == "list" and [x["id"] for x in tail["data"]] == ids[20:]
    assert (tail["first_id"], tail["last_id"], tail["has_more"]) == (ids[20], ids[22], False)
    assert [x.id for x in c.beta.agents.list(after=ids[2]).data] == ids[1::-1]
    c.beta.agents.delete(ids[1])
    assert [x.id for x in c.beta.agents.list(after=ids[1]).data] == [ids[0]]  # a deleted cursor works
    assert c.beta.agents.list(limit=100).data[-1].id == ids[0]
    for query, param in (
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("order=up", "order"),
        (f"before={ids[3]}", "before"),
        ("after=agent_nope", "after"),
    ):
        status, payload = raw(emulator, "GET", "/v1/agents?" + query)
        assert status == 400 and payload["error"]["param"] == param, query
    empty = c.beta.agents.with_raw_response.list(after=ids[0]).http_response.json()
    assert empty == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_agents_persist_across_restarts(emulator_factory: Any, tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    emu = emulator_factory(state_path=state)
    c = client(emu)
    kept = c.beta.agents.create(model="gpt-5", name="kept", tools=[FN], metadata={"owner": "me"})
    c.beta.agents.update(kept.id, reasoning={"summary": "auto"})
    gone = c.beta.agents.create(model="gpt-4o")
    c.beta.agents.delete(gone.id)
    before = emu.store.objects("agents")
    emu.stop()

    again = emulator_factory(state_path=state)
    c = client(again)
    assert again.store.objects("agents") == before
    assert c.beta.agents.retrieve(kept.id).to_dict() == before[0]
    assert [x.id for x in c.beta.agents.list()] == [kept.id]
    # a requested-effort-free agent still follows its model after the restart
    assert c.beta.agents.update(kept.id, model="gpt-4o").reasoning.effort is None
    again.stop()

    # a state file from before agents existed still loads, with no agents
    data = json.loads(state.read_text())
    del data["agents"]
    state.write_text(json.dumps(data))
    old = emulator_factory(state_path=state)
    assert old.store.count("agents") == 0 and client(old).beta.agents.list().data == []


def test_agents_are_served_without_the_assistants_api(emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    c = client(emu)
    a = c.beta.agents.create(model="gpt-5", name="still here")
    assert c.beta.agents.retrieve(a.id).name == "still here"
    assert [x.id for x in c.beta.agents.list()] == [a.id]
    status, _, _ = call(emu.root_url, "GET", "/v1/assistants")
    assert status == 404


def test_stats_count_agents_by_template(emulator: Any) -> None:
    c = client(emulator)
    a = c.beta.agents.create(model="gpt-4o")
    c.beta.agents.retrieve(a.id)
    c.beta.agents.retrieve(a.id)
    c.beta.agents.update(a.id, name="n")
    c.beta.agents.list()
    c.beta.agents.delete(a.id)
    assert emulator.stats()["by_endpoint"] == {
        "POST /v1/agents": 1,
        "GET /v1/agents/{agent_id}": 2,
        "POST /v1/agents/{agent_id}": 1,
        "GET /v1/agents": 1,
        "DELETE /v1/agents/{agent_id}": 1,
    }
