"""How asstctl marks what it owns on the live API, and how it recognises its own.

Assistants and vector stores carry two reserved metadata keys; vector-store files carry
three reserved attributes. Uploaded File objects have no metadata at all, so their
``filename`` carries the stack and content hash instead::

    asstctl~<stack>~<sha256 hex>~<basename>

The basename keeps its extension, which the API uses to decide whether file search can
parse the file. A live resource without this stack's tag is never changed or deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asstctl.errors import OwnershipError

META_STACK = "asstctl_stack"
"""Metadata key (assistants, vector stores) holding the owning stack."""
META_ADDRESS = "asstctl_address"
"""Metadata key (assistants, vector stores) holding the resource address."""
RESERVED_METADATA_KEYS = (META_STACK, META_ADDRESS)

ATTR_STACK = "asstctl_stack"
"""Vector-store-file attribute holding the owning stack."""
ATTR_PATH = "asstctl_path"
"""Vector-store-file attribute holding the file's path relative to the project."""
ATTR_SHA256 = "asstctl_sha256"
"""Vector-store-file attribute holding the sha256 of the uploaded bytes."""
RESERVED_ATTRIBUTE_KEYS = (ATTR_STACK, ATTR_PATH, ATTR_SHA256)

UPLOAD_PREFIX = "asstctl~"
_SEP = "~"


def upload_filename(stack: str, sha256: str, basename: str) -> str:
    """The filename under which a local file is uploaded for ``stack``."""
    return f"{UPLOAD_PREFIX}{stack}{_SEP}{sha256}{_SEP}{basename}"


@dataclass(frozen=True)
class UploadName:
    """The parts of an upload filename made by :func:`upload_filename`."""

    stack: str
    sha256: str
    basename: str


def parse_upload_filename(filename: str) -> UploadName | None:
    """Split an upload filename into its parts; ``None`` if asstctl did not make it."""
    if not filename.startswith(UPLOAD_PREFIX):
        return None
    parts = filename[len(UPLOAD_PREFIX) :].split(_SEP, 2)
    if len(parts) != 3 or len(parts[1]) != 64:
        return None
    stack, sha, base = parts
    if not stack or not base or any(c not in "0123456789abcdef" for c in sha):
        return None
    return UploadName(stack=stack, sha256=sha, basename=base)


def ownership_metadata(stack: str, address: str) -> dict[str, str]:
    """The reserved metadata pairs for a resource at ``address`` in ``stack``."""
    return {META_STACK: stack, META_ADDRESS: address}


def owned_address(metadata: dict[str, str] | None, stack: str) -> str | None:
    """The address a live resource claims in ``stack``, or ``None`` if not ours."""
    if not metadata or metadata.get(META_STACK) != stack:
        return None
    return metadata.get(META_ADDRESS)


def claim(raw: Mapping[str, Any], stack: str, kind: str) -> str | None:
    """The manifest name a live object claims in ``stack`` as a ``kind`` (None if not ours)."""
    address = owned_address(raw.get("metadata"), stack)
    prefix = f"{kind}."
    if address is None or not address.startswith(prefix) or len(address) == len(prefix):
        return None
    return address[len(prefix) :]


def unique_claims(stack: str, kind: str, raws: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Owned objects by name; two claiming one address stop everything (``OwnershipError``)."""
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for raw in raws:
        name = claim(raw, stack, kind)
        if name is not None:
            by_name.setdefault(name, []).append(raw)
    clashes = {n: rs for n, rs in by_name.items() if len(rs) > 1}
    if clashes:
        lines = [
            f"ambiguous ownership: {kind}.{n} is claimed by {' and '.join(str(r['id']) for r in rs)}"
            for n, rs in sorted(clashes.items())
        ]
        raise OwnershipError(
            "\n".join(lines)
            + f"\nBoth carry asstctl_stack={stack} and the same asstctl_address, and asstctl "
            "never guesses: delete the one you do not want, or remove its asstctl_stack / asstctl_address "
            "metadata so this stack ignores it; then run the plan again."
        )
    return {n: rs[0] for n, rs in by_name.items()}
