"""A key-by-key check of a value against an SDK TypedDict (pydantic alone lets unknown keys of a
TypedDict through): every key must be declared, every required key present, and every value
must match its declared type, through nested TypedDicts, unions, literals and sequences.

The SDK's modules use ``from __future__ import annotations``, so on this Python a TypedDict's
``__required_keys__`` comes out empty: requiredness is read from the resolved annotations
(``Required[...]``, or a ``total`` TypedDict's keys not marked ``NotRequired``)."""

from __future__ import annotations

import collections.abc
import types
import typing
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

import typing_extensions
from typing_extensions import is_typeddict

_SEQUENCES = (list, tuple, collections.abc.Iterable, collections.abc.Sequence)
_REQUIRED = (Required, typing_extensions.Required)
_MARKS = (*_REQUIRED, NotRequired, typing_extensions.NotRequired)


def problems(value: Any, tp: Any, path: str = "$") -> list[str]:
    """Why ``value`` does not fit ``tp`` (empty: it fits)."""
    origin = get_origin(tp)
    if tp is Any or tp is object:
        return []
    if origin in _MARKS:
        return problems(value, get_args(tp)[0], path)
    if is_typeddict(tp):
        return _typeddict(value, tp, path)
    if origin in (Union, types.UnionType):
        arms = [problems(value, arm, path) for arm in get_args(tp)]
        if any(not p for p in arms):
            return []
        return [f"{path}: fits no arm of {tp}: " + " | ".join(p[0] for p in arms if p)]
    if origin is Literal:
        return [] if value in get_args(tp) else [f"{path}: {value!r} is not one of {get_args(tp)}"]
    if tp is type(None):
        return [] if value is None else [f"{path}: {value!r} is not null"]
    if origin in (dict, collections.abc.Mapping) or tp is dict:
        return [] if isinstance(value, dict) else [f"{path}: {value!r} is not an object"]
    if origin is not None and (origin in _SEQUENCES or getattr(origin, "__name__", "") == "SequenceNotStr"):
        if isinstance(value, str | bytes | dict) or not isinstance(value, list | tuple):
            return [f"{path}: {value!r} is not an array"]
        (item,) = get_args(tp)[:1] or (Any,)
        return [p for i, v in enumerate(value) for p in problems(v, item, f"{path}[{i}]")]
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if tp in (str, int, bool):
        ok = isinstance(value, tp) and (tp is bool or not isinstance(value, bool))
        return [] if ok else [f"{path}: {value!r} is not a {tp.__name__}"]
    raise AssertionError(f"{path}: the checker does not know {tp!r}")


def _typeddict(value: Any, tp: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: {value!r} is not an object ({tp.__name__})"]
    hints = typing.get_type_hints(tp, include_extras=True)
    unknown = sorted(set(value) - set(hints))
    if unknown:
        return [f"{path}: {tp.__name__} has no key {', '.join(unknown)}"]
    total = bool(getattr(tp, "__total__", True))
    required = {
        k for k, h in hints.items() if get_origin(h) in _REQUIRED or (total and get_origin(h) not in _MARKS)
    }
    missing = sorted(required - set(value))
    if missing:
        return [f"{path}: {tp.__name__} requires {', '.join(missing)}"]
    return [p for k, v in value.items() for p in problems(v, hints[k], f"{path}.{k}")]
