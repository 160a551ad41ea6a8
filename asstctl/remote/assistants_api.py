"""The five Assistants endpoints, sent through the SDK client's generic request methods.

``client.beta.assistants`` makes the SDK import and build its whole beta surface (realtime,
chatkit, threads and their types): about 1.7 s on every command, for nothing we use. These
functions send the same requests — path, ``OpenAI-Beta: assistants=v2``, JSON body — through the
same ``openai.OpenAI`` client (auth, base URL, retries, timeouts, error types are all the SDK's)
and return the objects as the JSON the API sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import openai

JSON = Any
_BETA = {"OpenAI-Beta": "assistants=v2"}


def _options(**extra: Any) -> Any:
    return {"headers": _BETA, **extra}


def list_assistants(client: openai.OpenAI, *, limit: int = 100) -> list[JSON]:
    """Every assistant, following ``after`` cursors until ``has_more`` is false."""
    out: list[JSON] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        got = client.get("/assistants", cast_to=object, options=_options(params=params))
        page = cast(dict[str, Any], got)
        data = list(page.get("data") or [])
        out.extend(data)
        if not page.get("has_more") or not data:
            return out
        params = {"limit": limit, "after": data[-1]["id"]}


def create_assistant(client: openai.OpenAI, body: Mapping[str, Any]) -> JSON:
    return client.post("/assistants", cast_to=object, body=dict(body), options=_options())


def update_assistant(client: openai.OpenAI, assistant_id: str, body: Mapping[str, Any]) -> JSON:
    return client.post(f"/assistants/{assistant_id}", cast_to=object, body=dict(body), options=_options())


def delete_assistant(client: openai.OpenAI, assistant_id: str) -> JSON:
    return client.delete(f"/assistants/{assistant_id}", cast_to=object, options=_options())
