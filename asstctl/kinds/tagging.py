"""Re-tagging helpers shared by the kinds whose ownership tags live in ``metadata``
(assistants, vector stores, agents): the :class:`~asstctl.kinds.base.Adoptable` hooks'
common half. Not for apply: its update bodies carry the tags themselves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from asstctl.core.model import Project
from asstctl.core.ownership import (
    META_ADDRESS,
    META_STACK,
    foreign_claims,
    retagged_metadata,
    stack_move_note,
)
from asstctl.kinds.base import JSON, Fetched, ObjectAPI, TagWrite


def describe_tags(tags: Mapping[str, str] | None) -> str:
    """``asstctl_stack=e2e, asstctl_address=assistant.x`` (or the removal of both)."""
    if not tags:
        return f"remove metadata {META_STACK}, {META_ADDRESS}"
    return "set metadata " + ", ".join(f"{k}={v}" for k, v in tags.items())


def metadata_write(
    api: ObjectAPI,
    what: str,
    path: str,
    raw: Mapping[str, Any],
    tags: Mapping[str, str] | None,
    *,
    beta: str | None,
) -> TagWrite:
    """The POST to ``path`` that replaces ``raw``'s reserved metadata keys with ``tags``
    (None: removes them), keeping the user's own keys (metadata is replaced as a whole)."""
    body = {"metadata": retagged_metadata(raw.get("metadata"), tags)}

    def run() -> None:
        api.post(f"re-tagging {what}", path, body, beta=beta)

    return TagWrite(f"{what}: {describe_tags(tags)}", run)


def retrieve_json(api: ObjectAPI, what: str, path: str, *, beta: str | None) -> JSON | None:
    """GET ``path``; None unless it answers an object (404, or not this kind)."""
    got = api.get(f"reading {what}", path, beta=beta)
    return got if isinstance(got, dict) and got.get("id") else None


def with_stack_move_note(
    got: Fetched, stack: str, kind: str, raws: Sequence[Mapping[str, Any]], project: Project, *, destroy: bool
) -> Fetched:
    """``got`` with a warning when another stack holds objects at addresses the project
    declares and this stack does not (a renamed ``stack:``), from the list already read.
    Every kind's ``fetch`` should pass its result through this."""
    if destroy:
        return got
    found = foreign_claims(stack, kind, raws, (d.name for d in project.desired(kind)))
    return replace(got, notes=(*got.notes, *stack_move_note(stack, found))) if found else got
