"""A hostile or broken API server on 127.0.0.1: every request is answered by a function of
(method, path, query), so a test can serve endless pages, HTML, or objects with odd ids."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, str, bytes]
"""(status, content type, body)."""


def json_answer(value: Any, status: int = 200) -> Answer:
    return status, "application/json", json.dumps(value).encode()


def empty_list(method: str, path: str, query: dict[str, str]) -> Answer:
    return json_answer({"object": "list", "data": [], "has_more": False})


@contextlib.contextmanager
def hostile_server(answer: Callable[[str, str, dict[str, str]], Answer]) -> Iterator[str]:
    """Serve ``answer`` in a thread; yields the base URL (``http://127.0.0.1:PORT/v1``)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            query = dict(urllib.parse.parse_qsl(parts.query))
            status, ctype, body = answer(self.command, parts.path.removeprefix("/v1"), query)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up: nothing to report
                self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _handle

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client hanging up mid-answer is what some tests provoke

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
