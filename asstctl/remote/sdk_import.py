"""Import the ``openai`` SDK at the cost of what a command uses, not of its whole surface.

``import openai`` runs ``openai/__init__.py``, which imports every type of every API (about 500
modules, ≈ 0.4 s of a command's start-up). asstctl's requests use the client, its errors and a
few resources. :func:`defer_package_inits` makes the ``__init__`` of every package under
``openai`` run only when one of the package's own names is first used (``openai.OpenAI``,
``openai.types.responses.Response``); importing a submodule (``openai._client``) no longer runs
it. Everything still comes from the installed SDK and behaves the same once touched.

For the console script only (:func:`asstctl.main.entrypoint`): a library or test process that
imports asstctl keeps Python's normal imports. ``ASSTCTL_EAGER_IMPORTS=1`` turns it off.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

_PREFIX = "openai"


class _DeferredInit:
    """Runs a package's ``__init__`` on the first use of a name that is not a submodule."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        spec = module.__spec__
        assert spec is not None and spec.submodule_search_locations is not None
        name, real = spec.name, self.real
        where = list(spec.submodule_search_locations)
        state = {"running": False}

        def __getattr__(attr: str) -> object:
            if attr.startswith("__"):
                raise AttributeError(attr)
            if any(_has_submodule(d, attr) for d in where):
                return importlib.import_module(f"{name}.{attr}")
            with _module_lock(name):  # the lock an import of the package would hold (threads wait)
                if module.__dict__.get("__getattr__") is __getattr__:
                    if state["running"]:  # its own __init__ asking: a partially initialised module
                        raise AttributeError(
                            f"partially initialized module {name!r} has no attribute {attr!r}"
                        )
                    state["running"] = True
                    module.__loader__ = real
                    real.exec_module(module)
                    if module.__dict__.get("__getattr__") is __getattr__:
                        del module.__dict__["__getattr__"]
            return getattr(module, attr)

        module.__getattr__ = __getattr__  # type: ignore[method-assign]


def _has_submodule(directory: str, name: str) -> bool:
    return os.path.exists(os.path.join(directory, f"{name}.py")) or os.path.isdir(
        os.path.join(directory, name)
    )


def _module_lock(name: str) -> Any:
    """The import system's own lock for module ``name`` (so its deadlock detection applies)."""
    from importlib import _bootstrap

    return _bootstrap._ModuleLockManager(name)  # type: ignore[attr-defined]


class _Finder:
    """Hands out the SDK's own specs, with package loaders wrapped in :class:`_DeferredInit`."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.submodule_search_locations is not None and spec.loader is not None:
            spec.loader = _DeferredInit(spec.loader)  # type: ignore[assignment]
        return spec


def defer_package_inits() -> None:
    """Install the deferred-init finder (once, and only before the SDK is first imported)."""
    if os.environ.get("ASSTCTL_EAGER_IMPORTS") or _PREFIX in sys.modules:
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
