"""``asstctl forget ADDRESS [--id ID]``: stop managing a live object without deleting it
(like ``terraform state rm``): its asstctl tags are removed — metadata, and a vector store's
attachment attributes — and nothing else about it changes. From then on no plan, apply or
destroy of the stack touches it.

``--id`` picks one claimant of an ambiguous address (the other stays managed). Asks first
unless ``--yes``; under the stack's lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asstctl.commands.retagging import Read, Session, confirm, open_session, same_writes, show
from asstctl.errors import UsageError
from asstctl.kinds.base import Retagging
from asstctl.retag import adoptable, run_writes, split_address

JSON = Any


def run(
    project_dir: Path,
    *,
    address: str,
    obj_id: str | None,
    yes: bool,
    sandbox: bool,
    lock_timeout: float | None = None,
) -> int:
    kind_name, _ = split_address(address, "forget")
    kind = adoptable(kind_name, "forget")
    with open_session(project_dir, command="forget", sandbox=sandbox, lock_timeout=lock_timeout) as s:
        raw = _chosen(s, s.read(), address, obj_id)
        preview = kind.retag(s.api, raw, None, None)
        target = str(raw["id"])
        show(f"asstctl will stop managing {address} ({target}) and leave it as it is:", preview)
        for note in _notes(s, address):
            print(f"  # {note}")
        if not confirm(f"Stop managing {address} ({target})?", yes=yes, flag="--yes"):
            print("\nForget cancelled.")
            return 1
        with s.locked():
            now = _chosen(s, s.read(), address, target)
            again: Retagging = kind.retag(s.api, now, None, None)
            if not same_writes(again, preview):
                raise UsageError(
                    f"{address} changed while you were reviewing; nothing was written: run it again"
                )
            run_writes(again.writes)
        print(f"\n{address} ({target}) is no longer managed by stack {s.project.stack}; it was not deleted.")
        return 0


def _chosen(s: Session, read: Read, address: str, obj_id: str | None) -> JSON:
    claimants = read.claimants(address)
    ids = [str(r["id"]) for r in claimants]
    if not claimants:
        raise UsageError(f"no live object claims {address} in stack {s.project.stack}; nothing to forget")
    if obj_id is None:
        if len(claimants) > 1:
            raise UsageError(
                f"{address} is claimed by {' and '.join(ids)}; say which one to release with --id"
            )
        return claimants[0]
    if obj_id not in ids:
        raise UsageError(
            f"{obj_id} does not claim {address} in stack {s.project.stack} (claimed by {', '.join(ids)})"
        )
    return claimants[ids.index(obj_id)]


def _notes(s: Session, address: str) -> list[str]:
    declared = {d.address: d for kind in s.project.resources.values() for d in kind}
    d = declared.get(address)
    if d is None:
        return []
    return [
        f"{address} is still declared ({d.location}): the next apply creates a new one. Remove it from the "
        "manifests, or declare it under another name"
    ]
