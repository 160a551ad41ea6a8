"""Commands around the life cycle: output, run, init, schema, emulator."""

from __future__ import annotations

from pathlib import Path

import click

from asstctl.cli.options import (
    project_dir,
    project_option,
    sandbox_option,
)


@click.command()
@click.argument("address", required=False)
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "env"]),
    default="text",
    show_default=True,
    help="text, json, or env (NAME=id lines for $GITHUB_ENV); with ADDRESS: text is the raw value.",
)
@sandbox_option
@click.pass_context
def output(ctx: click.Context, address: str | None, directory: Path | None, fmt: str, sandbox: bool) -> int:
    """Print the live ids of the stack's assistants and vector stores; with ADDRESS
    (assistant.support, or ADDRESS.FIELD) just that one value, for scripts."""
    from asstctl.commands import output as cmd

    return cmd.run(project_dir(ctx, directory), fmt=fmt, sandbox=sandbox, address=address)


def _parse_run_timeout(ctx: click.Context, param: click.Parameter, value: str) -> float:
    from asstctl.remote.lock import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds <= 0:
        raise click.BadParameter("give a duration above zero, e.g. 30s or 5m")
    return seconds


@click.command("run")
@click.argument("address")
@click.argument("message", required=False)
@project_option
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
@sandbox_option
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
        project_dir(ctx, directory),
        address=address,
        message=message,
        tool_outputs=tool_outputs,
        fmt=fmt,
        timeout=timeout,
        keep_thread=keep_thread,
        sandbox=sandbox,
    )


@click.command()
@click.argument("target", metavar="[DIR]", required=False, type=click.Path(file_okay=False, path_type=Path))
@project_option
@click.option("--stack", metavar="NAME", help="The stack name (default: from the directory name).")
@click.pass_context
def init(ctx: click.Context, target: Path | None, directory: Path | None, stack: str | None) -> int:
    """Create a project in DIR (default: here) that validates at once; never overwrites."""
    from asstctl.commands import init as cmd

    return cmd.run(project_dir(ctx, directory) / (target or "."), stack=stack)


@click.command()
def schema() -> int:
    """Print the manifest JSON Schema (for editors and other tools)."""
    from asstctl.manifest.editor import schema_text

    click.echo(schema_text(), nl=False)
    return 0


@click.command()
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
