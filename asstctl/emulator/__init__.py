"""A faithful local OpenAI API emulator (assistants, files, vector stores, models): the test bed
and the user's sandbox. ``store`` holds state, ``http`` serves it, ``validation`` checks requests.
"""

from __future__ import annotations

from asstctl.emulator.config import EmulatorConfig
from asstctl.emulator.http import Exchange
from asstctl.emulator.persist import StateFileError
from asstctl.emulator.server import RunningEmulator, serve_in_thread, start_in_thread
from asstctl.emulator.store import Store

__all__ = [
    "EmulatorConfig",
    "Exchange",
    "RunningEmulator",
    "StateFileError",
    "Store",
    "serve_in_thread",
    "start_in_thread",
]
