"""The machine view of a plan: a versioned JSON document (the contract for CI and tools).

Shape (``format_version`` changes on any incompatible change)::

    {"format_version": "1.0", "stack": str, "environment": str | null, "endpoint": str | null,
     "destroy": bool, "notes": [str],
     "resource_changes": [{"address", "kind", "name", "actions", "reason", "id",
                           "before", "after", "requires_replace", "changed_attributes",
                           "prevent_destroy", "file_changes", "unchanged_files"}],
     "uploads": [path], "orphan_files": [file id],
     "orphan_file_details": [{"id", "filename", "sha256", "paths": [project path]}],
     "moved": [{"from", "to", "id"}] (only when non-empty),
     "summary": {"add": int, "change": int, "destroy": int}}
"""

from __future__ import annotations

import json
from typing import Any

from asstctl.core.plan import FORMAT_VERSION, AttributeChange, FileChange, Plan, ResourceChange

JSON = Any


def plan_document(plan: Plan) -> dict[str, JSON]:
    """The JSON document of ``plan`` as a dict (``--format json`` and saved plans)."""
    return {
        "format_version": FORMAT_VERSION,
        "stack": plan.stack,
        "environment": plan.environment,
        "endpoint": plan.endpoint,
        "destroy": plan.destroy,
        "notes": list(plan.notes),
        "resource_changes": [_resource(c) for c in plan.changes],
        "uploads": list(plan.uploads),
        "orphan_files": list(plan.orphan_files),
        "orphan_file_details": [
            {"id": o.id, "filename": o.basename, "sha256": o.sha256, "paths": list(o.paths)}
            for o in plan.orphan_details
        ],
        "summary": plan.summary(),
    } | _moved(plan)


def _moved(plan: Plan) -> dict[str, JSON]:
    """``moved`` (``moved:`` in asstctl.yaml), present only when something moves."""
    return {"moved": [{"from": m.source, "to": m.to, "id": m.id} for m in plan.moves]} if plan.moves else {}


def render_json(plan: Plan) -> str:
    """``plan_document`` as indented JSON text, ending with a newline."""
    return json.dumps(plan_document(plan), indent=2, ensure_ascii=False) + "\n"


def _resource(c: ResourceChange) -> dict[str, JSON]:
    return {
        "address": c.address,
        "kind": c.kind,
        "name": c.name,
        "actions": list(c.action.value),
        "reason": c.reason,
        "id": c.id,
        "before": c.before,
        "after": c.after,
        "requires_replace": list(c.requires_replace),
        "changed_attributes": [_attribute(a) for a in c.changes],
        "prevent_destroy": c.prevent_destroy,
        "file_changes": [_file(f) for f in c.file_changes],
        "unchanged_files": c.unchanged_files,
    }


def _attribute(a: AttributeChange) -> dict[str, JSON]:
    return {"path": a.path, "before": a.before, "after": a.after, "forces_replacement": a.forces_replacement}


def _file(f: FileChange) -> dict[str, JSON]:
    return {
        "path": f.path,
        "action": f.action.value,
        "reason": f.reason,
        "file_id": f.file_id,
        "sha256_before": f.sha256_before,
        "sha256_after": f.sha256_after,
        "attributes_before": f.attributes_before,
        "attributes_after": f.attributes_after,
    }
