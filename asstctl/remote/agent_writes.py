"""The Agents API (beta) writes of :class:`~asstctl.remote.writer.Writer`, kept apart so the
writer stays small: an agent create is sent at most once per committed object (after an
unknown outcome it is looked up by its ownership tag, as every create), updates are partial
and safe to repeat, a delete of an agent already gone counts as done."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

import openai

from asstctl.remote import rest as api

T = TypeVar("T")


class _Writes(Protocol):
    """What these methods use of the writer they are mixed into."""

    _client: openai.OpenAI
    _once: openai.OpenAI

    def _call(self, what: str, fn: Callable[[], T]) -> T: ...

    def _delete(self, what: str, fn: Callable[[], object]) -> None: ...

    def _create(self, what: str, create: Callable[[], T], find: Callable[[], T | None]) -> T: ...

    def _find_owned(self, items: Iterable[Any], address: str) -> str | None: ...


class AgentWrites:
    """Mixed into ``Writer``: create, update and delete an agent."""

    def create_agent(self: _Writes, address: str, body: Mapping[str, Any]) -> str:
        """Create an agent (``None`` fields left out); after an unknown outcome it is looked up
        by its ownership tag among all agents (the listing has no metadata filter)."""
        fields = {k: v for k, v in body.items() if v is not None}
        return self._create(
            f"creating {address}",
            lambda: str(api.create_agent(self._once, fields)["id"]),
            lambda: self._find_owned(
                api.list_all(self._client, "/agents", {"limit": 100}, beta=api.AGENTS_BETA), address
            ),
        )

    def update_agent(self: _Writes, address: str, agent_id: str, body: Mapping[str, Any]) -> None:
        """A partial update (nulls sent as such: they reset a field); safe to repeat."""
        self._call(f"updating {address}", lambda: api.update_agent(self._client, agent_id, body))

    def delete_agent(self: _Writes, address: str, agent_id: str) -> None:
        self._delete(f"deleting {address}", lambda: api.delete_agent(self._client, agent_id))
