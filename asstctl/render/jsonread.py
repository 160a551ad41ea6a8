"""The JSON plan document read back into a :class:`~asstctl.core.plan.Plan`, so a saved plan
can be shown in any view without the network (``asstctl show PLANFILE``).

The inverse of :func:`asstctl.render.jsondoc.plan_document`:
``plan_document(plan_from_document(doc)) == doc`` for every document this version writes.
The Plan it returns is for the views only: it carries no fingerprints or File choices, so it
must never be executed (apply rebuilds its plan from the project and the live state).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from asstctl.core.plan import (
    FORMAT_VERSION,
    Action,
    AttributeChange,
    FileAction,
    FileChange,
    Moved,
    OrphanFile,
    Plan,
    ResourceChange,
)
from asstctl.errors import UsageError

JSON = Any
_ACTIONS = {a.value: a for a in Action}
_EXPLICIT = {"changes", "orphan_details", "moves", "notes", "uploads", "orphan_files", "stack", "destroy"}


def plan_from_document(doc: Mapping[str, JSON]) -> Plan:
    """The Plan a JSON plan document describes; ``UsageError`` when it is not one."""
    version = str(doc.get("format_version", ""))
    if version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
        raise UsageError(
            f"the plan document has format_version {version or '(none)'}; this asstctl reads "
            f"{FORMAT_VERSION}: show it with the asstctl that made it, or plan again"
        )
    try:
        extra = {
            f.name: _plain(doc[f.name])
            for f in dataclasses.fields(Plan)
            if f.name not in _EXPLICIT and f.name in doc and _is_plain(doc[f.name])
        }
        return Plan(
            stack=str(doc["stack"]),
            destroy=bool(doc.get("destroy", False)),
            notes=tuple(str(n) for n in doc.get("notes") or ()),
            changes=tuple(_resource(r) for r in doc["resource_changes"]),
            uploads=tuple(str(p) for p in doc.get("uploads") or ()),
            orphan_files=tuple(str(f) for f in doc.get("orphan_files") or ()),
            orphan_details=tuple(_orphan(o) for o in doc.get("orphan_file_details") or ()),
            moves=tuple(Moved(source=m["from"], to=m["to"], id=m["id"]) for m in doc.get("moved") or ()),
            **extra,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"the plan document is damaged (missing or bad {exc}); plan again") from None


def _is_plain(value: JSON) -> bool:
    """A value a Plan field can take as is: a scalar, or a list of scalars (read as a tuple)."""
    scalar = (str, int, float, bool, type(None))
    return isinstance(value, scalar) or (
        isinstance(value, list) and all(isinstance(v, scalar) for v in value)
    )


def _plain(value: JSON) -> JSON:
    return tuple(value) if isinstance(value, list) else value


def _resource(r: Mapping[str, JSON]) -> ResourceChange:
    return ResourceChange(
        address=str(r["address"]),
        kind=str(r["kind"]),
        name=str(r["name"]),
        action=_ACTIONS[tuple(r["actions"])],
        reason=r.get("reason"),
        id=r.get("id"),
        before=r.get("before"),
        after=r.get("after"),
        changes=tuple(
            AttributeChange(
                path=str(a["path"]),
                before=a.get("before"),
                after=a.get("after"),
                forces_replacement=bool(a.get("forces_replacement", False)),
            )
            for a in r.get("changed_attributes") or ()
        ),
        requires_replace=tuple(str(p) for p in r.get("requires_replace") or ()),
        file_changes=tuple(_file(f) for f in r.get("file_changes") or ()),
        unchanged_files=int(r.get("unchanged_files") or 0),
        prevent_destroy=bool(r.get("prevent_destroy", False)),
    )


def _file(f: Mapping[str, JSON]) -> FileChange:
    return FileChange(
        path=str(f["path"]),
        action=FileAction(f["action"]),
        reason=f.get("reason"),
        file_id=f.get("file_id"),
        sha256_before=f.get("sha256_before"),
        sha256_after=f.get("sha256_after"),
        attributes_before=f.get("attributes_before"),
        attributes_after=f.get("attributes_after"),
    )


def _orphan(o: Mapping[str, JSON]) -> OrphanFile:
    return OrphanFile(
        id=str(o["id"]),
        basename=str(o["filename"]),
        sha256=str(o["sha256"]),
        paths=tuple(str(p) for p in o.get("paths") or ()),
    )
