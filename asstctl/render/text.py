"""The human view of a plan, in the form Terraform users know (``+``, ``~``, ``-``, ``-/+``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from asstctl.core.keyed import is_shown_order
from asstctl.core.normalize import AFTER_APPLY
from asstctl.core.plan import Action, AttributeChange, FileAction, FileChange, Plan, ResourceChange
from asstctl.render.heading import text_header
from asstctl.render.values import is_long, lines_of, plural, safe, scalar, short_sha, unified

JSON = Any

NO_CHANGES = "No changes. Live resources match the manifests."

_RESET = "\x1b[0m"
_STYLE = {
    "+": "\x1b[32m",
    "-": "\x1b[31m",
    "~": "\x1b[33m",
    "-/+": "\x1b[35m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-", Action.REPLACE: "-/+"}
"""The sign leading a resource of each changing action."""
_VERB = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.DELETE: "will be destroyed",
    Action.REPLACE: "must be replaced",
}
_FILE_SYMBOL = {
    FileAction.ATTACH: "+",
    FileAction.REPLACE: "-/+",
    FileAction.UPDATE_ATTRIBUTES: "~",
    FileAction.REATTACH: "-/+",
    FileAction.DETACH: "-",
}
INDENT = "        "
"""Where attribute lines start inside a resource block (after the two-column sign)."""


class _Writer:
    """Lines with optional ANSI colour on the leading sign."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.lines: list[str] = []

    def paint(self, text: str, style: str) -> str:
        return f"{_STYLE[style]}{text}{_RESET}" if self.color else text

    def add(self, text: str = "") -> None:
        self.lines.append(text)

    def signed(self, indent: str, sign: str, text: str) -> None:
        """A line led by ``sign``, right-aligned in a 3-column gutter (``  +``, ``-/+``)."""
        self.add(f"{indent[:-4]}{self.paint(sign.rjust(3), sign)} {text}")

    def plain(self, indent: str, text: str) -> None:
        self.add(f"{indent}{text}")


def render_text(plan: Plan, *, color: bool) -> str:
    """The whole plan as text, ending with the summary line (and a newline). ``plan.notes``
    are not included: commands print them to stderr."""
    w = _Writer(color)
    changed = [c for c in plan.changes if c.action.is_change]
    if not plan.has_changes:
        w.add(w.paint(NO_CHANGES, "bold"))
        return "\n".join(w.lines) + "\n"
    w.add("asstctl will perform the following actions:")
    for m in plan.moves:  # ``moved:`` (the object keeps its id; apply re-tags it)
        w.add()
        w.add(w.paint(f"  # {m.source} has moved to {m.to}", "bold"))
        w.plain(INDENT, f"id = {scalar(m.id)}")
    for change in changed:
        w.add()
        _resource(w, change)
    _files(w, plan)
    w.add()
    w.add(w.paint(summary_line(plan), "bold"))
    files = files_line(plan)
    if files:
        w.add(files)
    return "\n".join(w.lines) + "\n"


def resource_lines(change: ResourceChange) -> list[str]:
    """One resource's block, uncoloured (the markdown view folds these)."""
    w = _Writer(color=False)
    _resource(w, change)
    return w.lines


def summary_line(plan: Plan) -> str:
    """``Plan: X to add, Y to change, Z to destroy.``"""
    s = plan.summary()
    return f"Plan: {s['add']} to add, {s['change']} to change, {s['destroy']} to destroy."


def files_line(plan: Plan) -> str:
    """Uploads and unused-File deletions, when there are any (else empty)."""
    parts = []
    if plan.uploads:
        parts.append(f"{len(plan.uploads)} to upload")
    if plan.orphan_files:
        parts.append(f"{len(plan.orphan_files)} unused to delete")
    return f"Files: {', '.join(parts)}." if parts else ""


def header(change: ResourceChange) -> str:
    """``assistant.support will be updated in-place``."""
    return f"{safe(change.address)} {_VERB[change.action]}"


