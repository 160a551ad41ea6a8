"""Saved plans (``plan --out FILE``): the reviewed plan plus what it was made from.

A saved plan records everything that decides what apply does — the stack, the endpoint (by a
stable identity: ``sandbox`` for ``--sandbox``, whose port changes every run), ``destroy``,
the targets, the asstctl version, the project fingerprint and a fingerprint of every live
object read — and the plan itself, all bound by a checksum: a file edited by hand is refused.
Apply checks them (:func:`check_fresh`), rebuilds the plan from the same inputs and refuses it
unless it is exactly the saved one: the file is a verified token, not a script.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asstctl import __version__
from asstctl.core.live import LiveState
from asstctl.core.model import Project
from asstctl.core.plan import Plan
from asstctl.errors import StalePlanError, UsageError

SAVED_FORMAT_VERSION = "2"
_SHOWN = 5


@dataclass(frozen=True)
class SavedPlan:
    """A plan file as read back (its checksum verified)."""

    path: Path
    stack: str
    endpoint: str
    """The endpoint's identity: the base URL without credentials, or ``sandbox``."""
    asstctl_version: str
    destroy: bool
    targets: tuple[str, ...]
    project_fingerprint: str
    live_fingerprints: Mapping[str, str]
    document: Mapping[str, Any]
    """The plan as ``--format json`` shows it."""


def _checksum(data: Mapping[str, Any]) -> str:
    """sha256 over every field but ``checksum`` itself, in a canonical form."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def saved_plan_text(
    plan: Plan, document: Mapping[str, Any], *, endpoint: str, targets: tuple[str, ...]
) -> str:
    """The JSON text of a plan file for ``plan`` (``document`` is its JSON view, ``endpoint``
    the endpoint's identity)."""
    data: dict[str, Any] = {
        "format_version": SAVED_FORMAT_VERSION,
        "asstctl_version": __version__,
        "stack": plan.stack,
        "endpoint": endpoint,
        "destroy": plan.destroy,
        "targets": list(targets),
        "project_fingerprint": plan.project_fingerprint,
        "live_fingerprints": dict(sorted(plan.live_fingerprints.items())),
        "plan": document,
    }
    data["checksum"] = _checksum(data)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_saved_plan(path: Path) -> SavedPlan:
    """Read a plan file; ``UsageError`` if it is not one this version of asstctl wrote, or if
    it was changed after it was written."""
    redo = f"make a new one with: asstctl plan --out {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UsageError(f"{path} is not a saved plan ({exc}); {redo}") from None
    if not isinstance(data, dict) or data.get("format_version") != SAVED_FORMAT_VERSION:
        raise UsageError(f"{path} is not a saved plan of format {SAVED_FORMAT_VERSION}; {redo}")
    if data.get("checksum") != _checksum(data):
        raise UsageError(
            f"{path} was changed after asstctl wrote it (its checksum does not match); refusing to apply "
            f"a plan that is not the one reviewed: {redo}"
        )
    try:
        destroy, targets = data["destroy"], data["targets"]
        if not isinstance(destroy, bool) or not isinstance(targets, list):
            raise TypeError("destroy/targets")
        return SavedPlan(
            path=Path(path),
            stack=str(data["stack"]),
            endpoint=str(data["endpoint"]),
            asstctl_version=str(data["asstctl_version"]),
            destroy=destroy,
            targets=tuple(str(t) for t in targets),
            project_fingerprint=str(data["project_fingerprint"]),
            live_fingerprints={str(k): str(v) for k, v in dict(data["live_fingerprints"]).items()},
            document=dict(data["plan"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{path} is a damaged saved plan (missing or bad {exc}); {redo}") from None


def check_fresh(
    saved: SavedPlan, project: Project, live: LiveState, *, endpoint: str, document: Mapping[str, Any]
) -> None:
    """Raise ``StalePlanError`` unless the endpoint, the project and every live object read are
    as they were when ``saved`` was made (two empty endpoints would otherwise look alike), and
    the plan rebuilt from them (``document``, its JSON view) is exactly the saved one."""
    redo = "; run asstctl plan again"
    if saved.asstctl_version != __version__:
        raise StalePlanError(
            f"saved plan {saved.path} was made by asstctl {saved.asstctl_version}, "
            f"this is asstctl {__version__}{redo}"
        )
    if saved.endpoint != endpoint:
        raise StalePlanError(
            f"saved plan {saved.path} was made against {saved.endpoint}, but this run talks to "
            f"{endpoint}; run asstctl plan again against this endpoint"
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
    if dict(document) != dict(saved.document):
        raise StalePlanError(
            f"saved plan {saved.path} is not what apply would do now (its destroy, targets or plan differ "
            f"from what these inputs give); refusing to apply anything but the reviewed plan{redo}"
        )


def live_differences(before: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """What changed between two fingerprint maps, e.g. ``asst_1 changed``, ``vs_2 disappeared``."""
    out = [f"{k} changed" for k in sorted(before) if k in now and now[k] != before[k]]
    out += [f"{k} disappeared" for k in sorted(before) if k not in now]
    out += [f"{k} appeared" for k in sorted(now) if k not in before]
    return out
