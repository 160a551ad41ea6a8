"""reasoning_effort is writable but not in the Assistant object schema: setting it, changing it
and removing it from a manifest must each reach the API, and then leave an empty plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_cli
from plan_support import env_for, plan, write

MANIFEST = "kind: Assistant\nname: thinker\nmodel: o3-mini\ninstructions: Think.\n"


def _apply(proj: Path, emulator: Any) -> None:
    result = run_cli("-C", str(proj), "apply", "--auto-approve", env={**env_for(emulator), "CI": ""})
    assert result.exit_code == 0, result.output


def _live_effort(emulator: Any) -> Any:
    (assistant,) = emulator.store.objects("assistants")
    return assistant.get("reasoning_effort")


def test_reasoning_effort_set_changed_and_removed(tmp_path: Path, emulator: Any) -> None:
    proj = write(
        tmp_path, {"asstctl.yaml": "stack: s\n", "assistants/a.yaml": MANIFEST + "reasoning_effort: high\n"}
    )
    _apply(proj, emulator)
    assert _live_effort(emulator) == "high"
    assert plan(proj, emulator, "--detailed-exitcode").exit_code == 0

    write(proj, {"assistants/a.yaml": MANIFEST + "reasoning_effort: low\n"})
    changes = json.loads(plan(proj, emulator, "--format", "json").stdout)["resource_changes"]
    assert [(c["address"], c["actions"]) for c in changes] == [("assistant.thinker", ["update"])]
    _apply(proj, emulator)
    assert _live_effort(emulator) == "low"

    write(proj, {"assistants/a.yaml": MANIFEST})
    shown = plan(proj, emulator)
    assert '- reasoning_effort = "low" -> null' in shown.stdout, shown.stdout
    _apply(proj, emulator)
    assert _live_effort(emulator) is None
    assert plan(proj, emulator, "--detailed-exitcode").exit_code == 0
