"""The HTTP layer: a threading HTTP/1.1 server that turns requests into store calls.

Order of handling for ``/v1``: count the request, add latency, maybe inject a fault (before any
state change), check auth, route (404 "Invalid URL" when unknown or when assistants are off),
check the ``OpenAI-Beta`` header, validate the body, run the operation, and maybe drop the
connection instead of answering a committed write. ``/_emulator/*`` is never delayed or faulted.
"""

from __future__ import annotations

import contextlib
import json
import random
import secrets
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qsl, urlsplit

from asstctl.emulator.apierror import ApiError
from asstctl.emulator.compat import profile_for
from asstctl.emulator.config import EmulatorConfig
from asstctl.emulator.multipart import BodyReader, boundary_of
from asstctl.emulator.routes import Request, check_body, match
from asstctl.emulator.sse import EventStream, send
from asstctl.emulator.store import Store

Json = dict[str, Any]


@dataclass(frozen=True)
class Exchange:
    """One answered ``/v1`` request, as handed to a recorder (used by the contract test)."""

    method: str
    template: str
    path: str
    query: dict[str, str]
    request_body: Json | None
    """The decoded JSON body; for uploads the form fields with ``file`` set to the filename."""
    status: int
    response_body: Json | bytes
    """The JSON body sent, or the raw bytes of a file's content or of a stream of events."""


class Stats:
    """Request counts by ``METHOD /template``, with ``total`` and ``writes`` (every non-GET)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by: dict[str, int] = {}
        self.dropped = 0
        """Requests a compatibility profile dropped unanswered (``emulator.compat``)."""
        self._total = 0
        self._writes = 0

    def count(self, method: str, template: str) -> None:
        with self._lock:
            key = f"{method} {template}"
            self._by[key] = self._by.get(key, 0) + 1
            self._total += 1
            if method != "GET":
                self._writes += 1

    def snapshot(self) -> Json:
        with self._lock:
            return {
                **({"dropped_after_error": self.dropped} if self.dropped else {}),
                "total": self._total,
                "writes": self._writes,
                "by_endpoint": dict(sorted(self._by.items())),
            }

    def reset(self) -> None:
        with self._lock:
            self._by.clear()
            self._total = self._writes = self.dropped = 0


_FAULTS: tuple[tuple[int, str, str], ...] = (
    (429, "Rate limit reached for requests (emulated fault). Please try again later.", "requests"),
    (500, "The server had an error while processing your request. Sorry about that!", "server_error"),
    (503, "The server is overloaded or not ready yet (emulated fault).", "server_error"),
)


class EmulatorServer(ThreadingHTTPServer):
    """The listening server; holds the store, the knobs, the stats and open connections."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], store: Store, config: EmulatorConfig) -> None:
        self.store = store
        self.config = config
        self.stats = Stats()
        self.recorder: Callable[[Exchange], None] | None = None
        self.profile = profile_for(config.profile, store)
        self._rng = random.Random(config.seed)
        self._rng_lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, Handler)

    def roll(self, rate: float) -> float | None:
        """A seeded draw: a number in [0, 1) below ``rate``, or None (no draw when rate is 0)."""
        if rate <= 0:
            return None
        with self._rng_lock:
            x = self._rng.random()
        return x / rate if x < rate else None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is normal (timeouts, Ctrl-C): say nothing of it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._conns_lock:
                self._conns.discard(request)

    def close_connections(self) -> None:
        """Drop every open (keep-alive) connection, so a stopped emulator answers nothing more."""
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


def _invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


class Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests (keep-alive)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; no 40 ms stalls
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the emulator's users read their own tool's output."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    # ---------------------------------------------------------------- plumbing

    def _reader(self) -> BodyReader:
        length = self.headers.get("Content-Length")
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        return BodyReader(
            cast(BinaryIO, self.rfile), int(length) if length and length.isdigit() else None, chunked
        )

    def _send(
        self, status: int, body: Json | bytes | bytearray, headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(body, bytes | bytearray):
            payload, ctype = body, "application/octet-stream"
        else:
            payload, ctype = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for k, val in (headers or {}).items():
            self.send_header(k, val)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _control(self, method: str, path: str, reader: BodyReader) -> None:
        reader.drain()
        stats = self.server.stats
        if method == "GET" and path == "/_emulator/stats":
            self._send(200, stats.snapshot())
        elif method == "POST" and path == "/_emulator/reset-stats":
            stats.reset()
            self._send(200, stats.snapshot())
        else:
            self._send(404, _invalid_url(method, path).body())

    # ---------------------------------------------------------------- one request

    def _handle(self) -> None:
        srv, cfg = self.server, self.server.config
        url = urlsplit(self.path)
        path, method = url.path, self.command
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        reader = self._reader()
        if path.startswith("/_emulator/"):
            self._control(method, path, reader)
            return
        if getattr(self, "_broken", False):  # a profile's server breaks the connection after an error
            srv.stats.dropped += 1
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        profile = srv.profile
        route, params = match(method, path)
        srv.stats.count(method, route.template if route else path)
        streaming = route is not None and route.multipart
        raw = b"" if streaming else reader.read_all()
        req = Request(params=params, query=query, body={}, fault=lambda: srv.roll(cfg.fault_rate) is not None)
        headers: dict[str, str] = {
            "x-request-id": "req_" + secrets.token_hex(16),
            "openai-poll-after-ms": str(min(cfg.processing_delay_ms, 100)),
        }
        if cfg.latency_ms:
            time.sleep(cfg.latency_ms / 1000)
        result: Json | bytes | bytearray | EventStream
        try:
            fault = srv.roll(cfg.fault_rate)
            if fault is not None:
                status, message, kind = _FAULTS[min(int(fault * len(_FAULTS)), len(_FAULTS) - 1)]
                headers["retry-after-ms"] = "20"  # the SDK honours it: retries stay fast
                if status == 429:
                    headers["Retry-After"] = "1"
                raise ApiError(
                    status, message, type=kind, code="rate_limit_exceeded" if status == 429 else None
                )
            self._check_auth()
            no_assistants = cfg.no_assistants and path.startswith(("/v1/assistants", "/v1/threads"))
            if route is None or no_assistants or (profile is not None and not profile.serves(path)):
                raise _invalid_url(method, path)
            if route.beta and self.headers.get("OpenAI-Beta", "").strip() != route.beta_header:
                api = route.beta_header.partition("=")[0].capitalize()  # "Assistants", "Agents"
                raise ApiError(
                    400,
                    f"You must provide the 'OpenAI-Beta' header to access the {api} API. "
                    f"Please try again by setting the header 'OpenAI-Beta: {route.beta_header}'.",
                )
            if streaming:
                req.reader = reader
                req.boundary = boundary_of(self.headers.get("Content-Type", ""))
            else:
                req.body = _decode(raw)
                check_body(route, req.body)
            if profile is None:
                result, status = route.op(srv.store, req), 200
            else:
                result, status = profile.call(route, srv.store, req, lambda: route.op(srv.store, req)), 200
        except ApiError as err:
            err = err if profile is None or err.status in (429, 500, 503) else profile.error(err)
            result, status = err.body(), err.status
        except Exception as exc:  # a bug in the emulator: answer, and say so, rather than hang up
            traceback.print_exc(file=sys.stderr)
            result = ApiError(500, f"emulator bug: {type(exc).__name__}: {exc}", type="server_error").body()
            status = 500
            headers["x-should-retry"] = "false"
        if streaming and not reader.done:
            self.close_connection = True
        if isinstance(result, EventStream):  # once a stream has started, it is the answer
            send(self, result, headers)
            self._record(method, route.template if route else path, path, query, req, status, result.written)
            return
        self._record(method, route.template if route else path, path, query, req, status, result)
        if method != "GET" and status == 200 and srv.roll(cfg.lost_response_rate) is not None:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(status, result, headers)
        if profile is not None and status >= 400:
            self._broken = True

    def _check_auth(self) -> None:
        auth = self.headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization "
                "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )

    def _record(
        self,
        method: str,
        template: str,
        path: str,
        query: dict[str, str],
        req: Request,
        status: int,
        result: Json | bytes | bytearray,
    ) -> None:
        recorder = self.server.recorder
        if recorder is None:
            return
        body: Json | None = req.body
        if req.upload is not None:
            body = _form_as_json(req.upload.fields, req.upload.filename)
        elif method == "GET":
            body = None
        response: Json | bytes = bytes(result) if isinstance(result, bytes | bytearray) else result
        recorder(Exchange(method, template, path, query, body, status, response))


def _form_as_json(fields: dict[str, str], filename: str | None) -> Json:
    out: Json = {}
    for name, value in fields.items():
        if name.startswith("expires_after["):
            key = name[len("expires_after[") : -1]
            out.setdefault("expires_after", {})[key] = int(value) if value.isdigit() else value
        else:
            out[name] = value
    if filename is not None:
        out["file"] = filename
    return out


def _decode(raw: bytes) -> Json:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
            "not valid JSON.)",
        ) from None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid type for the request body: expected an object.", code="invalid_type")
    return body
