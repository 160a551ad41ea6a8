"""100 concurrent requests from threads are served without loss or corruption."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from openai import OpenAI


def test_100_concurrent_writes_and_reads(emulator: Any) -> None:
    c = OpenAI(base_url=emulator.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0)
    vs = c.vector_stores.create(name="shared")

    def work(i: int) -> tuple[str, str]:
        f = c.files.create(file=(f"doc{i}.md", f"content {i}".encode()), purpose="assistants")
        c.vector_stores.files.create(vector_store_id=vs.id, file_id=f.id, attributes={"i": i})
        c.vector_stores.retrieve(vs.id)
        return f.id, c.files.content(f.id).read().decode()

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(work, range(100)))

    assert len({fid for fid, _ in results}) == 100
    assert [text for _, text in results] == [f"content {i}" for i in range(100)]
    store = c.vector_stores.retrieve(vs.id)
    assert store.file_counts.completed == store.file_counts.total == 100
    assert store.usage_bytes == sum(len(f"content {i}") for i in range(100))
    attrs = sorted(
        int(f.attributes["i"]) for f in c.vector_stores.files.list(vector_store_id=vs.id) if f.attributes
    )
    assert attrs == list(range(100))
    stats = emulator.stats()
    assert stats["by_endpoint"]["POST /v1/files"] == 100
    assert stats["writes"] == 201 and stats["total"] >= 402


def test_a_client_hanging_up_mid_answer_is_not_reported(emulator: Any, capfd: Any) -> None:
    import socket

    host, port = emulator.root_url.removeprefix("http://").split(":")
    for _ in range(20):  # ask for a large page, then hang up without reading it
        with socket.create_connection((host, int(port))) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
    emulator.stats()  # the server is still answering
    assert "Exception occurred" not in capfd.readouterr().err
