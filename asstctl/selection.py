"""Which environment of ``asstctl.yaml`` this run uses: ``-e/--env`` on the command line, else
``ASSTCTL_ENV``. A context variable (per thread, reset after each CLI invocation), so commands
need not pass it along; library callers pass ``load_project(root, env=...)`` instead.

Kept free of imports so the CLI can use it without loading the manifest machinery.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar

ENV_VAR = "ASSTCTL_ENV"
"""Chooses the environment when ``-e/--env`` is not given."""

_CHOSEN: ContextVar[str | None] = ContextVar("asstctl_environment", default=None)


@contextlib.contextmanager
def environment_chosen(name: str | None) -> Iterator[None]:
    """For the block, runs use environment ``name``; None leaves the choice to ``ASSTCTL_ENV``."""
    token = _CHOSEN.set(name)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def set_chosen_environment(name: str) -> None:
    """Choose ``name`` for the rest of this context (the CLI's ``-e`` option callback)."""
    _CHOSEN.set(name)


def chosen_environment() -> str | None:
    """The environment chosen by ``-e``, else ``ASSTCTL_ENV``; None: the top-level settings."""
    return _CHOSEN.get() or os.environ.get(ENV_VAR) or None
