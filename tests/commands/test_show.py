"""`asstctl show PLANFILE`: a saved plan in every view, with the endpoint gone and no key —
the same text, markdown and JSON that `plan` printed when it was saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from plan_support import CASES, apply, plan, write

from asstctl.render import plan_document
from asstctl.render.jsonread import plan_from_document

PROJECT = {
    "asstctl.yaml": "stack: shown\n",
    "assistants/bot.yaml": """
        kind: Assistant
        name: bot
        display_name: Bot
        model: gpt-4o-mini
        instructions: Be brief.
        tools:
          - type: function
            name: ping
            description: Ping
          - type: file_search
            vector_store: kb
        ---
        kind: VectorStore
        name: kb
        files: [docs/a.md, docs/b.md]
        """,
    "assistants/docs/a.md": "# A\n",
    "assistants/docs/b.md": "# B\n",
}
OFFLINE = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "NO_COLOR": ""}


def _changed_project(tmp_path: Path, emulator: Any) -> Path:
    proj = write(tmp_path / "p", PROJECT)
    apply(proj, emulator)
    bot = PROJECT["assistants/bot.yaml"].replace("Ping", "Ping the server").replace(", docs/b.md", "")
    write(proj, {"assistants/bot.yaml": bot})
    return proj


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_show_renders_a_saved_plan_offline(tmp_path: Path, emulator: Any, fmt: str) -> None:
    proj = _changed_project(tmp_path, emulator)
    saved = plan(proj, emulator, "--format", fmt, "--out", "changes.plan")
    assert saved.exit_code == 0, saved.output
    emulator.stop()  # nothing left to talk to: show must not try
    shown = run_cli("-C", str(proj), "show", "changes.plan", "--format", fmt, env=OFFLINE)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == saved.stdout
    if fmt == "text":
        assert "~ tools.ping.description" in shown.stdout


def test_show_reads_a_json_plan_document_too(tmp_path: Path, emulator: Any) -> None:
    proj = _changed_project(tmp_path, emulator)
    doc = plan(proj, emulator, "--format", "json").stdout
    (tmp_path / "plan.json").write_text(doc)
    text = plan(proj, emulator).stdout
    shown = run_cli("show", str(tmp_path / "plan.json"), env=OFFLINE)
    assert (shown.exit_code, shown.stdout) == (0, text), shown.output


def test_show_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}')
    result = run_cli("show", str(tmp_path / "x.json"), env=OFFLINE)
    assert result.exit_code == 1
    assert "is not a saved plan" in result.stderr and "asstctl plan --out" in result.stderr


@pytest.mark.parametrize("path", sorted(CASES.glob("*/plan.json")), ids=lambda p: p.parent.name)
def test_every_expected_plan_document_reads_back_to_itself(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert plan_document(plan_from_document(doc)) == doc
