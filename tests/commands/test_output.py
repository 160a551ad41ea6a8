"""``asstctl output``: live ids by address as text, JSON and env lines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

from e2e_support import asstctl, make_project

from asstctl.core.ownership import META_ADDRESS


def live_ids(emu: Any) -> dict[str, str]:
    objs = emu.store.objects("assistants") + emu.store.objects("vector_stores")
    return {o["metadata"][META_ADDRESS]: o["id"] for o in objs}


def test_output_formats(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    ids = live_ids(emulator)
    assert sorted(ids) == ["assistant.plain", "assistant.tutor", "vector_store.kb"]

    text = asstctl(emulator, project, "output")
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        f"assistant.plain  {ids['assistant.plain']}",
        f"assistant.tutor  {ids['assistant.tutor']}",
        f"vector_store.kb  {ids['vector_store.kb']}",
    ]

    doc = json.loads(asstctl(emulator, project, "output", "--format", "json").stdout)
    responses = {a: doc[a].pop("responses") for a in ("assistant.plain", "assistant.tutor")}
    assert responses["assistant.plain"] == {"model": "gpt-4o-mini", "instructions": "Be brief."}
    assert doc == {
        "assistant.plain": {"id": ids["assistant.plain"], "kind": "assistant", "name": "plain"},
        "assistant.tutor": {"id": ids["assistant.tutor"], "kind": "assistant", "name": "tutor"},
        "vector_store.kb": {"id": ids["vector_store.kb"], "kind": "vector_store", "name": "kb"},
    }

    env = asstctl(emulator, project, "output", "--format", "env").stdout
    assert env.splitlines() == [
        f"ASSTCTL_ASSISTANT_PLAIN_ID={ids['assistant.plain']}",
        f"ASSTCTL_ASSISTANT_TUTOR_ID={ids['assistant.tutor']}",
        f"ASSTCTL_VECTOR_STORE_KB_ID={ids['vector_store.kb']}",
    ]
    assert emulator.stats()["writes"] > 0


def test_env_names_for_dashes_and_inline_stores(emulator: Any, tmp_path: Path) -> None:
    manifest = (
        "kind: Assistant\nname: math-tutor\nmodel: gpt-4o-mini\ninstructions: Hi.\n"
        "tools:\n  - type: file_search\n    vector_store:\n      files: [docs/*.md]\n"
    )
    project = make_project(tmp_path, manifest=manifest, files={"docs/a.md": "# A\n"})
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    env = asstctl(emulator, project, "output", "--format", "env").stdout

    names = [line.split("=", 1)[0] for line in env.splitlines()]
    assert names == ["ASSTCTL_ASSISTANT_MATH_TUTOR_ID", "ASSTCTL_VECTOR_STORE_MATH_TUTOR_FILES_ID"]


def test_output_before_any_apply(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)

    result = asstctl(emulator, project, "output")

    assert result.exit_code == 0 and result.stdout == ""
    assert "owns nothing" in result.stderr
    assert asstctl(emulator, project, "output", "--format", "json").stdout.strip() == "{}"


def test_env_refuses_two_addresses_that_share_a_variable(emulator: Any, tmp_path: Path) -> None:
    manifest = (
        "kind: Assistant\nname: kb\nmodel: gpt-4o-mini\ninstructions: Hi.\n"
        "tools:\n  - type: file_search\n    vector_store:\n      files: [docs/a.md]\n"
        "---\nkind: VectorStore\nname: kb-files\nfiles: [docs/b.md]\n"
    )
    files = {"docs/a.md": "# A\n", "docs/b.md": "# B\n"}
    project = make_project(tmp_path, manifest=manifest, files=files)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    env = asstctl(emulator, project, "output", "--format", "env")

    assert env.exit_code == 1
    assert env.stdout == ""
    assert env.stderr == (
        "Error: output --format env: vector_store.kb-files and vector_store.kb.files both become "
        "ASSTCTL_VECTOR_STORE_KB_FILES_ID; rename one of them, or use --format json\n"
    )
    assert asstctl(emulator, project, "output", "--format", "json").exit_code == 0
