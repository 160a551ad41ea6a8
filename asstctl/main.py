"""The command line. click lives here only: it turns options into typed arguments and
calls a plain function in ``asstctl.commands`` that returns an exit code.

Exit codes, for every command: 0 success; 1 any error (usage errors included, never 2);
2 only for "changes present" under ``plan --detailed-exitcode``; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from asstctl import __version__
from asstctl.errors import AsstctlError, for_terminal

F = TypeVar("F", bound=Callable[..., Any])


def _project_option(func: F) -> F:
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


def _sandbox_option(func: F) -> F:
    return click.option(
        "--sandbox",
        is_flag=True,
        help="Use the built-in local emulator (state kept in .asstctl/); no API key needed.",
    )(func)


def _color_option(func: F) -> F:
    return click.option("--no-color", is_flag=True, help="Never colour output (NO_COLOR is honoured too).")(
        func
    )


def _target_option(func: F) -> F:
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


def _lock_timeout_option(func: F) -> F:
    return click.option(
        "--lock-timeout",
        metavar="DURATION",
        default=None,
        callback=_parse_lock_timeout,
        help="Wait this long for the stack's lock held by another run, e.g. 30s or 5m "
        "(default 0s: fail at once, naming the holder; the sandbox waits up to 5m).",
    )(func)


def _dir(ctx: click.Context, directory: Path | None) -> Path:
    """The directory the command runs in: the group's ``-C``, then the subcommand's inside it."""
    root = ctx.find_root().obj or {}
    return Path(root.get("directory") or ".") / (directory or ".")


def _under(ctx: click.Context, directory: Path | None, path: Path | None) -> Path | None:
    """A path given on the command line, relative to ``-C DIR`` (like git -C, terraform -chdir)."""
    return None if path is None else _dir(ctx, directory) / path


def _color(no_color: bool) -> bool | None:
    """False when colour is switched off; None lets the renderer decide (TTY only)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="asstctl")
@_project_option
@click.pass_context
def cli(ctx: click.Context, directory: Path | None) -> None:
    """Assistants as code: validate, plan and apply OpenAI assistants and vector stores."""
    ctx.obj = {"directory": directory}


@cli.command()
@_project_option
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

    return cmd.run(_dir(ctx, directory), fmt=fmt)


@cli.command()
@_project_option
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
@_target_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan to FILE.")
@_sandbox_option
@_color_option
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
        _dir(ctx, directory),
        fmt=fmt,
        detailed_exitcode=detailed_exitcode,
        destroy=destroy,
        targets=targets,
        out=_under(ctx, directory, out),
        sandbox=sandbox,
        color=_color(no_color),
    )


@cli.command()
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
@_color_option
@click.pass_context
def show(ctx: click.Context, planfile: Path, directory: Path | None, fmt: str, no_color: bool) -> int:
    """Show a plan saved with plan --out, offline (no project, key or network needed)."""
    from asstctl.commands import show as cmd

    return cmd.run(_dir(ctx, directory) / planfile, fmt=fmt, color=_color(no_color))


@cli.command()
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_project_option
@click.option("--auto-approve", is_flag=True, help="Apply without asking (required without a TTY or in CI).")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=32,
    show_default=True,
    help="At most N steps and N requests at once; below it, requests in flight adapt to the endpoint "
    "(start at 8, grow while latency holds, halve on 429).",
)
@_target_option
@_sandbox_option
@_color_option
@_lock_timeout_option
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
        _dir(ctx, directory),
        planfile=_under(ctx, directory, planfile),
        auto_approve=auto_approve,
        parallelism=parallelism,
        targets=targets,
        sandbox=sandbox,
        color=_color(no_color),
        lock_timeout=lock_timeout,
    )


@cli.command()
@_project_option
@click.option(
    "--auto-approve", is_flag=True, help="Destroy without asking (required without a TTY or in CI)."
)
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=32,
    show_default=True,
    help="At most N steps and N requests at once; below it, requests in flight adapt to the endpoint "
    "(start at 8, grow while latency holds, halve on 429).",
)
@_target_option
@_sandbox_option
@_color_option
@_lock_timeout_option
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
        _dir(ctx, directory),
        auto_approve=auto_approve,
        parallelism=parallelism,
        targets=targets,
        sandbox=sandbox,
        color=_color(no_color),
        lock_timeout=lock_timeout,
        all_claimants=all_claimants,
        claimant=claimant,
    )