def _resource(w: _Writer, c: ResourceChange) -> None:
    sign = SYMBOL[c.action]
    w.add(w.paint(f"  # {header(c)}", "bold"))
    if c.reason:
        w.add(f"  # ({safe(c.reason)})")
    if c.prevent_destroy and c.action in (Action.DELETE, Action.REPLACE):
        w.add("  # (lifecycle.prevent_destroy is set: apply will refuse until it is removed)")
    w.add(f"{w.paint(sign.rjust(3), sign)} {c.kind} {scalar(c.name)} {{")
    if c.action is Action.CREATE:
        _all_attributes(w, "+", c.after, skip_null=True)
    elif c.action is Action.DELETE:
        w.plain(INDENT, f"id = {scalar(c.id)}")
        _all_attributes(w, "-", c.before, skip_null=True)
        if c.unchanged_files:
            w.plain(INDENT, f"# ({plural(c.unchanged_files, 'attached file')} detached with it)")
    else:
        w.plain(
            INDENT,
            f"id = {scalar(c.id) if c.action is Action.UPDATE else scalar(c.id) + ' -> ' + AFTER_APPLY}",
        )
        _changed_attributes(w, c)
    _file_lines(w, c.file_changes)
    if c.unchanged_files and c.action is not Action.DELETE:
        w.plain(INDENT, f"# ({plural(c.unchanged_files, 'unchanged file')} hidden)")
    w.add("    }")


def _all_attributes(w: _Writer, sign: str, form: Mapping[str, JSON] | None, *, skip_null: bool) -> None:
    items = [
        (k, v)
        for k, v in (form or {}).items()
        if not (skip_null and v in (None, {}, [])) and not is_shown_order(form or {}, k)
    ]
    width = max((len(k) for k, v in items if not is_long(v)), default=0)
    for key, value in items:
        _value_line(w, sign, safe(key), value, width)


def _value_line(w: _Writer, sign: str, key: str, value: JSON, width: int) -> None:
    if not is_long(value):
        w.signed(INDENT, sign, f"{key.ljust(width)} = {scalar(value)}")
        return
    w.signed(INDENT, sign, f"{key} = <<-EOT" if isinstance(value, str) else f"{key} =")
    for line in lines_of(value):
        w.plain(INDENT + "    ", line)
    if isinstance(value, str):
        w.plain(INDENT, "EOT")


def _changed_attributes(w: _Writer, c: ResourceChange) -> None:
    inline = [a for a in c.changes if not _is_diff(a)]
    width = max((len(a.path) for a in inline), default=0)
    for a in c.changes:
        a = replace(a, path=safe(a.path))  # paths hold keys read from the endpoint
        both = (a.before is not None and a.after is not None) or a.forces_replacement
        sign = "~" if both else ("+" if a.before is None else "-")
        forced = "  # forces replacement" if a.forces_replacement else ""
        if _is_diff(a):
            w.signed(INDENT, sign, f"{a.path} = <<-EOT{forced}" if _is_text(a) else f"{a.path} ={forced}")
            for line in unified(a.before, a.after):
                w.plain(INDENT + "    ", line)
            if _is_text(a):
                w.plain(INDENT, "EOT")
            continue
        one_side = a.after if a.before is None else a.before
        if (a.before is None or a.after is None) and not a.forces_replacement and is_long(one_side):
            _value_line(w, sign, a.path, one_side, 0)  # a whole added or removed entry
            continue
        if _is_reorder(a):
            forced += "  # reordered"
        after = AFTER_APPLY if a.after is None and a.forces_replacement else scalar(a.after)
        if a.before is None:
            text = f"{a.path.ljust(width)} = {after}"
        elif a.after is None and not a.forces_replacement:
            text = f"{a.path.ljust(width)} = {scalar(a.before)} -> null"
        else:
            text = f"{a.path.ljust(width)} = {scalar(a.before)} -> {after}"
        w.signed(INDENT, sign, text + forced)
    hidden = _unchanged_count(c)
    if hidden:
        w.plain(INDENT, f"# ({plural(hidden, 'unchanged attribute')} hidden)")


def _is_reorder(a: AttributeChange) -> bool:
    """The same list items in another order (e.g. ``tool_order``)."""
    if not (isinstance(a.before, list) and isinstance(a.after, list)) or len(a.before) != len(a.after):
        return False
    return sorted(map(scalar, a.before)) == sorted(map(scalar, a.after))


