"""Agents end to end, on an endpoint without the Assistants API (OpenAI today): validate,
create, converge, edit in place, delete, destroy beside a foreign agent, MCP header secrets
from the environment, saved plans, --target, output, and a create whose answer is lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
from e2e_support import STACK, asstctl, make_project, writes
from stub_gateway import PASS, StubGateway

from asstctl.core.ownership import META_ADDRESS, META_STACK

AGENT = """\
kind: Agent
name: order-bot
model: gpt-5.1
instructions: You help customers with their orders.
reasoning: {effort: low}
metadata: {team: support}
tools:
  - type: function
    name: lookup_order
    description: Looks an order up.
    parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
  - type: mcp
    server_label: wiki
    transport:
      type: http
      server_url: https://mcp.example.com/wiki
      headers: {Authorization: {env: WIKI_TOKEN, prefix: "Bearer "}}
  - type: web_search
"""
HELPER = """\
---
kind: Agent
name: helper
model: gpt-5.1
"""
SECRET, NEW_SECRET = "wiki-secret-0001", "wiki-secret-0002"


def _agents(emu: Any) -> dict[str, dict[str, Any]]:
    """The stack's agents in the emulator, by address."""
    out = {}
    for a in emu.store.objects("agents"):
        meta = a.get("metadata") or {}
        if meta.get(META_STACK) == STACK:
            out[meta[META_ADDRESS]] = a
    return out


def _run(emu: Any, project: Path, *args: str, token: str = SECRET) -> Any:
    return asstctl(emu, project, *args, WIKI_TOKEN=token)


