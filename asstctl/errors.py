"""The one error root of asstctl, and how errors reach the user.

Every error a user can cause or meet is an ``AsstctlError``; anything else escaping a
command is a bug. The tree::

    AsstctlError                  exit 1; message says what, where, and how to fix
    ├── UsageError                bad flags or arguments, missing project
    ├── ManifestError             invalid manifests; carries every Diagnostic at once
    ├── EndpointError             auth, permission, connection, endpoint lacks an API
    ├── OwnershipError            live state this stack cannot safely act on
    ├── StalePlanError            a saved plan no longer matches live state or files
    └── ApplyError                some steps of an apply failed (others completed)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


class AsstctlError(Exception):
    """Root of every user-facing error. ``str(err)`` is the complete message."""

    exit_code: int = 1


class UsageError(AsstctlError):
    """Bad command-line usage or a directory that is not a project."""


class EndpointError(AsstctlError):
    """The API endpoint refused, could not be reached, or lacks an API we need."""


class OwnershipError(AsstctlError):
    """Live resources whose ownership is unclear (e.g. two claim one address)."""


class StalePlanError(AsstctlError):
    """A saved plan was made against live state or files that have since changed."""


class ApplyError(AsstctlError):
    """An apply finished with failed steps; the summary has already been printed."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the input, located as precisely as we can.

    ``file`` is relative to the project directory where possible; ``line`` and ``col``
    are 1-based (0 when unknown); ``field`` is a dotted path such as ``tools[0].name``.
    """

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class ManifestError(AsstctlError):
    """The project's manifests are invalid. Holds every diagnostic found in one run."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.col, d.field))
        n = len(self.diagnostics)
        super().__init__(
            "\n".join(str(d) for d in self.diagnostics)
            + f"\n{n} error{'s' if n != 1 else ''} found; nothing was sent to the API."
        )


_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,})")


def redact(text: str) -> str:
    """Remove anything that looks like an API key from ``text`` before it is shown.

    Removes the exact value of ``OPENAI_API_KEY`` and any ``sk-…`` token.
    """
    key = os.environ.get("OPENAI_API_KEY")
    if key and len(key) >= 4:
        text = text.replace(key, "[redacted]")
    return _KEYLIKE.sub("sk-[redacted]", text)
