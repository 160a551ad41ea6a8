"""The Assistants runtime of the emulator (threads, messages, runs, run steps), driven through the
real ``openai`` SDK (strict response validation) over HTTP: message CRUD, function-call round trips,
streaming, file search citations, cancel, expiry, faults, persistence, the 404s without the
Assistants API; and a contract test validating every request, answer and streamed event the
scenarios exchanged against the official runtime spec subset in ``../shared``.

Spec quirks, handled narrowly in the ``spec`` fixture and ``_check``:

* Many run and step fields (``required_action``, ``last_error``, ``expires_at``, ``started_at``…) are
  marked with the OpenAPI 3.0 keyword ``nullable``, which JSON Schema (this spec says OpenAPI 3.1)
  ignores, while the examples and the SDK carry ``null`` there. Read as ``| null`` wherever it is.
* ``first_id``/``last_id`` are strings, but an empty page has no ids: ``null`` accepted only when
  ``data`` is empty (as in ``test_contract.py``).
* The subset leaves out modifying a message or a run and retrieving one step (the SDK has them),
  and the delta events' schemas (``MessageDeltaObject``, ``RunStepDeltaObject``): their answers are
  checked against the object schemas only; deltas against their shape here.
"""

from __future__ import annotations

import copy
import json
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openai import BadRequestError, NotFoundError, OpenAI
from rawhttp import call

from asstctl.emulator import Exchange, Store
from asstctl.emulator.sse import parse

GUIDE = (
    b"# Shop guide\n\nReturns are accepted within 30 days of delivery.\n\nShipping is free over 50 euros.\n"
)
PLANTS = b"Our office plants need water every Monday.\n"
WEATHER: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


@pytest.fixture(autouse=True)
def _quiet_deprecations() -> Iterator[None]:
    with warnings.catch_warnings():  # the SDK marks the whole Assistants API deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _client(emu: Any, retries: int = 0) -> OpenAI:
    return OpenAI(
        base_url=emu.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=retries
    )


def _assistant(c: OpenAI, **kw: Any) -> str:
    return c.beta.assistants.create(model="gpt-4o", instructions="Be brief.", **{"tools": [WEATHER], **kw}).id


def _texts(c: OpenAI, thread_id: str) -> list[str]:
    """The thread's messages, oldest first, as ``role: text``."""
    out = []
    for m in c.beta.threads.messages.list(thread_id=thread_id, order="asc"):
        assert m.content[0].type == "text"
        out.append(f"{m.role}: {m.content[0].text.value}")
    return out


# ---------------------------------------------------------------- scenarios (also the contract's)


