"""The views as pure functions of a Plan: colour rules, markdown folding and flags."""

from __future__ import annotations

import io
import json

import pytest

from asstctl.core.plan import Action, AttributeChange, Plan, ResourceChange
from asstctl.render import render_json, render_markdown, render_text
from asstctl.render.color import use_color

LONG = "\n".join(f"line {i}" for i in range(30))
NEW = LONG.replace("line 1", "LINE 1")  # lines 1 and 10-19


def _plan() -> Plan:
    return Plan(
        stack="st",
        changes=(
            ResourceChange(
                address="assistant.bot",
                kind="assistant",
                name="bot",
                action=Action.UPDATE,
                id="asst_1",
                before={"instructions": LONG, "model": "m"},
                after={"instructions": NEW, "model": "m"},
                changes=(AttributeChange("instructions", LONG, NEW),),
            ),
            ResourceChange(
                address="vector_store.kb",
                kind="vector_store",
                name="kb",
                action=Action.DELETE,
                reason="destroy requested",
                id="vs_1",
                before={"name": "kb"},
                prevent_destroy=True,
            ),
        ),
    )


def test_colour_only_when_asked() -> None:
    assert "\x1b[" in render_text(_plan(), color=True)
    assert "\x1b[" not in render_text(_plan(), color=False)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_is_auto_on_a_terminal_and_no_color_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(None, _Terminal()) is True
    assert use_color(None, io.StringIO()) is False
    assert use_color(False, _Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(None, _Terminal()) is False


def test_text_shows_long_text_as_a_line_diff() -> None:
    text = render_text(_plan(), color=False)
    assert "            -line 19\n            +LINE 10\n" in text
    assert "line 25\n" not in text  # only the hunk's context, not the whole text
    assert "# (lifecycle.prevent_destroy is set: apply will refuse until it is removed)" in text
    assert text.endswith("Plan: 0 to add, 1 to change, 1 to destroy.\n")


def test_markdown_summary_first_deletions_flagged_long_diffs_folded() -> None:
    md = render_markdown(_plan())
    lines = md.splitlines()
    assert lines[2] == "**Plan: 0 to add, 1 to change, 1 to destroy.**"
    assert "> - `vector_store.kb` (destroy requested; **prevent_destroy is set: apply will refuse**)" in md
    assert "<details><summary><b>assistant.bot will be updated in-place</b>" in md
    assert "#### `vector_store.kb` will be destroyed" in md  # short: not folded
    assert "\n-             -line 15\n" in md and "\n+             +LINE 15\n" in md


def test_no_changes_in_every_view() -> None:
    empty = Plan(stack="st", changes=())
    assert render_text(empty, color=True).endswith("No changes. Live resources match the manifests.\x1b[0m\n")
    assert "**No changes. Live resources match the manifests.**" in render_markdown(empty)
    doc = json.loads(render_json(empty))
    assert doc["summary"] == {"add": 0, "change": 0, "destroy": 0} and doc["resource_changes"] == []