@cli.command("import")
@click.argument("address", required=False)
@click.argument("obj_id", metavar="ID", required=False)
@_project_option
@click.option(
    "--from-stack",
    metavar="OLD",
    default=None,
    help="Take over objects stack OLD holds at declared addresses (after renaming 'stack:').",
)
@click.option("--dry-run", is_flag=True, help="Show what would be tagged; write nothing.")
@_sandbox_option
@_lock_timeout_option
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
        _dir(ctx, directory),
        address=address,
        obj_id=obj_id,
        from_stack=from_stack,
        dry_run=dry_run,
        sandbox=sandbox,
        lock_timeout=lock_timeout,
    )


@cli.command()
@click.argument("address")
@_project_option
@click.option("--id", "obj_id", metavar="ID", default=None, help="Which claimant of an ambiguous ADDRESS.")
@click.option("--yes", "--auto-approve", "yes", is_flag=True, help="Do not ask for confirmation.")
@_sandbox_option
@_lock_timeout_option
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
        _dir(ctx, directory),
        address=address,
        obj_id=obj_id,
        yes=yes,
        sandbox=sandbox,
        lock_timeout=lock_timeout,
    )


@cli.command("force-unlock")
@_project_option
@click.option("--yes", is_flag=True, help="Break the lock without asking.")
@click.pass_context
def force_unlock(ctx: click.Context, directory: Path | None, yes: bool) -> int:
    """Break the stack's lock left by a run that is gone (shows the holder first)."""
    from asstctl.commands import unlock as cmd

    return cmd.run(_dir(ctx, directory), yes=yes)


@cli.command()
@click.argument("address", required=False)
@_project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "env"]),
    default="text",
    show_default=True,
    help="text, json, or env (NAME=id lines for $GITHUB_ENV); with ADDRESS: text is the raw value.",
)
@_sandbox_option
@click.pass_context
def output(ctx: click.Context, address: str | None, directory: Path | None, fmt: str, sandbox: bool) -> int:
    """Print the live ids of the stack's assistants and vector stores; with ADDRESS
    (assistant.support, or ADDRESS.FIELD) just that one value, for scripts."""
    from asstctl.commands import output as cmd

    return cmd.run(_dir(ctx, directory), fmt=fmt, sandbox=sandbox, address=address)


def _parse_run_timeout(ctx: click.Context, param: click.Parameter, value: str) -> float:
    from asstctl.remote.lock import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds <= 0:
        raise click.BadParameter("give a duration above zero, e.g. 30s or 5m")
    return seconds


@cli.command("run")
@click.argument("address")
@click.argument("message", required=False)
@_project_option
@click.option(
    "--tool-output",
    "tool_outputs",
    multiple=True,
    metavar="NAME=JSON",
    help="Answer calls of function NAME with this JSON (NAME=@file.json reads a file); repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text (the answer streamed), or json (the whole exchange as one document at the end).",
)
@click.option(
    "--timeout",
    default="120s",
    show_default=True,
    metavar="DURATION",
    callback=_parse_run_timeout,
    help="Longest a turn may take, e.g. 30s or 5m (time spent answering tool calls excluded).",
)
@click.option("--keep-thread", is_flag=True, help="Keep the thread (or stored responses) afterwards.")
@_sandbox_option
@click.pass_context
def run_command(
    ctx: click.Context,
    address: str,
    message: str | None,
    directory: Path | None,
    tool_outputs: tuple[str, ...],
    fmt: str,
    timeout: float,
    keep_thread: bool,
    sandbox: bool,
) -> int:
    """Talk to assistant ADDRESS: one turn with MESSAGE, a chat on a terminal, else one turn
    per line of stdin. Needs the assistant applied; writes nothing the stack manages."""
    from asstctl.commands import run as cmd

    return cmd.run(
        _dir(ctx, directory),
        address=address,
        message=message,
        tool_outputs=tool_outputs,
        fmt=fmt,
        timeout=timeout,
        keep_thread=keep_thread,
        sandbox=sandbox,
    )


