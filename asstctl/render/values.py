"""How values and long texts are written in the human views (text and markdown)."""

from __future__ import annotations

import difflib
import json
from typing import Any

JSON = Any

INLINE_WIDTH = 72
"""JSON values longer than this are written over several lines."""


def scalar(value: JSON) -> str:
    """One value as compact JSON (``null``, ``1.0``, ``"text"``, ``{"a": 1}``)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def is_long_text(value: JSON) -> bool:
    """Text better shown line by line (several lines, or wider than a line)."""
    return isinstance(value, str) and ("\n" in value or len(value) > INLINE_WIDTH)


def is_long(value: JSON) -> bool:
    """Any value better shown over several lines."""
    return is_long_text(value) or (isinstance(value, dict | list) and len(scalar(value)) > INLINE_WIDTH)


def lines_of(value: JSON) -> list[str]:
    """A value as lines: text split by line, anything else pretty-printed JSON."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.removesuffix("\n").split("\n")
    return json.dumps(value, ensure_ascii=False, indent=2).split("\n")


def unified(before: JSON, after: JSON, *, context: int = 3) -> list[str]:
    """A line-by-line unified diff of two values, hunks only (no file headers)."""
    diff = difflib.unified_diff(lines_of(before), lines_of(after), lineterm="", n=context)
    return [line for line in diff if not line.startswith(("---", "+++"))]


def short_sha(sha256: str | None) -> str:
    """The first 12 hex digits of a content hash (enough to tell versions apart in a plan)."""
    return (sha256 or "")[:12] or "?"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"
