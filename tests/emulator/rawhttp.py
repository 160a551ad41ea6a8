"""Plain HTTP calls to the emulator, for what the SDK cannot send (bad headers, invalid bodies)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

BETA = {"OpenAI-Beta": "assistants=v2"}
AUTH = {"Authorization": "Bearer sk-test"}


def call(
    root_url: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, dict[str, str], Any]:
    """``method path`` with a JSON ``body`` (or ``raw`` bytes); returns status, headers, decoded JSON."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    hdrs = {**AUTH, **BETA, **(headers or {})}
    hdrs = {k: v for k, v in hdrs.items() if v}
    if data is not None:
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(root_url + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            payload, status, got = resp.read(), resp.status, dict(resp.headers)
    except urllib.error.HTTPError as err:
        with err:
            payload, status, got = err.read(), err.code, dict(err.headers)
    try:
        return status, got, json.loads(payload)
    except ValueError:
        return status, got, payload
