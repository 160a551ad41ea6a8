"""An assistant's apply step: create, update (with its tool resources), replace or delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asstctl.core.plan import Action, ResourceChange
from asstctl.errors import AsstctlError
from asstctl.kinds.assistant.forms import assistant_body
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.base import ApplyContext, Step


def steps(c: ResourceChange, a: DesiredAssistant | None, ctx: ApplyContext) -> list[Step]:
    """One step, after the store it searches and the uploads of its code-interpreter files."""
    needs: tuple[str, ...] = ()
    if c.action is not Action.DELETE and a is not None:
        if a.store_address is not None and (store_step := ctx.main_step(a.store_address)):
            needs += (store_step,)
        needs += ctx.uploads_of(a.code_interpreter_files)
    return [Step(c.address, _run(c, a, ctx), needs)]


def tool_resources(a: DesiredAssistant, ctx: ApplyContext, *, clear: bool) -> dict[str, Any]:
    """``tool_resources`` with live ids (``clear``: also say "none" where there is none)."""
    resources: dict[str, Any] = {}
    file_ids = [ctx.file_id(f) for f in a.code_interpreter_files]
    if file_ids or clear:
        resources["code_interpreter"] = {"file_ids": file_ids}
    if a.store_address is not None:
        store_id = ctx.id_of(a.store_address)
        if store_id is None:
            raise AsstctlError(f"{a.store_address} does not exist yet; run apply again")
        resources["file_search"] = {"vector_store_ids": [store_id]}
    elif clear:
        resources["file_search"] = {"vector_store_ids": []}
    return resources


def _run(c: ResourceChange, a: DesiredAssistant | None, ctx: ApplyContext) -> Callable[[], str]:
    def run() -> str:
        if c.action is Action.DELETE or a is None:
            assert c.id is not None
            ctx.writer.delete_assistant(c.address, c.id)
            return f"destroyed ({c.id})"
        if c.action is Action.UPDATE:
            assert c.id is not None
            live = ctx.live.of("assistant").get(a.name)
            metadata = live.raw.get("metadata") if live is not None and isinstance(live.raw, dict) else None
            body = {
                **assistant_body(a, ctx.stack, metadata if isinstance(metadata, dict) else None),
                "tool_resources": tool_resources(a, ctx, clear=True),
            }
            ctx.writer.update_assistant(c.address, c.id, body)
            return "updated"
        if c.action is Action.REPLACE and c.id is not None:
            ctx.writer.delete_assistant(c.address, c.id)
        body = assistant_body(a, ctx.stack)
        resources = tool_resources(a, ctx, clear=False)
        if resources:
            body["tool_resources"] = resources
        new_id = ctx.writer.create_assistant(c.address, body)
        ctx.set_id(c.address, new_id)
        return f"{'replaced' if c.action is Action.REPLACE else 'created'} ({new_id})"

    return run
