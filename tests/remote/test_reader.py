"""The live-state reader: list calls only for what the stack owns, a pure interpretation of
raw objects, and connection errors as one line."""

from __future__ import annotations

import socket
from typing import Any

import openai
import pytest

from asstctl.core.ownership import ownership_metadata, upload_filename
from asstctl.errors import EndpointError, OwnershipError
from asstctl.remote.reader import interpret, read_live

KEY = "sk-test-reader-0123456789"


def test_files_listed_only_for_owned_stores(emulator: Any) -> None:
    client = openai.OpenAI(api_key=KEY, base_url=emulator.base_url, max_retries=0)
    for n in range(3):
        client.vector_stores.create(name=f"foreign{n}")
    client.vector_stores.create(name="mine", metadata=ownership_metadata("st", "vector_store.mine"))
    emulator.reset_stats()
    live = read_live(client, "st")
    client.close()
    assert list(live.vector_stores) == ["mine"]
    assert emulator.stats()["by_endpoint"]["GET /v1/vector_stores/{vector_store_id}/files"] == 1


# --- interpretation --------------------------------------------------------------------


def _asst(i: str, address: str, stack: str = "st") -> dict[str, Any]:
    return {"id": i, "object": "assistant", "model": "m", "metadata": ownership_metadata(stack, address)}


def test_interpret_keeps_only_this_stack() -> None:
    sha_hex = "a" * 64
    live = interpret(
        "st",
        assistants=[
            _asst("asst_1", "assistant.x"),
            _asst("asst_2", "assistant.x", "other"),
            {"id": "asst_3"},
        ],
        vector_stores=[
            {"id": "vs_1", "metadata": ownership_metadata("st", "vector_store.kb"), "status": "completed"}
        ],
        attachments={
            "vs_1": [
                {
                    "id": "file-1",
                    "status": "completed",
                    "attributes": {
                        "asstctl_stack": "st",
                        "asstctl_path": "d/a.md",
                        "asstctl_sha256": sha_hex,
                        "k": 1,
                    },
                },
                {"id": "file-9", "status": "completed", "attributes": {"k": 2}},
            ]
        },
        files=[
            {"id": "file-1", "filename": upload_filename("st", sha_hex, "a.md"), "bytes": 3, "created_at": 1},
            {
                "id": "file-2",
                "filename": upload_filename("other", sha_hex, "a.md"),
                "bytes": 3,
                "created_at": 1,
            },
            {"id": "file-3", "filename": "a.md", "bytes": 3, "created_at": 1},
        ],
    )
    assert {n: a.id for n, a in live.assistants.items()} == {"x": "asst_1"}
    (att, foreign) = live.vector_stores["kb"].attachments
    assert (att.path, att.sha256, dict(att.attributes)) == ("d/a.md", sha_hex, {"k": 1})
    assert (foreign.path, foreign.sha256) == (None, None)
    assert list(live.files) == ["file-1"]
    assert set(live.fingerprints) == {"asst_1", "vs_1", "vs_1/file-1", "vs_1/file-9", "file-1"}


def test_fingerprints_ignore_ingestion_progress() -> None:
    def read(status: str, usage: int) -> dict[str, str]:
        store = {"id": "vs_1", "metadata": ownership_metadata("st", "vector_store.kb"), "status": status}
        att = {"id": "file-1", "status": status, "usage_bytes": usage}
        live = interpret(
            "st",
            assistants=[],
            vector_stores=[{**store, "usage_bytes": usage}],
            attachments={"vs_1": [att]},
            files=[],
        )
        return dict(live.fingerprints)

    assert read("in_progress", 0) == read("completed", 10)
    assert read("completed", 10) != read("expired", 10)


def test_two_claims_on_one_address_are_ambiguous() -> None:
    with pytest.raises(OwnershipError) as err:
        interpret(
            "st",
            assistants=[_asst("asst_1", "assistant.x"), _asst("asst_2", "assistant.x")],
            vector_stores=[],
            attachments={},
            files=[],
        )
    assert str(err.value).startswith("ambiguous ownership: assistant.x is claimed by asst_1 and asst_2\n")


def test_connection_error_is_one_line() -> None:
    url = _dead_url()
    client = openai.OpenAI(api_key=KEY, base_url=url, max_retries=0)
    with pytest.raises(EndpointError) as err:
        read_live(client, "s")
    client.close()
    text = str(err.value)
    assert text.startswith(f"cannot reach {url} while listing ")
    assert "OPENAI_BASE_URL" in text and "\n" not in text


def _dead_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (a free port, bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
