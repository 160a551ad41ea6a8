"""Lists whose items have an identity, as the plan compares them: a mapping by identity plus
the order (so one edited item is one change under its name, and a reorder is one change of the
order, never an index-by-index diff of every field).

Used by every kind's normalized forms for its ``tools`` (see ``asstctl.kinds.base``).
Not for request bodies: the API takes lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

JSON = Any

ORDER_SUFFIX = "_order"
"""A keyed list ``tools`` is shown with its order as ``tool_order`` (see :func:`order_key`)."""


def order_key(field: str) -> str:
    """``tools`` -> ``tool_order``: the form key holding the identities in list order."""
    return field.removesuffix("s") + ORDER_SUFFIX


_NAMED_BY = {"function": "name", "mcp": "server_label"}
"""Tool types that may repeat, and the field naming each one; any other tool is named by its type."""


def tool_identity(tool: Mapping[str, JSON]) -> tuple[str, dict[str, JSON]]:
    """A tool's identity and its fields in the manifest's flat shape: a function is named by
    its ``name`` (``{"type": "function", "description": …, "parameters": …}``), an MCP server
    by its ``server_label``, any other tool by its ``type`` (the single ``file_search``,
    ``web_search``…). Accepts the Assistants shape (``{"type": "function", "function": {…}}``)
    and the flat Responses/Agents one."""
    kind = str(tool.get("type"))
    inner = tool.get(kind)
    fields = dict(inner) if isinstance(inner, Mapping) else {k: v for k, v in tool.items() if k != "type"}
    if kind in _NAMED_BY:
        return str(fields.pop(_NAMED_BY[kind], "")), {"type": kind, **fields}
    return kind, {"type": kind, **fields}


def keyed_tools(tools: Iterable[Mapping[str, JSON]]) -> tuple[dict[str, JSON], list[str]]:
    """``tools`` as (identity -> fields, identities in list order). A named tool (function,
    MCP server) whose name another tool type also uses is keyed ``<type>:<name>`` (a function
    named ``file_search``: ``function:file_search``); a repeated identity (a live object edited
    elsewhere) gets ``#2``, ``#3``."""
    items = [tool_identity(t) for t in tools]
    types_of: dict[str, set[str]] = {}
    for ident, fields in items:
        types_of.setdefault(ident, set()).add(str(fields["type"]))
    keyed: dict[str, JSON] = {}
    for ident, fields in items:
        named = fields["type"] in _NAMED_BY
        key = f"{fields['type']}:{ident}" if named and len(types_of[ident]) > 1 else ident
        n, unique = 1, key
        while unique in keyed:
            n += 1
            unique = f"{key}#{n}"
        keyed[unique] = fields
    return keyed, list(keyed)


def keyed_form(field: str, tools: Iterable[Mapping[str, JSON]]) -> dict[str, JSON]:
    """``{field: identity -> fields, order_key(field): [identities]}``, ready to merge into a form."""
    keyed, order = keyed_tools(tools)
    return {field: keyed, order_key(field): order}


def is_shown_order(form: Mapping[str, JSON], key: str) -> bool:
    """``key`` is an order list that only repeats the order its keyed mapping is written in
    (a view listing the whole form may leave it out)."""
    if not key.endswith(ORDER_SUFFIX):
        return False
    field = key.removesuffix(ORDER_SUFFIX) + "s"
    keyed = form.get(field)
    return isinstance(keyed, Mapping) and list(keyed) == form.get(key)
