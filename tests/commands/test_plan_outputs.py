"""`asstctl plan` through the CLI against the emulator: every action and renderer, compared
with expected files under tests/cases/plan/."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from plan_support import apply, check_expected, plan, scrub_ids, write

DEMO = {
    "asstctl.yaml": "stack: demo\n",
    "assistants/support.yaml": """
        kind: Assistant
        name: support
        display_name: Support
        model: gpt-4o
        description: Answers questions from the knowledge base.
        instructions: |
          You are a helpful support agent.
          Answer from the knowledge base only.
          Be brief.
        temperature: 0.3
        metadata: {team: support}
        tools:
          - type: function
            name: lookup_order
            description: Look up an order
            parameters:
              type: object
              properties:
                order_id: {type: string}
              required: [order_id]
          - type: file_search
            vector_store: kb
        ---
        kind: VectorStore
        name: kb
        display_name: Knowledge base
        files:
          - path: docs/returns.md
            attributes: {lang: en}
          - path: docs/shipping.md
            attributes: {lang: en}
          - docs/warranty.md
        metadata: {owner: support}
        """,
    "assistants/docs/returns.md": "# Returns\nReturn within 30 days.\n",
    "assistants/docs/shipping.md": "# Shipping\nWe ship worldwide.\n",
    "assistants/docs/warranty.md": "# Warranty\nTwo years.\n",
    "assistants/helper.yaml": """
        kind: Assistant
        name: helper
        model: gpt-4o-mini
        instructions: Compute prices.
        tools:
          - type: code_interpreter
            files: [data/prices.csv]
        """,
    "assistants/data/prices.csv": "sku,price\nA,1\n",
    "assistants/notes.yaml": """
        kind: VectorStore
        name: notes
        files: [notes/a.md]
        chunking_strategy: {type: static, max_chunk_size_tokens: 800, chunk_overlap_tokens: 400}
        """,
    "assistants/notes/a.md": "# Note A\n",
}

CHANGED = {
    "assistants/support.yaml": DEMO["assistants/support.yaml"]
    .replace("temperature: 0.3\n        ", "")
    .replace("Be brief.", "Be thorough.")
    .replace(
        "attributes: {lang: en}\n          - docs/warranty.md",
        "attributes: {lang: fr}\n          - docs/faq.md",
    ),
    "assistants/docs/returns.md": "# Returns\nReturn within 60 days.\n",
    "assistants/docs/faq.md": "# FAQ\nAsk us anything.\n",
    "assistants/notes.yaml": DEMO["assistants/notes.yaml"].replace(
        "800, chunk_overlap_tokens: 400", "1200, chunk_overlap_tokens: 600"
    ),
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write(tmp_path / "demo", DEMO)


def _outputs(proj: Path, emulator: Any, case: str, *extra: str) -> dict[str, Any]:
    """Run the plan in every format, compare each with the case's expected file."""
    text = plan(proj, emulator, *extra)
    assert text.exit_code == 0, text.output
    check_expected(scrub_ids(text.stdout), case, "plan.txt")
    md = plan(proj, emulator, "--format", "markdown", *extra)
    check_expected(scrub_ids(md.stdout), case, "plan.md")
    js = plan(proj, emulator, "--format", "json", *extra)
    check_expected(scrub_ids(js.stdout), case, "plan.json")
    doc: dict[str, Any] = json.loads(js.stdout)
    return doc


def _actions(doc: dict[str, Any]) -> dict[str, list[str]]:
    return {r["address"]: r["actions"] for r in doc["resource_changes"]}


def test_create_from_nothing(demo: Path, emulator: Any) -> None:
    doc = _outputs(demo, emulator, "create")
    assert doc["format_version"] == "1.0"
    assert set(map(tuple, _actions(doc).values())) == {("create",)}
    assert doc["summary"] == {"add": 4, "change": 0, "destroy": 0}
    assert all(r["id"] is None and r["before"] is None for r in doc["resource_changes"])
    assert len(doc["uploads"]) == 5


