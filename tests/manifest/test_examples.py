"""Every example under assistants/ and agents/ validates, and loads into the model the team codes against."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import AGENT_EXAMPLES, EXAMPLES, REPO, run_cli

from asstctl.manifest import load_project

EXAMPLE_MANIFESTS = sorted(EXAMPLES.rglob("*.yaml"))
AGENT_MANIFESTS = sorted(AGENT_EXAMPLES.rglob("*.yaml"))


def test_the_repository_root_is_a_valid_project() -> None:
    result = run_cli("-C", str(REPO), "validate")
    assert result.exit_code == 0, result.output
    project = load_project(REPO)
    assert result.stdout.strip() == (
        f"Valid: {len(project.assistants)} assistants, {len(project.vector_stores)} vector stores, "
        f'{len(project.desired("agent"))} agents, {len(project.all_files)} files in stack "examples".'
    )


@pytest.mark.parametrize("manifest", EXAMPLE_MANIFESTS, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_each_example_validates_on_its_own(manifest: Path, tmp_path: Path) -> None:
    """Each example is a complete project by itself (the manifests glob names just that file)."""
    rel = manifest.relative_to(REPO).as_posix()
    (tmp_path / "asstctl.yaml").write_text(f"stack: one\nmanifests: [{rel}]\n", encoding="utf-8")
    shutil.copytree(EXAMPLES, tmp_path / "assistants")
    result = run_cli("-C", str(tmp_path), "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Valid: ")


def test_the_examples_cover_the_classic_uses() -> None:
    project = load_project(REPO)
    by_name = {a.name: a for a in project.assistants}
    assert set(by_name) == {
        "math-tutor",
        "coding-helper",
        "data-analyst",
        "docs-assistant",
        "weather",
        "customer-service",
    }
    assert [f.basename for f in by_name["data-analyst"].code_interpreter_files] == ["sales.csv"]
    functions = {
        t["function"]["name"] for a in project.assistants for t in a.tools if t["type"] == "function"
    }
    assert {"get_weather", "query_order", "check_inventory"} <= functions
    docs = next(v for v in project.vector_stores if v.name == by_name["docs-assistant"].vector_store)
    assert {f.basename.rsplit(".", 1)[1] for f in docs.files} == {"md", "txt"}


@pytest.mark.parametrize("manifest", AGENT_MANIFESTS, ids=lambda p: p.relative_to(AGENT_EXAMPLES).as_posix())
def test_each_agent_example_validates_on_its_own(manifest: Path, tmp_path: Path) -> None:
    rel = manifest.relative_to(REPO).as_posix()
    (tmp_path / "asstctl.yaml").write_text(f"stack: one\nmanifests: [{rel}]\n", encoding="utf-8")
    shutil.copytree(AGENT_EXAMPLES, tmp_path / "agents")
    result = run_cli("-C", str(tmp_path), "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Valid: 0 assistants, 0 vector stores, 1 agent, ")


def test_the_agent_examples_cover_the_agent_kind() -> None:
    agents = {a.name: a for a in load_project(REPO).desired("agent")}
    assert set(agents) == {"order-bot", "researcher"}
    types = {t["type"] for a in agents.values() for t in a.tools}
    assert types == {"function", "mcp", "web_search", "tool_search", "programmatic_tool_calling"}
    bot = agents["order-bot"]
    assert bot.instructions and bot.tools[0]["parameters"]["required"] == ["order_id"]
    assert (bot.display_name, bot.prevent_destroy) == ("订单机器人", True)
