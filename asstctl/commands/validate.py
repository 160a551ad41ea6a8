"""``asstctl validate``: check the project offline (no network, no key) and report every problem."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import click

from asstctl.core.model import Project
from asstctl.errors import Diagnostic, ManifestError, escape_controls
from asstctl.manifest import load_project
from asstctl.manifest.editor import write_editor_schemas


def run(project_dir: Path, *, fmt: str) -> int:
    """Validate the project in ``project_dir``; print in ``fmt`` (text, json, github). 0 valid, 1 not."""
    if (project_dir / "asstctl.yaml").is_file():
        write_editor_schemas(project_dir)  # the $schema line's target follows the installed asstctl
    try:
        project = load_project(project_dir)
    except ManifestError as exc:
        _report(exc, project_dir, fmt)
        return 1
    if fmt == "json":
        click.echo(json.dumps({"valid": True, "errors": [], "summary": _counts(project)}, indent=2))
    elif fmt == "text":
        click.echo(summary(project))
    return 0


def summary(project: Project) -> str:
    """One line saying what the valid project declares."""
    c = _counts(project)
    agents = f"{_n(c['agents'], 'agent')}, " if c["agents"] else ""
    return (
        f"Valid: {_n(c['assistants'], 'assistant')}, {_n(c['vector_stores'], 'vector store')}, "
        f'{agents}{_n(c["files"], "file")} in stack "{project.stack}".'
    )


def _counts(project: Project) -> dict[str, int | str]:
    return {
        "stack": project.stack,
        "assistants": len(project.assistants),
        "vector_stores": len(project.vector_stores),
        "agents": len(project.desired("agent")),
        "files": len(project.all_files),
    }


def _n(count: object, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _report(exc: ManifestError, project_dir: Path, fmt: str) -> None:
    shown = [  # file names may hold undecodable bytes, messages quoted control characters
        replace(
            d,
            file=escape_controls(d.file),
            field=escape_controls(d.field),
            message=escape_controls(d.message),
        )
        for d in exc.diagnostics
    ]
    if fmt == "json":
        errors = [
            {"file": d.file, "line": d.line, "col": d.col, "field": d.field, "message": d.message}
            for d in shown
        ]
        click.echo(json.dumps({"valid": False, "errors": errors}, indent=2, ensure_ascii=False))
    elif fmt == "github":
        for d in shown:
            click.echo(github_annotation(d, project_dir))
    else:
        click.echo(escape_controls(str(exc)))


def github_annotation(d: Diagnostic, project_dir: Path) -> str:
    """A GitHub Actions ``::error`` workflow command for ``d``; the file is relative to the
    current directory (the workspace) when the project lies under it."""
    path = Path(project_dir, d.file)
    rel = os.path.relpath(path)
    file = rel if not rel.startswith("..") else d.file
    props = [f"file={_escape_property(file)}"]
    if d.line:
        props += [f"line={d.line}", f"col={d.col}"]
    props.append("title=asstctl validate")
    body = f"{d.field}: {d.message}" if d.field else d.message
    return f"::error {','.join(props)}::{_escape_data(body)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