def thread_and_message_crud(c: OpenAI, emu: Any) -> None:
    t = c.beta.threads.create(
        messages=[{"role": "user", "content": "hi", "metadata": {"n": "1"}}], metadata={"app": "test"}
    )
    assert t.id.startswith("thread_") and t.object == "thread" and t.metadata == {"app": "test"}
    assert c.beta.threads.retrieve(t.id) == t
    t2 = c.beta.threads.update(t.id, metadata={"app": "v2"})
    assert t2.metadata == {"app": "v2"} and t2.created_at == t.created_at
    m = c.beta.threads.messages.create(
        thread_id=t.id,
        role="user",
        content=[
            {"type": "text", "text": "part one"},
            {"type": "image_url", "image_url": {"url": "https://x.io/a.png"}},
        ],
    )
    assert m.role == "user" and m.run_id is None and m.assistant_id is None and m.thread_id == t.id
    assert m.content[0].type == "text" and m.content[0].text.value == "part one"
    assert m.content[1].type == "image_url"
    assert c.beta.threads.messages.retrieve(m.id, thread_id=t.id) == m
    assert c.beta.threads.messages.update(m.id, thread_id=t.id, metadata={"k": "v"}).metadata == {"k": "v"}
    page = c.beta.threads.messages.list(thread_id=t.id, limit=1)
    assert [x.id for x in page.data] == [m.id] and page.has_more
    assert _texts(c, t.id) == ["user: hi", "user: part one"]
    with pytest.raises(NotFoundError):
        c.beta.threads.messages.retrieve("msg_missing", thread_id=t.id)
    with pytest.raises(BadRequestError):
        c.beta.threads.messages.create(thread_id=t.id, role="system", content="x")  # type: ignore[arg-type]
    deleted = c.beta.threads.delete(t.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (t.id, True, "thread.deleted")
    with pytest.raises(NotFoundError):
        c.beta.threads.retrieve(t.id)


def function_call_round_trip(c: OpenAI, emu: Any) -> None:
    asst = _assistant(c)
    t = c.beta.threads.create(messages=[{"role": "user", "content": 'call get_weather {"city": "Paris"}'}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    assert run.status == "requires_action" and run.instructions == "Be brief." and run.model == "gpt-4o"
    assert run.started_at is not None and run.expires_at == run.created_at + 600 and run.usage is None
    assert run.required_action is not None
    (tc,) = run.required_action.submit_tool_outputs.tool_calls
    assert (tc.type, tc.function.name, tc.function.arguments) == (
        "function",
        "get_weather",
        '{"city":"Paris"}',
    )
    with pytest.raises(BadRequestError, match="Expected tool outputs"):
        c.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=t.id, tool_outputs=[{"tool_call_id": "call_other", "output": "x"}]
        )
    done = c.beta.threads.runs.submit_tool_outputs(
        run_id=run.id, thread_id=t.id, tool_outputs=[{"tool_call_id": tc.id, "output": "sunny, 21 °C"}]
    )
    assert done.status == "completed" and done.required_action is None and done.expires_at is None
    assert done.completed_at is not None and done.usage is not None and done.usage.total_tokens > 0
    assert _texts(c, t.id)[-1] == "assistant: The function get_weather returned: sunny, 21 °C"
    assert c.beta.threads.runs.retrieve(run.id, thread_id=t.id) == done
    (reply,) = c.beta.threads.messages.list(thread_id=t.id, run_id=run.id).data
    assert (reply.run_id, reply.assistant_id, reply.status) == (run.id, asst, "completed")
    steps = c.beta.threads.runs.steps.list(run_id=run.id, thread_id=t.id, order="asc").data
    assert [(s.type, s.status) for s in steps] == [
        ("tool_calls", "completed"),
        ("message_creation", "completed"),
    ]
    assert steps[0].step_details.type == "tool_calls"
    fn = steps[0].step_details.tool_calls[0]
    assert fn.type == "function" and fn.function.output == "sunny, 21 °C" and fn.id == tc.id
    assert steps[1].step_details.type == "message_creation"
    assert steps[1].step_details.message_creation.message_id == reply.id
    assert sum(s.usage.total_tokens for s in steps if s.usage) == done.usage.total_tokens
    assert c.beta.threads.runs.steps.retrieve(steps[1].id, thread_id=t.id, run_id=run.id) == steps[1]
    assert [r.id for r in c.beta.threads.runs.list(thread_id=t.id)] == [run.id]
    assert c.beta.threads.runs.update(run.id, thread_id=t.id, metadata={"k": "v"}).metadata == {"k": "v"}
    with pytest.raises(BadRequestError, match="do not accept tool outputs"):
        c.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=t.id, tool_outputs=[{"tool_call_id": tc.id, "output": "again"}]
        )
    with pytest.raises(NotFoundError):
        c.beta.threads.runs.create(thread_id=t.id, assistant_id="asst_missing")


def streaming(c: OpenAI, emu: Any) -> None:
    asst = _assistant(c)
    t = c.beta.threads.create(messages=[{"role": "user", "content": "hello there, emulator"}])
    events = list(c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst, stream=True))
    names = [e.event for e in events]
    assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert names[3:7] == [
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.message.created",
        "thread.message.in_progress",
    ]
    assert names.count("thread.message.delta") == 5  # one per word
    assert names[-3:] == ["thread.message.completed", "thread.run.step.completed", "thread.run.completed"]
    pieces = [e.data.delta.content[0].text.value for e in events if e.event == "thread.message.delta"]  # type: ignore[union-attr]
    assert "".join(p or "" for p in pieces) == "You said: hello there, emulator"

    c.beta.threads.messages.create(thread_id=t.id, role="user", content='call get_weather {"city": "Oslo"}')
    with c.beta.threads.runs.stream(thread_id=t.id, assistant_id=asst) as s:
        names = [e.event for e in s]
        run = s.get_final_run()
    assert names[-1] == "thread.run.requires_action" and "thread.run.step.delta" in names
    assert run.required_action is not None
    call_id = run.required_action.submit_tool_outputs.tool_calls[0].id
    with c.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id,
        thread_id=t.id,
        tool_outputs=[{"tool_call_id": call_id, "output": "snow and more snow"}],
    ) as s:
        names = [e.event for e in s]
        (message,) = s.get_final_messages()
        final = s.get_final_run()
    assert (
        names[:2] == ["thread.run.queued", "thread.run.in_progress"] and names[-1] == "thread.run.completed"
    )
    assert names.count("thread.message.delta") > 1
    assert message.content[0].type == "text"
    assert message.content[0].text.value == "The function get_weather returned: snow and more snow"
    assert final.status == "completed"

    status, headers, body = call(
        emu.root_url, "POST", "/v1/threads/runs", {"assistant_id": asst, "stream": True}
    )
    assert status == 200 and headers["Content-Type"].startswith("text/event-stream")
    raw = parse(body)
    assert raw[0].event == "thread.created" and (raw[-1].event, raw[-1].data) == ("done", "[DONE]")


