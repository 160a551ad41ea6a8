"""The whole life of a stack through the CLI against the emulator: create, update in place,
file content and attribute changes, deletion on removal, destroy — each converging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from e2e_support import (
    LOCK_WRITES,
    MANIFEST,
    assert_converged,
    asstctl,
    expected_holdings_ok,
    holdings,
    make_project,
    upload_basename,
    writes,
)

from asstctl.core.ownership import META_ADDRESS


def _by_address(emu: Any, kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"].get(META_ADDRESS): o for o in emu.store.objects(kind) if o.get("metadata")}


@pytest.mark.parametrize("parallelism", ["1", "8"])
def test_create_then_nothing_to_do(emulator: Any, tmp_path: Path, parallelism: str) -> None:
    project = make_project(tmp_path)

    result = asstctl(emulator, project, "apply", "--auto-approve", "--parallelism", parallelism)

    assert result.exit_code == 0, result.output
    assert "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." in result.stdout
    assert "Files: 3/3 uploaded, 2/2 indexed." in result.stderr
    expected_holdings_ok(emulator)
    tutor = _by_address(emulator, "assistants")["assistant.tutor"]
    kb = _by_address(emulator, "vector_stores")["vector_store.kb"]
    assert tutor["tool_resources"]["file_search"] == {"vector_store_ids": [kb["id"]]}
    assert_converged(emulator, project)


def test_changes_in_place_and_removal(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    ids_before = {a: o["id"] for a, o in _by_address(emulator, "assistants").items()}
    manifest = project / "assistants" / "main.yaml"

    # In-place update: one modify request, same id.
    manifest.write_text(MANIFEST.replace("Be brief.", "Be very brief."))
    w0 = writes(emulator)
    result = asstctl(emulator, project, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "0 added, 1 changed, 0 destroyed" in result.stdout
    assert writes(emulator) - w0 == 1 + sum(LOCK_WRITES.values())
    plain = _by_address(emulator, "assistants")["assistant.plain"]
    assert (plain["id"], plain["instructions"]) == (ids_before["assistant.plain"], "Be very brief.")
    assert_converged(emulator, project)

    # File content change: the new bytes are uploaded and attached, the old File deleted.
    old_files = set(holdings(emulator).files)
    (project / "assistants" / "docs" / "faq.md").write_text("# FAQ\nQ: new? A: yes.\n")
    result = asstctl(emulator, project, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    new_files = set(holdings(emulator).files)
    assert len(new_files - old_files) == 1 and len(old_files - new_files) == 1
    assert upload_basename(next(iter(new_files - old_files))) == "faq.md"
    expected_holdings_ok(emulator)
    assert_converged(emulator, project)

    # Attribute change: updated in place, nothing uploaded or re-attached.
    manifest.write_text(manifest.read_text().replace("{lang: en}", "{lang: de}"))
    w0 = emulator.stats()["by_endpoint"]
    result = asstctl(emulator, project, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    w1 = emulator.stats()["by_endpoint"]
    delta = {k: w1[k] - w0.get(k, 0) for k in w1 if not k.startswith("GET") and w1[k] != w0.get(k, 0)}
    assert delta == {"POST /v1/vector_stores/{vector_store_id}/files/{file_id}": 1, **LOCK_WRITES}
    attrs = [v["attributes"] for v in emulator.store.objects("vector_store_files")]
    assert sorted(a["lang"] for a in attrs if "lang" in a) == ["de"]
    assert_converged(emulator, project)

    # Removal from the manifests deletes the resource (and only it).
    manifest.write_text(manifest.read_text().split("---\nkind: Assistant\nname: plain")[0])
    result = asstctl(emulator, project, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 1 destroyed" in result.stdout
    assert set(holdings(emulator).assistants) == {"assistant.tutor"}
    assert _by_address(emulator, "assistants")["assistant.tutor"]["id"] == ids_before["assistant.tutor"]
    assert_converged(emulator, project)


def test_destroy_removes_the_stack_and_nothing_else(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    with openai.OpenAI(base_url=emulator.base_url, api_key="sk-test") as client:
        foreign_vs = client.vector_stores.create(name="not ours", metadata={"team": "other"})
        foreign_file = client.files.create(file=("notes.md", b"# mine"), purpose="assistants")
        other_stack = client.beta.assistants.create(
            model="gpt-4o", metadata={"asstctl_stack": "other", "asstctl_address": "assistant.tutor"}
        )
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    result = asstctl(emulator, project, "destroy", "--auto-approve")

    assert result.exit_code == 0, result.output
    assert "Destroy complete! Resources: 3 destroyed." in result.stdout
    assert holdings(emulator).empty
    assert [s["id"] for s in emulator.store.objects("vector_stores")] == [foreign_vs.id]
    assert [f["id"] for f in emulator.store.objects("files")] == [foreign_file.id]
    assert [a["id"] for a in emulator.store.objects("assistants")] == [other_stack.id]
    again = asstctl(emulator, project, "destroy", "--auto-approve")
    assert again.exit_code == 0 and "No changes" in again.stdout
    assert holdings(emulator, "other").assistants == {"assistant.tutor": 1}


def test_an_expired_store_is_replaced_and_assistants_follow(emulator: Any, tmp_path: Path) -> None:
    manifest = MANIFEST.replace("name: kb\n", "name: kb\nexpires_after: {anchor: last_active_at, days: 7}\n")
    project = make_project(tmp_path, manifest=manifest)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    old = _by_address(emulator, "vector_stores")["vector_store.kb"]
    files_before = set(holdings(emulator).files)
    emulator.store.vector_stores.items[old["id"]]["last_active_at"] = 0  # eight days later, as it were
    assert _by_address(emulator, "vector_stores")["vector_store.kb"]["status"] == "expired"

    result = asstctl(emulator, project, "apply", "--auto-approve")

    assert result.exit_code == 0, result.output
    assert "1 added, 1 changed, 1 destroyed" in result.stdout
    new = _by_address(emulator, "vector_stores")["vector_store.kb"]
    assert new["id"] != old["id"] and new["status"] != "expired"
    tutor = _by_address(emulator, "assistants")["assistant.tutor"]
    assert tutor["tool_resources"]["file_search"] == {"vector_store_ids": [new["id"]]}
    assert set(holdings(emulator).files) == files_before  # the same Files, attached again
    expected_holdings_ok(emulator)
    assert_converged(emulator, project)
