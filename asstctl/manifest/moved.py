"""``moved:`` in ``asstctl.yaml``: read and check the renames (offline, part of ``validate``).

Each entry ``{from: assistant.old, to: assistant.new}`` must name two addresses of one kind
that supports re-tagging; ``from`` must no longer be declared, and (following chains such as
``a -> b``, ``b -> c``) the final ``to`` must be. The schema checks the shape; this checks
the meaning, every problem at its ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from asstctl.core.moves import Move, resolve_chains
from asstctl.errors import Diagnostic
from asstctl.kinds.base import Adoptable
from asstctl.manifest.yaml_loader import YamlDocument


def read_moves(doc: YamlDocument, declared: Collection[str]) -> tuple[tuple[Move, ...], list[Diagnostic]]:
    """The moves of the project file ``doc`` (schema-valid), given the declared addresses."""
    from asstctl.kinds.registry import BY_NAME  # the kinds build on the manifest package

    entries = doc.data.get("moved") if isinstance(doc.data, Mapping) else None
    if not isinstance(entries, list):
        return (), []
    problems: list[Diagnostic] = []
    pairs: list[tuple[str, str]] = []
    sources: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        bad = _entry_problem(entry, declared, BY_NAME)
        if bad is not None:
            field, message = bad
            problems.append(doc.diagnostic(("moved", i, field), message))
            continue
        source, to = str(entry["from"]), str(entry["to"])
        if source in sources:
            problems.append(
                doc.diagnostic(
                    ("moved", i, "from"), f"{source} is moved twice (also moved[{sources[source]}])"
                )
            )
            continue
        sources[source] = i
        pairs.append((source, to))
    moves = resolve_chains(pairs)
    for m in moves:
        i = sources[m.source]
        if m.to in sources:
            problems.append(doc.diagnostic(("moved", i, "to"), f"moves from {m.source} go round in a circle"))
        elif m.to not in declared:
            problems.append(
                doc.diagnostic(
                    ("moved", i, "to"),
                    f"{m.source} moves to {m.to}, which no manifest declares; declare it, or fix the entry",
                )
            )
    return (moves if not problems else ()), problems


def _entry_problem(
    entry: Mapping[str, Any], declared: Collection[str], kinds: Mapping[str, Any]
) -> tuple[str, str] | None:
    source, to = str(entry.get("from")), str(entry.get("to"))
    for field, address in (("from", source), ("to", to)):
        kind = address.split(".", 1)[0]
        if kind not in kinds:
            return field, f"unknown kind '{kind}' in {address}; use one of {', '.join(sorted(kinds))}"
        if not isinstance(kinds[kind], Adoptable):
            return field, f"moved does not support kind '{kind}' yet"
    if source.split(".", 1)[0] != to.split(".", 1)[0]:
        return "to", f"{source} cannot move to {to}: an object keeps its kind; moves are within one kind"
    if source == to:
        return "to", "from and to are the same address; remove the entry"
    if source in declared:
        return "from", f"{source} is still declared in a manifest; a moved address must be gone from them"
    return None
