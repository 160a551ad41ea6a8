"""The endpoint: an ``openai.OpenAI`` client configured from the SDK's own settings, or the
in-process sandbox emulator."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openai

from asstctl.core.model import Project
from asstctl.errors import EndpointError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
SANDBOX_KEY = "sk-sandbox"
SANDBOX_DIR = Path(".asstctl") / "sandbox"
TIMEOUT_SECONDS = 60.0
MAX_RETRIES = 5
"""SDK retries (429, 5xx, connection errors) with backoff, honouring Retry-After."""


@dataclass(frozen=True)
class Endpoint:
    """Where the stack lives: the client to call and how to name it in messages."""

    client: openai.OpenAI
    base_url: str
    sandbox: bool


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
def open_endpoint(project: Project, *, sandbox: bool) -> Iterator[Endpoint]:
    """The endpoint for ``project``: the configured API, or (``sandbox``) an emulator run in
    this process with its state under ``<project>/.asstctl/sandbox/``, stopped on exit."""
    if sandbox:
        with _sandbox(project.root) as base_url, _client(base_url, SANDBOX_KEY) as client:
            yield Endpoint(client=client, base_url=base_url, sandbox=True)
        return
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        raise EndpointError("OPENAI_API_KEY is not set: export it, or try --sandbox")
    base_url = resolve_base_url(project)
    with _client(base_url, key) as client:
        yield Endpoint(client=client, base_url=base_url, sandbox=False)


@contextlib.contextmanager
def _client(base_url: str, key: str) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key=key, base_url=base_url, timeout=TIMEOUT_SECONDS, max_retries=MAX_RETRIES)
    try:
        yield client
    finally:
        client.close()


@contextlib.contextmanager
def _sandbox(root: Path) -> Iterator[str]:
    from asstctl.emulator import EmulatorConfig, start_in_thread

    state_dir = root / SANDBOX_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = root / ".asstctl" / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    print(f"Using the local sandbox (state in {SANDBOX_DIR.as_posix()})", file=sys.stderr)
    emulator = start_in_thread(EmulatorConfig(state_path=state_dir / "state.json"))
    try:
        yield emulator.base_url
    finally:
        emulator.stop()
