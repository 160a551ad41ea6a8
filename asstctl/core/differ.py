"""The differ: desired project + live state -> :class:`~asstctl.core.plan.Plan`.

Pure (no network). Reads top-down: select the addresses, diff the vector stores (and their
files), diff the assistants, then settle which uploaded Files are used, uploaded or orphaned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import notpresent

from asstctl.core import normalize as nz
from asstctl.core.live import LiveAssistant, LiveAttachment, LiveFile, LiveState, LiveVectorStore
from asstctl.core.model import DesiredAssistant, DesiredVectorStore, LocalFile, Project
from asstctl.core.plan import Action, AttributeChange, FileAction, FileChange, Plan, ResourceChange
from asstctl.errors import UsageError

JSON = Any

REASON_NOT_IN_MANIFEST = "not in any manifest"
REASON_DESTROY = "destroy requested"
REASON_EXPIRED = "the vector store has expired"
NO_ASSISTANTS_NOTE = (
    "This endpoint does not serve the Assistants API (/v1/assistants answered 404); no assistants to manage."
)
_FAILED_STATUSES = ("failed", "cancelled")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

ContentKey = tuple[str, str]
"""(sha256, basename): how an uploaded File is identified."""


def build_plan(
    project: Project, live: LiveState, *, destroy: bool = False, targets: Sequence[str] = ()
) -> Plan:
    """Everything apply would do to make ``live`` match ``project`` (or, with ``destroy``,
    to remove what the stack owns), limited to ``targets`` and what they depend on."""
    selected = _select(project, live, targets, destroy=destroy)
    stores = _diff_vector_stores(project, live, selected, destroy=destroy)
    new_stores = frozenset(c.address for c in stores if c.action in (Action.CREATE, Action.REPLACE))
    assistants = _diff_assistants(project, live, selected, destroy=destroy, new_stores=new_stores)
    changes = (*stores, *assistants)
    files = _settle_files(project, live, changes, cleanup=not targets, destroy=destroy)
    notes = () if live.assistants_supported else (NO_ASSISTANTS_NOTE,)
    return Plan(
        stack=project.stack,
        changes=changes,
        uploads=files.uploads,
        orphan_files=files.orphans,
        notes=notes,
        file_ids=files.file_ids,
        destroy=destroy,
        project_fingerprint=project.fingerprint,
        live_fingerprints=dict(live.fingerprints),
    )


# --- selection -------------------------------------------------------------------------


def _select(project: Project, live: LiveState, targets: Sequence[str], *, destroy: bool) -> frozenset[str]:
    """Addresses in play: all of them, or the targets plus what they depend on (for a
    destroy: plus what depends on them, which must go first)."""
    known = set(project.addresses())
    known |= {f"assistant.{n}" for n in live.assistants}
    known |= {f"vector_store.{n}" for n in live.vector_stores}
    if not targets:
        return frozenset(known)
    unknown = [t for t in targets if t not in known]
    if unknown:
        valid = ", ".join(sorted(known)) or "(none)"
        raise UsageError(f"unknown --target {', '.join(unknown)}; valid addresses: {valid}")
    chosen = set(targets)
    for a in project.assistants:
        store = f"vector_store.{a.vector_store}" if a.vector_store else None
        if store is None:
            continue
        if not destroy and a.address in chosen:
            chosen.add(store)
        if destroy and store in chosen:
            chosen.add(a.address)
    return frozenset(chosen)


# --- vector stores ---------------------------------------------------------------------


def _diff_vector_stores(
    project: Project, live: LiveState, selected: frozenset[str], *, destroy: bool
) -> list[ResourceChange]:
    out: list[ResourceChange] = []
    desired_names = {v.name for v in project.vector_stores}
    for v in project.vector_stores:
        if v.address in selected:
            lv = live.vector_stores.get(v.name)
            if not destroy:
                out.append(_diff_store(v, lv, project.stack))
            elif lv is not None:
                out.append(_delete_store(lv, REASON_DESTROY, v))
    for name in sorted(live.vector_stores):
        if name not in desired_names and f"vector_store.{name}" in selected:
            reason = REASON_DESTROY if destroy else REASON_NOT_IN_MANIFEST
            out.append(_delete_store(live.vector_stores[name], reason, None))
    return out


def _delete_store(lv: LiveVectorStore, reason: str, v: DesiredVectorStore | None) -> ResourceChange:
    return ResourceChange(
        address=f"vector_store.{lv.name}",
        kind="vector_store",
        name=lv.name,
        action=Action.DELETE,
        reason=reason,
        id=lv.id,
        before=nz.live_vector_store_form(lv.raw),
        prevent_destroy=bool(v and v.prevent_destroy),
        unchanged_files=len(lv.attachments),
    )


def _diff_store(v: DesiredVectorStore, lv: LiveVectorStore | None, stack: str) -> ResourceChange:
    after = nz.desired_vector_store_form(v, stack)
    attach_all = tuple(_attach(f) for f in v.files)
    create = ResourceChange(
        address=v.address,
        kind="vector_store",
        name=v.name,
        action=Action.CREATE,
        after=after,
        prevent_destroy=v.prevent_destroy,
        file_changes=attach_all,
    )
    if lv is None:
        return create
    before = nz.live_vector_store_form(lv.raw)
    if lv.raw.get("status") == "expired":
        forced = AttributeChange("status", "expired", None, forces_replacement=True)
        return replace(
            create,
            action=Action.REPLACE,
            reason=REASON_EXPIRED,
            id=lv.id,
            before={**before, "status": "expired"},
            changes=(forced, *attribute_changes(before, after)),
            requires_replace=("status",),
        )
    changes = attribute_changes(before, after)
    file_changes, unchanged = _diff_files(v, lv)
    action = Action.UPDATE if changes or file_changes else Action.NOOP
    return replace(
        create,
        action=action,
        id=lv.id,
        before=before,
        changes=changes,
        file_changes=file_changes,
        unchanged_files=unchanged,
    )


def _attach(f: LocalFile) -> FileChange:
    return FileChange(
        path=f.path, action=FileAction.ATTACH, sha256_after=f.sha256, attributes_after=_attrs(f)
    )


def _attrs(f: LocalFile) -> JSON:
    return nz.canonical(dict(f.attributes))


def _chunking_text(strategy: JSON) -> str:
    form = nz.chunking_form(strategy)
    static = form.get("static") if isinstance(form, Mapping) else None
    if isinstance(static, Mapping):
        return f"static {static.get('max_chunk_size_tokens')}/{static.get('chunk_overlap_tokens')}"
    return str(form.get("type") if isinstance(form, Mapping) else form)


def _diff_files(v: DesiredVectorStore, lv: LiveVectorStore) -> tuple[tuple[FileChange, ...], int]:
    """File changes of a store that stays, and how many files stay as they are."""
    wanted = {f.path: f for f in v.files}
    want_chunking = nz.chunking_form(nz.chunking_request(v))
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
            changes.append(_attach(f))
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


def _detach(att: LiveAttachment, path: str, reason: str) -> FileChange:
    return FileChange(
        path=path,
        action=FileAction.DETACH,
        reason=reason,
        file_id=att.file_id,
        sha256_before=att.sha256,
        attributes_before=nz.user_attributes(att.attributes),
    )


def _best_attachment(atts: list[LiveAttachment], sha256: str) -> LiveAttachment:
    """Of several attachments for one path, the one to keep: same content, ingested, oldest."""
    return min(
        atts,
        key=lambda a: (a.sha256 != sha256, a.status in _FAILED_STATUSES, a.status != "completed", a.file_id),
    )


def _diff_file(f: LocalFile, att: LiveAttachment, want_chunking: JSON) -> FileChange | None:
    before_attrs = nz.user_attributes(att.attributes)
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
    if att.chunking_strategy is not None and nz.chunking_form(att.chunking_strategy) != want_chunking:
        was, now = _chunking_text(att.chunking_strategy), _chunking_text(want_chunking)
        reason = f"chunking strategy changed: {was} -> {now}"
        return FileChange(action=FileAction.REATTACH, reason=reason, **base)
    if before_attrs != after_attrs:
        return FileChange(action=FileAction.UPDATE_ATTRIBUTES, reason="attributes changed", **base)
    return None


# --- assistants ------------------------------------------------------------------------


def _diff_assistants(
    project: Project,
    live: LiveState,
    selected: frozenset[str],
    *,
    destroy: bool,
    new_stores: frozenset[str],
) -> list[ResourceChange]:
    out: list[ResourceChange] = []
    desired_names = {a.name for a in project.assistants}
    for a in project.assistants:
        if a.address not in selected:
            continue
        la = live.assistants.get(a.name)
        if destroy:
            if la is not None:
                out.append(_delete_assistant(la, live, REASON_DESTROY, a))
            continue
        out.append(_diff_assistant(a, la, live, project.stack, new_stores))
    for name in sorted(live.assistants):
        if name not in desired_names and f"assistant.{name}" in selected:
            reason = REASON_DESTROY if destroy else REASON_NOT_IN_MANIFEST
            out.append(_delete_assistant(live.assistants[name], live, reason, None))
    return out


def _delete_assistant(
    la: LiveAssistant, live: LiveState, reason: str, a: DesiredAssistant | None
) -> ResourceChange:
    return ResourceChange(
        address=f"assistant.{la.name}",
        kind="assistant",
        name=la.name,
        action=Action.DELETE,
        reason=reason,
        id=la.id,
        before=nz.live_assistant_form(la.raw, live, desired=None),
        prevent_destroy=bool(a and a.prevent_destroy),
    )


def _diff_assistant(
    a: DesiredAssistant,
    la: LiveAssistant | None,
    live: LiveState,
    stack: str,
    new_stores: frozenset[str],
) -> ResourceChange:
    create = ResourceChange(
        address=a.address,
        kind="assistant",
        name=a.name,
        action=Action.CREATE,
        after=nz.desired_assistant_form(a, stack, new_stores=new_stores),
        prevent_destroy=a.prevent_destroy,
    )
    if la is None:
        return create
    before = nz.live_assistant_form(la.raw, live, desired=a)
    changes = attribute_changes(before, create.after)
    action = Action.UPDATE if changes else Action.NOOP
    return replace(create, action=action, id=la.id, before=before, changes=changes)


# --- attribute changes -----------------------------------------------------------------


def format_path(parts: Iterable[str | int]) -> str:
    """``["tools", 0, "function", "name"]`` -> ``tools[0].function.name``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif _IDENT.match(p):
            out += f".{p}" if out else p
        else:
            out += f"[{p!r}]"
    return out


