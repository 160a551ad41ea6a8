"""End to end through the CLI against the emulator: ``import`` (assistant; vector store with
files claimed by name and size), ``--dry-run``, ``moved:``, ``forget``, the ambiguity
recovery commands and the warning on a renamed stack — on an endpoint without the Assistants
API wherever assistants are not the point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
from e2e_support import STACK, asstctl, holdings, make_project, writes

from asstctl.core.ownership import META_ADDRESS, META_STACK, ownership_metadata

PLAIN = """\
kind: Assistant
name: plain
model: gpt-4o-mini
instructions: Be brief.
"""

STORE = """\
kind: VectorStore
name: kb
files:
  - path: docs/guide.md
    attributes: {lang: en}
  - docs/faq.md
"""

DOCS = {"docs/guide.md": "# Guide\nStep one.\n", "docs/faq.md": "# FAQ\nQ: why? A: because.\n"}


def _sdk(emu: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=emu.base_url, api_key="sk-test")


def _assistant(emu: Any, obj_id: str) -> dict[str, Any]:
    return next(a for a in emu.store.objects("assistants") if a["id"] == obj_id)


def _store(emu: Any, obj_id: str) -> dict[str, Any]:
    return next(s for s in emu.store.objects("vector_stores") if s["id"] == obj_id)


# --- import ---------------------------------------------------------------------------------


def test_import_an_assistant_dry_run_then_for_real(tmp_path: Path, emulator: Any) -> None:
    project = make_project(tmp_path, PLAIN, files={})
    with _sdk(emulator) as sdk:
        made = sdk.beta.assistants.create(
            model="gpt-4o-mini", instructions="Be very brief.", metadata={"team": "support"}
        )
    before = writes(emulator)
    dry = asstctl(emulator, project, "import", "assistant.plain", made.id, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"asstctl_stack={STACK}, asstctl_address=assistant.plain" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    assert writes(emulator) == before
    assert META_STACK not in _assistant(emulator, made.id)["metadata"]

    done = asstctl(emulator, project, "import", "assistant.plain", made.id)
    assert done.exit_code == 0, done.output
    meta = _assistant(emulator, made.id)["metadata"]
    assert meta == {"team": "support", **ownership_metadata(STACK, "assistant.plain")}

    plan = asstctl(emulator, project, "plan")  # only the real differences: instructions, metadata
    assert plan.exit_code == 0, plan.output
    assert "assistant.plain will be updated in-place" in plan.stdout
    assert "will be created" not in plan.stdout and "destroyed" not in plan.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout
    assert "instructions" in plan.stdout and "team" in plan.stdout

    applied = asstctl(emulator, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert set(holdings(emulator).assistants) == {"assistant.plain"}
    assert _assistant(emulator, made.id)["instructions"] == "Be brief."  # the same object, updated
    again = asstctl(emulator, project, "import", "assistant.plain", made.id)
    assert again.exit_code == 0 and "already managed" in again.stdout


def test_import_refuses_undeclared_addresses_and_objects_owned_elsewhere(
    tmp_path: Path, emulator: Any
) -> None:
    project = make_project(tmp_path, PLAIN, files={})
    with _sdk(emulator) as sdk:
        theirs = sdk.beta.assistants.create(
            model="gpt-4o-mini", metadata=ownership_metadata("other", "assistant.x")
        )
        free = sdk.beta.assistants.create(model="gpt-4o-mini")
    before = writes(emulator)
    undeclared = asstctl(emulator, project, "import", "assistant.nope", free.id)
    assert undeclared.exit_code == 1
    assert "assistant.nope is not declared in any manifest" in undeclared.stderr
    assert "assistant.plain" in undeclared.stderr
    owned = asstctl(emulator, project, "import", "assistant.plain", theirs.id)
    assert owned.exit_code == 1
    assert f"{theirs.id} is managed by stack other as assistant.x" in owned.stderr
    missing = asstctl(emulator, project, "import", "assistant.plain", "asst_nothere")
    assert missing.exit_code == 1 and "no assistant asst_nothere" in missing.stderr
    assert writes(emulator) == before


def test_import_a_store_with_files_on_an_endpoint_without_assistants(
    tmp_path: Path, emulator_factory: Any
) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, STORE, files=DOCS)
    with _sdk(emu) as sdk:
        guide = sdk.files.create(file=("guide.md", DOCS["docs/guide.md"].encode()), purpose="assistants")
        stale = sdk.files.create(file=("faq.md", b"# FAQ\nan older, longer text\n"), purpose="assistants")
        extra = sdk.files.create(file=("notes.txt", b"unrelated"), purpose="assistants")
        store = sdk.vector_stores.create(name="kb", metadata={"owner": "docs-team"})
        for f, attrs in ((guide, {"lang": "en"}), (stale, {}), (extra, {})):
            sdk.vector_stores.files.create(vector_store_id=store.id, file_id=f.id, attributes=attrs)

    dry = asstctl(emu, project, "import", "vector_store.kb", store.id, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "claim as assistants/docs/guide.md" in dry.stdout
    assert "docs/faq.md" in dry.stdout and "uploads and attaches" in dry.stdout  # size differs: not claimed
    assert extra.id in dry.stdout and "detaches" in dry.stdout

    done = asstctl(emu, project, "import", "vector_store.kb", store.id)
    assert done.exit_code == 0, done.output
    assert _store(emu, store.id)["metadata"] == {
        "owner": "docs-team",
        **ownership_metadata(STACK, "vector_store.kb"),
    }

    plan = asstctl(emu, project, "plan")
    assert plan.exit_code == 0, plan.output
    assert "vector_store.kb will be updated in-place" in plan.stdout
    assert "will be created" not in plan.stdout
    assert "guide.md" not in plan.stdout.replace("unchanged", "")  # claimed: no change
    assert "Files: 1 to upload." in plan.stdout  # faq.md, said so
    assert "metadata" in plan.stdout  # the store's own key is a real difference

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    files = {f["id"] for f in emu.store.objects("files")}
    assert {guide.id, stale.id, extra.id} <= files  # Files asstctl does not own are never deleted
    attached = {v["id"] for v in emu.store.objects("vector_store_files") if v["vector_store_id"] == store.id}
    assert guide.id in attached and stale.id not in attached and extra.id not in attached
    converged = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert converged.exit_code == 0, converged.output


# --- moved ----------------------------------------------------------------------------------


def test_moved_keeps_the_object_and_its_id(tmp_path: Path, emulator: Any) -> None:
    project = make_project(tmp_path, PLAIN, files={})
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    (old_id,) = [a["id"] for a in emulator.store.objects("assistants")]
    (project / "assistants" / "main.yaml").write_text(PLAIN.replace("name: plain", "name: brief"))
    with (project / "asstctl.yaml").open("a") as fh:
        fh.write("moved:\n  - {from: assistant.plain, to: assistant.brief}\n")

    plan = asstctl(emulator, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    assert "# assistant.plain has moved to assistant.brief" in plan.stdout
    assert "will be created" not in plan.stdout and "destroyed" not in plan.stdout
    doc = json.loads(asstctl(emulator, project, "plan", "--format", "json").stdout)
    assert doc["moved"] == [{"from": "assistant.plain", "to": "assistant.brief", "id": old_id}]
    markdown = asstctl(emulator, project, "plan", "--format", "markdown").stdout
    assert "| moved | from `assistant.plain`" in markdown

    applied = asstctl(emulator, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert [a["id"] for a in emulator.store.objects("assistants")] == [old_id]
    assert _assistant(emulator, old_id)["metadata"][META_ADDRESS] == "assistant.brief"
    assert asstctl(emulator, project, "plan", "--detailed-exitcode").exit_code == 0


def test_moved_is_validated(tmp_path: Path) -> None:
    from conftest import run_cli

    project = make_project(tmp_path, PLAIN, files={})
    config = project / "asstctl.yaml"
    base = config.read_text()
    config.write_text(base + "moved:\n  - {from: vector_store.plain, to: assistant.plain}\n")
    result = run_cli("-C", str(project), "validate")
    assert result.exit_code == 1
    assert "asstctl.yaml:4:" in result.output and "moves are within one kind" in result.output
    config.write_text(base + "moved:\n  - {from: assistant.old, to: assistant.gone}\n")
    result = run_cli("-C", str(project), "validate")
    assert result.exit_code == 1 and "assistant.gone, which no manifest declares" in result.output
    config.write_text(base + "moved:\n  - {from: assistant, to: assistant.plain}\n")
    result = run_cli("-C", str(project), "validate")
    assert result.exit_code == 1 and "<kind>.<name>" in result.output


def test_a_moved_store_on_an_endpoint_without_assistants(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, STORE, files=DOCS)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    (store_id,) = [s["id"] for s in emu.store.objects("vector_stores")]
    (project / "assistants" / "main.yaml").write_text(STORE.replace("name: kb", "name: docs"))
    with (project / "asstctl.yaml").open("a") as fh:
        fh.write("moved:\n  - {from: vector_store.kb, to: vector_store.docs}\n")
    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "# vector_store.kb has moved to vector_store.docs" in applied.stdout
    assert [s["id"] for s in emu.store.objects("vector_stores")] == [store_id]
    assert asstctl(emu, project, "plan", "--detailed-exitcode").exit_code == 0


# --- forget ---------------------------------------------------------------------------------


def test_forget_leaves_the_object_untouched_but_unmanaged(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, STORE, files=DOCS)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    (store_id,) = [s["id"] for s in emu.store.objects("vector_stores")]

    refused = asstctl(emu, project, "forget", "vector_store.kb")  # no terminal, no --yes
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    before = _store(emu, store_id)

    (project / "assistants" / "main.yaml").write_text(STORE.replace("name: kb", "name: other"))
    done = asstctl(emu, project, "forget", "vector_store.kb", "--yes")
    assert done.exit_code == 0, done.output
    after = _store(emu, store_id)
    assert META_STACK not in after["metadata"] and META_ADDRESS not in after["metadata"]
    changing = ("metadata", "last_active_at")  # (the second changes with the clock)
    assert {k: v for k, v in after.items() if k not in changing} == {
        k: v for k, v in before.items() if k not in changing
    }
    attrs = [
        v["attributes"] for v in emu.store.objects("vector_store_files") if v["vector_store_id"] == store_id
    ]
    assert attrs and all(not any(k.startswith("asstctl_") for k in a) for a in attrs)

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert store_id in {s["id"] for s in emu.store.objects("vector_stores")}  # destroy no longer touches it


# --- ambiguity ------------------------------------------------------------------------------


def test_ambiguity_is_fixed_with_the_commands_the_error_names(tmp_path: Path, emulator: Any) -> None:
    project = make_project(tmp_path, PLAIN, files={})
    tags = ownership_metadata(STACK, "assistant.plain")

    def twin() -> str:
        with _sdk(emulator) as sdk:
            return sdk.beta.assistants.create(model="gpt-4o-mini", instructions="Be brief.", metadata=tags).id

    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    (kept,) = [a["id"] for a in emulator.store.objects("assistants")]

    released = twin()
    stuck = asstctl(emulator, project, "plan")
    assert stuck.exit_code == 1
    named = {released, kept}  # one is named to keep, the other to release or delete
    assert any(f"asstctl forget assistant.plain --id {i}" in stuck.stderr for i in named)
    assert any(f"asstctl destroy --claimant {i}" in stuck.stderr for i in named)
    assert "asstctl destroy --all-claimants" in stuck.stderr
    forgot = asstctl(emulator, project, "forget", "assistant.plain", "--id", released, "--yes")
    assert forgot.exit_code == 0, forgot.output
    assert META_STACK not in _assistant(emulator, released)["metadata"]
    assert asstctl(emulator, project, "plan", "--detailed-exitcode").exit_code == 0

    deleted = twin()
    only = asstctl(emulator, project, "destroy", "--claimant", deleted, "--auto-approve")
    assert only.exit_code == 0, only.output
    ids = {a["id"] for a in emulator.store.objects("assistants")}
    assert deleted not in ids and {kept, released} <= ids
    assert asstctl(emulator, project, "plan", "--detailed-exitcode").exit_code == 0

    both = twin()
    everything = asstctl(emulator, project, "destroy", "--all-claimants", "--auto-approve")
    assert everything.exit_code == 0, everything.output
    assert both in everything.stdout
    assert holdings(emulator).empty
    assert released in {a["id"] for a in emulator.store.objects("assistants")}  # released: left alone


# --- stack rename ---------------------------------------------------------------------------


def test_a_renamed_stack_is_detected_and_moved_by_import(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, STORE, files=DOCS)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    (store_id,) = [s["id"] for s in emu.store.objects("vector_stores")]
    config = project / "asstctl.yaml"
    config.write_text(config.read_text().replace(f"stack: {STACK}", "stack: renamed"))

    plan = asstctl(emu, project, "plan")
    assert plan.exit_code == 0, plan.output
    assert "Warning: stack 'renamed' owns nothing at 1 declared address that stack 'e2e' holds" in plan.stderr
    assert "asstctl import --from-stack e2e" in plan.stderr

    moved = asstctl(emu, project, "import", "--from-stack", STACK)
    assert moved.exit_code == 0, moved.output
    assert _store(emu, store_id)["metadata"][META_STACK] == "renamed"
    after = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.output  # the files were claimed by name, size and sha256
    assert "Warning" not in after.stderr
