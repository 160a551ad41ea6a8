"""The agent kind's normalized forms against the emulator's own store (which fills in the
service's defaults as the reference documents them): an agent created from the desired body
reads back as the desired form, removing a field restores its default, and header values are
compared by digest without ever being shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agent_support import FULL, MINIMAL, load_agent

from asstctl.core.changes import attribute_changes
from asstctl.emulator import agents as server
from asstctl.emulator.agent_schema import CREATE_AGENT, UPDATE_AGENT
from asstctl.emulator.store import Store
from asstctl.errors import ManifestError
from asstctl.kinds.agent import headers
from asstctl.kinds.agent.forms import (
    MODEL_DEFAULT,
    agent_body,
    desired_agent_form,
    live_agent_form,
    update_body,
)
from asstctl.kinds.agent.model import DesiredAgent

STACK = "t"


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIKI_TOKEN", "tok-1")


def _created(a: DesiredAgent, store: Store) -> dict[str, Any]:
    body = {k: v for k, v in agent_body(a, STACK, headers.resolve(a)).items() if v is not None}
    CREATE_AGENT.check(body, "")  # the request the SDK's closed TypedDicts accept
    return server.create_agent(store, body)


def _compare(a: DesiredAgent, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    wanted = headers.digests(STACK, a.address, headers.resolve(a))
    return live_agent_form(raw, a, wanted), desired_agent_form(a)


def _update(a: DesiredAgent, raw: dict[str, Any], store: Store) -> dict[str, Any]:
    before, after = _compare(a, raw)
    body = update_body(agent_body(a, STACK, headers.resolve(a)), before, after)
    UPDATE_AGENT.check(body, "")
    return server.update_agent(store, raw["id"], body)


@pytest.mark.parametrize("manifest", [FULL, MINIMAL], ids=["full", "minimal"])
def test_an_agent_as_created_reads_back_as_desired(tmp_path: Path, manifest: str) -> None:
    a = load_agent(tmp_path, manifest)
    live, desired = _compare(a, _created(a, Store()))
    assert live == desired


def test_removing_every_field_restores_the_defaults_in_place(tmp_path: Path) -> None:
    store = Store()
    raw = _created(load_agent(tmp_path / "full", FULL), store)
    minimal = load_agent(tmp_path / "min", MINIMAL)
    before, after = _compare(minimal, raw)
    changed = {c.path.split(".")[0].split("[")[0] for c in attribute_changes(before, after)}
    assert changed == {
        "name", "instructions", "reasoning", "text", "service_tier", "multi_agent", "compaction",
        "experimental", "tools", "metadata",
    }  # fmt: skip
    updated = _update(minimal, raw, store)
    assert updated["id"] == raw["id"]
    live, desired = _compare(minimal, updated)
    assert live == desired
    assert updated["metadata"] == {
        "asstctl_stack": STACK,
        "asstctl_address": "agent.order-bot",
        "asstctl_keys": "",
    }
    assert (updated["service_tier"], updated["text"]["verbosity"], updated["tools"]) == ("auto", "medium", [])


def test_an_unset_effort_ignores_the_model_default_but_one_asstctl_set_is_reset(tmp_path: Path) -> None:
    store = Store()
    minimal = load_agent(tmp_path / "min", MINIMAL)
    raw = _created(minimal, store)
    assert raw["reasoning"]["effort"] is not None  # the service resolved the model's default
    assert _compare(minimal, raw)[0]["reasoning"] == {"effort": MODEL_DEFAULT, "summary": None}

    high = load_agent(tmp_path / "high", MINIMAL + "reasoning: {effort: high}\n")
    raw = _update(high, raw, store)
    assert raw["reasoning"]["effort"] == "high" and raw["metadata"]["asstctl_effort"] == "high"
    before, after = _compare(minimal, raw)
    assert [(c.path, c.before, c.after) for c in attribute_changes(before, after)] == [
        ("reasoning.effort", "high", MODEL_DEFAULT)
    ]
    raw = _update(minimal, raw, store)
    assert "asstctl_effort" not in raw["metadata"] and raw["reasoning"]["effort"] != "high"
    live, desired = _compare(minimal, raw)
    assert live == desired


def test_a_changed_secret_is_found_by_digest_and_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store()
    a = load_agent(tmp_path, FULL)
    raw = _created(a, store)
    assert (
        raw["tools"][1]["transport"]["headers"]["Authorization"] == "Bearer tok-1"
    )  # the emulator echoes it
    assert "tok-1" not in raw["metadata"]["asstctl_headers"]
    monkeypatch.setenv("WIKI_TOKEN", "tok-2")
    before, after = _compare(a, raw)
    assert [(c.path, c.before, c.after) for c in attribute_changes(before, after)] == [
        (
            "tools.wiki.transport.headers.Authorization",
            headers.CHANGED,
            "Bearer (secret from $WIKI_TOKEN)",
        )
    ]
    assert "tok-" not in json.dumps([before, after, live_agent_form(raw, None)])
    raw = _update(a, raw, store)
    assert raw["tools"][1]["transport"]["headers"]["Authorization"] == "Bearer tok-2"
    live, desired = _compare(a, raw)
    assert live == desired


def test_a_header_set_outside_asstctl_is_hidden(tmp_path: Path) -> None:
    a = load_agent(tmp_path, FULL)
    raw = _created(a, Store())
    raw["tools"][1]["transport"]["headers"]["X-Other"] = "sekrit"
    del raw["metadata"]["asstctl_headers"]
    shown = live_agent_form(raw, a, headers.digests(STACK, a.address, headers.resolve(a)))
    assert shown["tools"]["wiki"]["transport"]["headers"] == {
        "Authorization": headers.UNRECORDED,
        "X-Tenant": headers.UNRECORDED,
        "X-Other": headers.HIDDEN,
    }


def test_an_unset_or_empty_variable_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = load_agent(tmp_path, FULL)
    for value in (None, ""):
        if value is None:
            monkeypatch.delenv("WIKI_TOKEN")
        else:
            monkeypatch.setenv("WIKI_TOKEN", value)
        with pytest.raises(ManifestError) as err:
            headers.resolve(a)
        message = str(err.value)
        assert message.startswith("agents/a.yaml:")
        assert "tools[1].transport.headers.Authorization: the environment variable WIKI_TOKEN is" in message


def test_tools_are_keyed_by_function_name_server_label_and_type(tmp_path: Path) -> None:
    a = load_agent(tmp_path, FULL)
    form = desired_agent_form(a)
    assert form["tool_order"] == [
        "lookup_order", "wiki", "local", "web_search", "tool_search", "programmatic_tool_calling",
        "computer_use",
    ]  # fmt: skip
    assert form["tools"]["wiki"]["type"] == "mcp" and "server_label" not in form["tools"]["wiki"]
    assert form["tools"]["lookup_order"]["description"] == "查询订单状态"


def test_one_function_edit_is_one_change_and_a_reorder_one_order_change(tmp_path: Path) -> None:
    store = Store()
    raw = _created(load_agent(tmp_path / "full", FULL), store)
    edited = load_agent(tmp_path / "edit", FULL.replace("查询订单状态", "Looks an order up."))
    before, after = _compare(edited, raw)
    assert [(c.path, c.before, c.after) for c in attribute_changes(before, after)] == [
        ("tools.lookup_order.description", "查询订单状态", "Looks an order up.")
    ]
    raw = _update(edited, raw, store)
    assert raw["tools"][0]["description"] == "Looks an order up."
    assert _compare(edited, raw)[0] == _compare(edited, raw)[1]

    # web_search moved to the front: only the order changes, and the update sends the tools
    moved = load_agent(
        tmp_path / "moved",
        FULL.replace("查询订单状态", "Looks an order up.")
        .replace(
            "  - type: web_search\n    allowed_domains: [example.com]\n    location: {country: CN}\n", ""
        )
        .replace(
            "tools:\n",
            "tools:\n  - type: web_search\n    allowed_domains: [example.com]\n    location: {country: CN}\n",
        ),
    )
    assert len(moved.tools) == len(edited.tools)
    before, after = _compare(moved, raw)
    changes = attribute_changes(before, after)
    assert [c.path for c in changes] == ["tool_order"]
    assert changes[0].after[0] == "web_search"
    assert "tools" in update_body(agent_body(moved, STACK, headers.resolve(moved)), before, after)
    raw = _update(moved, raw, store)
    assert [t["type"] for t in raw["tools"]][:2] == ["web_search", "function"]
    assert _compare(moved, raw)[0] == _compare(moved, raw)[1]


def test_metadata_keys_asstctl_did_not_write_are_kept_and_never_drift(tmp_path: Path) -> None:
    store = Store()
    a = load_agent(
        tmp_path / "a", FULL.replace("metadata: {team: support}", "metadata: {team: support, tier: gold}")
    )
    raw = _created(a, store)
    assert raw["metadata"]["asstctl_keys"] == "team,tier"
    raw = server.update_agent(store, raw["id"], {"metadata": {**raw["metadata"], "owner": "ops"}})  # by hand

    before, after = _compare(a, raw)
    assert before == after  # the hand-added key is not drift

    # removing "tier" from the manifest removes it; "owner" stays, untouched and unshown
    b = load_agent(tmp_path / "b", FULL)
    before, after = _compare(b, raw)
    assert [(c.path, c.before, c.after) for c in attribute_changes(before, after)] == [
        ("metadata.tier", "gold", None)
    ]
    body = update_body(agent_body(b, STACK, headers.resolve(b), raw["metadata"]), before, after)
    UPDATE_AGENT.check(body, "")
    raw = server.update_agent(store, raw["id"], body)
    assert raw["metadata"]["owner"] == "ops" and "tier" not in raw["metadata"]
    assert raw["metadata"]["asstctl_keys"] == "team"
    assert {"asstctl_effort", "asstctl_headers"} <= set(raw["metadata"])  # the agent's own reserved keys
    assert _compare(b, raw)[0] == _compare(b, raw)[1]
    assert "owner" not in json.dumps(live_agent_form(raw, None))


def test_an_agent_written_before_asstctl_keys_manages_every_unreserved_key(tmp_path: Path) -> None:
    a = load_agent(tmp_path, FULL)
    raw = _created(a, Store())
    del raw["metadata"]["asstctl_keys"]
    raw["metadata"]["legacy"] = "x"
    before, after = _compare(a, raw)
    assert [c.path for c in attribute_changes(before, after)] == ["metadata.legacy"]
    assert "legacy" not in agent_body(a, STACK, headers.resolve(a), raw["metadata"])["metadata"]


def test_a_function_and_an_mcp_server_of_one_name_are_told_apart() -> None:
    from asstctl.core.keyed import keyed_tools

    tools = [
        {"type": "function", "name": "wiki", "description": "d"},
        {"type": "mcp", "server_label": "wiki", "transport": {"type": "stdio"}},
        {"type": "function", "name": "web_search", "description": "d"},
        {"type": "web_search"},
    ]
    assert keyed_tools(tools)[1] == ["function:wiki", "mcp:wiki", "function:web_search", "web_search"]
