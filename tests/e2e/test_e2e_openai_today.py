"""A vector-store-only project against an endpoint without the Assistants API — OpenAI since
2026-08-26 — goes through the whole loop: plan, apply, convergence, destroy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e_support import assert_converged, asstctl, holdings, make_project

STORES_ONLY = """\
kind: VectorStore
name: kb
files:
  - path: docs/guide.md
    attributes: {lang: en}
  - docs/faq.md
"""

NOTE = (
    "Note: This endpoint does not serve the Assistants API (/v1/assistants answered 404); "
    "no assistants to manage.\n"
)


def test_vector_stores_only_on_an_endpoint_without_assistants(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path, STORES_ONLY, {"docs/guide.md": "# Guide\n", "docs/faq.md": "# FAQ\n"})

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert applied.stderr.startswith(f"Stack e2e at {emu.base_url}\n{NOTE}")  # the header, then the note
    assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in applied.output
    h = holdings(emu)
    assert (set(h.vector_stores), len(h.files), len(h.attachments)) == ({"vector_store.kb"}, 2, 2)
    assert emu.stats()["by_endpoint"].get("POST /v1/assistants", 0) == 0
    assert_converged(emu, project)

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert holdings(emu).empty
