"""The differ: desired project + live state -> :class:`~asstctl.core.plan.Plan`.

Pure (no network) and generic: it selects the addresses in play, asks each kind in registry
order to diff its records, then settles which uploaded Files are used, uploaded or orphaned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from asstctl.core.changes import attribute_changes, format_path
from asstctl.core.live import LiveFile, LiveState
from asstctl.core.model import LocalFile, Project
from asstctl.core.moves import apply_moves
from asstctl.core.orphans import orphan_details
from asstctl.core.ownership import content_key
from asstctl.core.plan import Action, Plan, ResourceChange
from asstctl.errors import UsageError
from asstctl.kinds.base import DiffContext
from asstctl.kinds.registry import BY_NAME, KINDS

REASON_NOT_IN_MANIFEST = "not in any manifest"
REASON_DESTROY = "destroy requested"

ContentKey = tuple[str, str]
"""(sha256, basename): how an uploaded File is identified."""

__all__ = ["attribute_changes", "build_plan", "format_path"]


def build_plan(
    project: Project,
    live: LiveState,
    *,
    destroy: bool = False,
    targets: Sequence[str] = (),
    read_content: Callable[[str], bytes | None] | None = None,
) -> Plan:
    """Everything apply would do to make ``live`` match ``project`` (or, with ``destroy``,
    to remove what the stack owns), limited to ``targets`` and what they depend on.
    ``read_content`` (a File's bytes by id) lets a kind show what a changed record held."""
    live, moved, _ = apply_moves(project, live)  # ``moved:``: renamed addresses keep their objects
    selected = _select(project, live, targets, destroy=destroy)
    ctx = DiffContext(
        stack=project.stack, live=live, project=project, destroy=destroy, read_content=read_content
    )
    changes: list[ResourceChange] = []
    for kind in KINDS:
        desired_names = set()
        for d in project.desired(kind.name):
            desired_names.add(d.name)
            if d.address not in selected:
                continue
            obj = live.of(kind.name).get(d.name)
            if destroy:
                if obj is not None:
                    changes.append(kind.delete(obj, REASON_DESTROY, d, ctx))
                continue
            change = kind.diff(d, obj, ctx)
            if change.action in (Action.CREATE, Action.REPLACE):
                ctx.replaced.add(change.address)
            changes.append(change)
        for name in sorted(live.of(kind.name)):
            if name not in desired_names and f"{kind.name}.{name}" in selected:
                reason = REASON_DESTROY if destroy else REASON_NOT_IN_MANIFEST
                changes.append(kind.delete(live.of(kind.name)[name], reason, None, ctx))
    files = _settle_files(project, live, changes, cleanup=not targets, destroy=destroy)
    return Plan(
        stack=project.stack,
        changes=tuple(changes),
        uploads=files.uploads,
        orphan_files=files.orphans,
        orphan_details=orphan_details(live, files.orphans),
        notes=live.notes + kept_notes(live, files.kept),
        file_ids=files.file_ids,
        destroy=destroy,
        project_fingerprint=project.fingerprint,
        live_fingerprints=live.fingerprints,  # (computed only if a saved plan needs them)
        moves=() if destroy else tuple(m for m in moved if m.to in selected),
    )


# --- selection -------------------------------------------------------------------------


def _select(project: Project, live: LiveState, targets: Sequence[str], *, destroy: bool) -> frozenset[str]:
    """Addresses in play: all of them, or the targets plus what they depend on (for a
    destroy: plus what depends on them, which must go first)."""
    known = set(project.addresses())
    for kind in KINDS:
        known |= {f"{kind.name}.{n}" for n in live.of(kind.name)}
    if not targets:
        return frozenset(known)
    unknown = [t for t in targets if t not in known]
    if unknown:
        valid = ", ".join(sorted(known)) or "(none)"
        raise UsageError(f"unknown --target {', '.join(unknown)}; valid addresses: {valid}")
    chosen = set(targets)
    for kind in KINDS:
        for d in project.desired(kind.name):
            for dep in kind.dependencies(d):
                if not destroy and d.address in chosen:
                    chosen.add(dep)
                if destroy and dep in chosen:
                    chosen.add(d.address)
    return frozenset(chosen)


# --- uploaded files --------------------------------------------------------------------


@dataclass(frozen=True)
class _FilePlan:
    uploads: tuple[str, ...]
    orphans: tuple[str, ...]
    file_ids: dict[str, str]
    kept: tuple[str, ...] = ()
    """Ids of the stack's Files nothing of the stack uses, kept because something it does not
    own does (``LiveState.file_users``)."""


def _split_borrowed(
    live: LiveState, unused: list[LiveFile], cleanup: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(orphans to delete, Files kept because an object the stack does not own uses them)."""
    if not cleanup:
        return (), ()
    ordered = sorted(unused, key=_file_order)
    return (
        tuple(lf.id for lf in ordered if lf.id not in live.file_users),
        tuple(lf.id for lf in ordered if lf.id in live.file_users),
    )


def kept_notes(live: LiveState, kept: Sequence[str]) -> tuple[str, ...]:
    """One plan note per File kept for an object the stack does not own, saying why."""
    out = []
    for fid in kept:
        users = live.file_users[fid]
        more = f" and {len(users) - 3} more" if len(users) > 3 else ""
        out.append(
            f"The uploaded file {live.files[fid].basename} ({fid}) is no longer used by stack "
            f"{live.stack} but is kept: {', '.join(users[:3])}{more}, which this stack does not "
            "manage, still uses it."
        )
    return tuple(out)


def _settle_files(
    project: Project, live: LiveState, changes: Sequence[ResourceChange], *, cleanup: bool, destroy: bool
) -> _FilePlan:
    """Which live File serves each local file, which contents need uploading, and which
    of the stack's Files nothing uses after apply."""
    by_key: dict[ContentKey, list[LiveFile]] = {}
    for lf in live.files.values():
        by_key.setdefault(content_key(lf.sha256, lf.basename), []).append(lf)
    if destroy:
        orphans, borrowed = _split_borrowed(live, list(live.files.values()), cleanup)
        return _FilePlan(uploads=(), orphans=orphans, file_ids={}, kept=borrowed)

    referenced = _referenced_after_apply(live, changes)
    in_play = {c.address: c for c in changes if c.action is not Action.DELETE}
    desired_files: list[LocalFile] = []
    needing: set[str] = set()
    for kind in KINDS:
        for d in project.desired(kind.name):
            change = in_play.get(d.address)
            if change is None:
                continue
            desired_files.extend(kind.local_files(d))
            needing |= kind.needs_content(d, change)

    file_ids: dict[str, str] = {}
    uploads: dict[ContentKey, str] = {}
    kept: set[str] = set(referenced)
    for f in sorted(desired_files, key=lambda f: f.path):
        key = content_key(f.sha256, f.basename)
        candidates = by_key.get(key, [])
        if not candidates:
            if f.path in needing:
                uploads.setdefault(key, f.path)
            continue
        preferred = [lf for lf in candidates if lf.id in referenced] or candidates
        chosen = min(preferred, key=lambda lf: (lf.created_at, lf.id))
        file_ids[f.path] = chosen.id
        kept.add(chosen.id)
    unused = [lf for lf in live.files.values() if lf.id not in kept]
    orphans, borrowed = _split_borrowed(live, unused, cleanup)
    return _FilePlan(
        uploads=tuple(sorted(uploads.values())), orphans=orphans, file_ids=file_ids, kept=borrowed
    )


def _file_order(lf: LiveFile) -> tuple[str, str, int, str]:
    """Files listed by name and content (ids are random; plans must be stable)."""
    return (lf.basename, lf.sha256, lf.created_at, lf.id)


def _referenced_after_apply(live: LiveState, changes: Sequence[ResourceChange]) -> set[str]:
    """File ids that stay in use without apply touching them (each kind says which)."""
    referenced: set[str] = set()
    for c in changes:
        kind = BY_NAME.get(c.kind)
        if kind is not None:
            referenced |= kind.kept_file_ids(c, live.of(kind.name).get(c.name))
    return referenced & set(live.files)


def desired_by_address(project: Project) -> dict[str, Any]:
    """Every desired record of the project by address."""
    return {d.address: d for kind in KINDS for d in project.desired(kind.name)}