def file_search_cites(c: OpenAI, emu: Any) -> None:
    plants = c.files.create(file=("plants.md", PLANTS), purpose="assistants")
    guide = c.files.create(file=("guide.md", GUIDE), purpose="assistants")
    vs = c.vector_stores.create(file_ids=[plants.id, guide.id])
    asst = _assistant(
        c,
        tools=[{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.1}}}],
        tool_resources={"file_search": {"vector_store_ids": [vs.id]}},
    )
    t = c.beta.threads.create(messages=[{"role": "user", "content": "search how many days for returns"}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    assert run.status == "completed"
    (reply,) = c.beta.threads.messages.list(thread_id=t.id, run_id=run.id).data
    assert reply.content[0].type == "text"
    text = reply.content[0].text
    assert text.value.startswith('From guide.md: "Returns are accepted within 30 days of delivery."')
    (note,) = text.annotations
    assert note.type == "file_citation" and note.file_citation.file_id == guide.id
    assert text.value[note.start_index : note.end_index] == note.text == "【0:0†guide.md】"
    search, _ = c.beta.threads.runs.steps.list(run_id=run.id, thread_id=t.id, order="asc").data
    assert search.step_details.type == "tool_calls"
    found = search.step_details.tool_calls[0]
    assert found.type == "file_search" and found.file_search.ranking_options is not None
    assert found.file_search.ranking_options.score_threshold == 0.1
    (result,) = found.file_search.results or []
    assert (result.file_id, result.file_name, result.content) == (guide.id, "guide.md", None)
    full = c.beta.threads.runs.steps.retrieve(
        search.id,
        thread_id=t.id,
        run_id=run.id,
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    )
    assert full.step_details.type == "tool_calls"
    shown = full.step_details.tool_calls[0]
    assert shown.type == "file_search" and shown.file_search.results
    assert shown.file_search.results[0].content[0].text == "Returns are accepted within 30 days of delivery."  # type: ignore[index]

    # a file attached to a message for file_search goes into the thread's own vector store
    t2 = c.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "search water plants",
                "attachments": [{"file_id": plants.id, "tools": [{"type": "file_search"}]}],
            }
        ]
    )
    assert c.beta.threads.retrieve(t2.id).tool_resources.file_search is not None  # type: ignore[union-attr]
    plain = c.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    c.beta.threads.runs.create(thread_id=t2.id, assistant_id=plain.id)
    assert _texts(c, t2.id)[-1].startswith('assistant: From plants.md: "Our office plants')


