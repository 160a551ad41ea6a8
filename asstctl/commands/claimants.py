"""Recovery from ambiguous ownership (two live objects claiming one address), by ``destroy``:

- ``asstctl destroy --claimant ID``: delete the one claimant ``ID``; the other stays managed.
- ``asstctl destroy --all-claimants [--target ADDRESS]``: the usual destroy, where every
  claimant of an ambiguous address in scope is deleted, not only one (they are all listed
  above the plan, and the usual prompt covers them).

Releasing a claimant without deleting it is ``asstctl forget ADDRESS --id ID``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from asstctl.commands.apply import carry_out
from asstctl.commands.locked import prepare_to_write
from asstctl.commands.retagging import Session, confirm, open_session
from asstctl.core.ownership import Clash, tolerate_clashes
from asstctl.core.plan import Action
from asstctl.errors import UsageError
from asstctl.retag import adoptable, objects_client
from asstctl.workflow import Prepared


def destroy_claimant(
    project_dir: Path, obj_id: str, *, auto_approve: bool, sandbox: bool, lock_timeout: float | None
) -> int:
    with open_session(project_dir, command="destroy", sandbox=sandbox, lock_timeout=lock_timeout) as s:
        clash = _clash_of(s, obj_id)
        others = [i for i in clash.ids if i != obj_id]
        print(
            f"asstctl will destroy {obj_id}, one of the objects claiming {clash.address}; "
            f"{' and '.join(others)} stay{'s' if len(others) == 1 else ''} managed as {clash.address}."
        )
        if not confirm(f"Destroy {obj_id}?", yes=auto_approve, flag="--auto-approve"):
            print("\nDestroy cancelled.")
            return 1
        with s.locked():
            clash = _clash_of(s, obj_id)  # read again under the lock
            raw = clash.raws[clash.ids.index(obj_id)]
            adoptable(clash.kind, "destroy --claimant").remove(s.api, raw)
        print(f"\nDestroyed {obj_id}. {clash.address} is no longer ambiguous.")
        return 0


def _clash_of(s: Session, obj_id: str) -> Clash:
    read = s.read()
    for clashes in read.clashes.values():
        for clash in clashes:
            if obj_id in clash.ids:
                return clash
    address = read.live.address_of_id(obj_id)
    if address is not None:
        raise UsageError(
            f"{obj_id} is the only object claiming {address}; --claimant is for ambiguous addresses: "
            f"use asstctl destroy --target {address}"
        )
    raise UsageError(f"no object of stack {s.project.stack} has id {obj_id}; nothing to destroy")


def destroy_all_claimants(
    project_dir: Path,
    *,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    color: bool | None,
    lock_timeout: float | None,
) -> int:
    with (
        tolerate_clashes() as clashes,
        prepare_to_write(
            project_dir,
            command="destroy",
            sandbox=sandbox,
            lock_timeout=lock_timeout,
            destroy=True,
            targets=targets,
        ) as session,
    ):
        approved = _extras(session.prepared, clashes)
        if approved:
            print(
                "Besides the plan below, every other object claiming an ambiguous address will be destroyed:"
            )
            for clash, obj_id in approved:
                print(f"  - {clash.address} {obj_id}")
            print()

        def delete_extras(prepared: Prepared) -> None:
            """Run under the lock, on the state read again: the extra claimants go first."""
            now = _extras(prepared, clashes)
            new = {i for _, i in now} - {i for _, i in approved}
            if new:
                raise UsageError(
                    f"more objects claim these addresses than were shown ({', '.join(sorted(new))}); "
                    "nothing was changed: run the destroy again to review them"
                )
            api = objects_client(prepared.endpoint, prepared.project.stack)
            for clash, obj_id in now:
                adoptable(clash.kind, "destroy --all-claimants").remove(
                    api, clash.raws[clash.ids.index(obj_id)]
                )
                print(f"{clash.address} ({obj_id}): destroyed (other claimant)")

        return carry_out(
            session,
            parallelism=parallelism,
            color=color,
            auto_approve=auto_approve,
            destroy=True,
            check=delete_extras,
        )


def _extras(prepared: Prepared, clashes: Mapping[str, tuple[Clash, ...]]) -> list[tuple[Clash, str]]:
    """The claimants the plan does not delete itself (all but the kept one) of the ambiguous
    addresses the destroy plan deletes."""
    deleted = {c.address for c in prepared.plan.changes if c.action is Action.DELETE}
    out: list[tuple[Clash, str]] = []
    for kind_clashes in clashes.values():
        for clash in kind_clashes:
            if clash.address in deleted:
                kept = prepared.live.of(clash.kind)[clash.name].id
                out += [(clash, i) for i in clash.ids if i != kept]
    return out
