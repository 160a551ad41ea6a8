"""The desired record of an agent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asstctl.core.model import JSON, Location


@dataclass(frozen=True)
class EnvHeader:
    """An MCP header value read from an environment variable at plan and apply time (never
    from a file, never stored): ``prefix`` + the variable's value."""

    env: str
    prefix: str
    location: Location
    """Where the header is declared (for the error when the variable is not set)."""
    field: str
    """Its field path, e.g. ``tools[1].transport.headers.Authorization``."""


@dataclass(frozen=True)
class DesiredAgent:
    """A ``kind: Agent`` document, in the API's field names (``None``: the manifest omits it)."""

    name: str
    display_name: str
    model: str
    instructions: str | None
    """Resolved text (``instructions_file`` already read)."""
    reasoning: Mapping[str, JSON] | None
    text: Mapping[str, JSON] | None
    service_tier: str | None
    multi_agent: Mapping[str, JSON] | None
    compaction: Mapping[str, JSON] | None
    experimental: Mapping[str, JSON] | None
    metadata: Mapping[str, str]
    tools: tuple[JSON, ...]
    """API form (flat, as ``PersistedAgentToolParam``); an MCP http header value is a string
    or an :class:`EnvHeader`."""
    prevent_destroy: bool
    location: Location

    @property
    def address(self) -> str:
        return f"agent.{self.name}"

    @property
    def effort(self) -> str | None:
        """The reasoning effort the manifest sets (None: the model's default)."""
        return (self.reasoning or {}).get("effort")

    def headers(self) -> list[tuple[str, str, str | EnvHeader]]:
        """``(server_label, header name, value)`` of every MCP http header, in manifest order."""
        out: list[tuple[str, str, str | EnvHeader]] = []
        for tool in self.tools:
            transport = tool.get("transport") or {} if tool.get("type") == "mcp" else {}
            for name, value in (transport.get("headers") or {}).items():
                out.append((str(tool["server_label"]), str(name), value))
        return out
