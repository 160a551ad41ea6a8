"""Keeping the store in a JSON file across restarts: load at start, save atomically soon after writes.

A background thread saves every ``interval`` seconds (longer when a save itself is slow) when something
changed, so a killed emulator loses at most that last fraction of a second.
File contents live in ``<state>.blobs/``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from asstctl.emulator.store import Store


def blobs_dir(state_path: Path) -> Path:
    """The directory holding uploaded contents for the state file ``state_path``."""
    return state_path.with_name(state_path.name + ".blobs")


class StateFileError(Exception):
    """The state file cannot be used: unreadable, not a state this emulator wrote, or unwritable."""


class Persister:
    """Saves ``store`` to ``path`` (write a temporary file, then rename) whenever it changed."""

    def __init__(self, store: Store, path: Path, interval: float = 0.1) -> None:
        self.store = store
        self.path = path
        self.interval = interval
        self._saved_version = -1
        self._stop = threading.Event()
        self._save_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def load(self) -> None:
        """Read the state file into the store, if it exists; ``StateFileError`` if it cannot be."""
        try:
            if self.path.exists():
                self.store.load(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StateFileError(str(exc)) from exc
        self._saved_version = self.store.version

    def save(self) -> None:
        """Write the state now if it changed since the last save."""
        with self._save_lock:
            with self.store.lock:
                version = self.store.version
                if version == self._saved_version:
                    return
                data = self.store.dump()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
            self._saved_version = version

    def start(self) -> None:
        """Save in the background every ``interval`` seconds while there are changes."""
        self._thread = threading.Thread(target=self._loop, name="emulator-state", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            started = time.monotonic()
            self.save()
            # a big state takes a while to write: keep saving at most a third of the time
            pause = max(self.interval, 2 * (time.monotonic() - started))

    def stop(self) -> None:
        """Stop the background saver and save one last time."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.save()