def _canonical(form: Mapping[str, JSON]) -> str:
    """An exact text form: equal only if the values are equal in type too (1 and 1.0 differ)."""
    return json.dumps(form, sort_keys=True, separators=(",", ":"))


def attribute_changes(before: Mapping[str, JSON], after: Mapping[str, JSON]) -> tuple[AttributeChange, ...]:
    """Field-level changes between two normalized forms, in the forms' field order."""
    if _canonical(before) == _canonical(after):  # the common no-op case, without deepdiff's cost
        return ()
    diff = DeepDiff(dict(before), dict(after), view="tree", ignore_numeric_type_changes=True)
    order = {k: i for i, k in enumerate([*after, *before])}
    found: list[tuple[tuple[Any, ...], AttributeChange]] = []
    for levels in diff.values():
        for level in levels:
            parts = level.path(output_format="list")
            b = None if level.t1 is notpresent else level.t1
            c = None if level.t2 is notpresent else level.t2
            key = (
                order.get(parts[0], len(order)),
                *((0, p) if isinstance(p, int) else (1, p) for p in parts),
            )
            found.append((key, AttributeChange(path=format_path(parts), before=b, after=c)))
    found.sort(key=lambda kv: kv[0])
    return tuple(change for _, change in found)


# --- uploaded files --------------------------------------------------------------------


