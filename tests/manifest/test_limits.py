"""The manifest schema states the same API limits as the Python checks and the emulator."""

from __future__ import annotations

from asstctl.core.limits import INSTRUCTIONS_MAX_CHARS
from asstctl.manifest.schema import manifest_schema


def test_schema_instructions_limit_is_the_shared_one() -> None:
    instructions = manifest_schema()["$defs"]["Assistant"]["properties"]["instructions"]
    assert instructions["maxLength"] == INSTRUCTIONS_MAX_CHARS
