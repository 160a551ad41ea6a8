"""A vector store's apply steps: the store itself, then its file attachments."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from asstctl.core.limits import FILE_BATCH_MAX_FILES as BATCH_LIMIT
from asstctl.core.model import LocalFile
from asstctl.core.plan import Action, FileAction, ResourceChange
from asstctl.kinds.base import ApplyContext, IngestionFailure, Step
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
        body = vector_store_body(v, ctx.stack)
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
        attach: list[LocalFile] = []
        detach_after: list[str] = []
        updated = detached = 0
        if c.action in (Action.CREATE, Action.REPLACE):
            attach = list(v.files)
        else:
            for fc in c.file_changes:
                local = by_path.get(fc.path)
                if fc.action in (FileAction.DETACH, FileAction.REATTACH) and fc.file_id:
                    ctx.writer.detach(c.address, store_id, fc.file_id)
                    detached += fc.action is FileAction.DETACH
                if fc.action is FileAction.UPDATE_ATTRIBUTES and local is not None and fc.file_id:
                    ctx.writer.update_attributes(
                        c.address, store_id, fc.file_id, attachment_attributes(local, ctx.stack)
                    )
                    updated += 1
                if fc.action in (FileAction.ATTACH, FileAction.REPLACE, FileAction.REATTACH) and local:
                    attach.append(local)
                if fc.action is FileAction.REPLACE and fc.file_id:
                    detach_after.append(fc.file_id)
        _attach(c.address, store_id, v, attach, ctx)
        for file_id in detach_after:
            ctx.writer.detach(c.address, store_id, file_id)
        tally = ((len(attach), "attached"), (updated, "updated"), (detached + len(detach_after), "detached"))
        parts = [f"{n} {what}" for n, what in tally if n]
        return ", ".join(parts) or "unchanged"

    return run


def _attach(
    address: str, store_id: str, v: DesiredVectorStore, files: list[LocalFile], ctx: ApplyContext
) -> None:
    """Attach ``files`` in batches of at most :data:`BATCH_LIMIT`, then wait for ingestion."""
    if not files:
        return
    chunking = chunking_request(v)
    entries: list[dict[str, Any]] = []
    path_of: dict[str, str] = {}
    for f in files:
        entry: dict[str, Any] = {"file_id": ctx.file_id(f), "attributes": attachment_attributes(f, ctx.stack)}
        if chunking is not None:
            entry["chunking_strategy"] = chunking
        entries.append(entry)
        path_of[entry["file_id"]] = f.path
    ctx.reporter.add_total("indexed", len(entries))
    batch_ids = [
        ctx.writer.attach_batch(address, store_id, entries[i : i + BATCH_LIMIT])
        for i in range(0, len(entries), BATCH_LIMIT)
    ]
    for batch_id in batch_ids:
        outcome = ctx.writer.wait_batch(
            address, store_id, batch_id, functools.partial(ctx.reporter.indexed, batch_id), ctx.stop
        )
        failures = [
            IngestionFailure(address, path_of.get(f.file_id, "?"), f.file_id, f.code, f.message)
            for f in outcome.failed
        ]
        if outcome.timed_out:
            failures.append(
                IngestionFailure(address, "(batch)", batch_id, "timeout", "ingestion did not finish in time")
            )
        ctx.ingestion_failed(failures)
