"""Desired-model records for the pure core tests, with every field at its "not set" value."""

from __future__ import annotations

from typing import Any

from asstctl.core.model import DesiredAssistant, Location


def desired_assistant(name: str = "a", **fields: Any) -> DesiredAssistant:
    """An assistant named ``name`` with only ``fields`` set (model gpt-4o, instructions "Help.")."""
    base: dict[str, Any] = dict(
        name=name,
        display_name=name,
        model="gpt-4o",
        description=None,
        instructions="Help.",
        temperature=None,
        top_p=None,
        reasoning_effort=None,
        response_format=None,
        metadata={},
        tools=(),
        code_interpreter_files=(),
        vector_store=None,
        prevent_destroy=False,
        location=Location("m.yaml"),
    )
    return DesiredAssistant(**{**base, **fields})
