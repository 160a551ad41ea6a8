"""An assistant under the ``responses`` deploy target: a configuration, kept as a record File.

There is no assistant object on such an endpoint. What asstctl deploys is the rendered
``client.responses.create`` request (:mod:`~asstctl.kinds.assistant.responses`), uploaded as a
JSON File whose name (``ownership.record_filename``) carries the stack, the content's sha256
and the address, so the one Files listing every plan makes already tells whether it changed.
Same sha256: no-op. Another: the new record is uploaded (after the stores and Files it names
exist), then the old one deleted. The vector stores and code-interpreter Files it uses are the
other kinds' and the differ's, exactly as under the Assistants API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from asstctl.core.live import JSON, LiveFile, LiveObject, LiveState, fingerprint
from asstctl.core.model import LocalFile, Project
from asstctl.core.normalize import AFTER_APPLY
from asstctl.core.ownership import parse_record_filename, record_filename
from asstctl.core.plan import Action, AttributeChange, ResourceChange
from asstctl.errors import AsstctlError
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.assistant.responses import record_content, record_sha256, responses_request, unresolved
from asstctl.kinds.base import ApplyContext, DiffContext, Fetched, Step

TARGET = "responses"
REASON = "a Responses API configuration (kept as a record File; no assistant object)"
_VOLATILE = ("status", "status_details")


@dataclass(frozen=True)
class LiveRecord(LiveObject):
    """The newest configuration record of one address (``raw``: the File as listed)."""

    sha256: str = ""
    others: tuple[str, ...] = ()
    """Older records of the same address (an apply stopped between write and delete)."""
    address: str = ""
    """The address its filename names (another one than ``name``'s after a ``moved:``)."""


def interpret_records(
    stack: str, files: Sequence[Mapping[str, JSON]], kind: str, notes: tuple[str, ...]
) -> Fetched:
    """The stack's configuration records of ``kind`` from the raw Files listing."""
    by_name: dict[str, list[Mapping[str, JSON]]] = {}
    for raw in files:
        parsed = parse_record_filename(str(raw.get("filename") or ""))
        if parsed is None or parsed.stack != stack or not parsed.address.startswith(f"{kind}."):
            continue
        by_name.setdefault(parsed.address.split(".", 1)[1], []).append(raw)
    objects: dict[str, LiveObject] = {}
    prints: dict[str, str] = {}
    for name, raws in by_name.items():
        ordered = sorted(raws, key=lambda r: (int(r.get("created_at") or 0), str(r["id"])))
        newest = ordered[-1]
        parsed = parse_record_filename(str(newest["filename"]))
        assert parsed is not None
        objects[name] = LiveRecord(
            id=str(newest["id"]),
            name=name,
            raw=dict(newest),
            sha256=parsed.sha256,
            others=tuple(str(r["id"]) for r in ordered[:-1]),
            address=parsed.address,
        )
        for r in raws:
            prints[str(r["id"])] = fingerprint({k: v for k, v in r.items() if k not in _VOLATILE})
    return Fetched(objects=objects, fingerprints=prints, notes=notes, supported=False, target=TARGET)


# --- live ids ----------------------------------------------------------------------------


def pick_file(live: LiveState, f: LocalFile) -> str | None:
    """The File that serves ``f``: the oldest of the stack's Files with its content (the same
    choice the differ makes, so a rendered id stays stable)."""
    found = [lf for lf in live.files.values() if (lf.sha256, lf.basename) == (f.sha256, f.basename)]
    return min(found, key=_age).id if found else None


def _age(lf: LiveFile) -> tuple[int, str]:
    return (lf.created_at, lf.id)


def known_ids(
    a: DesiredAssistant, live: LiveState, *, new: frozenset[str] | set[str] = frozenset()
) -> dict[str, str]:
    """The live ids ``a`` references (``responses_request``'s ``ids``), as far as they are known
    now; ``new`` are addresses a plan creates or replaces (their ids come with apply)."""
    ids: dict[str, str] = {}
    if a.store_address is not None and a.store_address not in new and a.vector_store is not None:
        store = live.vector_stores.get(a.vector_store)
        if store is not None:
            ids[a.store_address] = store.id
    for f in a.code_interpreter_files:
        fid = pick_file(live, f)
        if fid is not None:
            ids[f.path] = fid
    return ids


def project_ids(project: Project, live: LiveState) -> dict[str, dict[str, str]]:
    """Every declared assistant's known ids, by name."""
    return {a.name: known_ids(a, live) for a in project.assistants}


# --- diff --------------------------------------------------------------------------------


def diff(kind: str, a: DesiredAssistant, live: LiveObject | None, ctx: DiffContext) -> ResourceChange:
    """The change making the live record (None: none yet) hold ``a``'s rendered configuration."""
    request = responses_request(a, known_ids(a, ctx.live, new=ctx.replaced))
    create = ResourceChange(
        address=a.address,
        kind=kind,
        name=a.name,
        action=Action.CREATE,
        reason=REASON,
        after=request,
        prevent_destroy=a.prevent_destroy,
    )
    if not isinstance(live, LiveRecord):
        return create
    sha = None if unresolved(request) else record_sha256(request)
    if sha == live.sha256 and live.address not in ("", a.address):  # moved: re-uploaded under a.address
        moved = AttributeChange("record", live.address, a.address)
        return replace(create, action=Action.UPDATE, id=live.id, before=request, changes=(moved,))
    if sha == live.sha256:
        if not live.others:
            return replace(create, action=Action.NOOP, id=live.id, before=request)
        stale = AttributeChange("records", len(live.others) + 1, 1)
        return replace(create, action=Action.UPDATE, id=live.id, before=request, changes=(stale,))
    before = _previous(live, ctx)
    changes = _attribute_changes(before, request) if before is not None else ()
    if not changes:  # content not readable (OpenAI refuses downloads of assistants Files)
        after_sha = f"sha256 {sha[:12]}…" if sha else AFTER_APPLY
        record = AttributeChange("record", f"sha256 {live.sha256[:12]}…", after_sha)
        changes = (record, *(AttributeChange(k, None, v) for k, v in request.items()))
    return replace(create, action=Action.UPDATE, id=live.id, before=before, changes=changes)


def _attribute_changes(before: JSON, after: JSON) -> tuple[AttributeChange, ...]:
    from asstctl.core.changes import attribute_changes

    return attribute_changes(before, after) if isinstance(before, Mapping) else ()


def _previous(live: LiveObject, ctx: DiffContext) -> JSON | None:
    """The configuration the live record holds, when its content can be read."""
    if ctx.read_content is None:
        return None
    data = ctx.read_content(live.id)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def delete(kind: str, live: LiveObject, reason: str, desired: DesiredAssistant | None) -> ResourceChange:
    """The change deleting a record (and any older ones left for the same address)."""
    return ResourceChange(
        address=f"{kind}.{live.name}",
        kind=kind,
        name=live.name,
        action=Action.DELETE,
        reason=reason,
        id=live.id,
        before={"record": f"sha256 {live.sha256[:12]}…"} if isinstance(live, LiveRecord) else None,
        prevent_destroy=bool(desired and desired.prevent_destroy),
    )


def kept_file_ids(change: ResourceChange) -> set[str]:
    """The Files the configuration names (kept by the record even when it changes)."""
    if change.action not in (Action.NOOP, Action.UPDATE) or not isinstance(change.after, Mapping):
        return set()
    ids: set[str] = set()
    for tool in change.after.get("tools") or []:
        container = tool.get("container") if tool.get("type") == "code_interpreter" else None
        if isinstance(container, Mapping):
            ids |= {i for i in container.get("file_ids") or [] if i != AFTER_APPLY}
    return ids


# --- apply -------------------------------------------------------------------------------


def steps(c: ResourceChange, a: DesiredAssistant | None, ctx: ApplyContext) -> list[Step]:
    """One step: write the new record after what it names exists, then delete the old ones."""
    found = ctx.live.of(c.kind).get(c.name)
    old = found if isinstance(found, LiveRecord) else None
    stale = [old.id, *old.others] if old is not None else []
    if c.action is Action.DELETE or a is None:

        def remove() -> str:
            for fid in stale:
                ctx.writer.delete_file(fid)
            return f"destroyed ({c.id})"

        return [Step(c.address, remove)]
    needs: tuple[str, ...] = ()
    if a.store_address is not None and (store_step := ctx.main_step(a.store_address)):
        needs += (store_step,)
    needs += ctx.uploads_of(a.code_interpreter_files)

    def write() -> str:
        ids: dict[str, str] = {f.path: ctx.file_id(f) for f in a.code_interpreter_files}
        if a.store_address is not None and (store_id := ctx.id_of(a.store_address)) is not None:
            ids[a.store_address] = store_id
        request = responses_request(a, ids)
        if unresolved(request):
            raise AsstctlError(f"{a.store_address} does not exist yet; run apply again")
        sha = record_sha256(request)
        if old is not None and old.sha256 == sha and old.address in ("", a.address):
            new_id = old.id
            stale.remove(old.id)
        else:
            name = record_filename(ctx.stack, sha, a.address)
            new_id = ctx.writer.upload_record(a.address, name, record_content(request))
        ctx.set_id(a.address, new_id)
        for fid in stale:
            ctx.writer.delete_file(fid)
        return f"configured ({new_id})"

    return [Step(c.address, write, needs)]
