"""The per-file half of a vector store's diff: which attachments to add, replace, re-attach,
update or detach, each with its reason."""

from __future__ import annotations

from collections.abc import Mapping

from asstctl.core.live import LiveAttachment, LiveVectorStore
from asstctl.core.managed import compared
from asstctl.core.model import JSON, LocalFile
from asstctl.core.normalize import canonical, user_attributes
from asstctl.core.plan import FileAction, FileChange
from asstctl.kinds.vector_store.forms import chunking_form, chunking_request, chunking_text
from asstctl.kinds.vector_store.model import DesiredVectorStore

_FAILED_STATUSES = ("failed", "cancelled")


def attach(f: LocalFile) -> FileChange:
    """Attach ``f`` (uploading it first when no File holds its content)."""
    return FileChange(
        path=f.path, action=FileAction.ATTACH, sha256_after=f.sha256, attributes_after=_attrs(f)
    )


def _attrs(f: LocalFile) -> JSON:
    return canonical(dict(f.attributes))


def diff_files(v: DesiredVectorStore, lv: LiveVectorStore) -> tuple[tuple[FileChange, ...], int]:
    """File changes of a store that stays, and how many files stay as they are."""
    wanted = {f.path: f for f in v.files}
    want_chunking = chunking_form(chunking_request(v))
    by_path: dict[str, list[LiveAttachment]] = {}
    changes: list[FileChange] = []
    for att in lv.attachments:
        if att.path is None or att.path not in wanted:
            reason = "not attached by asstctl" if att.path is None else "not in the manifest"
            changes.append(_detach(att, att.path or att.file_id, reason))
        else:
            by_path.setdefault(att.path, []).append(att)
    unchanged = 0
    for path, f in wanted.items():
        atts = by_path.get(path, [])
        if not atts:
            changes.append(attach(f))
            continue
        keep = _best_attachment(atts, f.sha256)
        changes.extend(_detach(a, path, "duplicate attachment") for a in atts if a is not keep)
        change = _diff_file(f, keep, want_chunking)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    changes.sort(key=lambda c: (c.path, c.action.value, c.file_id or ""))
    return tuple(changes), unchanged


def live_attributes(att: LiveAttachment) -> Mapping[str, JSON]:
    """An attachment's attributes as the API holds them (reserved keys and all)."""
    raw = att.raw.get("attributes") if isinstance(att.raw, Mapping) else None
    return raw if isinstance(raw, Mapping) else att.attributes


def _detach(att: LiveAttachment, path: str, reason: str) -> FileChange:
    return FileChange(
        path=path,
        action=FileAction.DETACH,
        reason=reason,
        file_id=att.file_id,
        sha256_before=att.sha256,
        attributes_before=user_attributes(att.attributes),
    )


def _best_attachment(atts: list[LiveAttachment], sha256: str) -> LiveAttachment:
    """Of several attachments for one path, the one to keep: same content, ingested, oldest."""
    return min(
        atts,
        key=lambda a: (a.sha256 != sha256, a.status in _FAILED_STATUSES, a.status != "completed", a.file_id),
    )


def _diff_file(f: LocalFile, att: LiveAttachment, want_chunking: JSON) -> FileChange | None:
    before_attrs = canonical(compared(live_attributes(att), f.attributes))
    after_attrs = _attrs(f)
    base = {
        "path": f.path,
        "file_id": att.file_id,
        "sha256_before": att.sha256,
        "sha256_after": f.sha256,
        "attributes_before": before_attrs,
        "attributes_after": after_attrs,
    }
    if att.sha256 != f.sha256:
        return FileChange(action=FileAction.REPLACE, reason="content changed", **base)
    if att.status in _FAILED_STATUSES:
        code = (att.last_error or {}).get("code") if isinstance(att.last_error, Mapping) else None
        reason = f"previous ingestion {att.status}" + (f": {code}" if code else "")
        return FileChange(action=FileAction.REATTACH, reason=reason, **base)
    if att.chunking_strategy is not None and chunking_form(att.chunking_strategy) != want_chunking:
        was, now = chunking_text(att.chunking_strategy), chunking_text(want_chunking)
        reason = f"chunking strategy changed: {was} -> {now}"
        return FileChange(action=FileAction.REATTACH, reason=reason, **base)
    if before_attrs != after_attrs:
        return FileChange(action=FileAction.UPDATE_ATTRIBUTES, reason="attributes changed", **base)
    return None
