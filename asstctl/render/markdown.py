"""The pull-request view of a plan: summary first, deletions flagged, long diffs folded."""

from __future__ import annotations

import html

from asstctl.core.plan import Action, Plan, ResourceChange
from asstctl.render.heading import markdown_title
from asstctl.render.text import NO_CHANGES, SYMBOL, files_line, header, resource_lines, summary_line
from asstctl.render.values import code_fence, md_code, md_text, plural, safe

FOLD_AFTER_LINES = 15
"""Resource blocks longer than this are folded into ``<details>``."""
_ACTION = {
    Action.CREATE: "create",
    Action.UPDATE: "update in-place",
    Action.DELETE: "**destroy**",
    Action.REPLACE: "**replace**",
}


def render_markdown(plan: Plan) -> str:
    """The plan as GitHub-flavoured markdown, for a pull-request comment."""
    out = [markdown_title(plan), ""]
    if not plan.has_changes:
        out += [f"**{NO_CHANGES}**", ""]
        out += [f"> {md_text(note)}" for note in plan.notes]
        return "\n".join(out).rstrip("\n") + "\n"
    out.append(f"**{summary_line(plan)}**" + (f" {files_line(plan)}" if files_line(plan) else ""))
    out.append("")
    destroyed = [c for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE)]
    if destroyed:
        out += ["> [!WARNING]", f"> This plan destroys {plural(len(destroyed), 'resource')}:"]
        out += [f"> - {md_code(c.address)}{_why(c)}" for c in destroyed]
        out.append("")
    for note in plan.notes:
        out += [f"> [!NOTE]\n> {md_text(note)}", ""]
    out += ["| | Address | Action | Reason |", "|---|---|---|---|"]
    for m in plan.moves:  # ``moved:``: the object keeps its id, apply re-tags it
        out.append(f"| `~` | {md_code(m.to)} | moved | from {md_code(m.source)} ({md_code(m.id)}) |")
    changed = [c for c in plan.changes if c.action.is_change]
    for c in changed:
        sign, address = SYMBOL[c.action], md_code(c.address)
        out.append(f"| `{sign}` | {address} | {_ACTION[c.action]} | {_cell(c.reason)} |")
    if plan.uploads or plan.orphan_files:
        out.append(f"| | files | {files_line(plan)} | |")
    out.append("")
    for c in changed:
        out += _details(c)
    return "\n".join(out).rstrip("\n") + "\n"


def _why(c: ResourceChange) -> str:
    parts = [md_text(c.reason)] if c.reason else []
    if c.prevent_destroy:
        parts.append("**prevent_destroy is set: apply will refuse**")
    return f" ({'; '.join(parts)})" if parts else ""


def _cell(text: str | None) -> str:
    return md_text(text or "")  # escapes "|" too


def _diff_line(line: str) -> str:
    """Prefix a marker column GitHub colours: ``+`` add, ``-`` remove, ``!`` change or replace."""
    stripped = line.lstrip(" ")
    if stripped.startswith(("-/+", "~")):
        return "! " + line
    if stripped.startswith(("+", "-")):
        return stripped[0] + " " + line
    return "  " + line


def _details(c: ResourceChange) -> list[str]:
    lines = [_diff_line(line) for line in resource_lines(c)[1:]]
    fence = code_fence(lines)  # a value holding ``` cannot end the block early
    block = [f"{fence}diff", *lines, fence]
    verb = header(c).removeprefix(f"{safe(c.address)} ")
    title = f"{md_code(c.address)} {verb}"
    if len(lines) <= FOLD_AFTER_LINES:
        return [f"#### {title}", "", *block, ""]
    summary = html.escape(f"{safe(c.address)} {verb}")
    return [
        f"<details><summary><b>{summary}</b> ({len(lines)} lines)</summary>",
        "",
        *block,
        "",
        "</details>",
        "",
    ]
