"""MCP header values: read from the environment, never printed, changes found by digest.

A manifest may give an MCP http header a plain value or ``{env: NAME, prefix: "Bearer "}``.
Either way the value is sent to the API but never shown in a plan and never stored in the
clear by asstctl: the agent's metadata keeps, under the reserved key ``asstctl_headers``, a
short digest per header — PBKDF2-SHA256 salted with the stack, address, server label and
header name — so the next plan sees a changed value without knowing it, on servers that echo
header values and on servers that hide them alike.

Format of the metadata value: ``v1:<key>=<digest>,...`` with ``key`` = 6 hex digits naming
(server label, header) and ``digest`` = 12 hex digits; at most :data:`MAX_HEADERS` fit in the
512 characters of one metadata value.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import lru_cache

from asstctl.errors import Diagnostic, ManifestError
from asstctl.kinds.agent.model import DesiredAgent, EnvHeader

META_HEADERS = "asstctl_headers"
"""Reserved metadata key: digests of the agent's MCP header values."""
VERSION = "v1:"
ITERATIONS = 20_000
KEY_HEX, DIGEST_HEX = 6, 12
MAX_HEADERS = (512 - len(VERSION) + 1) // (KEY_HEX + 1 + DIGEST_HEX + 1)
"""Headers per agent whose digests fit in one metadata value (25)."""

HeaderId = tuple[str, str]
"""(server label, header name)."""


def resolve(a: DesiredAgent) -> dict[HeaderId, str]:
    """Every header's value, environment variables read now; a variable that is unset or empty
    is an error naming it and where it is used (all of them at once)."""
    out: dict[HeaderId, str] = {}
    problems: list[Diagnostic] = []
    for label, name, value in a.headers():
        if not isinstance(value, EnvHeader):
            out[(label, name)] = value
            continue
        got = os.environ.get(value.env)
        if not got:
            loc = value.location
            problems.append(
                Diagnostic(
                    loc.file,
                    loc.line,
                    loc.col,
                    value.field,
                    f"the environment variable {value.env} is {'empty' if got == '' else 'not set'}; "
                    f"it holds this MCP header's value: export {value.env}=... before plan and apply "
                    "(asstctl never reads secrets from files)",
                )
            )
            continue
        out[(label, name)] = value.prefix + got
    if problems:
        raise ManifestError(problems)
    return out


def header_key(label: str, name: str) -> str:
    """The short key naming one header in the metadata value."""
    return hashlib.sha256(f"{label}\0{name}".encode()).hexdigest()[:KEY_HEX]


@lru_cache(maxsize=256)
def _digest(salt: str, value: str) -> str:
    raw = hashlib.pbkdf2_hmac("sha256", value.encode(), salt.encode(), ITERATIONS)
    return raw.hex()[:DIGEST_HEX]


def digest(stack: str, address: str, label: str, name: str, value: str) -> str:
    """The digest of one header value (salted with where it is used; slow to brute-force)."""
    return _digest(f"asstctl-header\0{stack}\0{address}\0{label}\0{name}", value)


def digests(stack: str, address: str, values: Mapping[HeaderId, str]) -> dict[HeaderId, str]:
    return {(label, name): digest(stack, address, label, name, v) for (label, name), v in values.items()}


def metadata_value(found: Mapping[HeaderId, str]) -> str | None:
    """The ``asstctl_headers`` value for these digests (None: no headers, no key)."""
    if not found:
        return None
    return VERSION + ",".join(f"{header_key(label, name)}={d}" for (label, name), d in found.items())


def parse(metadata: Mapping[str, object] | None) -> dict[str, str]:
    """Header key → digest, from a live agent's metadata (empty if absent or unreadable)."""
    value = (metadata or {}).get(META_HEADERS)
    if not isinstance(value, str) or not value.startswith(VERSION):
        return {}
    out: dict[str, str] = {}
    for entry in value[len(VERSION) :].split(","):
        key, _, d = entry.partition("=")
        if key and d:
            out[key] = d
    return out


def shown(value: str | EnvHeader) -> str:
    """How a declared header value reads in a plan: plain text as written, a secret by its source."""
    if isinstance(value, EnvHeader):
        return f"{value.prefix}(secret from ${value.env})"
    return value


CHANGED = "(another value)"
"""A live header whose digest differs from the declared value's."""
UNRECORDED = "(a value asstctl did not record)"
HIDDEN = "(hidden)"
"""A live header the manifest does not declare: its value is never shown."""
