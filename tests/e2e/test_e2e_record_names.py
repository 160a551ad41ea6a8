"""Configuration records (assistants under ``endpoint.assistants: responses``) keep their names
on a server that rewrites filenames to ``[A-Za-z0-9._-]`` (the emulator's OGX profile), and
records written by earlier versions — ``asstctl-config~…``, or that name as such a server kept
it, ``asstctl-config_…`` — are still this stack's: an upgrade plans nothing and destroy
deletes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from e2e_support import STACK, asstctl, make_project

from asstctl.core.ownership import RECORD_PREFIX, parse_record_filename, parse_upload_filename

LEGACY_SEP = "~"


def responses_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path)
    with (project / "asstctl.yaml").open("a") as fh:
        fh.write("endpoint:\n  assistants: responses\n")
    return project


def stack_files(emu: Any) -> tuple[list[str], list[str]]:
    """(record filenames, upload filenames) of the stack on the emulator."""
    names = [str(f["filename"]) for f in emu.store.objects("files")]
    recs = [n for n in names if (p := parse_record_filename(n)) is not None and p.stack == STACK]
    ups = [n for n in names if (u := parse_upload_filename(n)) is not None and u.stack == STACK]
    return recs, ups


def record_addresses(emu: Any) -> list[str]:
    """The addresses of the stack's records, each named in the current (safe) form."""
    recs, _ = stack_files(emu)
    assert all(n.startswith("asstctl-config.") for n in recs), recs
    return sorted(p.address for n in recs if (p := parse_record_filename(n)) is not None)


def rewrite_records_as_legacy(emu: Any) -> list[str]:
    """Each record uploaded again under the name earlier versions gave it (the server may
    rewrite it, as OGX does), the new one deleted; the names the server kept."""
    client = openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=0)
    kept = []
    for f in client.files.list(purpose="assistants"):
        parsed = parse_record_filename(f.filename)
        if parsed is None or parsed.stack != STACK:
            continue
        legacy = LEGACY_SEP.join((RECORD_PREFIX + STACK, parsed.sha256, parsed.address + ".json"))
        content = client.files.content(f.id).read()
        kept.append(client.files.create(file=(legacy, content), purpose="assistants").filename)
        client.files.delete(f.id)
    return kept


def empty_plan(emu: Any, project: Path) -> None:
    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout


@pytest.mark.parametrize("profile", ["openai", "ogx"])
def test_records_keep_their_names_and_destroy_leaves_none(
    emulator_factory: Any, tmp_path: Path, profile: str
) -> None:
    emu = emulator_factory(profile=profile, no_assistants=True)
    project = responses_project(tmp_path)

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert record_addresses(emu) == ["assistant.plain", "assistant.tutor"]
    empty_plan(emu, project)

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert stack_files(emu) == ([], [])


@pytest.mark.parametrize(
    ("profile", "legacy_prefix"), [("openai", "asstctl-config~"), ("ogx", "asstctl-config_")]
)
def test_records_written_by_earlier_versions_are_still_ours(
    emulator_factory: Any, tmp_path: Path, profile: str, legacy_prefix: str
) -> None:
    emu = emulator_factory(profile=profile, no_assistants=True)
    project = responses_project(tmp_path)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0

    kept = rewrite_records_as_legacy(emu)
    assert len(kept) == 2 and all(n.startswith(legacy_prefix) for n in kept), kept
    empty_plan(emu, project)  # the upgrade changes nothing

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert stack_files(emu) == ([], [])
    assert not [f for f in emu.store.objects("files") if str(f["filename"]).startswith(legacy_prefix)]


@pytest.mark.parametrize("profile", ["openai", "ogx"])
def test_a_moved_record_is_uploaded_under_the_new_address(
    emulator_factory: Any, tmp_path: Path, profile: str
) -> None:
    emu = emulator_factory(profile=profile, no_assistants=True)
    project = responses_project(tmp_path)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    manifest = project / "assistants" / "main.yaml"
    manifest.write_text(manifest.read_text().replace("name: plain", "name: brief"))
    with (project / "asstctl.yaml").open("a") as fh:
        fh.write("moved:\n  - {from: assistant.plain, to: assistant.brief}\n")

    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    assert "# assistant.plain has moved to assistant.brief" in plan.stdout
    assert "will be created" not in plan.stdout and "destroyed" not in plan.stdout

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert record_addresses(emu) == ["assistant.brief", "assistant.tutor"]
    empty_plan(emu, project)

    assert asstctl(emu, project, "destroy", "--auto-approve").exit_code == 0
    assert stack_files(emu) == ([], [])
