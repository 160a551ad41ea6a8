"""A stub gateway: a real HTTP proxy on 127.0.0.1 in front of an emulator that can answer a
request with an error *after* forwarding it (the upstream committed, the client is told it
failed — a gateway timeout), answer *instead of* forwarding it (a 429 that never arrived), or
forward it and hang up without an answer."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PASS = "pass"
Action = tuple[str, int]
"""``("after", status)``: forward, then answer ``status``; ``("before", status)``: answer
``status`` without forwarding; ``("drop", 0)``: forward, then close without answering;
``(PASS, 0)``: forward and relay the answer."""

CREATES = frozenset({"/v1/files", "/v1/vector_stores", "/v1/assistants"})


@dataclass
class Seen:
    method: str
    path: str
    action: str
    status: int


@dataclass
class StubGateway:
    upstream: str
    """The emulator's root URL, e.g. http://127.0.0.1:1234."""
    rule: Callable[[str, str, int], Action]
    """(method, path without query, how many times this method+path was seen before) -> action."""
    on_request: Callable[[str, str], None] | None = None
    """Called with (method, path) once the headers arrived, before the body is read."""
    log: list[Seen] = field(default_factory=list)
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> StubGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                if gateway.on_request is not None:
                    gateway.on_request(self.command, path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:  # the client gave up mid-body: nothing reaches the API
                    gateway._record(self.command, path, "aborted", 0)
                    self.close_connection = True
                    return
                with gateway._lock:
                    n = gateway._counts.get((self.command, path), 0)
                    gateway._counts[(self.command, path)] = n + 1
                    action, status = gateway.rule(self.command, path, n)
                if action == "before":
                    gateway._record(self.command, path, action, status)
                    self._answer(status, b'{"error": {"message": "stub gateway", "type": "server_error"}}')
                    return
                up = urllib.parse.urlsplit(gateway.upstream)
                conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                gateway._record(self.command, path, action, resp.status)
                if action == "drop":
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                if action == "after":
                    self._answer(status, b'{"error": {"message": "gateway timeout", "type": "server_error"}}')
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in (
                        "transfer-encoding",
                        "connection",
                        "content-length",
                        "date",
                        "server",
                    ):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("retry-after-ms", "20")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def _record(self, method: str, path: str, action: str, status: int) -> None:
        with self._lock:
            self.log.append(Seen(method, path, action, status))

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> StubGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def timeout_every_create(method: str, path: str, n: int) -> Action:
    """Every create reaches the API, and every one is answered 504."""
    return ("after", 504) if method == "POST" and path in CREATES else (PASS, 0)
