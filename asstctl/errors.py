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

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import quote, quote_plus


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
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
"""Credentials in a URL (``https://user:secret@host``)."""
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:api[-_]?key|key|token|access[-_]?token|sig|signature|secret|password|code)=)[^&#;\s]+"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',]+")


def _key_forms(key: str) -> list[str]:
    """The ways a key can appear in a message: as set, stripped, each whitespace-separated part,
    escaped as Python or JSON would show it, URL-encoded. Longest first."""
    forms = {key, key.strip(), repr(key)[1:-1], json.dumps(key)[1:-1], quote(key, safe=""), quote_plus(key)}
    forms.update(key.split())
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def redact(text: str) -> str:
    """Remove anything that looks like a secret from ``text`` before it is shown.

    Removes ``OPENAI_API_KEY`` in every form it may take (:func:`_key_forms`), any ``sk-…``
    token, the credentials of a URL (``https://user:pass@host``), secret-looking query
    parameters (``?api-key=…``) and ``Bearer`` tokens.
    """
    key = os.environ.get("OPENAI_API_KEY")
    if key:
        for form in _key_forms(key):
            text = text.replace(form, "[redacted]")
    text = _KEYLIKE.sub("sk-[redacted]", text)
    text = _USERINFO.sub(r"\1[redacted]@", text)
    text = _SECRET_PARAM.sub(r"\1[redacted]", text)
    return _BEARER.sub(r"\1[redacted]", text)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Characters a terminal or a reader acts on rather than shows: C0/C1 controls (ANSI escapes,
carriage returns, backspaces; tab and newline excepted), line and paragraph separators, bidi
overrides, zero-width characters."""


def escape_controls(text: str) -> str:
    """``text`` with every :data:`CONTROL` character written as a visible escape (``\\x1b``,
    ``\\u202e``) and undecodable bytes of file names as ``\\udcxx``: safe to print."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def for_terminal(text: str) -> str:
    """An error message as it may be printed: secrets redacted, control characters (which a
    server can put in its error text) escaped."""
    return escape_controls(redact(text))
