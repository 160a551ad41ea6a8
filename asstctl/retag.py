"""Changing what live objects claim, generically over kinds: the apply steps of ``moved:``,
and the lookups shared by ``import``, ``forget`` and ambiguity recovery.

Each kind does its own re-tagging (:class:`~asstctl.kinds.base.Adoptable`); this module only
picks the kind, finds the object and runs the writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from asstctl.core.live import LiveState
from asstctl.core.ownership import ownership_metadata
from asstctl.core.plan import Moved, Plan
from asstctl.errors import UsageError
from asstctl.kinds.base import Adoptable, Step, TagWrite
from asstctl.kinds.registry import BY_NAME
from asstctl.remote.client import Endpoint
from asstctl.remote.objects import ObjectClient


def adoptable(kind_name: str, what: str) -> Adoptable:
    """The kind named ``kind_name``, if it supports re-tagging (``what``: the command, for the error)."""
    kind = BY_NAME.get(kind_name)
    if kind is None:
        raise UsageError(f"unknown kind '{kind_name}'; known kinds: {', '.join(sorted(BY_NAME))}")
    if not isinstance(kind, Adoptable):
        raise UsageError(f"{what} does not support kind '{kind_name}' yet")
    return kind


def split_address(address: str, what: str) -> tuple[str, str]:
    """``assistant.tutor`` -> (``assistant``, ``tutor``); a usage error when malformed."""
    kind, dot, name = address.partition(".")
    if not dot or not name or kind not in BY_NAME:
        raise UsageError(
            f"{what}: '{address}' is not an address; use <kind>.<name> with a kind among "
            f"{', '.join(sorted(BY_NAME))} (e.g. assistant.support)"
        )
    return kind, name


def objects_client(endpoint: Endpoint, stack: str) -> ObjectClient:
    return ObjectClient(endpoint.client, stack=stack, base_url=endpoint.base_url)


def with_move_steps(steps: list[Step], plan: Plan, live: LiveState, endpoint: Endpoint) -> list[Step]:
    """``steps`` after one re-tagging step per ``plan.moves``, which the moved address's own
    steps wait for (an update then sends the user's metadata as the manifest has it)."""
    if not plan.moves:
        return steps
    api = objects_client(endpoint, plan.stack)
    moves = {m.to: _move_step(m, live, api) for m in plan.moves}
    out = list(moves.values())
    for s in steps:
        owner = next((to for to in moves if s.key == to or s.key.startswith(to + " ")), None)
        out.append(s if owner is None else replace(s, deps=(*s.deps, moves[owner].key)))
    return out


def _move_step(m: Moved, live: LiveState, api: ObjectClient) -> Step:
    kind_name, name = m.to.split(".", 1)
    kind = adoptable(kind_name, "moved")
    obj = live.of(kind_name)[name]

    def run() -> str:
        run_writes(kind.retag(api, obj.raw, ownership_metadata(api.stack, m.to), None).writes)
        return f"re-tagged (was {m.source}, {m.id})"

    return Step(f"{m.to} moved", run)


def run_writes(writes: Sequence[TagWrite]) -> None:
    """Run planned writes in order."""
    for w in writes:
        w.run()
