"""The life-cycle commands: validate, plan, show, apply, destroy."""

from __future__ import annotations

from pathlib import Path

import click

from asstctl.cli.options import (
    color,
    color_option,
    lock_timeout_option,
    parallelism_option,
    project_dir,
    project_option,
    sandbox_option,
    target_option,
    under,
)


@click.command()
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to report problems: text, json, or github (workflow annotations).",
)
@click.pass_context
def validate(ctx: click.Context, directory: Path | None, fmt: str) -> int:
    """Check every manifest offline: no network, no key."""
    from asstctl.commands import validate as cmd

    return cmd.run(project_dir(ctx, directory), fmt=fmt)


@click.command()
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text (Terraform-like), json (the versioned contract for tools), or markdown (a PR comment).",
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 no changes, 1 error, 2 changes present.")
@click.option("--destroy", is_flag=True, help="Plan removing everything the stack owns.")
@target_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan to FILE.")
@sandbox_option
@color_option
@click.pass_context
def plan(
    ctx: click.Context,
    directory: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    destroy: bool,
    targets: tuple[str, ...],
    out: Path | None,
    sandbox: bool,
    no_color: bool,
) -> int:
    """Show what apply would change."""
    from asstctl.commands import plan as cmd

    return cmd.run(
        project_dir(ctx, directory),
        fmt=fmt,
        detailed_exitcode=detailed_exitcode,
        destroy=destroy,
        targets=targets,
        out=under(ctx, directory, out),
        sandbox=sandbox,
        color=color(no_color),
    )


@click.command()
@click.argument("planfile", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Read PLANFILE relative to DIR (like git -C).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="The view, as for plan; json prints the saved document as is.",
)
@color_option
@click.pass_context
def show(ctx: click.Context, planfile: Path, directory: Path | None, fmt: str, no_color: bool) -> int:
    """Show a plan saved with plan --out, offline (no project, key or network needed)."""
    from asstctl.commands import show as cmd

    return cmd.run(project_dir(ctx, directory) / planfile, fmt=fmt, color=color(no_color))


@click.command()
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@project_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a TTY or in CI).")
@parallelism_option
@target_option
@sandbox_option
@color_option
@lock_timeout_option
@click.pass_context
def apply(
    ctx: click.Context,
    planfile: Path | None,
    directory: Path | None,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    no_color: bool,
    lock_timeout: float | None,
) -> int:
    """Make the live resources match the manifests (or apply a saved PLANFILE)."""
    from asstctl.commands import apply as cmd

    return cmd.run(
        project_dir(ctx, directory),
        planfile=under(ctx, directory, planfile),
        auto_approve=auto_approve,
        parallelism=parallelism,
        targets=targets,
        sandbox=sandbox,
        color=color(no_color),
        lock_timeout=lock_timeout,
    )


@click.command()
@project_option
@click.option(
    "--auto-approve", is_flag=True, help="Destroy without asking (required without a TTY or in CI)."
)
@parallelism_option
@target_option
@sandbox_option
@color_option
@lock_timeout_option
@click.option(
    "--all-claimants",
    is_flag=True,
    help="Also destroy every other object claiming an ambiguous address in scope (ambiguity recovery).",
)
@click.option(
    "--claimant",
    metavar="ID",
    default=None,
    help="Destroy only object ID, one of the claimants of an ambiguous address; the other stays managed.",
)
@click.pass_context
def destroy(
    ctx: click.Context,
    directory: Path | None,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    no_color: bool,
    lock_timeout: float | None,
    all_claimants: bool,
    claimant: str | None,
) -> int:
    """Remove everything this stack owns, and nothing else."""
    from asstctl.commands import destroy as cmd

    return cmd.run(
        project_dir(ctx, directory),
        auto_approve=auto_approve,
        parallelism=parallelism,
        targets=targets,
        sandbox=sandbox,
        color=color(no_color),
        lock_timeout=lock_timeout,
        all_claimants=all_claimants,
        claimant=claimant,
    )
