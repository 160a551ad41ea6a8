"""Shared by the agent kind tests: an agent project on disk, and the full example manifest."""

from __future__ import annotations

from pathlib import Path

from asstctl.kinds.agent.model import DesiredAgent
from asstctl.manifest import load_project

FULL = """\
kind: Agent
name: order-bot
display_name: 订单机器人
model: gpt-5.1
instructions: You help customers with their orders.
reasoning: {effort: low, summary: auto}
text:
  format: {type: json_schema, schema: {type: object, properties: {answer: {type: string}}}}
  verbosity: low
service_tier: flex
multi_agent: {enabled: true, max_concurrent_subagents: 4}
compaction: {async: true}
experimental: {time_awareness: true}
metadata: {team: support}
tools:
  - type: function
    name: lookup_order
    description: 查询订单状态
    parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
    defer_loading: true
  - type: mcp
    server_label: wiki
    transport:
      type: http
      server_url: https://mcp.example.com/wiki
      headers: {Authorization: {env: WIKI_TOKEN, prefix: "Bearer "}, X-Tenant: acme}
    allowed_tools: [search, fetch]
    required: true
  - type: mcp
    server_label: local
    transport: {type: stdio, command: npx, cwd: /workspace, args: [mcp-server]}
  - type: web_search
    allowed_domains: [example.com]
    location: {country: CN}
  - type: tool_search
  - type: programmatic_tool_calling
  - type: computer_use
lifecycle: {prevent_destroy: true}
"""

MINIMAL = "kind: Agent\nname: order-bot\nmodel: gpt-5.1\n"


def write_project(root: Path, manifest: str, stack: str = "t") -> Path:
    (root / "agents").mkdir(parents=True, exist_ok=True)
    (root / "asstctl.yaml").write_text(f"stack: {stack}\nmanifests: [agents/*.yaml]\n", encoding="utf-8")
    (root / "agents" / "a.yaml").write_text(manifest, encoding="utf-8")
    return root


def load_agent(root: Path, manifest: str) -> DesiredAgent:
    """The one agent ``manifest`` declares, loaded like every command loads it."""
    project = load_project(write_project(root, manifest))
    (agent,) = project.desired("agent")
    assert isinstance(agent, DesiredAgent)
    return agent
