"""How asstctl marks what it owns on the live API, and how it recognises its own.

Assistants and vector stores carry two reserved metadata keys; vector-store files carry
three reserved attributes. Uploaded File objects have no metadata at all, so their
``filename`` carries the stack and content hash instead::

    asstctl.<stack>.<sha256 hex>.<basename>

Every character of it is in ``[A-Za-z0-9._-]`` (the basename's others are written ``_``), so a
server that rewrites filenames to that set (OGX) keeps it as sent. The sha256 is the identity;
the basename is cosmetic, and keeps its extension, which the API uses to decide whether file
search can parse the file. Names written by earlier versions, ``asstctl~<stack>~<sha256
hex>~<basename>``, are still recognised, and so is that form as such a server rewrote it
(``asstctl_<stack>_<sha256 hex>_<basename>``). A live resource without this stack's tag is
never changed or deleted.

An assistant deployed through the Responses API is a configuration, kept as a *record* File
(JSON) whose filename carries the stack, the sha256 of its content and the address::

    asstctl-config.<stack>.<sha256 hex>.assistant.<name>.json

also all in ``[A-Za-z0-9._-]``. Records written by earlier versions,
``asstctl-config~<stack>~<sha256 hex>~assistant.<name>.json``, are still recognised, and so is
that form as a filename-rewriting server keeps it (``asstctl-config_<stack>_<sha256 hex>_…``).
Its own prefix keeps records apart from content uploads (whatever a user's files are called).
Both schemes live here only, so a change of separator or prefix is one change.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from asstctl.errors import OwnershipError, UsageError

META_STACK = "asstctl_stack"
"""Metadata key (assistants, vector stores) holding the owning stack."""
META_ADDRESS = "asstctl_address"
"""Metadata key (assistants, vector stores) holding the resource address."""
RESERVED_METADATA_KEYS = (META_STACK, META_ADDRESS)
METADATA_MAX_PAIRS = 16
"""The API's limit on metadata pairs (and on vector-store-file attributes)."""

ATTR_STACK = "asstctl_stack"
"""Vector-store-file attribute holding the owning stack."""
ATTR_PATH = "asstctl_path"
"""Vector-store-file attribute holding the file's path relative to the project."""
ATTR_SHA256 = "asstctl_sha256"
"""Vector-store-file attribute holding the sha256 of the uploaded bytes."""
RESERVED_ATTRIBUTE_KEYS = (ATTR_STACK, ATTR_PATH, ATTR_SHA256)

_SEP = "~"
UPLOAD_PREFIX = "asstctl" + _SEP
RECORD_PREFIX = "asstctl-config" + _SEP
"""Prefix of configuration records of earlier versions (never a prefix of, nor prefixed by,
``UPLOAD_PREFIX``)."""
RECORD_NAME_PREFIX = "asstctl-config."
"""Prefix of configuration records (the stack, which has no ``.``, follows); neither a prefix
of, nor prefixed by, ``UPLOAD_NAME_PREFIX``, nor matched by the rewritten upload form."""
RECORD_SUFFIX = ".json"


