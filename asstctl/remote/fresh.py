"""No keep-alive connection is reused after an error answer.

Some servers (OGX, seen with 1.5.0) break a keep-alive connection after answering an error:
the next request sent on it hangs or is reset. The SDK would retry an idempotent request after
that, but only after a timeout or a failed attempt (and a create then has to be looked up before
it is resent). So after any error answer except 429 — whose rate limiter sits in front of a
healthy connection — the body is read and the connection is shut down: the connection pool sees
it closed and opens a fresh one for the next request. Not for changing what is retried.
"""

from __future__ import annotations

import contextlib
import socket

import httpx2

KEEP_AFTER = frozenset({429})
"""Error statuses after which the connection is kept."""


class FreshAfterError(httpx2.BaseTransport):
    """An httpx transport that retires the connection an error answer (>= 400) came on."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        if response.status_code < 400 or response.status_code in KEEP_AFTER:
            return response
        response.read()  # the whole error body, before the connection goes
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # the pool finds it readable (EOF) and drops it
        return response

    def close(self) -> None:
        self.inner.close()