@dataclass(frozen=True)
class _FilePlan:
    uploads: tuple[str, ...]
    orphans: tuple[str, ...]
    file_ids: dict[str, str]


_NEEDS_CONTENT = (FileAction.ATTACH, FileAction.REPLACE)


def _settle_files(
    project: Project, live: LiveState, changes: Sequence[ResourceChange], *, cleanup: bool, destroy: bool
) -> _FilePlan:
    """Which live File serves each local file, which contents need uploading, and which
    of the stack's Files nothing uses after apply."""
    by_key: dict[ContentKey, list[LiveFile]] = {}
    for lf in live.files.values():
        by_key.setdefault((lf.sha256, lf.basename), []).append(lf)
    if destroy:
        orphans = tuple(lf.id for lf in sorted(live.files.values(), key=_file_order)) if cleanup else ()
        return _FilePlan(uploads=(), orphans=orphans, file_ids={})

    referenced = _referenced_after_apply(live, changes)
    in_play = {c.address: c for c in changes if c.action is not Action.DELETE}
    desired_files: list[LocalFile] = []
    needing: set[str] = set()
    for v in project.vector_stores:
        change = in_play.get(v.address)
        if change is None:
            continue
        desired_files.extend(v.files)
        needing |= {fc.path for fc in change.file_changes if fc.action in _NEEDS_CONTENT}
    for a in project.assistants:
        change = in_play.get(a.address)
        if change is None:
            continue
        desired_files.extend(a.code_interpreter_files)
        if change.action is not Action.NOOP:
            needing |= {f.path for f in a.code_interpreter_files}

    file_ids: dict[str, str] = {}
    uploads: dict[ContentKey, str] = {}
    kept: set[str] = set(referenced)
    for f in sorted(desired_files, key=lambda f: f.path):
        key = (f.sha256, f.basename)
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
    orphans = tuple(lf.id for lf in sorted(unused, key=_file_order)) if cleanup else ()
    return _FilePlan(uploads=tuple(sorted(uploads.values())), orphans=orphans, file_ids=file_ids)


def _file_order(lf: LiveFile) -> tuple[str, str, int, str]:
    """Files listed by name and content (ids are random; plans must be stable)."""
    return (lf.basename, lf.sha256, lf.created_at, lf.id)


def _referenced_after_apply(live: LiveState, changes: Sequence[ResourceChange]) -> set[str]:
    """File ids that stay in use without apply touching them: attachments that stay in
    stores that stay, and code-interpreter files of assistants left as they are."""
    referenced: set[str] = set()
    leaving = {
        (c.address, fc.file_id)
        for c in changes
        for fc in c.file_changes
        if fc.action in (FileAction.DETACH, FileAction.REPLACE)
    }
    for c in changes:
        if c.kind == "vector_store" and c.action in (Action.NOOP, Action.UPDATE):
            lv = live.vector_stores.get(c.name)
            for att in lv.attachments if lv else ():
                if (c.address, att.file_id) not in leaving:
                    referenced.add(att.file_id)
        if c.kind == "assistant" and c.action is Action.NOOP and c.name in live.assistants:
            raw = live.assistants[c.name].raw
            resources = raw.get("tool_resources") or {}
            ci = resources.get("code_interpreter") or {}
            referenced |= set(ci.get("file_ids") or [])
    return referenced & set(live.files)
