"""``asstctl run`` end to end, on both APIs: the Assistants API (threads and runs) and the
Responses API (the same state served by an emulator without the Assistants API). Function
calls answered from --tool-output (inline and @file) or on a terminal, file search citing the
project path, text streamed delta by delta, a call nobody can answer failing at once, a turn the
scripted model fails (``fail CODE``) exiting 1 with the API's reason, Ctrl-C
cancelling the run on the server, and nothing left behind on the server."""

from __future__ import annotations

import contextlib
import io
import json
import signal
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from e2e_support import asstctl, cli_env, make_project
from run_support import APIS, FILES, MANIFEST, Terminal, deploy, responses_left, threads_left

CALL = 'call get_order {"order":"A-1"}'


@pytest.fixture(params=APIS)
def api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def deployed(emulator_factory: Any, tmp_path: Path, api: str) -> tuple[Any, Path]:
    return deploy(emulator_factory, tmp_path, api)


def assert_nothing_left(emu: Any) -> None:
    assert threads_left(emu) == 0
    assert responses_left(emu) == 0


def test_function_call_answered_from_tool_output(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed

    result = asstctl(
        emu, project, "run", "assistant.support", CALL, "--tool-output", 'get_order={"status":"shipped"}'
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == 'The function get_order returned: {"status":"shipped"}\n'
    assert '→ get_order({"order":"A-1"})' in result.stderr
    assert '← get_order: {"status":"shipped"}' in result.stderr
    assert f"on the {'Assistants' if api == 'assistants' else 'Responses'} API" in result.stderr
    assert_nothing_left(emu)


def test_tool_output_from_a_file_in_json(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed
    (project / "order.json").write_text('{"status": "lost", "days": 3}\n')

    result = asstctl(
        emu, project, "run", "support", CALL, "--tool-output", "get_order=@order.json", "--format", "json"
    )

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["api"], doc["status"], doc["kept"]) == (api, "completed", None)
    assert doc["text"] == 'The function get_order returned: {"status": "lost", "days": 3}'
    (turn,) = doc["turns"]
    (call,) = turn["tool_calls"]
    assert call["type"] == "function" and call["name"] == "get_order"
    assert call["arguments"] == {"order": "A-1"} and call["output"] == '{"status": "lost", "days": 3}'
    assert doc["usage"]["total_tokens"] > 0 and turn["usage"] == doc["usage"]


def test_file_search_cites_the_project_file(deployed: tuple[Any, Path]) -> None:
    emu, project = deployed

    text = asstctl(emu, project, "run", "support", "search free shipping")
    doc = json.loads(
        asstctl(emu, project, "run", "support", "search returns delivery", "--format", "json").stdout
    )

    assert text.exit_code == 0, text.output
    assert text.stdout.endswith(
        '"Shipping is free for orders over 50 euros."[1]\n\n[1] assistants/docs/shipping.md\n'
    )
    assert "→ file_search" in text.stderr
    (turn,) = doc["turns"]
    (cite,) = turn["citations"]
    assert cite["path"] == "assistants/docs/returns.md" and cite["file_id"].startswith("file-")
    assert turn["text"].endswith('"Returns are accepted within 30 days of delivery."[1]')
    assert turn["tool_calls"][0]["type"] == "file_search"
    assert_nothing_left(emu)


class _Flushes(io.StringIO):
    """stdout that remembers what had been written at each flush."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def flush(self) -> None:
        self.seen.append(self.getvalue())


def test_text_streams_delta_by_delta(
    deployed: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from asstctl.main import main

    emu, project = deployed
    for key, value in cli_env(emu).items():
        monkeypatch.setenv(key, value) if value else monkeypatch.delenv(key, raising=False)
    out = _Flushes()

    with capsys.disabled(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["-C", str(project), "run", "support", "hello there my friend"])

    assert code == 0
    assert out.getvalue() == "You said: hello there my friend\n"
    shown = [s for i, s in enumerate(out.seen) if s and (i == 0 or s != out.seen[i - 1])]
    assert shown[:6] == [
        "You ",
        "You said: ",
        "You said: hello ",
        "You said: hello there ",
        "You said: hello there my ",
        "You said: hello there my friend",
    ]
    doc = json.loads(
        asstctl(emu, project, "run", "support", "hello there my friend", "--format", "json").stdout
    )
    assert doc["turns"][0]["text_deltas"] == 6


def test_function_call_without_output_fails_at_once(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed

    result = asstctl(emu, project, "run", "support", CALL)

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        'Error: the assistant called get_order({"order":"A-1"}) and no output was given for it: pass '
        "--tool-output get_order=JSON (or get_order=@file.json)"
    ]
    if api == "assistants":  # the waiting run was cancelled before its thread went
        assert "Cancelled run run_" in result.stderr
    assert_nothing_left(emu)


def test_a_failed_turn_exits_1_with_the_api_reason(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed
    reason = "server_error: The model failed as scripted (fail server_error)."

    text = asstctl(emu, project, "run", "support", "fail server_error")
    doc = asstctl(emu, project, "run", "support", "fail server_error", "--format", "json")

    assert text.exit_code == 1 and text.stdout == ""
    errors = [line for line in text.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: the assistant's turn ended failed: {reason}"]
    assert doc.exit_code == 1
    shown = json.loads(doc.stdout)
    assert (shown["api"], shown["status"], shown["text"]) == (api, "failed", "")
    (turn,) = shown["turns"]
    assert (turn["status"], turn["reason"]) == ("failed", reason)
    assert_nothing_left(emu)


def test_one_turn_per_line_of_stdin(deployed: tuple[Any, Path]) -> None:
    emu, project = deployed
    lines = f"hello\n\n{CALL}\nsearch returns\n"

    result = run_cli(
        "-C", str(project), "run", "support", "--tool-output", 'get_order="ok"', env=cli_env(emu), stdin=lines
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["You said: hello", 'The function get_order returned: "ok"']
    assert "[1] assistants/docs/returns.md" in result.stdout
    assert_nothing_left(emu)


def test_keep_thread(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed

    result = asstctl(emu, project, "run", "support", "hi", "--keep-thread", "--format", "json")

    assert result.exit_code == 0, result.output
    kept = json.loads(result.stdout)["kept"]
    assert kept.startswith("thread_" if api == "assistants" else "resp_")
    assert f"Kept the {'thread' if api == 'assistants' else 'last response'}: {kept}" in result.stderr
    assert (threads_left(emu), responses_left(emu)) == ((1, 0) if api == "assistants" else (0, 1))


def test_chat_on_a_terminal(deployed: tuple[Any, Path]) -> None:
    emu, project = deployed
    with Terminal.start(emu, project, "support") as term:
        term.expect("Ctrl-D or Ctrl-C ends the chat.")
        term.expect("you> ")
        term.type("hello there")
        term.expect("You said: hello there\n")
        term.type(CALL)
        term.expect("get_order> ")  # asked for the output, on the terminal
        term.type('{"status":"late"}')
        term.expect('The function get_order returned: {"status":"late"}')
        term.type("search returns")
        term.expect("[1] assistants/docs/returns.md")
        term.expect("you> ")
        term.eof()

        assert term.finish() == 0, term.text
    assert "Traceback" not in term.text
    assert_nothing_left(emu)


def test_ctrl_c_cancels_the_run_on_the_server(deployed: tuple[Any, Path], api: str) -> None:
    emu, project = deployed
    with Terminal.start(emu, project, "support") as term:
        term.expect("you> ")
        term.type(CALL)
        term.expect("get_order> ")  # the run waits on the server for this output
        if api == "assistants":
            (thread_id,) = emu.store.runs
            (run,) = emu.store.runs[thread_id].items.values()
            assert run["status"] == "requires_action"

        term.proc.send_signal(signal.SIGINT)

        assert term.finish() == 130, term.text
    assert "Traceback" not in term.text
    if api == "assistants":
        assert "Cancelled run " + run["id"] in term.text
        assert emu.stats()["by_endpoint"]["POST /v1/threads/{thread_id}/runs/{run_id}/cancel"] == 1
    assert_nothing_left(emu)


def test_bad_input_is_refused_before_any_request(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path, MANIFEST, FILES)

    unknown = asstctl(emulator, project, "run", "assistant.nope", "hi")
    not_json = asstctl(emulator, project, "run", "support", "hi", "--tool-output", "get_order=not json")

    assert unknown.exit_code == 1
    assert (
        "assistant.nope is not declared in this project (declared assistants: assistant.support)"
        in unknown.stderr
    )
    assert not_json.exit_code == 1 and "--tool-output get_order: not JSON" in not_json.stderr
    assert emulator.stats()["total"] == 0


def test_not_applied_says_so(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path, MANIFEST, FILES)

    result = asstctl(emulator, project, "run", "support", "hi")

    assert (
        result.exit_code == 1
        and "is not deployed at" in result.stderr
        and "run asstctl apply" in result.stderr
    )
    assert emulator.stats()["writes"] == 0


def test_timeout_stops_the_turn(emulator_factory: Any, tmp_path: Path, api: str) -> None:
    emu, project = deploy(emulator_factory, tmp_path, api, latency_ms=1500)

    result = asstctl(emu, project, "run", "support", "hello", "--timeout", "1s")

    assert result.exit_code == 1
    assert "Error: the assistant did not finish within 1s" in result.stderr and "--timeout" in result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------- every request against the spec


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` read as ``| null`` (as tests/emulator/test_runtime.py does)."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]} if node else {}
    return node


def test_every_request_conforms_to_the_spec(
    emulator_factory: Any, tmp_path: Path, api: str, shared_api: Path
) -> None:
    import jsonschema
    import yaml

    spec = yaml.safe_load((shared_api / "openai-runtime-subset.yaml").read_text())
    components = _nullable(spec["components"])
    emu, project = deploy(emulator_factory, tmp_path, api)
    seen: list[Any] = []
    emu.set_recorder(seen.append)

    asstctl(emu, project, "run", "support", CALL, "--tool-output", 'get_order={"ok":true}')
    asstctl(emu, project, "run", "support", "search returns", "--format", "json")
    asstctl(emu, project, "run", "support", CALL)  # no output: the run is cancelled
    run_cli("-C", str(project), "run", "support", env=cli_env(emu), stdin="hi\nhello again\n")

    mine = [ex for ex in seen if ex.template.startswith(("/v1/threads", "/v1/responses"))]
    used = {(ex.method, ex.template) for ex in mine}
    for ex in mine:
        assert ex.status == 200, (ex.method, ex.path, ex.response_body)
        op = spec["paths"][ex.template.removeprefix("/v1")][ex.method.lower()]
        content = op.get("requestBody", {}).get("content", {})
        if content and ex.request_body is not None:
            (media,) = content.values()
            schema = {**media["schema"], "components": components}
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(ex.request_body), key=str)
            assert not errors, (
                f"{ex.method} {ex.template}: {errors[0].message} at {list(errors[0].absolute_path)}"
            )
    if api == "assistants":
        assert used == {
            ("POST", "/v1/threads"),
            ("POST", "/v1/threads/{thread_id}/runs"),
            ("POST", "/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"),
            ("POST", "/v1/threads/{thread_id}/runs/{run_id}/cancel"),
            ("DELETE", "/v1/threads/{thread_id}"),
        }
    else:
        assert used == {("POST", "/v1/responses"), ("DELETE", "/v1/responses/{response_id}")}
    assert_nothing_left(emu)
