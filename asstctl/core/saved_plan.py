"""Saved plans (``plan --out FILE``): the reviewed plan plus what it was made from.

A saved plan records the project fingerprint and a fingerprint of every live object read.
Apply checks them (:func:`check_fresh`) and then rebuilds the plan from the same inputs,
which is identical by construction: the file is a verified token, not a script.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.plan import Plan
from asstctl.errors import StalePlanError, UsageError

SAVED_FORMAT_VERSION = "1"
_SHOWN = 5


@dataclass(frozen=True)
class SavedPlan:
    """A plan file as read back."""

    path: Path
    stack: str
    base_url: str
    destroy: bool
    targets: tuple[str, ...]
    project_fingerprint: str
    live_fingerprints: Mapping[str, str]
    document: Mapping[str, Any]
    """The plan as ``--format json`` shows it."""


def saved_plan_text(
    plan: Plan, document: Mapping[str, Any], *, base_url: str, targets: tuple[str, ...]
) -> str:
    """The JSON text of a plan file for ``plan`` (``document`` is its JSON view)."""
    data = {
        "format_version": SAVED_FORMAT_VERSION,
        "stack": plan.stack,
        "base_url": base_url,
        "destroy": plan.destroy,
        "targets": list(targets),
        "project_fingerprint": plan.project_fingerprint,
        "live_fingerprints": dict(sorted(plan.live_fingerprints.items())),
        "plan": document,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_saved_plan(path: Path) -> SavedPlan:
    """Read a plan file; ``UsageError`` if it is not one this version of asstctl wrote."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(
            f"{path} is not a saved plan ({exc}); make one with: asstctl plan --out {path}"
        ) from None
    if not isinstance(data, dict) or data.get("format_version") != SAVED_FORMAT_VERSION:
        raise UsageError(
            f"{path} is not a saved plan of format {SAVED_FORMAT_VERSION}; make a new one with: "
            f"asstctl plan --out {path}"
        )
    try:
        return SavedPlan(
            path=Path(path),
            stack=str(data["stack"]),
            base_url=str(data["base_url"]),
            destroy=bool(data["destroy"]),
            targets=tuple(str(t) for t in data["targets"]),
            project_fingerprint=str(data["project_fingerprint"]),
            live_fingerprints={str(k): str(v) for k, v in dict(data["live_fingerprints"]).items()},
            document=dict(data["plan"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{path} is a damaged saved plan (missing or bad {exc}); make a new one") from None


def check_fresh(saved: SavedPlan, project: Project, live: LiveState, *, base_url: str) -> None:
    """Raise ``StalePlanError`` unless the endpoint, the project and every live object read are
    as they were when ``saved`` was made (two empty endpoints would otherwise look alike)."""
    redo = "; run asstctl plan again"
    if saved.base_url != base_url:
        raise StalePlanError(
            f"saved plan {saved.path} was made against {saved.base_url}, but this run talks to "
            f"{base_url}; run asstctl plan again against this endpoint"
        )
    if saved.stack != project.stack:
        raise StalePlanError(
            f"saved plan {saved.path} is for stack {saved.stack!r}, this project is {project.stack!r}{redo}"
        )
    if saved.project_fingerprint != project.fingerprint:
        raise StalePlanError(
            f"saved plan is stale: the manifests or the files they reference changed since it was made{redo}"
        )
    problems = live_differences(saved.live_fingerprints, live.fingerprints)
    if problems:
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        raise StalePlanError(
            "saved plan is stale: live state changed since it was made: "
            f"{', '.join(problems[:_SHOWN])}{more}{redo}"
        )


def live_differences(before: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """What changed between two fingerprint maps, e.g. ``asst_1 changed``, ``vs_2 disappeared``."""
    out = [f"{k} changed" for k in sorted(before) if k in now and now[k] != before[k]]
    out += [f"{k} disappeared" for k in sorted(before) if k not in now]
    out += [f"{k} appeared" for k in sorted(now) if k not in before]
    return out