UPLOAD_NAME_PREFIX = "asstctl."
"""Prefix of upload filenames (the stack, which has no ``.``, follows)."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_LEGACY_REWRITTEN = re.compile(r"asstctl_([a-z0-9_-]{1,64}?)_([0-9a-f]{64})_(.+)", re.DOTALL)
_LEGACY_RECORD_REWRITTEN = re.compile(r"asstctl-config_([a-z0-9_-]{1,64}?)_([0-9a-f]{64})_(.+)", re.DOTALL)


def safe_basename(basename: str) -> str:
    """``basename`` with every character outside ``[A-Za-z0-9._-]`` written ``_`` (what a
    filename-rewriting server would make of it, so it is sent that way in the first place)."""
    return _UNSAFE.sub("_", basename)


def upload_filename(stack: str, sha256: str, basename: str) -> str:
    """The filename under which a local file is uploaded for ``stack`` (see the module doc)."""
    return f"{UPLOAD_NAME_PREFIX}{stack}.{sha256}.{safe_basename(basename)}"


def _split(prefix: str, filename: str) -> tuple[str, str, str] | None:
    """``(stack, sha256, tail)`` of ``<prefix><stack>~<sha256>~<tail>``; None if not that form."""
    if not filename.startswith(prefix):
        return None
    parts = filename[len(prefix) :].split(_SEP, 2)
    if len(parts) != 3 or len(parts[1]) != 64:
        return None
    stack, sha, tail = parts
    if not stack or not tail or any(c not in "0123456789abcdef" for c in sha):
        return None
    return stack, sha, tail


@dataclass(frozen=True)
class UploadName:
    """The parts of an upload filename made by :func:`upload_filename`."""

    stack: str
    sha256: str
    basename: str


def parse_upload_filename(filename: str) -> UploadName | None:
    """Split an upload filename into its parts; ``None`` if asstctl did not make it. Names of
    earlier versions (``asstctl~…``, and that form rewritten to ``asstctl_…``) are recognised."""
    parts = _split_any(UPLOAD_NAME_PREFIX, UPLOAD_PREFIX, _LEGACY_REWRITTEN, filename)
    return None if parts is None else UploadName(stack=parts[0], sha256=parts[1], basename=parts[2])


def _split_any(
    prefix: str, legacy: str, rewritten: re.Pattern[str], filename: str
) -> tuple[str, str, str] | None:
    """``(stack, sha256, tail)`` of a name in the current form (``prefix``), the earlier ``~``
    form (``legacy``) or that form as a filename-rewriting server keeps it (``rewritten``)."""
    parts = _split(legacy, filename) or _split_current(prefix, filename)
    if parts is None and (m := rewritten.fullmatch(filename)) is not None:
        parts = (m.group(1), m.group(2), m.group(3))
    return parts


def _split_current(prefix: str, filename: str) -> tuple[str, str, str] | None:
    """``(stack, sha256, tail)`` of ``<prefix><stack>.<sha256>.<tail>``."""
    if not filename.startswith(prefix):
        return None
    parts = filename[len(prefix) :].split(".", 2)
    if len(parts) != 3:
        return None
    stack, sha, tail = parts
    if not stack or not tail or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        return None
    return stack, sha, tail


def content_key(sha256: str, basename: str) -> tuple[str, str]:
    """How a File's content is matched with a local file's: the sha256, and the basename as an
    upload name writes it (a live name and a local one compare alike)."""
    return sha256, safe_basename(basename)


def record_filename(stack: str, sha256: str, address: str) -> str:
    """The filename of the configuration record of ``address`` (``assistant.<name>``) whose
    content has ``sha256``, in ``stack``. Not to be used for content uploads."""
    return f"{RECORD_NAME_PREFIX}{stack}.{sha256}.{address}{RECORD_SUFFIX}"


@dataclass(frozen=True)
class RecordName:
    """The parts of a record filename made by :func:`record_filename`."""

    stack: str
    sha256: str
    address: str


def parse_record_filename(filename: str) -> RecordName | None:
    """Split a configuration record's filename; ``None`` if it is not one (content uploads
    included). Names of earlier versions (``asstctl-config~…``, and that form rewritten to
    ``asstctl-config_…``) are recognised."""
    parts = _split_any(RECORD_NAME_PREFIX, RECORD_PREFIX, _LEGACY_RECORD_REWRITTEN, filename)
    if parts is None or not parts[2].endswith(RECORD_SUFFIX):
        return None
    address = parts[2][: -len(RECORD_SUFFIX)]
    kind, _, name = address.partition(".")
    if not kind or not LIVE_NAME.fullmatch(name):  # a hostile name is not a claim
        return None
    return RecordName(stack=parts[0], sha256=parts[1], address=address)


def ownership_metadata(stack: str, address: str) -> dict[str, str]:
    """The reserved metadata pairs for a resource at ``address`` in ``stack``."""
    return {META_STACK: stack, META_ADDRESS: address}


LIVE_NAME = re.compile(r"[a-z0-9_-]{1,64}(?:\.files)?")
"""A name asstctl could have written into ``asstctl_address``: the manifest name pattern (an
inline vector store adds ``.files``). Live metadata naming anything else is not a claim, so a
hostile name never reaches a plan, a message or an environment variable."""


def owned_address(metadata: Any, stack: str) -> str | None:
    """The address a live resource claims in ``stack``, or ``None`` if not ours."""
    if not isinstance(metadata, Mapping) or metadata.get(META_STACK) != stack:
        return None
    address = metadata.get(META_ADDRESS)
    return address if isinstance(address, str) else None


def claim(raw: Mapping[str, Any], stack: str, kind: str) -> str | None:
    """The manifest name a live object claims in ``stack`` as a ``kind`` (None if not ours)."""
    address = owned_address(raw.get("metadata"), stack)
    prefix = f"{kind}."
    if address is None or not address.startswith(prefix) or not LIVE_NAME.fullmatch(address[len(prefix) :]):
        return None
    return address[len(prefix) :]


@dataclass(frozen=True)
class Clash:
    """Several live objects claiming one address (``kind.name``) in one stack, oldest first."""

    kind: str
    name: str
    raws: tuple[Mapping[str, Any], ...]

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.name}"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(str(r["id"]) for r in self.raws)


_TOLERATED: ContextVar[dict[str, tuple[Clash, ...]] | None] = ContextVar("asstctl_tolerated", default=None)


@contextlib.contextmanager
def tolerate_clashes() -> Iterator[Mapping[str, tuple[Clash, ...]]]:
    """Within the block, :func:`unique_claims` keeps the oldest claimant of an ambiguous
    address instead of raising, and records the clash in the yielded mapping (kind -> the
    clashes of that kind's latest read). Only for the commands that resolve ambiguity
    (``forget``, ``destroy --all-claimants``/``--claimant``): nothing else may plan around one."""
    seen: dict[str, tuple[Clash, ...]] = {}
    token = _TOLERATED.set(seen)
    try:
        yield seen
    finally:
        _TOLERATED.reset(token)


def _created(raw: Mapping[str, Any]) -> tuple[int, str]:
    created = raw.get("created_at")
    return (created if isinstance(created, int) else 0, str(raw.get("id")))


def ambiguity_message(stack: str, clashes: Sequence[Clash]) -> str:
    """The error for ambiguous ownership, naming the commands that resolve it."""
    lines = [f"ambiguous ownership: {c.address} is claimed by {' and '.join(c.ids)}" for c in clashes]
    first = clashes[0]
    keep, other = first.ids[0], first.ids[-1]
    return (
        "\n".join(lines)
        + f"\nThey all carry asstctl_stack={stack} and the same asstctl_address, and asstctl never guesses "
        "which one is meant. Resolve it with one of:\n"
        f"  asstctl forget {first.address} --id {other}      keep {keep}; release {other} "
        "(untagged, left as it is)\n"
        f"  asstctl destroy --claimant {other}      keep {keep}; delete {other}\n"
        f"  asstctl destroy --all-claimants --target {first.address}      delete every claimant\n"
        "then run the plan again."
    )


def unique_claims(stack: str, kind: str, raws: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Owned objects by name; two claiming one address stop everything (``OwnershipError``),
    except inside :func:`tolerate_clashes` (then the oldest claimant is the one kept)."""
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for raw in raws:
        name = claim(raw, stack, kind)
        if name is not None:
            by_name.setdefault(name, []).append(raw)
    clashes = [
        Clash(kind, n, tuple(sorted(rs, key=_created))) for n, rs in sorted(by_name.items()) if len(rs) > 1
    ]
    tolerated = _TOLERATED.get()
    if clashes and tolerated is None:
        raise OwnershipError(ambiguity_message(stack, clashes))
    if tolerated is not None:
        tolerated[kind] = tuple(clashes)
    return {n: min(rs, key=_created) for n, rs in by_name.items()}


def retagged_metadata(metadata: Mapping[str, Any] | None, tags: Mapping[str, str] | None) -> dict[str, Any]:
    """``metadata`` with its reserved keys replaced by ``tags`` (None: removed, and with them
    ``asstctl_keys``, the list of the keys asstctl managed: ``core.managed``), the rest kept.
    For the kinds whose ownership lives in ``metadata`` (import, moved, forget)."""
    dropped = RESERVED_METADATA_KEYS if tags else (*RESERVED_METADATA_KEYS, "asstctl_keys")
    kept = {k: v for k, v in (metadata or {}).items() if k not in dropped}
    merged = {**kept, **(tags or {})}
    if len(merged) > METADATA_MAX_PAIRS:
        raise UsageError(
            f"the object has {len(kept)} metadata keys of its own; with asstctl's "
            f"{len(tags or {})} it would exceed the API's limit of {METADATA_MAX_PAIRS}: remove some first"
        )
    return merged


@dataclass(frozen=True)
class ForeignClaim:
    """A live object another stack claims at an address this project declares."""

    address: str
    stack: str
    id: str


def foreign_claims(
    stack: str, kind: str, raws: Sequence[Mapping[str, Any]], declared: Iterable[str]
) -> list[ForeignClaim]:
    """Objects of ``kind`` tagged with another stack at one of the ``declared`` names that
    ``stack`` does not own yet (a renamed ``stack:`` would plan them as duplicates)."""
    wanted = set(declared)
    ours = {n for r in raws if (n := claim(r, stack, kind)) is not None}
    found: list[ForeignClaim] = []
    for raw in raws:
        meta = raw.get("metadata")
        other = meta.get(META_STACK) if isinstance(meta, Mapping) else None
        if not isinstance(other, str) or other == stack:
            continue
        name = claim(raw, other, kind)
        if name is not None and name in wanted and name not in ours:
            found.append(ForeignClaim(f"{kind}.{name}", other, str(raw.get("id"))))
    return found


def stack_move_note(stack: str, found: Sequence[ForeignClaim]) -> tuple[str, ...]:
    """The plan note for :func:`foreign_claims` (empty when there are none)."""
    if not found:
        return ()
    stacks = sorted({f.stack for f in found})
    sample = ", ".join(f"{f.address} ({f.id}, stack {f.stack})" for f in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return (
        f"Warning: stack '{stack}' owns nothing at {len(found)} declared address"
        f"{'es' if len(found) != 1 else ''} that stack {' / '.join(repr(s) for s in stacks)} holds: "
        f"{sample}{more}. If you renamed 'stack:' in asstctl.yaml, this plan creates duplicates: "
        f"move the stack instead with 'asstctl import --from-stack {stacks[0]}' (see \"Stack moves\" "
        "in the README), or set 'stack:' back.",
    )
