"""One-object reads and idempotent writes by path: the :class:`~asstctl.kinds.base.ObjectAPI`
that ``import``, ``forget``, ``moved:`` and ambiguity recovery re-tag objects through.

Not for apply's resource writes (those go through :class:`~asstctl.remote.writer.Writer`):
nothing here creates an object, so every request is safe to repeat and the SDK's retries apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import openai

from asstctl.remote import rest
from asstctl.remote.errors import gone, translate

JSON = Any
T = TypeVar("T")


def _headers(beta: str | None) -> Any:
    """Request options (typed ``Any`` as :mod:`asstctl.remote.rest` does: the SDK's TypedDict)."""
    return {"headers": {"OpenAI-Beta": beta}} if beta else {}


class ObjectClient:
    """:class:`~asstctl.kinds.base.ObjectAPI` over one SDK client, for one stack."""

    def __init__(self, client: openai.OpenAI, *, stack: str, base_url: str) -> None:
        self._client, self.stack, self._base_url = client, stack, base_url

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except openai.OpenAIError as exc:
            raise translate(exc, base_url=self._base_url, what=what) from None

    def get(self, what: str, path: str, *, beta: str | None) -> JSON | None:
        def run() -> JSON | None:
            try:
                return self._client.get(path, cast_to=object, options=_headers(beta))
            except (openai.NotFoundError, openai.BadRequestError):  # a malformed id: no such object
                return None

        return self._call(what, run)

    def list_all(self, what: str, path: str, params: Mapping[str, Any], *, beta: str | None) -> list[JSON]:
        return self._call(what, lambda: rest.list_all(self._client, path, params, beta=beta))

    def post(self, what: str, path: str, body: Mapping[str, Any], *, beta: str | None) -> JSON:
        return self._call(
            what, lambda: self._client.post(path, cast_to=object, body=dict(body), options=_headers(beta))
        )

    def delete(self, what: str, path: str, *, beta: str | None) -> None:
        def run() -> None:
            try:
                self._client.delete(path, cast_to=object, options=_headers(beta))
            except openai.APIStatusError as exc:
                if not gone(exc):
                    raise

        self._call(what, run)
