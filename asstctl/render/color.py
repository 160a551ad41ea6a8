"""Whether to colour: never when told not to (``--no-color``, ``NO_COLOR``), else only on a TTY."""

from __future__ import annotations

import os
from typing import TextIO


def use_color(color: bool | None, stream: TextIO) -> bool:
    """``color`` False: never; None: only if ``stream`` is a terminal and NO_COLOR is unset."""
    if color is False or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
