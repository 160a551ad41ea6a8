"""``asstctl import ADDRESS ID``: adopt an existing object as a declared address, by tagging
it (like ``terraform import``); and ``asstctl import --from-stack OLD``: take over every object
stack OLD holds at an address this project declares (moving a renamed stack).

Nothing else about the object changes: the next plan shows what differs from the manifest.
Refused, before any write: an address no manifest declares, an object another stack or
address claims (unless it is OLD's, at the same address, with ``--from-stack``), an address
the stack already manages. ``--dry-run`` shows the writes and sends none. Under the lock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asstctl.commands.retagging import Read, Session, declared_addresses, open_session, same_writes, show
from asstctl.core.model import Project
from asstctl.core.ownership import META_ADDRESS, META_STACK, ownership_metadata
from asstctl.errors import UsageError
from asstctl.kinds.base import Adoptable, Retagging
from asstctl.kinds.registry import KINDS
from asstctl.retag import adoptable, run_writes, split_address

JSON = Any


@dataclass(frozen=True)
class _Adoption:
    address: str
    obj_id: str
    retagging: Retagging


def run(
    project_dir: Path,
    *,
    address: str | None,
    obj_id: str | None,
    from_stack: str | None,
    dry_run: bool,
    sandbox: bool,
    lock_timeout: float | None = None,
) -> int:
    if (address is None) != (obj_id is None) or (address is None and from_stack is None):
        raise UsageError("usage: asstctl import ADDRESS ID, or asstctl import --from-stack OLD_STACK")
    with open_session(project_dir, command="import", sandbox=sandbox, lock_timeout=lock_timeout) as s:
        if from_stack is not None and from_stack == s.project.stack:
            raise UsageError(f"--from-stack {from_stack} is this project's own stack; name the old one")
        adoptions = _plan(s, address, obj_id, from_stack)
        if not adoptions:
            return 0
        for a in adoptions:
            show(f"{a.address} <- {a.obj_id}:", a.retagging)
        if dry_run:
            print("\nDry run: nothing was written.")
            return 0
        with s.locked():
            now = _plan(s, address, obj_id, from_stack, quiet=True)
            if [(a.address, a.obj_id) for a in now] != [(a.address, a.obj_id) for a in adoptions] or not all(
                same_writes(x.retagging, y.retagging) for x, y in zip(now, adoptions, strict=True)
            ):
                raise UsageError(
                    "the live objects changed while importing; nothing was written: run it again"
                )
            for a in now:
                run_writes(a.retagging.writes)
        n = len(adoptions)
        print(
            f"\nImport complete! {n} object{'s' if n != 1 else ''} now managed by stack {s.project.stack}. "
            "Run asstctl plan to see what apply would change."
        )
        return 0


def _plan(
    s: Session, address: str | None, obj_id: str | None, from_stack: str | None, *, quiet: bool = False
) -> list[_Adoption]:
    read = s.read()
    if address is not None and obj_id is not None:
        one = _adopt_one(s, read, address, obj_id, from_stack, quiet=quiet)
        return [one] if one is not None else []
    assert from_stack is not None
    return _adopt_stack(s, read, from_stack, quiet=quiet)


def _desired(project: Project, address: str) -> Any:
    kind, _ = split_address(address, "import")
    for d in project.desired(kind):
        if d.address == address:
            return d
    declared = ", ".join(declared_addresses(project, kind)) or "none"
    raise UsageError(
        f"{address} is not declared in any manifest (declared {kind} addresses: {declared}); "
        "declare it first, then import the object into it"
    )


def _adopt_one(
    s: Session, read: Read, address: str, obj_id: str, from_stack: str | None, *, quiet: bool
) -> _Adoption | None:
    desired = _desired(s.project, address)
    kind = adoptable(address.split(".", 1)[0], "import")
    raw = kind.retrieve(s.api, obj_id)
    if raw is None:
        raise UsageError(f"{s.endpoint.base_url} has no {kind.name} {obj_id}; check the id and the endpoint")
    stack = s.project.stack
    meta = raw.get("metadata") or {}
    owner, claimed = meta.get(META_STACK), meta.get(META_ADDRESS)
    if owner == stack and claimed == address:
        if not quiet:
            print(f"{obj_id} is already managed as {address} by stack {stack}; nothing to import.")
        return None
    _refuse_owned(obj_id, address, owner, claimed, stack, from_stack)
    held = [str(r["id"]) for r in read.claimants(address)]
    if held:
        raise UsageError(
            f"{address} is already managed by stack {stack} as {' and '.join(held)}; release it first with "
            f"asstctl forget {address} (or import the object under another declared address)"
        )
    return _Adoption(address, obj_id, kind.retag(s.api, raw, ownership_metadata(stack, address), desired))


def _refuse_owned(
    obj_id: str, address: str, owner: Any, claimed: Any, stack: str, from_stack: str | None
) -> None:
    """Refuse an object tagged for another stack or address (unless moving that stack here)."""
    if owner is None and claimed is None:
        return
    if owner == stack:
        raise UsageError(
            f"{obj_id} is managed by this stack as {claimed}; to rename it, add "
            f"'moved: [{{from: {claimed}, to: {address}}}]' to asstctl.yaml instead"
        )
    if owner == from_stack and claimed == address:
        return
    hint = (
        f"asstctl import --from-stack {owner} (moving that stack's objects here)"
        if claimed == address
        else f"asstctl forget {claimed} in the project of stack {owner}"
    )
    raise UsageError(
        f"{obj_id} is managed by stack {owner} as {claimed}; asstctl never takes an object from another "
        f"stack or address. If that is intended: {hint}, then import again"
    )


def _adopt_stack(s: Session, read: Read, from_stack: str, *, quiet: bool) -> list[_Adoption]:
    old_project = copy.copy(s.project)
    object.__setattr__(old_project, "stack", from_stack)
    old = s.read(old_project)
    stack = s.project.stack
    out: list[_Adoption] = []
    left: list[str] = []
    for kind in KINDS:
        if not isinstance(kind, Adoptable):
            continue
        declared = {d.address: d for d in s.project.desired(kind.name)}
        for name in sorted(old.live.of(kind.name)):
            address = f"{kind.name}.{name}"
            claimants = old.claimants(address)
            if address not in declared:
                left.append(address)
                continue
            if len(claimants) > 1 or read.claimants(address):
                ids = " and ".join(str(r["id"]) for r in claimants)
                why = "ambiguous in the old stack" if len(claimants) > 1 else f"already managed by {stack}"
                raise UsageError(
                    f"cannot move {address} ({ids}) from stack {from_stack}: {why}; resolve it first"
                )
            raw = claimants[0]
            tags = ownership_metadata(stack, address)
            out.append(_Adoption(address, str(raw["id"]), kind.retag(s.api, raw, tags, declared[address])))
    if not quiet:
        if not out:
            print(
                f"Stack {from_stack} holds nothing at the addresses this project declares; nothing to import."
            )
        if left:
            print(f"Left with stack {from_stack} (not declared here): {', '.join(left)}")
    return out
