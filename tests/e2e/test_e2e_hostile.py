"""Hostile and broken servers (issue 12, part 6): every case is one clear error line — never a
hang, a traceback, "This is a bug", an escape sequence reaching the terminal or a leaked key."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import openai
import pytest
from conftest import run_cli
from e2e_support import STACK, asstctl, make_project
from hostile_server import Answer, empty_list, hostile_server, json_answer

from asstctl.core.ownership import ownership_metadata
from asstctl.remote import rest


def _run(base_url: str, project: Path, *args: str, key: str = "sk-test-0123456789") -> Any:
    env = {"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": key, "CI": "", "NO_COLOR": "1"}
    return run_cli("-C", str(project), *args, env=env)


def _plan_against(answer: Any, tmp_path: Path) -> tuple[str, Any]:
    """``asstctl plan`` of a fresh project against a server answering with ``answer``."""
    project = make_project(tmp_path)
    with hostile_server(answer) as url:
        return url, _run(url, project, "plan")


def _clean_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "This is a bug" not in result.output and "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# --- pagination ----------------------------------------------------------------------------


def test_a_paginator_that_repeats_its_page_stops_with_an_error(tmp_path: Path) -> None:
    def answer(method: str, path: str, query: dict[str, str]) -> Answer:
        return json_answer({"object": "list", "data": [{"id": "vs_same"}], "has_more": True})

    url, result = _plan_against(answer, tmp_path)
    _clean_error(result, url, "repeats", "while listing")


def test_a_paginator_that_never_ends_stops_after_the_page_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rest, "MAX_PAGES", 30)  # the real bound (10,000 pages) takes a while
    counter = itertools.count()

    def answer(method: str, path: str, query: dict[str, str]) -> Answer:
        return json_answer({"object": "list", "data": [{"id": f"x_{next(counter)}"}], "has_more": True})

    url, result = _plan_against(answer, tmp_path)
    _clean_error(result, url, "more than 30 pages")


# --- unexpected response shapes --------------------------------------------------------------


def test_an_html_page_from_a_wrong_base_url_is_one_line(tmp_path: Path) -> None:
    def answer(method: str, path: str, query: dict[str, str]) -> Answer:
        return 200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>"

    url, result = _plan_against(answer, tmp_path)
    _clean_error(result, url, "GET /", "while listing", "not JSON", "OPENAI_BASE_URL")


def test_objects_without_ids_are_refused(tmp_path: Path) -> None:
    def answer(method: str, path: str, query: dict[str, str]) -> Answer:
        return json_answer({"object": "list", "data": [{"name": "no id"}], "has_more": False})

    url, result = _plan_against(answer, tmp_path)
    _clean_error(result, url)


# --- ids and names from the endpoint -----------------------------------------------------------


def test_output_env_refuses_an_id_with_a_newline(tmp_path: Path) -> None:
    injected = {
        "id": "asst_1\nGITHUB_TOKEN=stolen",
        "object": "assistant",
        "model": "gpt-4o-mini",
        "metadata": ownership_metadata(STACK, "assistant.plain"),
        "tools": [],
    }

    def answer(method: str, path: str, query: dict[str, str]) -> Answer:
        if path == "/assistants":
            return json_answer({"object": "list", "data": [injected], "has_more": False})
        return empty_list(method, path, query)

    project = make_project(tmp_path)
    with hostile_server(answer) as url:
        env = _run(url, project, "output", "--format", "env")
        text = _run(url, project, "output")
    _clean_error(env, "assistant.plain", "not a plain id")
    assert env.stdout == ""
    assert text.exit_code == 0 and "asst_1\\nGITHUB_TOKEN" in text.stdout and "\nGITHUB" not in text.stdout


HOSTILE = "\x1b[2J\x1b[H  + assistant forged\r\n```\n<img src=x onerror=alert(1)>\n\u202eevil\x9b31m"


def test_a_hostile_live_name_is_not_a_claim(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    sdk = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test")
    sdk.beta.assistants.create(
        model="gpt-4o-mini",
        metadata={"asstctl_stack": STACK, "asstctl_address": "assistant.x" + HOSTILE[:40]},
    )

    for fmt in ("text", "markdown", "json"):
        result = asstctl(emulator, project, "plan", "--format", fmt, "--detailed-exitcode")
        assert result.exit_code == 0, result.output  # nothing to delete: it is not ours
        assert "\x1b" not in result.output and "<img" not in result.output


def test_hostile_live_values_are_escaped_in_every_view(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert asstctl(emulator, project, "apply", "--auto-approve").exit_code == 0
    sdk = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test")
    plain = next(
        a
        for a in sdk.beta.assistants.list()
        if (a.metadata or {}).get("asstctl_address") == "assistant.plain"
    )
    sdk.beta.assistants.update(
        plain.id, instructions=HOSTILE, metadata={**plain.metadata, "k\x1b": HOSTILE[:500]}
    )

    text = asstctl(emulator, project, "plan")
    assert "will be updated in-place" in text.stdout
    for raw in ("\x1b", "\r", "\u202e", "\x9b"):
        assert raw not in text.output, repr(raw)
    assert "\\x1b[2J" in text.stdout and "\\u202e" in text.stdout

    markdown = asstctl(emulator, project, "plan", "--format", "markdown").stdout
    assert "\x1b" not in markdown
    outside, fence = [], None  # the markdown outside code blocks holds no HTML from the value
    for line in markdown.splitlines():
        if fence is None and line.startswith("```"):
            fence = line.removesuffix("diff")
            assert len(fence) > 3  # longer than the ``` run inside the value
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            outside.append(line)
    assert fence is None and "<img" not in "\n".join(outside)

    doc = json.loads(asstctl(emulator, project, "plan", "--format", "json").stdout)
    assert any(c["before"] and c["before"].get("instructions") == HOSTILE for c in doc["resource_changes"])


# --- keys and credentials ---------------------------------------------------------------------


def test_a_key_with_whitespace_gets_its_own_message(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    for key in ("sk-proj-abcdef0123456789\n", " sk-proj-abcdef0123456789", "sk-proj-abc def0123456789"):
        result = _run(emulator.base_url, project, "plan", key=key)
        _clean_error(result, "OPENAI_API_KEY holds whitespace")
        assert "abcdef" not in result.output and "def0123456789" not in result.output


def test_credentials_in_the_base_url_are_never_shown(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = _run("http://admin:hunter2secret@127.0.0.1:9/v1", project, "plan", key="not-an-sk-key-42")
    assert result.exit_code == 1
    assert "hunter2secret" not in result.output and "not-an-sk-key-42" not in result.output
    assert "[redacted]@127.0.0.1:9" in result.stderr


# --- a corrupt sandbox --------------------------------------------------------------------------


@pytest.mark.parametrize("state", ['{"garbage', "[1, 2]", '{"objects": 5}'])
def test_a_corrupt_sandbox_state_is_one_line(tmp_path: Path, state: str) -> None:
    project = make_project(tmp_path)
    state_dir = project / ".asstctl" / "sandbox"
    state_dir.mkdir(parents=True)
    (state_dir / "state.json").write_text(state)
    result = run_cli("-C", str(project), "plan", "--sandbox", env={"OPENAI_API_KEY": "", "CI": ""})
    _clean_error(result, ".asstctl/sandbox/state.json", "Delete .asstctl/sandbox")
