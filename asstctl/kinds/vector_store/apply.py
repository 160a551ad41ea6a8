"""A vector store's apply steps: the store itself, then its file attachments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from asstctl.core.live import LiveVectorStore
from asstctl.core.model import LocalFile
from asstctl.core.plan import Action, FileAction, ResourceChange
from asstctl.kinds.base import ApplyContext, IngestionFailure, Step
from asstctl.kinds.vector_store.files import live_attributes
from asstctl.kinds.vector_store.forms import attachment_attributes, chunking_request, vector_store_body
from asstctl.kinds.vector_store.model import DesiredVectorStore


def steps(c: ResourceChange, v: DesiredVectorStore | None, ctx: ApplyContext) -> list[Step]:
    """The store step (create, replace, update or delete) and the files step, as needed."""
    if c.action is Action.DELETE or v is None:
        return [Step(c.address, _delete(c, ctx))]
    out: list[Step] = []
    if c.action in (Action.CREATE, Action.REPLACE) or (c.action is Action.UPDATE and c.changes):
        out.append(Step(c.address, _store(c, v, ctx)))
    fresh = c.action in (Action.CREATE, Action.REPLACE)
    if (fresh and v.files) or c.file_changes:
        by_path = {f.path: f for f in v.files}
        needed = v.files if fresh else [by_path[fc.path] for fc in c.file_changes if fc.path in by_path]
        deps = (c.address,) if out else ()
        out.append(Step(f"{c.address} files", _files(c, v, ctx), deps + ctx.uploads_of(needed)))
    return out


def _delete(c: ResourceChange, ctx: ApplyContext) -> Callable[[], str]:
    def run() -> str:
        assert c.id is not None
        ctx.writer.delete_vector_store(c.address, c.id)
        return f"destroyed ({c.id})"

    return run


def _store(c: ResourceChange, v: DesiredVectorStore, ctx: ApplyContext) -> Callable[[], str]:
    def run() -> str:
        live = ctx.live.of("vector_store").get(v.name) if c.action is Action.UPDATE else None
        metadata = live.raw.get("metadata") if live is not None and isinstance(live.raw, dict) else None
        body = vector_store_body(v, ctx.stack, metadata if isinstance(metadata, dict) else None)
        if c.action is Action.UPDATE:
            assert c.id is not None
            ctx.writer.update_vector_store(c.address, c.id, body)
            return "updated"
        if c.action is Action.REPLACE and c.id is not None:
            # Delete first: two live stores claiming one address would be ambiguous
            # to every later plan if the apply stopped in between.
            ctx.writer.delete_vector_store(c.address, c.id)
        new_id = ctx.writer.create_vector_store(c.address, body)
        ctx.set_id(c.address, new_id)
        return f"{'replaced' if c.action is Action.REPLACE else 'created'} ({new_id})"

    return run


def _files(c: ResourceChange, v: DesiredVectorStore, ctx: ApplyContext) -> Callable[[], str]:
    def run() -> str:
        store_id = ctx.id_of(c.address)
        assert store_id is not None
        by_path = {f.path: f for f in v.files}
        attaching: list[LocalFile] = []
        detach_after: list[str] = []
        updated = detached = 0
        if c.action in (Action.CREATE, Action.REPLACE):
            attaching = list(v.files)
        else:
            for fc in c.file_changes:
                local = by_path.get(fc.path)
                if fc.action in (FileAction.DETACH, FileAction.REATTACH) and fc.file_id:
                    ctx.writer.detach(c.address, store_id, fc.file_id)
                    detached += fc.action is FileAction.DETACH
                if fc.action is FileAction.UPDATE_ATTRIBUTES and local is not None and fc.file_id:
                    attrs = attachment_attributes(local, ctx.stack, _live_attributes(ctx, v, fc.file_id))
                    from asstctl.remote.attach import set_attributes

                    set_attributes(ctx.writer, c.address, store_id, fc.file_id, attrs, path=local.path)
                    updated += 1
                if fc.action in (FileAction.ATTACH, FileAction.REPLACE, FileAction.REATTACH) and local:
                    attaching.append(local)
                if fc.action is FileAction.REPLACE and fc.file_id:
                    detach_after.append(fc.file_id)
        note = _attach(c.address, store_id, v, attaching, ctx)
        for file_id in detach_after:
            ctx.writer.detach(c.address, store_id, file_id)
        tally = (
            (len(attaching), "attached"),
            (updated, "updated"),
            (detached + len(detach_after), "detached"),
        )
        parts = [f"{n} {what}" for n, what in tally if n]
        return (", ".join(parts) or "unchanged") + note

    return run


def _attach(
    address: str, store_id: str, v: DesiredVectorStore, files: list[LocalFile], ctx: ApplyContext
) -> str:
    """Attach ``files`` (checked: see ``remote.attach``), report ingestion failures, and return
    the note on the attach path used (empty on the documented batch path)."""
    if not files:
        return ""
    from asstctl.remote.attach import Entry, attach  # the SDK: not for plan-free commands (validate)

    entries = [Entry(ctx.file_id(f), f.path, attachment_attributes(f, ctx.stack)) for f in files]
    path_of = {e.file_id: e.path for e in entries}
    ctx.reporter.add_total("indexed", len(entries))
    outcome = attach(
        ctx.writer,
        address,
        store_id,
        entries,
        chunking_request(v),
        on_progress=ctx.reporter.indexed,
        stop=ctx.stop,
    )
    for batch_id, result in outcome.batches:
        failures = [
            IngestionFailure(address, path_of.get(f.file_id, "?"), f.file_id, f.code, f.message)
            for f in result.failed
        ]
        if result.timed_out:
            failures.append(
                IngestionFailure(address, "(batch)", batch_id, "timeout", "ingestion did not finish in time")
            )
        ctx.ingestion_failed(failures)
    return outcome.note


def _live_attributes(ctx: ApplyContext, v: DesiredVectorStore, file_id: str) -> Mapping[str, Any] | None:
    """The attributes an attached file holds now (None when the plan did not read it)."""
    live = ctx.live.of("vector_store").get(v.name)
    for att in live.attachments if isinstance(live, LiveVectorStore) else ():
        if att.file_id == file_id:
            return live_attributes(att)
    return None
