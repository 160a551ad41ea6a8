"""Plans a reviewer reads in seconds (issue 13, part 3): manifest labels, tools matched by
identity, one line for a store's new chunking, orphan Files by path. Each view is compared with
expected files under tests/cases/plan/<case>/ (ASSTCTL_UPDATE_EXPECTED=1 regenerates them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_support import apply, check_expected, plan, scrub_ids, write

ASSISTANT = """
    kind: Assistant
    name: support
    display_name: Support
    model: gpt-4o
    instructions: Answer from the knowledge base.
    tools:
      - type: function
        name: lookup_order
        description: Look up an order
        parameters:
          type: object
          properties:
            order_id: {type: string}
          required: [order_id]
      - type: function
        name: cancel_order
        description: Cancel an order
      - type: file_search
        vector_store: kb
    """
MANY = 12
STORE = "kind: VectorStore\nname: kb\nfiles: ['docs/*.md']\n"
CHUNKING = "chunking_strategy: {type: static, max_chunk_size_tokens: 1200, chunk_overlap_tokens: 600}\n"


def _project(tmp_path: Path) -> Path:
    files = {
        "asstctl.yaml": "stack: review\n",
        "assistants/support.yaml": ASSISTANT,
        "assistants/kb.yaml": STORE,
    }
    files.update({f"assistants/docs/doc{i:02}.md": f"# Doc {i}\n" for i in range(MANY)})
    proj = write(tmp_path / "review", files)
    return proj


def _views(proj: Path, emulator: Any, case: str) -> dict[str, Any]:
    """The plan in every view, each compared with the case's expected file; the JSON parsed."""
    for fmt, name in (("text", "plan.txt"), ("markdown", "plan.md"), ("json", "plan.json")):
        result = plan(proj, emulator, "--format", fmt)
        assert result.exit_code == 0, result.output
        check_expected(scrub_ids(result.stdout), case, name)
    doc: dict[str, Any] = json.loads(plan(proj, emulator, "--format", "json").stdout)
    return doc


def _edit(proj: Path, rel: str, old: str, new: str) -> None:
    path = proj / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _changes(doc: dict[str, Any], address: str) -> list[dict[str, Any]]:
    resource = next(r for r in doc["resource_changes"] if r["address"] == address)
    changes: list[dict[str, Any]] = resource["changed_attributes"]
    return changes


def test_display_name_change_is_labelled_as_in_the_manifest(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    apply(proj, emulator)
    _edit(proj, "assistants/support.yaml", "display_name: Support", "display_name: Helpdesk")
    doc = _views(proj, emulator, "review-display-name")
    assert [(a["path"], a["before"], a["after"]) for a in _changes(doc, "assistant.support")] == [
        ("display_name", "Support", "Helpdesk")
    ]


def test_one_function_edit_is_one_line_under_its_name(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    apply(proj, emulator)
    _edit(proj, "assistants/support.yaml", "Cancel an order", "Cancel an order not yet shipped")
    doc = _views(proj, emulator, "review-function-edit")
    assert [a["path"] for a in _changes(doc, "assistant.support")] == ["tools.cancel_order.description"]
    text = plan(proj, emulator).stdout
    assert text.count("\n      ~ ") == 1


def test_tool_reorder_is_shown_as_a_reorder(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    apply(proj, emulator)
    swapped = ASSISTANT.replace(
        """      - type: file_search
        vector_store: kb
""",
        "",
    ).replace("    tools:\n", "    tools:\n      - type: file_search\n        vector_store: kb\n")
    write(proj, {"assistants/support.yaml": swapped})
    doc = _views(proj, emulator, "review-tool-reorder")
    (order,) = _changes(doc, "assistant.support")
    assert order["path"] == "tool_order"
    assert order["after"] == ["file_search", "lookup_order", "cancel_order"]
    assert "# reordered" in plan(proj, emulator).stdout


def test_new_chunking_over_many_files_is_one_line_with_the_count(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    apply(proj, emulator)
    write(proj, {"assistants/kb.yaml": STORE + CHUNKING})
    doc = _views(proj, emulator, "review-chunking")
    kb = next(r for r in doc["resource_changes"] if r["address"] == "vector_store.kb")
    assert [f["action"] for f in kb["file_changes"]] == ["reattach"] * MANY  # the list, in JSON
    text = plan(proj, emulator).stdout
    assert f"-/+ {MANY} files (re-attach: chunking strategy changed" in text
    assert "doc03.md" not in text


def test_create_shows_the_chunking_strategy(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    write(proj, {"assistants/kb.yaml": STORE + CHUNKING})
    doc = json.loads(plan(proj, emulator, "--format", "json").stdout)
    kb = next(r for r in doc["resource_changes"] if r["address"] == "vector_store.kb")
    assert kb["after"]["chunking_strategy"] == {
        "type": "static",
        "max_chunk_size_tokens": 1200,
        "chunk_overlap_tokens": 600,
    }
    assert '"max_chunk_size_tokens": 1200' in plan(proj, emulator).stdout


def test_orphan_files_are_named_by_path(tmp_path: Path, emulator: Any) -> None:
    proj = _project(tmp_path)
    apply(proj, emulator)
    for i in (1, 2):
        (proj / f"assistants/docs/doc{i:02}.md").unlink()
    doc = _views(proj, emulator, "review-orphans")
    details = doc["orphan_file_details"]
    assert [d["id"] for d in details] == doc["orphan_files"]
    assert [(d["filename"], d["paths"]) for d in details] == [
        ("doc01.md", ["assistants/docs/doc01.md"]),
        ("doc02.md", ["assistants/docs/doc02.md"]),
    ]
    assert "- file \"assistants/docs/doc01.md\" (sha256 " in plan(proj, emulator).stdout