def cancel(c: OpenAI, emu: Any) -> None:
    asst = _assistant(c)
    t = c.beta.threads.create(messages=[{"role": "user", "content": "call get_weather"}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    with pytest.raises(BadRequestError, match="already has an active run"):
        c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    with pytest.raises(BadRequestError, match="while a run"):
        c.beta.threads.messages.create(thread_id=t.id, role="user", content="more")
    answer = c.beta.threads.runs.cancel(run.id, thread_id=t.id)
    assert answer.status == "cancelling"
    now = c.beta.threads.runs.retrieve(run.id, thread_id=t.id)
    assert now.status == "cancelled" and now.cancelled_at is not None and now.required_action is None
    (step,) = c.beta.threads.runs.steps.list(run_id=run.id, thread_id=t.id).data
    assert step.status == "cancelled" and step.cancelled_at is not None
    with pytest.raises(BadRequestError, match="Cannot cancel run with status 'cancelled'"):
        c.beta.threads.runs.cancel(run.id, thread_id=t.id)
    c.beta.threads.messages.create(thread_id=t.id, role="user", content="the thread is free again")


def create_and_run(c: OpenAI, emu: Any) -> None:
    asst = _assistant(c, metadata={"a": "b"})
    run = c.beta.threads.create_and_run(
        assistant_id=asst,
        instructions="Override.",
        thread={"messages": [{"role": "user", "content": "ping"}], "metadata": {"t": "1"}},
        temperature=0.5,
        tool_choice="none",
        truncation_strategy={"type": "last_messages", "last_messages": 5},
    )
    assert run.status == "completed" and run.instructions == "Override." and run.temperature == 0.5
    assert _texts(c, run.thread_id) == ["user: ping", "assistant: You said: ping"]
    assert c.beta.threads.retrieve(run.thread_id).metadata == {"t": "1"}
    with pytest.raises(NotFoundError):
        c.beta.threads.create_and_run(assistant_id="asst_missing")


def scripted_failure(c: OpenAI, emu: Any) -> None:
    """``fail CODE`` ends the run ``failed`` with that ``last_error`` (and streams it); the thread
    takes a new run afterwards."""
    asst = _assistant(c)
    t = c.beta.threads.create(messages=[{"role": "user", "content": "fail rate_limit_exceeded"}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    assert run.status == "failed" and run.failed_at is not None and run.completed_at is None
    assert run.last_error is not None and run.last_error.code == "rate_limit_exceeded"
    assert run.last_error.message == "The model failed as scripted (fail rate_limit_exceeded)."
    assert _texts(c, t.id) == ["user: fail rate_limit_exceeded"]  # no answer written
    c.beta.threads.messages.create(thread_id=t.id, role="user", content="fail invalid_prompt")
    events = list(c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst, stream=True))
    assert [e.event for e in events][-1] == "thread.run.failed"
    failed = events[-1].data
    assert failed.last_error is not None and failed.last_error.code == "invalid_prompt"  # type: ignore[union-attr]
    c.beta.threads.messages.create(thread_id=t.id, role="user", content="fail nonsense")
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
    assert run.status == "completed" and "cannot fail with nonsense" in _texts(c, t.id)[-1]


SCENARIOS: list[Callable[[OpenAI, Any], None]] = [
    thread_and_message_crud,
    function_call_round_trip,
    streaming,
    file_search_cites,
    cancel,
    create_and_run,
    scripted_failure,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_scenario(scenario: Callable[[OpenAI, Any], None], emulator: Any) -> None:
    scenario(_client(emulator), emulator)


# ---------------------------------------------------------------- time, faults, knobs, state


def test_a_run_waiting_on_tool_outputs_expires(emulator: Any) -> None:
    c = _client(emulator)
    t = c.beta.threads.create(messages=[{"role": "user", "content": "call get_weather"}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=_assistant(c))
    assert run.status == "requires_action"
    later = time.time() + 601
    emulator.store.clock = lambda: later  # ten minutes pass
    gone = c.beta.threads.runs.retrieve(run.id, thread_id=t.id)
    assert gone.status == "expired" and gone.required_action is None and gone.expires_at == run.expires_at
    (step,) = c.beta.threads.runs.steps.list(run_id=run.id, thread_id=t.id).data
    assert step.status == "expired" and step.expired_at == run.expires_at
    with pytest.raises(BadRequestError, match='status "expired"'):
        c.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=t.id, tool_outputs=[{"tool_call_id": "call_x", "output": "late"}]
        )
    c.beta.threads.messages.create(thread_id=t.id, role="user", content="still here")


def test_fault_rate_fails_some_runs_deterministically(emulator_factory: Any) -> None:
    def statuses(seed: int) -> list[str]:
        emu = emulator_factory(fault_rate=0.3, seed=seed)
        c = _client(emu, retries=20)  # request faults are retried; run failures are answers
        asst = _assistant(c)
        t = c.beta.threads.create()
        out = []
        for i in range(8):
            c.beta.threads.messages.create(thread_id=t.id, role="user", content=f"message {i}")
            run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=asst)
            out.append(run.status)
            if run.status == "failed":
                assert run.last_error is not None and run.last_error.code == "server_error"
                assert run.failed_at is not None and run.completed_at is None
        return out

    first = statuses(7)
    assert set(first) == {"completed", "failed"}
    assert statuses(7) == first


def test_no_assistants_answers_404_for_the_runtime_too(emulator_factory: Any) -> None:
    c = _client(emulator_factory(no_assistants=True))
    with pytest.raises(NotFoundError, match="Invalid URL"):
        c.beta.threads.create()
    with pytest.raises(NotFoundError, match="Invalid URL"):
        c.beta.threads.create_and_run(assistant_id="asst_x")
    with pytest.raises(NotFoundError, match="Invalid URL"):
        c.beta.threads.runs.list(thread_id="thread_x")
    assert c.models.retrieve("gpt-4o").id == "gpt-4o"


def test_the_beta_header_is_required(emulator: Any) -> None:
    status, _, body = call(emulator.root_url, "POST", "/v1/threads", {}, headers={"OpenAI-Beta": ""})
    assert status == 400 and "OpenAI-Beta" in body["error"]["message"]


def test_runtime_state_persists_and_old_states_load(emulator_factory: Any, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    emu = emulator_factory(state_path=state)
    c = _client(emu)
    t = c.beta.threads.create(messages=[{"role": "user", "content": "call get_weather"}])
    run = c.beta.threads.runs.create(thread_id=t.id, assistant_id=_assistant(c))
    emu.stop()
    c = _client(emulator_factory(state_path=state))
    assert c.beta.threads.runs.retrieve(run.id, thread_id=t.id).status == "requires_action"
    assert len(c.beta.threads.runs.steps.list(run_id=run.id, thread_id=t.id).data) == 1
    assert _texts(c, t.id) == ["user: call get_weather"]

    old = json.loads(state.read_text())
    for key in ("threads", "messages", "runs", "run_steps"):
        old.pop(key)  # a state file written before the runtime
    store = Store()
    store.load(old)
    assert store.threads.items == {} and store.runs == {}


# ---------------------------------------------------------------- the contract


def _nullable(node: Any) -> Any:
    """``nullable: true`` (OpenAPI 3.0) read as ``| null``; see the module docstring."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]} if node else {}
    return node


@pytest.fixture
def spec(shared_api: Path) -> dict[str, Any]:
    path = shared_api / "openai-runtime-subset.yaml"
    if not path.exists():
        pytest.skip(f"the runtime spec subset is not at {path}")
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    data["components"] = _nullable(data["components"])
    return data


_UNLISTED = {  # operations the subset leaves out: their answers' object schemas
    ("POST", "/v1/threads/{thread_id}/messages/{message_id}"): "MessageObject",
    ("POST", "/v1/threads/{thread_id}/runs/{run_id}"): "RunObject",
    ("GET", "/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}"): "RunStepObject",
}


def _validate(spec: dict[str, Any], schema: dict[str, Any], value: Any, what: str) -> None:
    root = {**schema, "components": spec["components"]}
    errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(value), key=str)
    assert not errors, f"{what}: {errors[0].message} at {list(errors[0].absolute_path)}"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _event_schema(event: str) -> str | None:
    """The object schema of a streamed event's data (None for deltas, which the subset lacks)."""
    if event.endswith(".delta"):
        return None
    for prefix, name in (
        ("thread.run.step.", "RunStepObject"),
        ("thread.run.", "RunObject"),
        ("thread.message.", "MessageObject"),
    ):
        if event.startswith(prefix):
            return name
    assert event == "thread.created", event
    return "ThreadObject"


def _check_stream(spec: dict[str, Any], body: bytes, what: str) -> int:
    events = parse(body)
    assert (events[-1].event, events[-1].data) == ("done", "[DONE]"), what
    for e in events[:-1]:
        assert e.event is not None and isinstance(e.data, dict)
        name = _event_schema(e.event)
        if name is None:
            assert e.data["object"] == e.event and set(e.data) == {"id", "object", "delta"}
        else:
            _validate(spec, _ref(name), e.data, f"event {e.event} of {what}")
    return len(events)


def _check(spec: dict[str, Any], ex: Exchange) -> int:
    """Validate one exchange; returns how many streamed events were checked."""
    what = f"{ex.method} {ex.template} ({ex.status})"
    if ex.status != 200:
        _validate(spec, _ref("ErrorResponse"), ex.response_body, f"error of {what}")
        return 0
    key = (ex.method, ex.template)
    if key in _UNLISTED:
        assert isinstance(ex.response_body, dict)
        _validate(spec, _ref(_UNLISTED[key]), ex.response_body, f"response of {what}")
        return 0
    op = spec["paths"][ex.template.removeprefix("/v1")][ex.method.lower()]
    content = op.get("requestBody", {}).get("content", {})
    if content and ex.request_body is not None:
        (media,) = content.values()
        _validate(spec, media["schema"], ex.request_body, f"request of {what}")
    if isinstance(ex.response_body, bytes):
        return _check_stream(spec, ex.response_body, what)
    body = ex.response_body
    if body.get("object") == "list" and body.get("data") == [] and "first_id" in body:
        assert body["first_id"] is None and body["last_id"] is None
        body = {**body, "first_id": "", "last_id": ""}
    _validate(
        spec, op["responses"]["200"]["content"]["application/json"]["schema"], body, f"response of {what}"
    )
    return 0


def test_every_runtime_exchange_matches_the_spec(spec: dict[str, Any], emulator: Any) -> None:
    seen: list[Exchange] = []
    emulator.set_recorder(seen.append)
    c = _client(emulator)
    for scenario in SCENARIOS:
        scenario(c, emulator)
    mine = [ex for ex in seen if ex.template.startswith("/v1/threads")]
    streamed = sum(_check(spec, copy.deepcopy(ex)) for ex in mine)
    assert streamed > 50
    ops = {
        (m.upper(), "/v1" + p) for p, item in spec["paths"].items() if p.startswith("/threads") for m in item
    }
    covered = {(ex.method, ex.template) for ex in mine if ex.status == 200}
    assert ops - covered == set(), "operations never answered successfully"
    assert set(_UNLISTED) <= covered
    assert {ex.status for ex in mine} >= {200, 400, 404}


def test_the_checker_itself_can_fail(spec: dict[str, Any]) -> None:
    bad = {"id": "run_x", "object": "thread.run"}
    ex = Exchange("GET", "/v1/threads/{thread_id}/runs/{run_id}", "/v1/threads/t/runs/r", {}, None, 200, bad)
    with pytest.raises(AssertionError, match="required"):
        _check(spec, ex)
