"""Field-level changes between two normalized forms (the ``~`` lines of a plan)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from asstctl.core.plan import AttributeChange

JSON = Any
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(parts: Iterable[str | int]) -> str:
    """``["tools", 0, "function", "name"]`` -> ``tools[0].function.name``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif _IDENT.match(p):
            out += f".{p}" if out else p
        else:
            out += f"[{p!r}]"
    return out


def _canonical(form: Mapping[str, JSON]) -> str:
    """An exact text form: equal only if the values are equal in type too (1 and 1.0 differ)."""
    return json.dumps(form, sort_keys=True, separators=(",", ":"))


def attribute_changes(before: Mapping[str, JSON], after: Mapping[str, JSON]) -> tuple[AttributeChange, ...]:
    """Field-level changes between two normalized forms, in the forms' field order."""
    if _canonical(before) == _canonical(after):  # the common no-op case, without deepdiff's cost
        return ()
    from deepdiff import DeepDiff  # imported only when something differs
    from deepdiff.helper import notpresent

    diff = DeepDiff(dict(before), dict(after), view="tree", ignore_numeric_type_changes=True)
    order = {k: i for i, k in enumerate([*after, *before])}
    found: list[tuple[tuple[Any, ...], AttributeChange]] = []
    for levels in diff.values():
        for level in levels:
            parts = level.path(output_format="list")
            b = None if level.t1 is notpresent else level.t1
            c = None if level.t2 is notpresent else level.t2
            key = (
                order.get(parts[0], len(order)),
                *((0, p) if isinstance(p, int) else (1, p) for p in parts),
            )
            found.append((key, AttributeChange(path=format_path(parts), before=b, after=c)))
    found.sort(key=lambda kv: kv[0])
    return tuple(change for _, change in found)
