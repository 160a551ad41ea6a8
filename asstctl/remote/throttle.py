"""How many requests asstctl keeps in flight: adaptive, under a cap.

The apply graph may run up to ``--parallelism`` steps at once, but the endpoint decides how
much it can take. :class:`AdaptiveLimit` is additive-increase / multiplicative-decrease, as
TCP's congestion control: every answer at the usual latency lets one more request in per
round; a 429 halves the limit (the SDK then waits the ``Retry-After`` it was given), and a
round whose latency grew to twice the best seen takes it down by a fifth. The limit starts
at :data:`START` and never exceeds the cap.

:class:`GatedTransport` applies it to every HTTP request the SDK client sends (reads, writes,
polls and the SDK's own retries alike), below the SDK, so auth, retries and errors are all
the SDK's. Requests routed to an environment proxy use the proxy's own transport and are not
gated (they still work; they are only not throttled).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx2

START = 8
"""Requests in flight before anything is known about the endpoint (the old fixed default)."""
LARGE_BODY = 1 << 20
"""Requests with a body above this size (uploads) say nothing about the endpoint's latency."""


class AdaptiveLimit:
    """A counting gate whose size follows the endpoint's answers (thread-safe)."""

    def __init__(self, cap: int, start: int = START) -> None:
        self.cap = max(1, cap)
        self.limit = float(min(self.cap, max(1, start)))
        self.in_flight = 0
        self.peak = 0
        """The most requests seen in flight at once (for tests and benchmarks)."""
        self.throttled = 0
        """How many 429 answers were seen."""
        self._cond = threading.Condition()
        self._best: float | None = None
        self._round: list[float] = []
        self._cooldown_until = 0.0

    def adapt(self, cap: int, start: int = START) -> None:
        """From now on: adaptive, starting at ``start``, never above ``cap`` (apply's --parallelism)."""
        with self._cond:
            self.cap = max(1, cap)
            self.limit = float(min(self.cap, max(1, start)))
            self._round.clear()
            self._cond.notify_all()

    def acquire(self) -> None:
        with self._cond:
            while self.in_flight >= int(self.limit):
                self._cond.wait()
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def release(self, *, status: int | None, seconds: float | None) -> None:
        """One request ended: with ``status`` (None: no answer) after ``seconds`` (None: not a
        latency sample)."""
        with self._cond:
            self.in_flight -= 1
            now = time.monotonic()
            if status == 429:
                self.throttled += 1
                if now >= self._cooldown_until:  # one halving per burst of 429s
                    self.limit = max(1.0, self.limit / 2)
                    self._cooldown_until = now + self._round_trip()
                self._round.clear()
            elif status is not None and status < 500 and seconds is not None:
                self._sample(seconds, now)
            self._cond.notify_all()

    def _round_trip(self) -> float:
        """How long one decrease holds: a couple of round trips (TCP halves once per RTT)."""
        return max(0.02, 2 * (self._best if self._best is not None else 0.05))

    def _sample(self, seconds: float, now: float) -> None:
        self._best = seconds if self._best is None else min(self._best, seconds)
        self._round.append(seconds)
        if len(self._round) < int(self.limit):
            return
        typical = sorted(self._round)[len(self._round) // 2]
        self._round.clear()
        if typical > 2 * self._best and now >= self._cooldown_until:
            self.limit = max(1.0, self.limit * 0.8)
            self._cooldown_until = now + self._round_trip()
        else:
            self.limit = min(float(self.cap), self.limit + 1)


class GatedTransport(httpx2.BaseTransport):
    """An httpx transport that holds a slot of an :class:`AdaptiveLimit` for each request."""

    def __init__(self, inner: httpx2.BaseTransport, limit: AdaptiveLimit) -> None:
        self.inner = inner
        self.limit = limit

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.limit.acquire()
        started = time.monotonic()
        status: int | None = None
        try:
            response = self.inner.handle_request(request)
            status = response.status_code
            return response
        finally:
            size = int(request.headers.get("content-length") or 0)
            sample = time.monotonic() - started if size <= LARGE_BODY else None
            self.limit.release(status=status, seconds=sample)

    def close(self) -> None:
        self.inner.close()


def gated_http_client(limit: AdaptiveLimit, **options: Any) -> httpx2.Client:
    """The SDK's default HTTP client (its connection limits and settings), gated by ``limit``."""
    from openai._base_client import DefaultHttpxClient
    from openai._constants import DEFAULT_CONNECTION_LIMITS

    from asstctl.remote.fresh import FreshAfterError

    inner = FreshAfterError(httpx2.HTTPTransport(limits=DEFAULT_CONNECTION_LIMITS))
    transport = GatedTransport(inner, limit)
    client: httpx2.Client = DefaultHttpxClient(transport=transport, **options)
    return client
