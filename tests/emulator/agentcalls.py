"""Shared by the Agents API tests: a strict SDK client, plain calls with the agents beta header."""

from __future__ import annotations

from typing import Any

from openai import OpenAI
from rawhttp import call

AGENTS = {"OpenAI-Beta": "agents=v1"}
FN: Any = {"type": "function", "name": "lookup", "description": "Looks up", "parameters": {}}
"""A minimal valid function tool."""


def client(emu: Any) -> OpenAI:
    """The real SDK on ``emu``, validating every response against its types."""
    return OpenAI(base_url=emu.base_url, api_key="sk-test", _strict_response_validation=True, max_retries=0)


def raw(emu: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """``method path`` with a JSON ``body`` and ``OpenAI-Beta: agents=v1``: status and decoded body."""
    status, _, payload = call(emu.root_url, method, path, body, headers=AGENTS)
    return status, payload
