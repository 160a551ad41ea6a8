"""The endpoint: an ``openai.OpenAI`` client configured from the SDK's own settings, or the
in-process sandbox emulator."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from asstctl.core.model import Project
from asstctl.errors import AsstctlError, EndpointError
from asstctl.remote.throttle import AdaptiveLimit, gated_http_client

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SANDBOX_KEY = "sk-sandbox"
SANDBOX_DIR = Path(".asstctl") / "sandbox"
TIMEOUT_SECONDS = 60.0
MAX_RETRIES = 5
"""SDK retries (429, 5xx, connection errors) with backoff, honouring Retry-After."""
UNTHROTTLED = 256
"""Requests in flight before apply sets its own adaptive limit (reads are bounded by their pool)."""
SANDBOX_WAIT_S = 300.0
"""How long a sandbox command waits for another one using the same sandbox, by default."""
READ_RECONNECT_S = (0.1, 1.0)
"""First pause and longest pause between the retries of a read that got no answer at all: a dead
endpoint is reported in about 2.5 s instead of ~15 s (writes keep the SDK's backoff)."""


class _Client(openai.OpenAI):
    """The SDK's client, retrying a read (GET) that got no response at all — connection refused,
    reset, DNS — after short pauses; everything else (writes, 429, 5xx, Retry-After) keeps the
    SDK's policy. Not for changing what is retried: only how long a read waits between tries."""

    def _calculate_retry_timeout(
        self, remaining_retries: int, options: Any, response_headers: Any = None
    ) -> float:
        timeout = float(super()._calculate_retry_timeout(remaining_retries, options, response_headers))
        if response_headers is not None or str(getattr(options, "method", "")).lower() != "get":
            return timeout
        first, longest = READ_RECONNECT_S
        tries = max(options.get_max_retries(self.max_retries) - remaining_retries, 0)
        return float(min(timeout, first * 2**tries, longest))


@dataclass(frozen=True)
class Endpoint:
    """Where the stack lives: the client to call and how to name it in messages."""

    client: openai.OpenAI
    base_url: str
    sandbox: bool = False
    throttle: AdaptiveLimit | None = None
    """The gate every request of ``client`` passes (apply makes it adaptive; see ``remote.throttle``)."""


def resolve_base_url(project: Project) -> str:
    """``endpoint.base_url`` from asstctl.yaml, else ``OPENAI_BASE_URL``, else OpenAI's."""
    url = project.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest.strip("/"):
        # (asstctl.yaml's endpoint.base_url is checked with the manifests; this is the env var)
        raise EndpointError(
            f"OPENAI_BASE_URL is {url!r}, which is not an http(s) URL: use the API's address, "
            f"e.g. {DEFAULT_BASE_URL}"
        )
    return url.rstrip("/")


@contextlib.contextmanager
def open_endpoint(
    project: Project, *, sandbox: bool, lock_timeout: float | None = None
) -> Iterator[Endpoint]:
    """The endpoint for ``project``: the configured API, or (``sandbox``) an emulator run in
    this process with its state under ``<project>/.asstctl/sandbox/``, stopped on exit.

    One sandbox serves one command at a time: another one waits up to ``lock_timeout``
    seconds (default :data:`SANDBOX_WAIT_S`) for it, then fails naming who holds it."""
    if sandbox:
        wait = SANDBOX_WAIT_S if lock_timeout is None else lock_timeout
        with _sandbox(project.root, wait) as base_url, _client(base_url, SANDBOX_KEY) as (client, throttle):
            yield Endpoint(client=client, base_url=base_url, sandbox=True, throttle=throttle)
        return
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        raise EndpointError("OPENAI_API_KEY is not set: export it, or try --sandbox")
    if any(c.isspace() for c in key):  # never shown: a redacted key cannot show where the space is
        where = "inside it" if key.strip() == key else "at its start or end (often a newline from a file)"
        raise EndpointError(f"OPENAI_API_KEY holds whitespace {where}; set it to the key alone")
    base_url = resolve_base_url(project)
    with _client(base_url, key) as (client, throttle):
        yield Endpoint(client=client, base_url=base_url, sandbox=False, throttle=throttle)


@contextlib.contextmanager
def _client(base_url: str, key: str) -> Iterator[tuple[openai.OpenAI, AdaptiveLimit]]:
    throttle = AdaptiveLimit(cap=UNTHROTTLED, start=UNTHROTTLED)
    client = _Client(
        api_key=key,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        max_retries=MAX_RETRIES,
        http_client=gated_http_client(throttle),
    )
    try:
        yield client, throttle
    finally:
        client.close()


@contextlib.contextmanager
def _sandbox(root: Path, wait: float) -> Iterator[str]:
    from asstctl.emulator import EmulatorConfig, StateFileError, start_in_thread

    state_dir = root / SANDBOX_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = root / ".asstctl" / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    with sandbox_lock(state_dir, wait):
        print(f"Using the local sandbox (state in {SANDBOX_DIR.as_posix()})", file=sys.stderr)
        try:
            emulator = start_in_thread(EmulatorConfig(state_path=state_dir / "state.json"))
        except StateFileError as exc:
            where = (SANDBOX_DIR / "state.json").as_posix()
            raise EndpointError(
                f"the sandbox's state ({where}) cannot be used ({exc}); it is damaged or was not "
                f"written by this asstctl. Delete {SANDBOX_DIR.as_posix()} to start an empty sandbox "
                "(what it held is lost)"
            ) from None
        try:
            yield emulator.base_url
        finally:
            emulator.stop()


class SandboxBusyError(AsstctlError):
    """Another command is using the sandbox."""


@contextlib.contextmanager
def sandbox_lock(state_dir: Path, wait: float) -> Iterator[None]:
    """Hold the OS lock (``flock``) on ``<state_dir>/lock`` for the block: the sandbox's state is
    one process's at a time. The OS frees it when its holder exits, however it exits; a waiter
    sees the holder's identity, which the holder writes into the file."""
    import fcntl

    from asstctl.remote.lock import holder_identity

    fd = os.open(state_dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, waiting = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another asstctl"
                where = SANDBOX_DIR.as_posix()
                if time.monotonic() >= deadline:
                    raise SandboxBusyError(
                        f"the sandbox ({where}) is in use by {holder}; wait for it to finish, or let this "
                        "command wait with --lock-timeout 5m"
                    ) from None
                if not waiting:
                    print(f"Waiting for the sandbox ({where}), in use by {holder} …", file=sys.stderr)
                    waiting = True
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        os.pwrite(fd, f"{holder_identity()} (since {since})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
