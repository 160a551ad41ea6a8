"""``asstctl plan``: show what apply would change (text, JSON or markdown), optionally save it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from asstctl.core.saved_plan import saved_plan_text
from asstctl.errors import UsageError
from asstctl.render import plan_document, render_json, render_markdown, render_notes, render_text
from asstctl.render.color import use_color
from asstctl.workflow import prepare

EXIT_CHANGES = 2


def run(
    project_dir: Path,
    *,
    fmt: str,
    detailed_exitcode: bool,
    destroy: bool,
    targets: Sequence[str],
    out: Path | None,
    sandbox: bool,
    color: bool | None,
) -> int:
    """Print the plan to stdout (notes go to stderr); 2 under ``--detailed-exitcode`` when
    something would change."""
    with prepare(project_dir, sandbox=sandbox, destroy=destroy, targets=targets) as prepared:
        plan = prepared.plan
        base_url = prepared.endpoint.base_url
    sys.stderr.write(render_notes(plan))
    if fmt == "json":
        text = render_json(plan)
    elif fmt == "markdown":
        text = render_markdown(plan)
    else:
        text = render_text(plan, color=use_color(color, sys.stdout))
    sys.stdout.write(text)
    if out is not None:
        _save(out, saved_plan_text(plan, plan_document(plan), base_url=base_url, targets=tuple(targets)))
        print(f"Saved the plan to {out}; apply it with: asstctl apply {out}", file=sys.stderr)
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0


def _save(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the plan to {path}: {exc.strerror or exc}") from None
