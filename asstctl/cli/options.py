"""Options and helpers shared by the commands: ``-C``/``-e``, ``--sandbox``, colour, targets, locks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def project_option(func: F) -> F:
    """``-C DIR`` and ``-e/--env NAME``: on the group, and on each subcommand (a subcommand's
    ``-C`` is relative to the group's, as with git; its ``-e`` wins over the group's)."""
    func = click.option(
        "-e",
        "--env",
        metavar="NAME",
        expose_value=False,
        callback=_choose_environment,
        help="Use environment NAME of asstctl.yaml (its stack, endpoint and vars); default: $ASSTCTL_ENV.",
    )(func)
    return click.option(
        "-C",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Run as if started in DIR (like git -C): the project, and paths given to options, are there.",
    )(func)


def _choose_environment(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        from asstctl.selection import set_chosen_environment

        set_chosen_environment(value)


def sandbox_option(func: F) -> F:
    return click.option(
        "--sandbox",
        is_flag=True,
        help="Use the built-in local emulator (state kept in .asstctl/); no API key needed.",
    )(func)


def color_option(func: F) -> F:
    return click.option("--no-color", is_flag=True, help="Never colour output (NO_COLOR is honoured too).")(
        func
    )


def target_option(func: F) -> F:
    return click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="ADDRESS",
        help="Limit to this address (repeatable), e.g. assistant.support.",
    )(func)


def _parse_lock_timeout(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    from asstctl.remote.lock import parse_duration

    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def lock_timeout_option(func: F) -> F:
    return click.option(
        "--lock-timeout",
        metavar="DURATION",
        default=None,
        callback=_parse_lock_timeout,
        help="Wait this long for the stack's lock held by another run, e.g. 30s or 5m "
        "(default 0s: fail at once, naming the holder; the sandbox waits up to 5m).",
    )(func)


def project_dir(ctx: click.Context, directory: Path | None) -> Path:
    """The directory the command runs in: the group's ``-C``, then the subcommand's inside it."""
    root = ctx.find_root().obj or {}
    return Path(root.get("directory") or ".") / (directory or ".")


def under(ctx: click.Context, directory: Path | None, path: Path | None) -> Path | None:
    """A path given on the command line, relative to ``-C DIR`` (like git -C, terraform -chdir)."""
    return None if path is None else project_dir(ctx, directory) / path


def color(no_color: bool) -> bool | None:
    """False when colour is switched off; None lets the renderer decide (TTY only)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return None


def parallelism_option(func: F) -> F:
    """``--parallelism N``: the cap on steps and requests in flight (apply, destroy)."""
    return click.option(
        "--parallelism",
        type=click.IntRange(1, 64),
        default=32,
        show_default=True,
        help="At most N steps and N requests at once; below it, requests in flight adapt to the endpoint "
        "(start at 8, grow while latency holds, halve on 429).",
    )(func)
