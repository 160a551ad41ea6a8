"""`asstctl output ADDRESS`: one value, raw, for scripts (like `terraform output -raw`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_cli
from plan_support import apply, env_for, write

PROJECT = {
    "asstctl.yaml": "stack: out\n",
    "assistants/kb.yaml": "kind: VectorStore\nname: kb\ndisplay_name: Knowledge\n",
}


def _output(proj: Path, emulator: Any, *args: str) -> Any:
    return run_cli("-C", str(proj), "output", *args, env=env_for(emulator))


def test_output_address_prints_the_bare_id(tmp_path: Path, emulator: Any) -> None:
    proj = write(tmp_path / "p", PROJECT)
    apply(proj, emulator)
    everything = json.loads(_output(proj, emulator, "--format", "json").stdout)
    vs_id = everything["vector_store.kb"]["id"]
    result = _output(proj, emulator, "vector_store.kb")
    assert (result.exit_code, result.stdout) == (0, vs_id)  # no newline when piped, as -raw
    assert vs_id.startswith("vs_")
    assert _output(proj, emulator, "vector_store.kb.name").stdout == "kb"
    assert _output(proj, emulator, "vector_store.kb", "--format", "json").stdout == json.dumps(vs_id)


def test_output_of_an_unknown_address_names_the_live_ones(tmp_path: Path, emulator: Any) -> None:
    proj = write(tmp_path / "p", PROJECT)
    apply(proj, emulator)
    result = _output(proj, emulator, "assistant.nope")
    assert result.exit_code == 1 and result.stdout == ""
    assert "no live resource at assistant.nope in stack out" in result.stderr
    assert "vector_store.kb" in result.stderr
