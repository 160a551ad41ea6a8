"""Every knob: faults (seeded), lost responses, latency, no-assistants, state persistence, stats."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from openai import APIConnectionError, APIStatusError, NotFoundError, OpenAI
from rawhttp import call


def _client(emu: Any, retries: int = 0) -> OpenAI:
    return OpenAI(
        base_url=emu.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=retries
    )


def _fault_statuses(emu: Any, n: int) -> list[int]:
    return [call(emu.root_url, "GET", "/v1/models")[0] for _ in range(n)]


def test_faults_are_seeded_and_happen_before_any_state_change(emulator_factory: Any) -> None:
    first = _fault_statuses(emulator_factory(fault_rate=0.5, seed=7), 40)
    again = _fault_statuses(emulator_factory(fault_rate=0.5, seed=7), 40)
    other = _fault_statuses(emulator_factory(fault_rate=0.5, seed=8), 40)
    assert first == again != other
    assert set(first) == {200, 429, 500, 503}

    emu = emulator_factory(fault_rate=1.0)
    for _ in range(10):
        with pytest.raises(APIStatusError) as exc:
            _client(emu).vector_stores.create(name="x")
        assert exc.value.status_code in (429, 500, 503)
        assert exc.value.type in ("requests", "server_error") and exc.value.message
    assert emu.store.count("vector_stores") == 0
    assert emu.stats()["by_endpoint"] == {"POST /v1/vector_stores": 10}


def test_rate_limit_answers_say_when_to_retry(emulator_factory: Any) -> None:
    emu = emulator_factory(fault_rate=1.0, seed=1)
    seen: dict[int, dict[str, str]] = {}
    for _ in range(30):
        status, headers, body = call(emu.root_url, "GET", "/v1/files")
        seen[status] = {k.lower(): v for k, v in headers.items()}
        assert set(body["error"]) == {"message", "type", "param", "code"}
    assert seen[429]["retry-after"] == "1" and seen[429]["retry-after-ms"] == "20"
    assert seen[500]["retry-after-ms"] == seen[503]["retry-after-ms"] == "20"


def test_the_sdk_retries_through_faults_without_duplicates(emulator_factory: Any) -> None:
    emu = emulator_factory(fault_rate=0.3, seed=3)
    c = _client(emu, retries=8)
    for i in range(15):
        c.vector_stores.create(name=f"s{i}")
    assert emu.store.count("vector_stores") == 15
    stats = emu.stats()
    assert stats["by_endpoint"]["POST /v1/vector_stores"] > 15


def test_lost_responses_commit_the_write_but_send_nothing(emulator_factory: Any) -> None:
    emu = emulator_factory(lost_response_rate=1.0)
    c = _client(emu)
    with pytest.raises(APIConnectionError):
        c.vector_stores.create(name="lost")
    assert [s["name"] for s in emu.store.objects("vector_stores")] == ["lost"]
    assert [s.name for s in c.vector_stores.list()] == ["lost"]  # reads are never lost
    with pytest.raises(APIConnectionError):
        c.files.create(file=("a.md", b"x"), purpose="assistants")
    assert emu.store.count("files") == 1


def test_lost_responses_with_retries_cause_duplicates_as_in_real_life(emulator_factory: Any) -> None:
    emu = emulator_factory(lost_response_rate=0.5, seed=2)
    c = _client(emu, retries=10)
    for i in range(3):
        c.vector_stores.create(name=f"s{i}")
    assert emu.store.count("vector_stores") > 3


def test_latency_is_added_to_every_api_request_only(emulator_factory: Any) -> None:
    emu = emulator_factory(latency_ms=200)
    start = time.monotonic()
    assert call(emu.root_url, "GET", "/v1/models")[0] == 200
    assert time.monotonic() - start >= 0.2
    start = time.monotonic()
    emu.stats()
    assert time.monotonic() - start < 0.2


def test_no_assistants_answers_404_like_openai_now_does(emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    c = _client(emu)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(NotFoundError) as exc:
            c.beta.assistants.list()
        assert exc.value.body == {
            "message": "Invalid URL (GET /v1/assistants)",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
        with pytest.raises(NotFoundError):
            c.beta.assistants.create(model="gpt-4o")
    assert c.vector_stores.create(name="still here").name == "still here"


def test_state_persists_across_restarts(emulator_factory: Any, tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    emu = emulator_factory(state_path=state)
    c = _client(emu)
    f = c.files.create(file=("a.md", b"# kept\n"), purpose="assistants")
    vs = c.vector_stores.create(name="kb", file_ids=[f.id])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        a = c.beta.assistants.create(
            model="gpt-4o", tool_resources={"file_search": {"vector_store_ids": [vs.id]}}
        )
    before = {k: emu.store.objects(k) for k in ("assistants", "files", "vector_stores", "vector_store_files")}
    emu.stop()
    assert state.exists()

    again = emulator_factory(state_path=state)
    c = _client(again)
    assert {k: again.store.objects(k) for k in before} == before
    assert c.files.content(f.id).read() == b"# kept\n"
    assert c.vector_stores.retrieve(vs.id).file_counts.completed == 1
    c.files.delete(f.id)
    again.stop()
    third = emulator_factory(state_path=state)
    assert third.store.count("files") == 0 and [x["id"] for x in third.store.objects("assistants")] == [a.id]


def test_state_is_saved_soon_after_each_write(emulator_factory: Any, tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    emu = emulator_factory(state_path=state)
    _client(emu).vector_stores.create(name="quick")
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and not (state.exists() and "quick" in state.read_text()):
        time.sleep(0.02)
    assert "quick" in state.read_text()


def test_stats_count_by_template_and_reset(emulator: Any) -> None:
    c = _client(emulator)
    vs = c.vector_stores.create()
    c.vector_stores.files.list(vector_store_id=vs.id)
    c.vector_stores.files.list(vector_store_id=vs.id)
    with pytest.raises(NotFoundError):
        c.vector_stores.files.list(vector_store_id="vs_nope")
    call(emulator.root_url, "GET", "/v1/unknown")
    stats = emulator.stats()
    assert stats["by_endpoint"] == {
        "POST /v1/vector_stores": 1,
        "GET /v1/vector_stores/{vector_store_id}/files": 3,
        "GET /v1/unknown": 1,
    }
    assert (stats["total"], stats["writes"]) == (5, 1)
    emulator.reset_stats()
    assert emulator.stats() == {"total": 0, "writes": 0, "by_endpoint": {}}
