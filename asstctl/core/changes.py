"""Field-level changes between two normalized forms (the ``~`` lines of a plan)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from asstctl.core.keyed import ORDER_SUFFIX
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


def _at(form: JSON, parts: Iterable[str | int]) -> JSON:
    """The value at ``parts`` in ``form`` (None where absent)."""
    for p in parts:
        if not isinstance(form, Mapping) or p not in form:
            return None
        form = form[p]
    return form


def _scalars(before: JSON, after: JSON, parts: list[Any]) -> bool:
    """The list at ``parts`` holds only plain values on both sides (where present)."""
    for side in (_at(before, parts), _at(after, parts)):
        if side is not None and (
            not isinstance(side, list) or any(isinstance(v, dict | list) for v in side)
        ):
            return False
    return True


def attribute_changes(before: Mapping[str, JSON], after: Mapping[str, JSON]) -> tuple[AttributeChange, ...]:
    """Field-level changes between two normalized forms, in the forms' field order. A change
    in a list of plain values is reported as the whole list (``tool_order = ["a", "b"] ->
    ["b", "a"]``), read better whole than index by index; items with an identity belong keyed
    by it in the forms (``asstctl.core.keyed``), lists of objects keep index paths."""
    if _canonical(before) == _canonical(after):  # the common no-op case, without deepdiff's cost
        return ()
    from deepdiff import DeepDiff  # imported only when something differs
    from deepdiff.helper import notpresent

    diff = DeepDiff(dict(before), dict(after), view="tree", ignore_numeric_type_changes=True)
    order = {k: i for i, k in enumerate([*after, *before])}
    found: list[tuple[tuple[Any, ...], AttributeChange]] = []
    seen: set[tuple[Any, ...]] = set()
    for levels in diff.values():
        for level in levels:
            parts = level.path(output_format="list")
            b = None if level.t1 is notpresent else level.t1
            c = None if level.t2 is notpresent else level.t2
            index = next((i for i, p in enumerate(parts) if isinstance(p, int)), None)
            if index is not None and _scalars(before, after, parts[:index]):
                parts = parts[:index]  # a list of plain values changes as a whole
                b, c = _at(before, parts), _at(after, parts)
            if tuple(parts) in seen:
                continue
            seen.add(tuple(parts))
            key = (
                order.get(parts[0], len(order)),
                *((0, p) if isinstance(p, int) else (1, p) for p in parts),
            )
            found.append((key, AttributeChange(path=format_path(parts), before=b, after=c)))
    found.sort(key=lambda kv: kv[0])
    return tuple(change for _, change in found if not _implied_order(change))


def _implied_order(change: AttributeChange) -> bool:
    """An order list (``tool_order``) whose change only reflects items added or removed: the
    items on both sides keep their relative order, so it says nothing the items' own lines
    do not (a real reorder is kept)."""
    if not change.path.endswith(ORDER_SUFFIX):
        return False
    b, a = change.before, change.after
    if not isinstance(b, list) or not isinstance(a, list) or set(b) == set(a):
        return False
    return [x for x in b if x in a] == [x for x in a if x in b]
