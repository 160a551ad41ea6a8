"""The vector-store life cycle against the emulator's OGX profile (``EmulatorConfig(profile="ogx")``),
which reproduces what OGX 1.5.0 does differently from OpenAI (``asstctl.emulator.compat``):
validate, apply (every file really attached with its attributes), an empty plan, a content
and an attribute edit, an empty plan again, and a destroy that leaves no store and no File."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from e2e_support import STACK, asstctl, make_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compat"))
from life_cycle import ATTRIBUTE_EDIT, FILES, MANIFEST

from asstctl.core.ownership import parse_upload_filename

SERVER_KEYS = {"provider_id", "provider_vector_store_id", "embedding_model", "embedding_dimension"}


def _store(emu: Any) -> dict[str, Any]:
    stores = [
        s
        for s in emu.store.objects("vector_stores")
        if (s.get("metadata") or {}).get("asstctl_stack") == STACK
    ]
    assert len(stores) == 1, stores
    return stores[0]


def _attached(emu: Any, store_id: str) -> dict[str, dict[str, Any]]:
    """Project path -> user attributes of each file the store holds."""
    out: dict[str, dict[str, Any]] = {}
    for vsf in emu.store.objects("vector_store_files"):
        if vsf["vector_store_id"] == store_id:
            attrs = dict(vsf["attributes"])
            path = attrs.get("asstctl_path")
            assert isinstance(path, str), vsf
            out[path] = {k: v for k, v in attrs.items() if not k.startswith("asstctl_")}
    return out


def _files_of_stack(emu: Any) -> list[str]:
    names = [f["filename"] for f in emu.store.objects("files")]
    return [n for n in names if (p := parse_upload_filename(n)) is not None and p.stack == STACK]


def _empty_plan(emu: Any, project: Path) -> None:
    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes" in plan.stdout


def test_vector_store_life_cycle_on_the_ogx_profile(emulator_factory: Any, tmp_path: Path) -> None:
    emu = emulator_factory(profile="ogx")
    project = make_project(tmp_path, MANIFEST, FILES)

    assert asstctl(emu, project, "validate").exit_code == 0
    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete!" in applied.stdout
    assert "attributes set file by file: the server ignores them in file batches" in applied.output
    store = _store(emu)
    assert store["id"].startswith("vs_") and "-" in store["id"]  # vs_<uuid>
    assert _attached(emu, store["id"]) == {
        "assistants/docs/guide.md": {"lang": "en", "rank": 3},
        "assistants/docs/my notes.md": {"lang": "fr"},
        "assistants/docs/faq.md": {},
    }
    assert set(store["metadata"]) >= SERVER_KEYS  # the server's own keys are kept
    assert len(_files_of_stack(emu)) == 3  # recognised after the server's filename rewriting
    _empty_plan(emu, project)

    # a content edit and an attribute edit
    (project / "assistants/docs/guide.md").write_text("# Guide\nStep one, then two.\n")
    (project / "assistants/main.yaml").write_text(MANIFEST.replace(*ATTRIBUTE_EDIT))
    edited = asstctl(emu, project, "apply", "--auto-approve")
    assert edited.exit_code == 0, edited.output
    assert "Apply complete!" in edited.stdout
    _empty_plan(emu, project)
    store = _store(emu)
    assert _attached(emu, store["id"]) == {
        "assistants/docs/guide.md": {"lang": "en", "rank": 3},
        "assistants/docs/my notes.md": {"lang": "fr", "rank": 2},
        "assistants/docs/faq.md": {},
    }
    assert set(store["metadata"]) >= SERVER_KEYS
    assert len(_files_of_stack(emu)) == 3  # the old version of guide.md was deleted

    # a key removed from the manifest is removed; the server's keys stay
    (project / "assistants/main.yaml").write_text(
        MANIFEST.replace("metadata: {team: docs}\n", "").replace(*ATTRIBUTE_EDIT)
    )
    plan = asstctl(emu, project, "plan")
    assert "team" in plan.stdout and "provider_id" not in plan.stdout
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    metadata = _store(emu)["metadata"]
    assert "team" not in metadata and set(metadata) >= SERVER_KEYS
    _empty_plan(emu, project)
    later = asstctl(emu, project, "apply", "--auto-approve")  # attaching still works afterwards
    assert later.exit_code == 0, later.output

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert emu.store.objects("vector_stores") == []
    assert emu.store.objects("files") == []
    assert emu.stats().get("dropped_after_error", 0) == 0  # no request went out on a broken connection
