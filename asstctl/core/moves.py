"""``moved:`` in ``asstctl.yaml``: a renamed address keeps its live object and id.

Applied to the live state before diffing (and again, identically, before apply builds its
steps): an object claiming a ``from`` address is treated as the ``to`` address's live object,
so the plan shows only its real changes plus the move, and apply re-tags it (the kind's
:meth:`~asstctl.kinds.base.Adoptable.retag`). Generic over kinds; pure.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from asstctl.core.live import LiveObject, LiveState
from asstctl.core.model import Project
from asstctl.core.plan import Moved


@dataclass(frozen=True)
class Move:
    """One ``moved:`` entry, resolved through chains (``a -> b``, ``b -> c`` is ``a -> c``)."""

    source: str
    to: str

    @property
    def kind(self) -> str:
        return self.source.split(".", 1)[0]


def project_moves(project: Project) -> tuple[Move, ...]:
    """The project's validated moves (see :mod:`asstctl.manifest.moved`)."""
    moves = project.settings.get("moved", ())
    return tuple(m for m in moves if isinstance(m, Move))


def resolve_chains(pairs: Sequence[tuple[str, str]]) -> tuple[Move, ...]:
    """Each ``from`` mapped to its final destination; a cycle is the caller's to reject."""
    step = dict(pairs)
    out: list[Move] = []
    for source in step:
        to, seen = step[source], {source}
        while to in step and to not in seen:
            seen.add(to)
            to = step[to]
        out.append(Move(source, to))
    return tuple(out)


def apply_moves(project: Project, live: LiveState) -> tuple[LiveState, tuple[Moved, ...], tuple[str, ...]]:
    """``live`` with each moved object under its new address; the moves made; notes on moves
    that could not be made (both addresses have a live object: nothing is guessed)."""
    moves = project_moves(project)
    if not moves:
        return live, (), ()
    resources: dict[str, dict[str, LiveObject]] = {k: dict(v) for k, v in live.resources.items()}
    made: list[Moved] = []
    notes: list[str] = []
    for m in moves:
        objs = resources.get(m.kind, {})
        old, new = m.source.split(".", 1)[1], m.to.split(".", 1)[1]
        if old not in objs:
            continue
        if new in objs:
            notes.append(
                f"moved: {m.source} ({objs[old].id}) was not moved to {m.to}: {m.to} already has a live "
                f"object ({objs[new].id}). Remove one of them (asstctl forget / destroy --target) or the "
                "moved entry"
            )
            continue
        objs[new] = replace(objs.pop(old), name=new)
        made.append(Moved(m.source, m.to, objs[new].id))
    if not made and not notes:
        return live, (), ()
    renamed = copy.copy(live)
    frozen: Mapping[str, Mapping[str, LiveObject]] = resources
    object.__setattr__(renamed, "resources", frozen)
    object.__setattr__(renamed, "notes", (*live.notes, *notes))
    return renamed, tuple(made), tuple(notes)