def _is_text(a: AttributeChange) -> bool:
    return isinstance(a.before, str | None) and isinstance(a.after, str | None)


def _is_diff(a: AttributeChange) -> bool:
    """Shown as a line diff: long text, or long JSON on both sides."""
    if _is_text(a):
        return is_long(a.before) or is_long(a.after)
    return a.before is not None and a.after is not None and (is_long(a.before) or is_long(a.after))


def _unchanged_count(c: ResourceChange) -> int:
    touched = {_top(a.path) for a in c.changes}
    return len([k for k in (c.after or {}) if k not in touched])


def _top(path: str) -> str:
    for i, ch in enumerate(path):
        if ch in ".[":
            return path[:i]
    return path


def file_text(fc: FileChange) -> str:
    """One file change in words, e.g. ``file "docs/a.md" (content changed: 1a2b… -> 3c4d…)``."""
    name = f"file {scalar(fc.path)}"
    if fc.action is FileAction.ATTACH:
        return f"{name} (attach)"
    if fc.action is FileAction.REPLACE:
        return (
            f"{name} (content changed: sha256 {short_sha(fc.sha256_before)} -> {short_sha(fc.sha256_after)})"
        )
    if fc.action is FileAction.UPDATE_ATTRIBUTES:
        return f"{name} attributes {scalar(fc.attributes_before)} -> {scalar(fc.attributes_after)}"
    if fc.action is FileAction.REATTACH:
        return f"{name} (re-attach: {safe(fc.reason or '')})"
    return f"{name} (detach: {safe(fc.reason)})" if fc.reason else f"{name} (detach)"


def _file_lines(w: _Writer, changes: Iterable[FileChange]) -> None:
    """One line per file, except re-attachments sharing a reason (a store's new chunking
    re-attaches every file): one line with their count (the JSON view lists them)."""
    changes = list(changes)
    reattach: dict[str, int] = {}
    for fc in changes:
        if fc.action is FileAction.REATTACH:
            reattach[fc.reason or ""] = reattach.get(fc.reason or "", 0) + 1
    shown: set[str] = set()
    for fc in changes:
        reason = fc.reason or ""
        if fc.action is FileAction.REATTACH and reattach[reason] > 1:
            if reason not in shown:
                shown.add(reason)
                text = file_text(fc).replace(f"file {scalar(fc.path)}", plural(reattach[reason], "file"), 1)
                w.signed(INDENT, _FILE_SYMBOL[fc.action], text)
            continue
        w.signed(INDENT, _FILE_SYMBOL[fc.action], file_text(fc))


def orphan_text(plan: Plan, index: int) -> str:
    """An unused File to delete, by project path (or upload name), content and id."""
    fid = plan.orphan_files[index]
    details = plan.orphan_details[index] if index < len(plan.orphan_details) else None
    if details is None or details.id != fid:
        return f"file {scalar(fid)}"
    names = ", ".join(scalar(p) for p in details.paths) or scalar(details.basename)
    return f"file {names} (sha256 {short_sha(details.sha256)}, id {scalar(fid)})"


def _files(w: _Writer, plan: Plan) -> None:
    if plan.uploads:
        w.add()
        w.add(
            w.paint(
                f"  # {plural(len(plan.uploads), 'file')} will be uploaded (content not on the endpoint yet)",
                "bold",
            )
        )
        for path in plan.uploads:
            w.signed("    ", "+", f"upload {scalar(path)}")
    if plan.orphan_files:
        w.add()
        w.add(
            w.paint(
                f"  # {plural(len(plan.orphan_files), 'uploaded file')} no longer used will be deleted",
                "bold",
            )
        )
        for i in range(len(plan.orphan_files)):
            w.signed("    ", "-", orphan_text(plan, i))


def render_notes(plan: Plan) -> str:
    """Which stack/environment/endpoint, then the plan's one-line remarks (e.g. the endpoint
    lacks the Assistants API), for stderr."""
    return text_header(plan) + "".join(f"Note: {safe(note)}\n" for note in plan.notes)
