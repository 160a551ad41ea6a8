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
from typing import Any

import openai

from asstctl.errors import EndpointError, redact

JSON = Any
_BETA = {"OpenAI-Beta": "assistants=v2"}


def _options(*, beta: bool | str | None = True, **extra: Any) -> Any:
    """Request options; ``beta`` is the ``OpenAI-Beta`` value (True: ``assistants=v2``)."""
    if not beta:
        return extra
    return {"headers": _BETA if beta is True else {"OpenAI-Beta": beta}, **extra}


MAX_PAGES = 10_000
"""More pages than this in one listing is a broken (or hostile) server, not a big account."""


class UnexpectedResponse(EndpointError):
    """The endpoint answered something that is not the API's JSON (an HTML page from a wrong
    base URL, a list without ``data``, a cursor that never ends). ``str`` is one line naming
    the endpoint and the request; :func:`asstctl.remote.errors.describe` adds the operation."""

    def __init__(self, client: openai.OpenAI, method: str, path: str, problem: str, what: str = "") -> None:
        self.client, self.method, self.path, self.problem = client, method, path, problem
        base_url = redact(str(client.base_url).rstrip("/"))
        during = f" while {what}" if what else ""
        super().__init__(
            f"{base_url} answered {method} {path}{during} with {problem}; check that OPENAI_BASE_URL / "
            "endpoint.base_url is the API's address (it usually ends in /v1)"
        )

    def during(self, what: str) -> UnexpectedResponse:
        """The same error, naming the operation (e.g. "listing vector stores")."""
        return UnexpectedResponse(self.client, self.method, self.path, self.problem, what)


def _shape(value: object) -> str:
    """What a response body is, in a few words (never its whole text)."""
    if isinstance(value, str):
        head = " ".join(value.split())[:40]
        return f"text that is not JSON ({head!r}…)" if head else "an empty body"
    if isinstance(value, dict):
        return f"a JSON object without {'a data list' if 'data' not in value else 'the expected fields'}"
    return f"JSON {type(value).__name__}"


def list_all(
    client: openai.OpenAI, path: str, params: Mapping[str, Any], *, beta: bool | str | None
) -> list[JSON]:
    """Every object of a cursor-paginated list (``path`` like ``/vector_stores``), following
    ``after`` until ``has_more`` is false, as the SDK's auto-pagination does. A page that is
    not a list of objects with ids, a cursor seen before, an empty page claiming more, or more
    than :data:`MAX_PAGES` pages raise :class:`UnexpectedResponse` (never an endless loop)."""
    out: list[JSON] = []
    query = dict(params)
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        got = client.get(path, cast_to=object, options=_options(beta=beta, params=query))
        page: dict[str, Any] = got if isinstance(got, dict) else {}
        data = page.get("data")
        if not isinstance(data, list) or not all(isinstance(o, dict) and _is_id(o.get("id")) for o in data):
            raise UnexpectedResponse(client, "GET", path, _shape(got))
        out.extend(data)
        if page.get("has_more") is not True:
            return out
        if not data:
            raise UnexpectedResponse(client, "GET", path, "an empty page that claims more pages (has_more)")
        cursor = str(data[-1]["id"])
        if cursor in seen:
            raise UnexpectedResponse(
                client, "GET", path, f"a page it had sent before (the cursor {cursor[:64]!r} repeats)"
            )
        seen.add(cursor)
        query = {**params, "after": cursor}
    raise UnexpectedResponse(client, "GET", path, f"more than {MAX_PAGES:,} pages of has_more: true")


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 256


def json_object(client: openai.OpenAI, method: str, path: str, got: object) -> dict[str, Any]:
    """``got`` if the endpoint answered an API object with an id, else :class:`UnexpectedResponse`."""
    if isinstance(got, dict) and _is_id(got.get("id")):
        return got
    raise UnexpectedResponse(client, method, path, _shape(got))


def list_assistants(client: openai.OpenAI, *, limit: int = 100) -> list[JSON]:
    """Every assistant."""
    return list_all(client, "/assistants", {"limit": limit}, beta=True)


def create_assistant(client: openai.OpenAI, body: Mapping[str, Any]) -> JSON:
    got = client.post("/assistants", cast_to=object, body=dict(body), options=_options())
    return json_object(client, "POST", "/assistants", got)


def update_assistant(client: openai.OpenAI, assistant_id: str, body: Mapping[str, Any]) -> JSON:
    path = f"/assistants/{assistant_id}"
    got = client.post(path, cast_to=object, body=dict(body), options=_options())
    return json_object(client, "POST", path, got)


def delete_assistant(client: openai.OpenAI, assistant_id: str) -> JSON:
    return client.delete(f"/assistants/{assistant_id}", cast_to=object, options=_options())


AGENTS_BETA = "agents=v1"
"""The ``OpenAI-Beta`` value of the Agents API (``client.beta.agents`` sends it too)."""


def create_agent(client: openai.OpenAI, body: Mapping[str, Any]) -> JSON:
    return client.post("/agents", cast_to=object, body=dict(body), options=_options(beta=AGENTS_BETA))


def update_agent(client: openai.OpenAI, agent_id: str, body: Mapping[str, Any]) -> JSON:
    """A partial update: absent fields stay as they are, a null resets one."""
    return client.post(
        f"/agents/{agent_id}", cast_to=object, body=dict(body), options=_options(beta=AGENTS_BETA)
    )


def delete_agent(client: openai.OpenAI, agent_id: str) -> JSON:
    return client.delete(f"/agents/{agent_id}", cast_to=object, options=_options(beta=AGENTS_BETA))
