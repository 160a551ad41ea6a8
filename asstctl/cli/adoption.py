"""Commands that change what the stack owns without changing the objects: import, forget, force-unlock."""

from __future__ import annotations

from pathlib import Path

import click

from asstctl.cli.options import (
    lock_timeout_option,
    project_dir,
    project_option,
    sandbox_option,
)


@click.command("import")
@click.argument("address", required=False)
@click.argument("obj_id", metavar="ID", required=False)
@project_option
@click.option(
    "--from-stack",
    metavar="OLD",
    default=None,
    help="Take over objects stack OLD holds at declared addresses (after renaming 'stack:').",
)
@click.option("--dry-run", is_flag=True, help="Show what would be tagged; write nothing.")
@sandbox_option
@lock_timeout_option
@click.pass_context
def import_(
    ctx: click.Context,
    address: str | None,
    obj_id: str | None,
    directory: Path | None,
    from_stack: str | None,
    dry_run: bool,
    sandbox: bool,
    lock_timeout: float | None,
) -> int:
    """Adopt existing object ID as declared ADDRESS (e.g. assistant.support asst_abc), by tagging it."""
    from asstctl.commands import import_ as cmd

    return cmd.run(
        project_dir(ctx, directory),
        address=address,
        obj_id=obj_id,
        from_stack=from_stack,
        dry_run=dry_run,
        sandbox=sandbox,
        lock_timeout=lock_timeout,
    )


@click.command()
@click.argument("address")
@project_option
@click.option("--id", "obj_id", metavar="ID", default=None, help="Which claimant of an ambiguous ADDRESS.")
@click.option("--yes", "--auto-approve", "yes", is_flag=True, help="Do not ask for confirmation.")
@sandbox_option
@lock_timeout_option
@click.pass_context
def forget(
    ctx: click.Context,
    address: str,
    directory: Path | None,
    obj_id: str | None,
    yes: bool,
    sandbox: bool,
    lock_timeout: float | None,
) -> int:
    """Stop managing ADDRESS without deleting it (its asstctl tags are removed)."""
    from asstctl.commands import forget as cmd

    return cmd.run(
        project_dir(ctx, directory),
        address=address,
        obj_id=obj_id,
        yes=yes,
        sandbox=sandbox,
        lock_timeout=lock_timeout,
    )


@click.command("force-unlock")
@project_option
@click.option("--yes", is_flag=True, help="Break the lock without asking.")
@click.pass_context
def force_unlock(ctx: click.Context, directory: Path | None, yes: bool) -> int:
    """Break the stack's lock left by a run that is gone (shows the holder first)."""
    from asstctl.commands import unlock as cmd

    return cmd.run(project_dir(ctx, directory), yes=yes)
