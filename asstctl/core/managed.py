"""Which metadata keys (and vector-store-file attributes) asstctl manages on a live object.

A server may add keys of its own (OGX puts ``provider_id``, ``embedding_model``… on a vector
store and needs them kept), and a person may add one by hand. asstctl leaves such keys alone:
it never shows them as drift and keeps them on every update (the API replaces metadata and
attributes wholesale). To still remove a key that the manifest no longer declares, every
object asstctl writes records the user keys it wrote in one reserved pair, ``asstctl_keys``
(a comma-separated, sorted list; empty when there are none). That pair counts against the
API's 16-pair limit, and the list must fit one value (512 characters): both are checked offline
(:func:`problem`).

An object without ``asstctl_keys`` was written by an earlier asstctl version, which managed
every unreserved key: all of them count as managed until the next write records the list.

Every kind with metadata uses these helpers in its forms (what the plan compares) and its
request bodies (what an update sends); nothing else may decide which keys are managed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

KEYS = "asstctl_keys"
"""The reserved metadata key (and attribute key) listing the user keys asstctl wrote."""
MAX_PAIRS = 16
"""The API's limit on metadata pairs and on vector-store-file attributes."""
VALUE_MAX_CHARS = 512
"""The API's limit on one metadata value (and one string attribute)."""

JSON = Any


def is_asstctl_key(key: str) -> bool:
    """Keys starting with ``asstctl_`` are asstctl's own (ownership tags, ``asstctl_keys``…)."""
    return key.startswith("asstctl_")


def managed_keys(live: Mapping[str, JSON] | None) -> frozenset[str] | None:
    """The user keys asstctl wrote on a live object; None when it predates ``asstctl_keys``
    (then every unreserved key is managed)."""
    listed = (live or {}).get(KEYS)
    if not isinstance(listed, str):
        return None
    return frozenset(k for k in listed.split(",") if k)


def compared(live: Mapping[str, JSON] | None, declared: Iterable[str]) -> dict[str, JSON]:
    """The live user pairs a plan compares with the manifest's: those asstctl manages and those
    the manifest declares. Everything else (a server's keys, a person's) is not drift."""
    mine = managed_keys(live)
    wanted = set(declared)
    return {
        k: v
        for k, v in (live or {}).items()
        if not is_asstctl_key(k) and (mine is None or k in mine or k in wanted)
    }


def merged(
    user: Mapping[str, JSON], tags: Mapping[str, JSON], live: Mapping[str, JSON] | None
) -> dict[str, JSON]:
    """The whole metadata (or attributes) to send: the live pairs asstctl does not manage, kept
    as they are, then the manifest's ``user`` pairs, the reserved ``tags`` and ``asstctl_keys``.
    ``live`` None (a create) keeps nothing."""
    mine = managed_keys(live)
    kept = {
        k: v
        for k, v in (live or {}).items()
        if not is_asstctl_key(k) and mine is not None and k not in mine and k not in user
    }
    return {**kept, **user, **tags, KEYS: ",".join(sorted(user))}


def problem(user: Mapping[str, JSON], reserved: int, what: str = "metadata") -> str | None:
    """Why ``user`` pairs cannot be written next to ``reserved`` asstctl pairs plus
    ``asstctl_keys`` (too many pairs, or their key list too long for one value); None if fine."""
    room = MAX_PAIRS - reserved - 1
    if len(user) > room:
        return (
            f"{what} holds {len(user)} pairs, but there is room for {room}: the API allows {MAX_PAIRS} "
            f"and asstctl reserves {reserved + 1} here (its {reserved} ownership keys and {KEYS}, the list "
            "of the keys it manages); remove some"
        )
    return key_list_problem(user, what)


def key_list_problem(user: Mapping[str, JSON], what: str = "metadata") -> str | None:
    """Why the keys of ``user`` cannot be listed in ``asstctl_keys`` (one value); None if they can."""
    listed = ",".join(sorted(user))
    if len(listed) > VALUE_MAX_CHARS:
        return (
            f"{what} keys add up to {len(listed)} characters (comma-separated), but asstctl records them "
            f"in one value of at most {VALUE_MAX_CHARS} ({KEYS}, so that keys it did not write are left "
            "alone): use shorter keys or fewer of them"
        )
    return None
