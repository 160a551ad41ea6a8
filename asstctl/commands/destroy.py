"""``asstctl destroy``: remove everything the stack owns — assistants, vector stores and
the files it uploaded — and nothing else. Same prompt rules as apply; a resource with
``lifecycle.prevent_destroy`` makes it refuse before any write.
"""

from __future__ import annotations

from pathlib import Path

from asstctl.commands import claimants
from asstctl.commands.apply import carry_out
from asstctl.commands.locked import prepare_to_write
from asstctl.errors import UsageError


def run(
    project_dir: Path,
    *,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    color: bool | None,
    lock_timeout: float | None = None,
    all_claimants: bool = False,
    claimant: str | None = None,
) -> int:
    if claimant is not None:  # ambiguity recovery (asstctl.commands.claimants)
        if all_claimants or targets:
            raise UsageError("--claimant ID destroys that one object: leave out --target and --all-claimants")
        return claimants.destroy_claimant(
            project_dir, claimant, auto_approve=auto_approve, sandbox=sandbox, lock_timeout=lock_timeout
        )
    if all_claimants:
        return claimants.destroy_all_claimants(
            project_dir,
            auto_approve=auto_approve,
            parallelism=parallelism,
            targets=targets,
            sandbox=sandbox,
            color=color,
            lock_timeout=lock_timeout,
        )
    with prepare_to_write(
        project_dir,
        command="destroy",
        sandbox=sandbox,
        lock_timeout=lock_timeout,
        destroy=True,
        targets=targets,
    ) as session:
        return carry_out(
            session, parallelism=parallelism, color=color, auto_approve=auto_approve, destroy=True
        )
