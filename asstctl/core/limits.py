"""API limits from the official reference that both the manifest checks and the emulator enforce.

Shared so the two cannot drift apart; the manifest JSON Schema states the ones it can itself.
"""

from __future__ import annotations

INSTRUCTIONS_MAX_CHARS = 256_000
"""An assistant's ``instructions`` (also the schema's ``maxLength`` for inline instructions)."""
CODE_INTERPRETER_MAX_FILES = 20
"""``tool_resources.code_interpreter.file_ids`` of one assistant."""
FILE_BATCH_MAX_FILES = 2000
"""Files in one vector-store file batch."""
ATTRIBUTE_VALUE_MAX_CHARS = 512
"""A vector-store-file attribute's string value (asstctl keeps a file's project path in one)."""