@cli.command()
@click.argument("target", metavar="[DIR]", required=False, type=click.Path(file_okay=False, path_type=Path))
@_project_option
@click.option("--stack", metavar="NAME", help="The stack name (default: from the directory name).")
@click.pass_context
def init(ctx: click.Context, target: Path | None, directory: Path | None, stack: str | None) -> int:
    """Create a project in DIR (default: here) that validates at once; never overwrites."""
    from asstctl.commands import init as cmd

    return cmd.run(_dir(ctx, directory) / (target or "."), stack=stack)


@cli.command()
def schema() -> int:
    """Print the manifest JSON Schema (for editors and other tools)."""
    from asstctl.manifest.editor import schema_text

    click.echo(schema_text(), nl=False)
    return 0


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8089, show_default=True, help="Port (0: any free one)."
)
@click.option("--latency-ms", type=click.IntRange(0), default=0, help="Added to every request.")
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0, help="Random 429/500/503 rate.")
@click.option(
    "--lost-response-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Commit writes, then drop the connection without a response.",
)
@click.option("--processing-delay-ms", type=click.IntRange(0), default=0, help="File ingestion time.")
@click.option("--seed", type=int, default=0, help="Seed for the fault knobs.")
@click.option("--no-assistants", is_flag=True, help="Answer /v1/assistants* with 404, as OpenAI does now.")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), help="Persist state in FILE.")
@click.option(
    "--profile",
    type=click.Choice(["openai", "ogx", "llama-stack"]),
    default="openai",
    show_default=True,
    help="Answer as this server does (ogx: OGX 1.5.0's divergences from OpenAI; llama-stack: the "
    "same, refusing per-file attributes in batches).",
)
def emulator(
    host: str,
    port: int,
    latency_ms: int,
    fault_rate: float,
    lost_response_rate: float,
    processing_delay_ms: int,
    seed: int,
    no_assistants: bool,
    state: Path | None,
    profile: str,
) -> int:
    """Run the local OpenAI-compatible API emulator (the sandbox)."""
    from asstctl.commands import emulator as cmd
    from asstctl.emulator.config import EmulatorConfig

    config = EmulatorConfig(
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        lost_response_rate=lost_response_rate,
        processing_delay_ms=processing_delay_ms,
        seed=seed,
        no_assistants=no_assistants,
        state_path=state,
        profile=profile,
    )
    return cmd.run(config, host=host, port=port)


def _add_examples() -> None:
    """Each command's ``--help`` ends with its examples (``asstctl/cli_examples.py``)."""
    from asstctl.cli_examples import epilog

    for name, command in cli.commands.items():
        command.epilog = command.epilog or epilog(name)


_add_examples()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; every error becomes a message, never a traceback."""
    from asstctl.selection import environment_chosen

    try:
        with environment_chosen(None):  # -e applies to this invocation only
            result = cli.main(
                args=list(argv) if argv is not None else None, prog_name="asstctl", standalone_mode=False
            )
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 1
    except AsstctlError as exc:
        click.echo(for_terminal(f"Error: {exc}"), err=True)
        return exc.exit_code
    except Exception as exc:  # a bug: say so in one line; the traceback only on request
        if os.environ.get("ASSTCTL_DEBUG"):
            click.echo(for_terminal(traceback.format_exc()), err=True)
        click.echo(
            for_terminal(f"Error: unexpected {type(exc).__name__}: {exc}")
            + "\nThis is a bug in asstctl; rerun with ASSTCTL_DEBUG=1 for details and report it.",
            err=True,
        )
        return 1
    if isinstance(result, int):
        return result
    return 0  # --help, --version


def entrypoint() -> None:
    """The console script: :func:`main` with what only a whole process may do for speed —
    the SDK imported at the cost of what is used, no cyclic GC during the short run, and an
    exit that does not tear down the heap (output is flushed first)."""
    import gc
    import os

    from asstctl.remote.sdk_import import defer_package_inits

    defer_package_inits()
    gc.set_threshold(100_000, 50, 100)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    entrypoint()
