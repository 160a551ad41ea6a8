"""The attach fallbacks and the no-false-success check, through the CLI against emulator profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e_support import asstctl, make_project

MANIFEST = """\
kind: VectorStore
name: kb
files:
  - path: docs/guide.md
    attributes: {lang: en, rank: 3}
  - docs/faq.md
"""
FILES = {"docs/guide.md": "# Guide\nStep one.\n", "docs/faq.md": "# FAQ\nQ: why? A: because.\n"}


def _attributes(emu: Any) -> dict[str, dict[str, Any]]:
    return {
        str(v["attributes"].get("asstctl_path")): {
            k: x for k, x in v["attributes"].items() if "asstctl" not in k
        }
        for v in emu.store.objects("vector_store_files")
    }


def test_a_server_refusing_attributes_in_batches_gets_them_file_by_file(
    emulator_factory: Any, tmp_path: Path
) -> None:
    emu = emulator_factory(profile="llama-stack")
    project = make_project(tmp_path, MANIFEST, FILES)
    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "attributes set file by file: the server refuses them in file batches" in applied.output
    assert _attributes(emu) == {
        "assistants/docs/guide.md": {"lang": "en", "rank": 3},
        "assistants/docs/faq.md": {},
    }
    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output


def test_a_batch_the_server_does_not_attach_fails_the_apply(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(profile="ogx")
    real = emu.store.create_batch

    def attaches_nothing(vs_id: str, body: dict[str, Any]) -> dict[str, Any]:
        made = real(vs_id, body)  # answered as done, then the files are gone from the store
        for fid in list(emu.store.vs_files[vs_id].items):
            del emu.store.vs_files[vs_id].items[fid]
        return made

    emu.store.create_batch = attaches_nothing  # a server that says "completed" and holds nothing
    project = make_project(tmp_path, MANIFEST, FILES)
    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "Apply complete!" not in applied.output
    assert "the server does not hold 2 of the 2 files attached" in applied.output
