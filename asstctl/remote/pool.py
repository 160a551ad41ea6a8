"""A fixed pool of daemon worker threads that hands out ordinary ``Future``s.

``ThreadPoolExecutor`` workers are joined when the interpreter exits, so after Ctrl-C the
process sits out every request still in flight, and a second Ctrl-C during that join prints
a traceback from ``threading``. These workers are daemons: the caller decides how long to wait
for them, and exiting never blocks on them. Cutting a request off this way is no worse than
``kill -9``: everything asstctl creates is tagged the moment it exists.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...]]


class DaemonPool:
    """``workers`` daemon threads running submitted calls in submission order."""

    def __init__(self, workers: int, *, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        future: Future[T] = Future()
        self._futures.append(future)
        self._jobs.put((future, fn, args))
        return future

    def abandon(self, timeout: float) -> None:
        """After a failure: drop the calls not started yet and give the running ones up to
        ``timeout`` seconds to end, so the client is not closed under them."""
        for future in self._futures:
            future.cancel()
        wait([f for f in self._futures if not f.done()], timeout=timeout)

    def shutdown(self) -> None:
        """Let the workers end once the calls already submitted are done; never waits."""
        for _ in self._threads:
            self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)

    def __enter__(self) -> DaemonPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()
