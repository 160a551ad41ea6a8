"""Re-tagging a vector store (``import``, ``forget``, ``moved:``): the store's metadata, and
the ownership attributes of its file attachments.

Files carry no metadata and their ``filename`` cannot be changed, so an adopted store's Files
are claimed through their attachments: an attached File whose name and size match a declared
file is taken to hold that file's content — its attachment is tagged with the file's path
and sha256 — and stays referenced as it is. asstctl does not own such a File (its name is
not an asstctl upload name), so no apply or destroy ever deletes it; when the local file
changes, apply uploads the new bytes and detaches it. Declared files nothing matches are
uploaded and attached by the next apply; attached Files no declared file matches are
detached by it (the Files themselves stay).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from asstctl.core.managed import KEYS
from asstctl.core.model import LocalFile
from asstctl.core.ownership import (
    ATTR_PATH,
    ATTR_SHA256,
    ATTR_STACK,
    META_STACK,
    METADATA_MAX_PAIRS,
    RESERVED_ATTRIBUTE_KEYS,
    parse_upload_filename,
)
from asstctl.errors import UsageError
from asstctl.kinds.base import ObjectAPI, Retagging, TagWrite
from asstctl.kinds.tagging import metadata_write
from asstctl.kinds.vector_store.model import DesiredVectorStore

BETA = "assistants=v2"
PAGE = 100


@dataclass(frozen=True)
class _Attached:
    """One attachment of the store, with what its File says about itself."""

    file_id: str
    attributes: Mapping[str, Any]
    filename: str | None
    """None: the File is gone (or unreadable)."""
    size: int | None
    sha256: str | None
    """Known only when the filename is an asstctl upload name."""

    @property
    def basename(self) -> str | None:
        if self.filename is None:
            return None
        parsed = parse_upload_filename(self.filename)
        return parsed.basename if parsed else self.filename


def retag_store(
    api: ObjectAPI, raw: Mapping[str, Any], tags: Mapping[str, str] | None, desired: DesiredVectorStore | None
) -> Retagging:
    """See :meth:`asstctl.kinds.base.Adoptable.retag`."""
    vs_id = str(raw["id"])
    store = metadata_write(api, f"vector store {vs_id}", f"/vector_stores/{vs_id}", raw, tags, beta=BETA)
    if tags is not None and desired is None:  # moved: attachments carry the stack, not the address
        return Retagging(writes=(store,))
    attachments = api.list_all(
        f"listing the files of vector store {vs_id}",
        f"/vector_stores/{vs_id}/files",
        {"limit": PAGE},
        beta=BETA,
    )
    if tags is None:
        writes = [_untag(api, vs_id, a) for a in attachments if _reserved(a)]
        return Retagging(writes=(store, *writes))
    assert desired is not None
    attached = [_read_file(api, a) for a in attachments]
    return _claim(api, vs_id, store, attached, desired, tags)


def _reserved(att: Mapping[str, Any]) -> bool:
    return any(k in (att.get("attributes") or {}) for k in RESERVED_ATTRIBUTE_KEYS)


def _attr_write(
    api: ObjectAPI, vs_id: str, file_id: str, attributes: Mapping[str, Any], text: str
) -> TagWrite:
    if len(attributes) > METADATA_MAX_PAIRS:
        raise UsageError(
            f"file {file_id} in vector store {vs_id} has too many attributes to add asstctl's three "
            f"(the API allows {METADATA_MAX_PAIRS}): remove some first"
        )
    body = {"attributes": dict(attributes)}

    def run() -> None:
        api.post(
            f"re-tagging file {file_id} of vector store {vs_id}",
            f"/vector_stores/{vs_id}/files/{file_id}",
            body,
            beta=BETA,
        )

    return TagWrite(f"vector store {vs_id} file {file_id}: {text}", run)


def _untag(api: ObjectAPI, vs_id: str, att: Mapping[str, Any]) -> TagWrite:
    mine = (*RESERVED_ATTRIBUTE_KEYS, KEYS)
    kept = {k: v for k, v in (att.get("attributes") or {}).items() if k not in mine}
    return _attr_write(
        api, vs_id, str(att["id"]), kept, "remove attributes " + ", ".join(RESERVED_ATTRIBUTE_KEYS)
    )


def _read_file(api: ObjectAPI, att: Mapping[str, Any]) -> _Attached:
    file_id = str(att["id"])
    got = api.get(f"reading file {file_id}", f"/files/{file_id}", beta=None)
    filename = got.get("filename") if isinstance(got, dict) else None
    size = got.get("bytes") if isinstance(got, dict) else None
    parsed = parse_upload_filename(filename) if isinstance(filename, str) else None
    return _Attached(
        file_id=file_id,
        attributes=dict(att.get("attributes") or {}),
        filename=filename if isinstance(filename, str) else None,
        size=size if isinstance(size, int) else None,
        sha256=parsed.sha256 if parsed else None,
    )


def _matches(att: _Attached, f: LocalFile) -> bool:
    return (
        att.basename == f.basename and att.size == f.size and (att.sha256 is None or att.sha256 == f.sha256)
    )


def match_files(attached: Sequence[_Attached], files: Sequence[LocalFile]) -> dict[str, LocalFile]:
    """File id -> the declared file it is claimed for (name and size match; an asstctl upload
    name's sha256 must match too). Each declared file is claimed once, by its oldest-listed
    match; a File matching several declared files is claimed for the one whose path its
    attachment already names, else for none (it is detached; the files are uploaded)."""
    claimed: dict[str, LocalFile] = {}
    taken: set[str] = set()
    for att in attached:
        candidates = [f for f in files if f.path not in taken and _matches(att, f)]
        named = [f for f in candidates if att.attributes.get(ATTR_PATH) == f.path]
        chosen = named or (candidates if len(candidates) == 1 else [])
        if chosen:
            claimed[att.file_id] = chosen[0]
            taken.add(chosen[0].path)
    return claimed


def _claim(
    api: ObjectAPI,
    vs_id: str,
    store: TagWrite,
    attached: Sequence[_Attached],
    desired: DesiredVectorStore,
    tags: Mapping[str, str],
) -> Retagging:
    claimed = match_files(attached, desired.files)
    stack = str(tags.get(META_STACK, api.stack))
    writes = [store]
    for att in attached:
        f = claimed.get(att.file_id)
        if f is None:
            continue
        kept = {k: v for k, v in att.attributes.items() if k not in RESERVED_ATTRIBUTE_KEYS}
        attrs = {**kept, ATTR_STACK: stack, ATTR_PATH: f.path, ATTR_SHA256: f.sha256}
        writes.append(
            _attr_write(api, vs_id, att.file_id, attrs, f"claim as {f.path} (sha256 {f.sha256[:12]})")
        )
    address = desired.address
    notes: list[str] = []
    n = len(claimed)
    if claimed:
        listed = ", ".join(
            f"{f.path} <- {fid}" for fid, f in sorted(claimed.items(), key=lambda i: i[1].path)
        )
        notes.append(
            f"{address}: {n} attached File{'s' if n != 1 else ''} matched a declared file "
            f"by name and size and {'are' if n != 1 else 'is'} claimed ({listed}). Files cannot be "
            "renamed, so they keep their names and are never deleted by asstctl; a changed local file is "
            "uploaded anew"
        )
    missing = sorted(f.path for f in desired.files if f not in claimed.values())
    if missing:
        them = "them" if len(missing) != 1 else "it"
        notes.append(
            f"{address}: {len(missing)} declared file{'s' if len(missing) != 1 else ''} matched no attached "
            f"File by name and size; the next apply uploads and attaches {them}: " + ", ".join(missing)
        )
    extra = [a for a in attached if a.file_id not in claimed]
    if extra:
        listed = ", ".join(f"{a.file_id} ({a.filename or 'File gone'})" for a in extra)
        notes.append(
            f"{address}: {len(extra)} attached File{'s' if len(extra) != 1 else ''} matched no declared "
            "file; "
            f"the next apply detaches {'them' if len(extra) != 1 else 'it'} (the Files stay): {listed}"
        )
    return Retagging(writes=tuple(writes), notes=tuple(notes))
