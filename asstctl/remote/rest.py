"""Requests sent through the SDK client's generic methods, returning the JSON the API sent.

Two costs of the typed resource methods are avoided here, on the hot paths of every command:
``client.beta.assistants`` makes the SDK import and build its whole beta surface (realtime,
chatkit, threads and their types), about 1.7 s per command; and typed list pages parse every
object into pydantic models that the reader would only dump back to JSON (thousands of
vector-store files). The requests are the same — path, query, ``OpenAI-Beta: assistants=v2``
where the SDK sends it, JSON body — and go through the same ``openai.OpenAI`` client, so auth,
base URL, retries, timeouts and error types are all the SDK's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import openai

JSON = Any
_BETA = {"OpenAI-Beta": "assistants=v2"}


def _options(*, beta: bool | str | None = True, **extra: Any) -> Any:
    """Request options; ``beta`` is the ``OpenAI-Beta`` value (True: ``assistants=v2``)."""
    if not beta:
        return extra
    return {"headers": _BETA if beta is True else {"OpenAI-Beta": beta}, **extra}


def list_all(
    client: openai.OpenAI, path: str, params: Mapping[str, Any], *, beta: bool | str | None
) -> list[JSON]:
    """Every object of a cursor-paginated list (``path`` like ``/vector_stores``), following
    ``after`` until ``has_more`` is false, as the SDK's auto-pagination does."""
    out: list[JSON] = []
    query = dict(params)
    while True:
        got = client.get(path, cast_to=object, options=_options(beta=beta, params=query))
        page = cast(dict[str, Any], got)
        data = list(page.get("data") or [])
        out.extend(data)
        if not page.get("has_more") or not data:
            return out
        query = {**params, "after": data[-1]["id"]}


def list_assistants(client: openai.OpenAI, *, limit: int = 100) -> list[JSON]:
    """Every assistant."""
    return list_all(client, "/assistants", {"limit": limit}, beta=True)


def create_assistant(client: openai.OpenAI, body: Mapping[str, Any]) -> JSON:
    return client.post("/assistants", cast_to=object, body=dict(body), options=_options())


def update_assistant(client: openai.OpenAI, assistant_id: str, body: Mapping[str, Any]) -> JSON:
    return client.post(f"/assistants/{assistant_id}", cast_to=object, body=dict(body), options=_options())


def delete_assistant(client: openai.OpenAI, assistant_id: str) -> JSON:
    return client.delete(f"/assistants/{assistant_id}", cast_to=object, options=_options())
