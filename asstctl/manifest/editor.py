"""The JSON Schemas for editors, written into a project so the ``# yaml-language-server:
$schema=`` line of a manifest finds them in any project, not only in asstctl's repository.

``.asstctl/manifest.schema.json`` is the manifest language of the installed asstctl, and
``.asstctl/project.schema.json`` points at its ``asstctl.yaml`` part. ``.asstctl/`` is not
committed: ``asstctl init`` and ``asstctl validate`` (re)write them, so they follow upgrades.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from asstctl.manifest.schema import manifest_schema

SCHEMA_DIR = ".asstctl"
MANIFEST_SCHEMA = f"{SCHEMA_DIR}/manifest.schema.json"
PROJECT_SCHEMA = f"{SCHEMA_DIR}/project.schema.json"


def schema_text() -> str:
    """The manifest schema as shipped, as JSON text (``asstctl schema``)."""
    return json.dumps(manifest_schema(), indent=2, ensure_ascii=False) + "\n"


def _project_text() -> str:
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "asstctl project file (asstctl.yaml)",
        "$ref": "manifest.schema.json#/$defs/Project",
    }
    return json.dumps(doc, indent=2) + "\n"


def write_editor_schemas(root: Path) -> list[str]:
    """Write the schemas under ``root/.asstctl/`` where missing or outdated; the paths written.
    Best effort: a read-only checkout is not an error (validation never depends on them)."""
    written: list[str] = []
    for rel, text in ((MANIFEST_SCHEMA, schema_text()), (PROJECT_SCHEMA, _project_text())):
        path = root / rel
        with contextlib.suppress(OSError):
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            folder = path.parent
            if folder.is_symlink():  # never write through a link out of the project
                return written
            if not folder.is_dir():
                folder.mkdir()
                (folder / ".gitignore").write_text("*\n")
            path.write_text(text, encoding="utf-8")
            written.append(rel)
    return written
