"""What apply shows while it works, on stderr: one line per finished step, and on a
terminal a progress bar for uploads and ingestion (files uploaded n/N, indexed n/N).

Thread-safe: executor workers report from their own threads.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class Reporter:
    """Progress of one apply. Use as a context manager around the work."""

    def __init__(self, stream: TextIO | None = None, *, bar: bool | None = None, color: bool | None = None):
        self._stream = stream if stream is not None else sys.stderr
        is_tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._bar = is_tty if bar is None else bar
        self._console = Console(
            file=self._stream,
            force_terminal=self._bar or None,
            no_color=color is False,
            highlight=False,
            soft_wrap=True,
        )
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._totals = {"uploaded": 0, "indexed": 0}
        self._done = {"uploaded": 0, "indexed": 0}
        self._indexed_by_batch: dict[str, int] = {}

    def __enter__(self) -> Reporter:
        if self._bar:
            self._progress = Progress(
                TextColumn("{task.description:>9}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def line(self, text: str) -> None:
        """One finished step, e.g. ``vector_store.docs: created (vs_123)``."""
        with self._lock:
            self._console.print(text, markup=False)

    def add_total(self, what: str, n: int) -> None:
        """Expect ``n`` more files to be ``uploaded`` or ``indexed``."""
        if n <= 0:
            return
        with self._lock:
            self._totals[what] += n
            self._refresh(what)

    def uploaded(self) -> None:
        with self._lock:
            self._done["uploaded"] += 1
            self._refresh("uploaded")

    def indexed(self, batch_id: str, done: int) -> None:
        """A batch reports ``done`` files finished (ingested, failed or cancelled) so far."""
        with self._lock:
            before = self._indexed_by_batch.get(batch_id, 0)
            if done > before:
                self._indexed_by_batch[batch_id] = done
                self._done["indexed"] += done - before
                self._refresh("indexed")

    def counts(self, what: str) -> tuple[int, int]:
        """(done, total) for ``uploaded`` or ``indexed``."""
        with self._lock:
            return self._done[what], self._totals[what]

    def _refresh(self, what: str) -> None:
        if self._progress is None:
            return
        task = self._tasks.get(what)
        if task is None:
            task = self._tasks[what] = self._progress.add_task(what, total=self._totals[what])
        self._progress.update(task, total=self._totals[what], completed=self._done[what])
