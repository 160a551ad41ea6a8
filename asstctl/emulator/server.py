"""Running an emulator in a background thread of this process (tests, the in-process sandbox)."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from asstctl.emulator.blobs import Blobs, DiskBlobs, MemoryBlobs
from asstctl.emulator.config import EmulatorConfig
from asstctl.emulator.http import EmulatorServer, Exchange
from asstctl.emulator.persist import Persister, StateFileError, blobs_dir
from asstctl.emulator.store import Store


class RunningEmulator:
    """A started emulator: its URLs, its store, its statistics, and ``stop``."""

    def __init__(self, config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        blobs: Blobs = MemoryBlobs()
        if config.state_path is not None:
            try:
                blobs = DiskBlobs(blobs_dir(config.state_path))
            except OSError as exc:
                raise StateFileError(str(exc)) from exc
        self.store = Store(processing_delay_ms=config.processing_delay_ms, blobs=blobs)
        self._persister: Persister | None = None
        if config.state_path is not None:
            self._persister = Persister(self.store, config.state_path)
            self._persister.load()
        self._server = EmulatorServer((host, port), self.store, config)
        bound_host, bound_port = self._server.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        shown = f"[{host_text}]" if ":" in host_text else host_text
        self.root_url = f"http://{shown}:{bound_port}"
        """Where the emulator listens, e.g. ``http://127.0.0.1:8089``."""
        self.base_url = self.root_url + "/v1"
        """The ``base_url`` for ``OpenAI(base_url=...)`` and ``OPENAI_BASE_URL``."""
        self.port = int(bound_port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="emulator", daemon=True
        )
        self._stopped = False
        self._thread.start()
        if self._persister is not None:
            self._persister.start()

    def stats(self) -> dict[str, Any]:
        """Request counts, exactly as ``GET /_emulator/stats`` returns them."""
        with urllib.request.urlopen(self.root_url + "/_emulator/stats", timeout=10) as resp:
            data: dict[str, Any] = json.loads(resp.read())
        return data

    def reset_stats(self) -> None:
        """Zero the request counts (``POST /_emulator/reset-stats``)."""
        req = urllib.request.Request(self.root_url + "/_emulator/reset-stats", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()

    def set_recorder(self, recorder: Callable[[Exchange], None] | None) -> None:
        """Call ``recorder`` with every answered ``/v1`` request (None stops recording)."""
        self._server.recorder = recorder

    def save_state(self) -> None:
        """Persist the state now (a no-op without ``state_path``)."""
        if self._persister is not None:
            self._persister.save()

    def stop(self) -> None:
        """Stop serving, drop open connections, and persist the state (if ``state_path``)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join()
        if self._persister is not None:
            self._persister.stop()

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> RunningEmulator:
    """Start an emulator serving in a daemon thread; port 0 picks a free port. Call ``stop()`` after.

    Raises ``StateFileError`` when ``config.state_path`` cannot be used, ``OSError`` when the
    address cannot be bound."""
    return RunningEmulator(config or EmulatorConfig(), host, port)


@contextlib.contextmanager
def serve_in_thread(
    config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningEmulator]:
    """Run an emulator for the duration of a ``with`` block."""
    emu = start_in_thread(config, host, port)
    try:
        yield emu
    finally:
        emu.stop()
