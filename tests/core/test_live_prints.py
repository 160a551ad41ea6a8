"""Fingerprints of what was read are computed only when a saved plan needs them (issue 14)."""

from __future__ import annotations

from asstctl.core.live import LazyPrints, LiveState
from asstctl.remote.reader import interpret


def test_sources_run_once_and_only_when_read() -> None:
    calls: list[str] = []

    def source() -> dict[str, str]:
        calls.append("x")
        return {"asst_1": "aa"}

    prints = LazyPrints(source, {"file-1": "bb"})
    live = LiveState("st", fingerprints=prints)
    assert calls == []
    assert dict(live.fingerprints) == {"asst_1": "aa", "file-1": "bb"}
    assert len(live.fingerprints) == 2 and live.fingerprints["asst_1"] == "aa"
    assert calls == ["x"]


def test_a_read_state_hashes_nothing_until_asked() -> None:
    raw = {
        "id": "vs_1",
        "name": "kb",
        "metadata": {"asstctl_stack": "st", "asstctl_address": "vector_store.kb"},
    }
    live = interpret("st", assistants=[], vector_stores=[raw], attachments={"vs_1": []}, files=[])
    assert isinstance(live.fingerprints, LazyPrints)
    assert live.fingerprints._data is None  # nothing hashed by reading
    assert set(live.fingerprints) == {"vs_1"}
