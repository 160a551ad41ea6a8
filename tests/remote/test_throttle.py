"""Requests in flight adapt to the endpoint under the --parallelism cap (issue 14)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openai

from asstctl.remote.throttle import START, AdaptiveLimit, gated_http_client


def _finish(limit: AdaptiveLimit, n: int, *, status: int = 200, seconds: float = 0.05) -> None:
    for _ in range(n):
        limit.acquire()
        limit.release(status=status, seconds=seconds)


def test_the_limit_grows_by_one_per_round_at_steady_latency_and_stops_at_the_cap() -> None:
    limit = AdaptiveLimit(cap=12)
    assert limit.limit == START
    _finish(limit, START)
    assert limit.limit == START + 1
    _finish(limit, 500)
    assert limit.limit == 12


def test_a_429_halves_the_limit_once_per_burst() -> None:
    limit = AdaptiveLimit(cap=32, start=16)
    _finish(limit, 3, status=429, seconds=None)  # type: ignore[arg-type]
    assert limit.limit == 8 and limit.throttled == 3


def test_latency_doubling_takes_the_limit_down() -> None:
    limit = AdaptiveLimit(cap=32, start=10)
    _finish(limit, 10, seconds=0.05)
    grown = limit.limit
    _finish(limit, int(grown), seconds=0.5)
    assert limit.limit < grown


def test_the_gate_never_lets_more_than_the_limit_through() -> None:
    limit = AdaptiveLimit(cap=3, start=3)
    inside, peak, lock = 0, 0, threading.Lock()

    def work(_: int) -> None:
        nonlocal inside, peak
        limit.acquire()
        with lock:
            inside += 1
            peak = max(peak, inside)
        time.sleep(0.01)
        with lock:
            inside -= 1
        limit.release(status=200, seconds=0.01)

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(work, range(60)))
    assert peak <= 3 and limit.peak <= 3


class _Crowded(BaseHTTPRequestHandler):
    """Answers 429 (Retry-After: 0) when more than ``room`` requests are in flight at once."""

    room = 4
    inside = 0
    rejected = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.inside += 1
            crowded = cls.inside > cls.room
            cls.rejected += crowded
        try:
            time.sleep(0.01)
            body = json.dumps({"ok": True} if not crowded else {"error": {"message": "slow down"}}).encode()
            self.send_response(429 if crowded else 200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            if crowded:
                self.send_header("retry-after-ms", "20")
            self.end_headers()
            self.wfile.write(body)
        finally:
            with cls.lock:
                cls.inside -= 1

    def log_message(self, *args: Any) -> None:
        pass


def test_a_crowded_endpoint_brings_the_limit_down_and_every_request_succeeds() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Crowded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    limit = AdaptiveLimit(cap=32)
    limit.adapt(cap=32, start=16)
    base = f"http://127.0.0.1:{server.server_address[1]}/v1"
    client = openai.OpenAI(
        api_key="sk-test", base_url=base, max_retries=20, http_client=gated_http_client(limit)
    )
    try:
        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(lambda _: client.get("/x", cast_to=object), range(200)))
    finally:
        client.close()
        server.shutdown()
        server.server_close()
    assert all(a == {"ok": True} for a in answers)
    assert limit.throttled >= 1
    assert limit.limit < 16  # halved from 16 (at least once), and kept near the room since
