"""One project deployed as two environments to one emulator: each its own stack with its own
model through ${var.model}, side by side, both planning empty afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
from e2e_support import asstctl

CONFIG = """\
stack: shop
vars: {model: gpt-4o-mini}
environments:
  staging: {stack: shop-staging}
  prod:
    stack: shop-prod
    vars: {model: gpt-4o}
"""
MANIFEST = """\
kind: Assistant
name: support
model: ${var.model}
instructions: 'You help shoppers (model ${var.model}).'
tools: [{type: file_search, vector_store: kb}]
---
kind: VectorStore
name: kb
files: [faq.md]
"""


def _project(root: Path) -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "asstctl.yaml").write_text(CONFIG)
    (root / "assistants" / "shop.yaml").write_text(MANIFEST)
    (root / "assistants" / "faq.md").write_text("# FAQ\nReturns within 30 days.\n")
    return root


def test_two_environments_live_side_by_side(emulator: Any, tmp_path: Path) -> None:
    project = _project(tmp_path / "shop")
    for env in ("staging", "prod"):
        result = asstctl(emulator, project, "-e", env, "apply", "--auto-approve")
        assert result.exit_code == 0, result.output
        assert f"Stack shop-{env} (environment {env}) at {emulator.base_url}\n" in result.stderr

    sdk = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test")
    assistants = {(a.metadata or {}).get("asstctl_stack"): a for a in sdk.beta.assistants.list()}
    assert {s: (a.model, a.instructions) for s, a in assistants.items()} == {
        "shop-staging": ("gpt-4o-mini", "You help shoppers (model gpt-4o-mini)."),
        "shop-prod": ("gpt-4o", "You help shoppers (model gpt-4o)."),
    }

    for env in ("staging", "prod"):
        result = asstctl(
            emulator, project, "plan", "--detailed-exitcode", "--format", "json", ASSTCTL_ENV=env
        )
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        assert (doc["stack"], doc["environment"], doc["endpoint"]) == (f"shop-{env}", env, emulator.base_url)
        assert doc["summary"] == {"add": 0, "change": 0, "destroy": 0}

    md = asstctl(emulator, project, "-e", "prod", "plan", "--format", "markdown").stdout
    assert md.splitlines()[0] == (
        f"### asstctl plan for stack `shop-prod`, environment `prod` at `{emulator.base_url}` "
        "<!-- asstctl stack=shop-prod env=prod -->"
    )
    # the top-level stack was never touched, and destroying staging leaves prod alone
    assert asstctl(emulator, project, "plan", "--detailed-exitcode").exit_code == 2
    assert asstctl(emulator, project, "destroy", "-e", "staging", "--auto-approve").exit_code == 0
    assert asstctl(emulator, project, "-e", "prod", "plan", "--detailed-exitcode").exit_code == 0
