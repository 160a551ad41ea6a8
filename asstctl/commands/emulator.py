"""``asstctl emulator``: serve the local OpenAI-compatible API until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from asstctl.emulator import EmulatorConfig, StateFileError, start_in_thread
from asstctl.errors import UsageError


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(config: EmulatorConfig, *, host: str, port: int) -> int:
    """Start the emulator, print the base URL to export, and serve until interrupted; returns 0."""
    state = config.state_path
    try:
        emu = start_in_thread(config, host=host, port=port)
    except StateFileError as exc:
        raise UsageError(
            f"cannot read the emulator state file {state}: {exc}. Move it aside or pass another --state."
        ) from None
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}. "
            "Choose another port with --port (0 picks a free one)."
        ) from None
    click.echo(f"asstctl emulator listening on {emu.base_url}")
    click.echo(f"export OPENAI_BASE_URL={emu.base_url} OPENAI_API_KEY=sk-local")
    if state is not None:
        click.echo(f"state kept in {state}")
    click.echo("Press Ctrl-C to stop.")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    s = emu.store
    click.echo(
        f"asstctl emulator stopped ({s.count('assistants')} assistants, {s.count('files')} files, "
        f"{s.count('vector_stores')} vector stores)."
    )
    return 0
