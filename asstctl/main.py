"""The command line. click lives here and in ``asstctl.cli`` only: it turns options into typed
arguments and calls a plain function in ``asstctl.commands`` that returns an exit code.

Exit codes, for every command: 0 success; 1 any error (usage errors included, never 2);
2 only for "changes present" under ``plan --detailed-exitcode``; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click

from asstctl import __version__
from asstctl.cli import adoption, lifecycle, tools
from asstctl.cli.options import project_option
from asstctl.errors import AsstctlError, for_terminal


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="asstctl")
@project_option
@click.pass_context
def cli(ctx: click.Context, directory: Path | None) -> None:
    """Assistants as code: validate, plan and apply OpenAI assistants, agents and vector stores."""
    ctx.obj = {"directory": directory}


for _command in (
    lifecycle.validate,
    lifecycle.plan,
    lifecycle.show,
    lifecycle.apply,
    lifecycle.destroy,
    adoption.import_,
    adoption.forget,
    adoption.force_unlock,
    tools.output,
    tools.run_command,
    tools.init,
    tools.schema,
    tools.emulator,
):
    cli.add_command(_command)


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
