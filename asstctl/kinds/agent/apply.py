"""An agent's apply step: create, update in place (a partial body), or delete.

Nothing about an agent forces a replacement: every field can be updated in place.
"""

from __future__ import annotations

from collections.abc import Callable

from asstctl.core.plan import Action, ResourceChange
from asstctl.kinds.agent import headers
from asstctl.kinds.agent.forms import agent_body, update_body
from asstctl.kinds.agent.model import DesiredAgent
from asstctl.kinds.base import ApplyContext, Step


def steps(c: ResourceChange, a: DesiredAgent | None, ctx: ApplyContext) -> list[Step]:
    """One step; an agent depends on nothing else the stack makes."""
    return [Step(c.address, _run(c, a, ctx))]


def _run(c: ResourceChange, a: DesiredAgent | None, ctx: ApplyContext) -> Callable[[], str]:
    def run() -> str:
        if c.action is Action.DELETE or a is None:
            assert c.id is not None
            ctx.writer.delete_agent(c.address, c.id)
            return f"destroyed ({c.id})"
        if c.action is Action.UPDATE:
            assert c.id is not None
            live = ctx.live.of("agent").get(a.name)
            metadata = live.raw.get("metadata") if live is not None else None
            body = agent_body(
                a, ctx.stack, headers.resolve(a), metadata if isinstance(metadata, dict) else None
            )
            ctx.writer.update_agent(c.address, c.id, update_body(body, c.before, c.after))
            return "updated"
        if c.action is Action.REPLACE and c.id is not None:
            ctx.writer.delete_agent(c.address, c.id)
        body = agent_body(a, ctx.stack, headers.resolve(a))
        new_id = ctx.writer.create_agent(c.address, body)
        ctx.set_id(c.address, new_id)
        return f"{'replaced' if c.action is Action.REPLACE else 'created'} ({new_id})"

    return run