def test_the_agent_lifecycle_without_the_assistants_api(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, AGENT + HELPER, files={})
    with openai.OpenAI(base_url=emu.base_url, api_key="sk-test") as client:
        foreign = client.beta.agents.create(model="gpt-5.1", name="not ours", metadata={"team": "other"})

    valid = asstctl(emu, project, "validate")
    assert (valid.exit_code, valid.stdout) == (
        0,
        f'Valid: 0 assistants, 0 vector stores, 2 agents, 0 files in stack "{STACK}".\n',
    )

    applied = _run(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete! Resources: 2 added, 0 changed, 0 destroyed." in applied.stdout
    assert SECRET not in applied.output
    agents = _agents(emu)
    assert set(agents) == {"agent.order-bot", "agent.helper"}
    bot = agents["agent.order-bot"]
    assert bot["tools"][1]["transport"]["headers"] == {"Authorization": f"Bearer {SECRET}"}
    assert bot["name"] == "order-bot" and bot["metadata"]["team"] == "support"

    plan = _run(emu, project, "plan", "--detailed-exitcode")
    assert (plan.exit_code, plan.stdout) == (0, "No changes. Live resources match the manifests.\n"), (
        plan.output
    )
    before = writes(emu)
    again = _run(emu, project, "apply", "--auto-approve")
    assert again.exit_code == 0 and "No changes" in again.stdout
    assert writes(emu) == before

    out = _run(emu, project, "output", "--format", "env")
    assert f"ASSTCTL_AGENT_ORDER_BOT_ID={bot['id']}" in out.stdout

    # an instructions edit is applied in place: same id
    (project / "assistants" / "main.yaml").write_text(
        (AGENT + HELPER).replace("with their orders.", "with their orders, politely."), encoding="utf-8"
    )
    plan = _run(emu, project, "plan")
    assert "# agent.order-bot will be updated in-place" in plan.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout
    emu.reset_stats()
    edited = _run(emu, project, "apply", "--auto-approve")
    assert edited.exit_code == 0, edited.output
    by_endpoint = emu.stats()["by_endpoint"]
    assert by_endpoint.get("POST /v1/agents/{agent_id}") == 1 and "POST /v1/agents" not in by_endpoint
    now = _agents(emu)["agent.order-bot"]
    assert now["id"] == bot["id"] and now["instructions"].endswith("politely.")
    assert now["tools"] == bot["tools"]

    # removal from the manifests is planned as a delete
    (project / "assistants" / "main.yaml").write_text(AGENT, encoding="utf-8")
    plan = _run(emu, project, "plan", "--format", "json")
    changes = {c["address"]: c for c in json.loads(plan.stdout)["resource_changes"]}
    assert changes["agent.helper"]["actions"] == ["delete"]
    removed = _run(emu, project, "apply", "--auto-approve")
    assert removed.exit_code == 0, removed.output
    assert set(_agents(emu)) == {"agent.order-bot"}

    # destroy needs no secret, and leaves the agent made outside asstctl alone
    destroyed = asstctl(emu, project, "destroy", "--auto-approve", WIKI_TOKEN="")
    assert destroyed.exit_code == 0, destroyed.output
    assert _agents(emu) == {}
    assert [a["id"] for a in emu.store.objects("agents")] == [foreign.id]


def test_a_header_secret_comes_from_the_environment_and_is_never_printed(
    tmp_path: Path, emulator_factory: Any
) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, AGENT, files={})

    missing = asstctl(emu, project, "plan", WIKI_TOKEN="")
    assert missing.exit_code == 1
    assert (
        "tools[1].transport.headers.Authorization: the environment variable WIKI_TOKEN is not set"
        in missing.output
    )
    assert "Traceback" not in missing.output

    for fmt in ("text", "json", "markdown"):
        shown = _run(emu, project, "plan", "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert SECRET not in shown.output and "(secret from $WIKI_TOKEN)" in shown.output
    saved = tmp_path / "plan.json"
    assert _run(emu, project, "plan", "--out", str(saved)).exit_code == 0
    assert SECRET not in saved.read_text(encoding="utf-8")
    applied = _run(emu, project, "apply", str(saved))
    assert applied.exit_code == 0, applied.output
    assert _run(emu, project, "plan", "--detailed-exitcode").exit_code == 0
    assert _run(emu, project, "plan", "--out", str(saved)).exit_code == 0  # no changes, reviewed
    before = writes(emu)
    stale = _run(emu, project, "apply", str(saved), token=NEW_SECRET)  # the secret changed since
    assert stale.exit_code == 1 and "is not what apply would do now" in stale.output
    assert writes(emu) == before

    rotated = _run(emu, project, "plan", "--detailed-exitcode", token=NEW_SECRET)
    assert rotated.exit_code == 2, rotated.output
    assert (
        '~ tools.wiki.transport.headers.Authorization = "(another value)" -> '
        '"Bearer (secret from $WIKI_TOKEN)"' in rotated.stdout
    )
    assert SECRET not in rotated.output and NEW_SECRET not in rotated.output
    as_json = _run(emu, project, "plan", "--format", "json", token=NEW_SECRET)
    assert SECRET not in as_json.stdout and NEW_SECRET not in as_json.stdout

    assert _run(emu, project, "apply", "--auto-approve", token=NEW_SECRET).exit_code == 0
    agent = _agents(emu)["agent.order-bot"]
    assert agent["tools"][1]["transport"]["headers"] == {"Authorization": f"Bearer {NEW_SECRET}"}
    assert _run(emu, project, "plan", "--detailed-exitcode", token=NEW_SECRET).exit_code == 0


def test_target_selects_one_agent(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, AGENT + HELPER, files={})
    applied = asstctl(emu, project, "apply", "--auto-approve", "--target", "agent.helper", WIKI_TOKEN="")
    assert applied.exit_code == 0, applied.output  # the other agent's secret is not needed
    assert set(_agents(emu)) == {"agent.helper"}


def test_prevent_destroy_guards_an_agent(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, HELPER + "lifecycle: {prevent_destroy: true}\n", files={})
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    refused = asstctl(emu, project, "destroy", "--auto-approve")
    assert refused.exit_code == 1
    assert "refusing to delete agent.helper" in refused.output
    assert set(_agents(emu)) == {"agent.helper"}


def test_a_lost_create_is_looked_up_not_resent(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, HELPER, files={})

    def rule(method: str, path: str, seen: int) -> tuple[str, int]:
        return ("after", 504) if (method, path, seen) == ("POST", "/v1/agents", 0) else (PASS, 0)

    with StubGateway(emu.root_url, rule) as gateway:
        applied = asstctl(emu, project, "apply", "--auto-approve", OPENAI_BASE_URL=gateway.base_url)
    assert applied.exit_code == 0, applied.output
    sent = [(x.action, x.status) for x in gateway.log if (x.method, x.path) == ("POST", "/v1/agents")]
    assert sent == [("after", 200)]  # committed, answered 504, then found by its tag: never resent
    assert len(_agents(emu)) == 1
    assert asstctl(emu, project, "plan", "--detailed-exitcode").exit_code == 0


def _behind_agents_status(tmp_path: Path, emu: Any, status: int, *commands: tuple[str, ...]) -> list[Any]:
    """Each of ``commands`` (``("stores"|"agents", *args)``) run through a gateway answering
    every /v1/agents request ``status``: ``stores`` declares a vector store, ``agents`` an agent."""
    projects = {
        "stores": make_project(
            tmp_path / "stores", "kind: VectorStore\nname: kb\nfiles: [docs/a.md]\n", {"docs/a.md": "# A\n"}
        ),
        "agents": make_project(tmp_path / "agents", HELPER, files={}),
    }

    def rule(method: str, path: str, seen: int) -> tuple[str, int]:
        return ("before", status) if path.startswith("/v1/agents") else (PASS, 0)

    with StubGateway(emu.root_url, rule) as gateway:
        return [asstctl(emu, projects[p], *args, OPENAI_BASE_URL=gateway.base_url) for p, *args in commands]


def _one_error(result: Any) -> str:
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    error = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert len(error) == 1, result.output
    return error[0]


def test_an_endpoint_without_the_agents_api(tmp_path: Path, emulator_factory: Any) -> None:
    quiet, refused = _behind_agents_status(
        tmp_path, emulator_factory(), 404, ("stores", "plan"), ("agents", "plan")
    )
    assert quiet.exit_code == 0, quiet.output
    assert "agent" not in quiet.output.lower()
    assert "does not serve the Agents API (GET /v1/agents answered 404)" in _one_error(refused)


def test_a_key_added_outside_asstctl_is_kept_and_a_function_edit_is_one_line(
    tmp_path: Path, emulator_factory: Any
) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, AGENT, files={})
    assert _run(emu, project, "apply", "--auto-approve").exit_code == 0
    bot = _agents(emu)["agent.order-bot"]
    assert bot["metadata"]["asstctl_keys"] == "team"
    with openai.OpenAI(base_url=emu.base_url, api_key="sk-test") as client:  # a server's or a person's key
        client.beta.agents.update(bot["id"], metadata={**bot["metadata"], "owner": "ops"})

    plan = _run(emu, project, "plan", "--detailed-exitcode")
    assert (plan.exit_code, plan.stdout) == (0, "No changes. Live resources match the manifests.\n"), (
        plan.output
    )

    (project / "assistants" / "main.yaml").write_text(
        AGENT.replace("Looks an order up.", "Finds an order by its id."), encoding="utf-8"
    )
    plan = _run(emu, project, "plan")
    assert plan.exit_code == 0, plan.output
    lines = [ln.strip() for ln in plan.stdout.splitlines()]
    changed = [ln for ln in lines if ln.startswith(("~", "+", "-")) and not ln.endswith("{")]
    assert changed == [
        '~ tools.lookup_order.description = "Looks an order up." -> "Finds an order by its id."'
    ], plan.stdout
    assert "owner" not in plan.stdout
    assert _run(emu, project, "apply", "--auto-approve").exit_code == 0
    now = _agents(emu)["agent.order-bot"]
    assert now["tools"][0]["description"] == "Finds an order by its id."
    assert now["metadata"]["owner"] == "ops" and now["metadata"]["team"] == "support"
    assert {"asstctl_effort", "asstctl_headers"} <= set(now["metadata"])

    # removing the manifest's key removes it; the other stays
    (project / "assistants" / "main.yaml").write_text(
        AGENT.replace("Looks an order up.", "Finds an order by its id.").replace(
            "metadata: {team: support}\n", ""
        ),
        encoding="utf-8",
    )
    assert _run(emu, project, "apply", "--auto-approve").exit_code == 0
    meta = _agents(emu)["agent.order-bot"]["metadata"]
    assert "team" not in meta and meta["owner"] == "ops" and meta["asstctl_keys"] == ""
    assert _run(emu, project, "plan", "--detailed-exitcode").exit_code == 0


def test_a_key_that_may_not_read_agents(tmp_path: Path, emulator_factory: Any) -> None:
    quiet, applied, refused, destroy = _behind_agents_status(
        tmp_path,
        emulator_factory(),
        403,
        ("stores", "plan"),
        ("stores", "apply", "--auto-approve"),
        ("agents", "plan"),
        ("agents", "destroy", "--auto-approve"),
    )
    assert quiet.exit_code == 0, quiet.output
    assert "Plan: 1 to add" in quiet.stdout
    notes = [ln for ln in quiet.output.splitlines() if "agents" in ln.lower()]
    assert len(notes) == 1 and "403" in notes[0] and "api.agents.read" in notes[0], quiet.output
    assert applied.exit_code == 0, applied.output
    for failed in (refused, destroy):
        error = _one_error(failed)
        assert "answered 403" in error and "api.agents.read" in error
