"""``asstctl show PLANFILE``: a saved plan in any view, offline (no project, no key, no network).

Like ``terraform show PLANFILE``: the reviewer of a CI artifact reads exactly what was planned.
Also reads a bare JSON plan document (``plan --format json > plan.json``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asstctl.core.saved_plan import load_saved_plan
from asstctl.errors import UsageError
from asstctl.render import render_markdown, render_notes, render_text
from asstctl.render.color import use_color
from asstctl.render.jsonread import plan_from_document


def read_document(path: Path) -> Mapping[str, Any]:
    """The plan document in ``path``: a saved plan's (checked as apply checks it), or a
    ``--format json`` document as is."""
    try:
        return load_saved_plan(path).document
    except UsageError as saved_error:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise saved_error from None
        if isinstance(data, dict) and "resource_changes" in data and "plan" not in data:
            return data
        raise


def run(planfile: Path, *, fmt: str, color: bool | None) -> int:
    """Print the plan in ``planfile`` as ``fmt`` (text, json or markdown); notes go to stderr."""
    document = read_document(planfile)
    if fmt == "json":  # the document exactly as saved
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return 0
    plan = plan_from_document(document)
    sys.stderr.write(render_notes(plan))
    if fmt == "markdown":
        sys.stdout.write(render_markdown(plan))
    else:
        sys.stdout.write(render_text(plan, color=use_color(color, sys.stdout)))
    return 0
