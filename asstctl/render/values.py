"""How values and long texts are written in the human views (text and markdown)."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from asstctl.errors import escape_controls

JSON = Any

INLINE_WIDTH = 72
"""JSON values longer than this are written over several lines."""


def safe(text: str, *, newlines: bool = False) -> str:
    """``text`` as shown in a human view: control characters written as visible escapes
    (``\\x1b``, ``\\u202e``) so that a value read from the endpoint cannot clear the terminal,
    move the cursor or forge plan lines. Newlines are escaped too unless ``newlines``."""
    out = escape_controls(text)
    return out if newlines else out.replace("\n", "\\n")


_MARKDOWN = re.compile(r"([\\`*_\[\]|~#])")


def md_text(text: str) -> str:
    """``text`` as literal markdown text on one line: controls escaped, HTML characters as
    entities, markdown punctuation backslash-escaped (nothing in it is markup)."""
    plain = safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", plain)


def md_code(text: str) -> str:
    """``text`` as inline code: fenced with more backticks than it holds, controls escaped."""
    shown = safe(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def code_fence(lines: list[str]) -> str:
    """A fence for a code block holding ``lines``: longer than any backtick run in them."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def scalar(value: JSON) -> str:
    """One value as compact JSON (``null``, ``1.0``, ``"text"``, ``{"a": 1}``), safe to show."""
    return safe(json.dumps(value, ensure_ascii=False, sort_keys=False))


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
        return [safe(line) for line in value.removesuffix("\n").split("\n")]
    return [safe(line) for line in json.dumps(value, ensure_ascii=False, indent=2).split("\n")]


def unified(before: JSON, after: JSON, *, context: int = 3) -> list[str]:
    """A line-by-line unified diff of two values, hunks only (no file headers)."""
    diff = difflib.unified_diff(lines_of(before), lines_of(after), lineterm="", n=context)
    return [line for line in diff if not line.startswith(("---", "+++"))]


def short_sha(sha256: str | None) -> str:
    """The first 12 hex digits of a content hash (enough to tell versions apart in a plan)."""
    return (sha256 or "")[:12] or "?"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"
