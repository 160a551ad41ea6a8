"""Data safety (issue 12, part 5): Files borrowed by objects the stack does not own are kept,
a saved plan is applied exactly as reviewed or not at all, ``prevent_destroy`` fails the plan,
and saved plans work with ``--sandbox``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
from e2e_support import MANIFEST, asstctl, holdings, make_project

from asstctl.core.ownership import parse_upload_filename
from asstctl.core.saved_plan import _checksum

NO_CI = MANIFEST.replace("  - type: code_interpreter\n    files: [data/sales.csv]\n", "")
NO_FAQ = MANIFEST.replace("  - docs/faq.md\n", "")


def _sdk(emu: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=0)


def _file_id(emu: Any, basename: str) -> str:
    return next(
        f["id"]
        for f in emu.store.objects("files")
        if (p := parse_upload_filename(f["filename"])) and p.basename == basename
    )


def _file_ids(emu: Any) -> set[str]:
    return {f["id"] for f in emu.store.objects("files")}


# --- Files an unmanaged object still uses ----------------------------------------------------


def test_a_file_an_unmanaged_assistant_borrows_is_kept_by_apply_and_destroy(
    emulator: Any, tmp_path: Path
) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    sales = _file_id(emulator, "sales.csv")
    borrower = _sdk(emulator).beta.assistants.create(
        model="gpt-4o-mini",
        name="someone else's",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [sales]}},
    )
    (project / "assistants" / "main.yaml").write_text(NO_CI)

    plan = asstctl(emulator, project, "plan", "--format", "json")
    doc = json.loads(plan.stdout)
    assert sales not in doc["orphan_files"]
    kept = [n for n in doc["notes"] if sales in n]
    assert kept and f"assistant {borrower.id}" in kept[0] and "kept" in kept[0], doc["notes"]
    assert f"assistant {borrower.id}" in asstctl(emulator, project, "plan").stderr

    applied = asstctl(emulator, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert sales in _file_ids(emulator)

    destroyed = asstctl(emulator, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert _file_ids(emulator) == {sales}  # the borrowed one, and nothing else of the stack
    assert _sdk(emulator).beta.assistants.retrieve(borrower.id).id == borrower.id


def test_a_file_an_unmanaged_vector_store_holds_is_kept(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    faq = _file_id(emulator, "faq.md")
    sdk = _sdk(emulator)
    theirs = sdk.vector_stores.create(name="theirs")
    sdk.vector_stores.files.create(vector_store_id=theirs.id, file_id=faq)
    (project / "assistants" / "main.yaml").write_text(NO_FAQ)

    applied = asstctl(emulator, project, "apply", "--auto-approve")

    assert applied.exit_code == 0, applied.output
    assert f"vector store {theirs.id}" in applied.stderr
    assert faq in _file_ids(emulator)


def test_a_file_nothing_else_uses_is_still_deleted(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    _sdk(emulator).vector_stores.create(name="unrelated, empty")
    sales = _file_id(emulator, "sales.csv")
    (project / "assistants" / "main.yaml").write_text(NO_CI)

    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0

    assert sales not in _file_ids(emulator)


# --- saved plans: exactly as reviewed ------------------------------------------------------


def _saved_no_changes(emulator: Any, project: Path) -> Path:
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    out = project / "reviewed.json"
    saved = asstctl(emulator, project, "plan", "--out", str(out))
    assert saved.exit_code == 0 and "No changes" in saved.stdout
    return out


def test_a_saved_plan_edited_to_destroy_is_refused(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    out = _saved_no_changes(emulator, project)
    data = json.loads(out.read_text())
    data["destroy"] = True
    out.write_text(json.dumps(data))

    result = asstctl(emulator, project, "apply", str(out))

    assert result.exit_code == 1
    assert "was changed after asstctl wrote it" in result.stderr
    assert not holdings(emulator).empty and len(holdings(emulator).assistants) == 2


def test_a_saved_plan_edited_with_its_checksum_recomputed_is_refused(emulator: Any, tmp_path: Path) -> None:
    """Whoever edits the file can recompute the checksum: the plan rebuilt from the edited
    scope must still be exactly the reviewed one."""
    project = make_project(tmp_path)
    out = _saved_no_changes(emulator, project)
    for edit in ({"destroy": True}, {"destroy": True, "targets": ["assistant.plain"]}):
        data = {**json.loads(out.read_text()), **edit}
        data["checksum"] = _checksum(data)
        edited = project / "edited.json"
        edited.write_text(json.dumps(data))

        result = asstctl(emulator, project, "apply", str(edited))

        assert result.exit_code == 1, result.output
        assert "not what apply would do now" in result.stderr
        assert len(holdings(emulator).assistants) == 2


def test_an_untouched_saved_plan_still_applies(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    out = project / "plan.json"
    assert asstctl(emulator, project, "plan", "--out", str(out)).exit_code == 0
    result = asstctl(emulator, project, "apply", str(out))
    assert result.exit_code == 0, result.output
    assert len(holdings(emulator).assistants) == 2


def test_saved_plans_work_with_the_sandbox(tmp_path: Path) -> None:
    from conftest import run_cli

    project = make_project(tmp_path)
    out = project / "plan.json"
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "CI": "", "NO_COLOR": "1"}
    saved = run_cli("-C", str(project), "plan", "--sandbox", "--out", str(out), env=env)
    assert saved.exit_code == 0, saved.output
    assert json.loads(out.read_text())["endpoint"] == "sandbox"

    applied = run_cli("-C", str(project), "apply", "--sandbox", str(out), env=env)

    assert applied.exit_code == 0, applied.output
    assert "Apply complete! Resources: 3 added" in applied.stdout
    again = run_cli("-C", str(project), "plan", "--sandbox", "--detailed-exitcode", env=env)
    assert again.exit_code == 0 and "No changes" in again.stdout


# --- prevent_destroy fails the plan ----------------------------------------------------------


def test_plan_fails_when_it_would_destroy_a_protected_resource(emulator: Any, tmp_path: Path) -> None:
    protected = MANIFEST.replace("name: plain\n", "name: plain\nlifecycle: {prevent_destroy: true}\n")
    project = make_project(tmp_path, protected)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    out = project / "plan.json"

    result = asstctl(emulator, project, "plan", "--destroy", "--out", str(out))

    assert result.exit_code == 1
    assert "assistant.plain" in result.stderr and "prevent_destroy" in result.stderr
    assert "will be destroyed" in result.stdout  # the plan is still shown
    assert not out.exists()
    assert asstctl(emulator, project, "plan", "--destroy", "--target", "assistant.tutor").exit_code == 0