def test_plan_after_apply_is_empty(demo: Path, emulator: Any) -> None:
    apply(demo, emulator)
    result = plan(demo, emulator, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert result.stdout == "No changes. Live resources match the manifests.\n"
    doc = json.loads(plan(demo, emulator, "--format", "json").stdout)
    assert set(map(tuple, _actions(doc).values())) == {("no-op",)}
    assert doc["summary"] == {"add": 0, "change": 0, "destroy": 0}
    assert all(r["id"] for r in doc["resource_changes"])


def test_every_update_kind(demo: Path, emulator: Any) -> None:
    apply(demo, emulator)
    write(demo, CHANGED)
    (demo / "assistants/helper.yaml").unlink()
    doc = _outputs(demo, emulator, "update")
    assert _actions(doc) == {
        "vector_store.kb": ["update"],
        "vector_store.notes": ["update"],
        "assistant.support": ["update"],
        "assistant.helper": ["delete"],
    }
    support = next(r for r in doc["resource_changes"] if r["address"] == "assistant.support")
    temp = next(a for a in support["changed_attributes"] if a["path"] == "temperature")
    assert (temp["before"], temp["after"]) == (0.3, 1.0)  # removing a field restores the API default
    kb = next(r for r in doc["resource_changes"] if r["address"] == "vector_store.kb")
    assert {f["path"]: f["action"] for f in kb["file_changes"]} == {
        "assistants/docs/faq.md": "attach",
        "assistants/docs/returns.md": "replace",
        "assistants/docs/shipping.md": "update-attributes",
        "assistants/docs/warranty.md": "detach",
    }
    notes = next(r for r in doc["resource_changes"] if r["address"] == "vector_store.notes")
    assert [f["action"] for f in notes["file_changes"]] == ["reattach"]
    helper = next(r for r in doc["resource_changes"] if r["address"] == "assistant.helper")
    assert helper["reason"] == "not in any manifest"
    assert sorted(doc["uploads"]) == ["assistants/docs/faq.md", "assistants/docs/returns.md"]
    assert len(doc["orphan_files"]) == 3  # old returns.md, warranty.md, prices.csv
    assert doc["summary"] == {"add": 0, "change": 3, "destroy": 1}
    # and apply really gets there: the next plan is empty
    apply(demo, emulator)
    assert plan(demo, emulator).stdout == "No changes. Live resources match the manifests.\n"


def test_expired_store_is_replaced(tmp_path: Path, emulator: Any) -> None:
    files = dict(DEMO)
    del files["assistants/helper.yaml"], files["assistants/notes.yaml"]
    files["assistants/support.yaml"] = files["assistants/support.yaml"].replace(
        "metadata: {owner: support}",
        "metadata: {owner: support}\n        expires_after: {anchor: last_active_at, days: 1}",
    )
    proj = write(tmp_path / "p", files)
    apply(proj, emulator)
    emulator.store.clock = lambda: time.time() + 2 * 86400  # two days later: the store has expired
    doc = _outputs(proj, emulator, "replace")
    assert _actions(doc) == {"vector_store.kb": ["delete", "create"], "assistant.support": ["update"]}
    kb = doc["resource_changes"][0]
    assert kb["reason"] == "the vector store has expired"
    assert kb["requires_replace"] == ["status"]
    assert doc["summary"] == {"add": 1, "change": 1, "destroy": 1}


def test_destroy_plan(demo: Path, emulator: Any) -> None:
    apply(demo, emulator)
    doc = _outputs(demo, emulator, "destroy", "--destroy")
    assert set(map(tuple, _actions(doc).values())) == {("delete",)}
    assert {r["reason"] for r in doc["resource_changes"]} == {"destroy requested"}
    assert doc["summary"] == {"add": 0, "change": 0, "destroy": 4}
    assert len(doc["orphan_files"]) == 5 and doc["uploads"] == []
