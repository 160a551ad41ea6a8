"""``asstctl plan``: show what apply would change (text, JSON or markdown), optionally save it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from asstctl.core.saved_plan import saved_plan_text
from asstctl.errors import AsstctlError, UsageError
from asstctl.executor import prevent_destroy_violations
from asstctl.render import plan_document, render_json, render_markdown, render_notes, render_text
from asstctl.render.color import use_color
from asstctl.workflow import endpoint_name, prepare

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
        endpoint = endpoint_name(prepared.endpoint)
    sys.stderr.write(render_notes(plan))
    if fmt == "json":
        text = render_json(plan)
    elif fmt == "markdown":
        text = render_markdown(plan)
    else:
        text = render_text(plan, color=use_color(color, sys.stdout))
    sys.stdout.write(text)
    protected = prevent_destroy_violations(plan)
    if protected:  # after the plan is shown; never saved: apply would refuse it
        names = ", ".join(protected)
        raise AsstctlError(
            f"this plan would delete or replace {names}, protected by lifecycle.prevent_destroy: apply "
            f"and destroy refuse it. Set 'lifecycle: {{prevent_destroy: false}}' in the manifest first (it "
            "lives only there: nothing to apply), or leave the resource out with --target"
        )
    if out is not None:
        _save(out, saved_plan_text(plan, plan_document(plan), endpoint=endpoint, targets=tuple(targets)))
        print(f"Saved the plan to {out}; apply it with: asstctl apply {out}", file=sys.stderr)
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0


def _save(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the plan to {path}: {exc.strerror or exc}") from None
