"""``asstctl init [DIR]``: a working project that validates at once — ``asstctl.yaml``, one
example manifest, a ``.gitignore`` for ``.asstctl/`` and the editor schemas. It never overwrites:
an existing project is refused, and any other file that exists is kept."""

from __future__ import annotations

import re
from pathlib import Path

import click

from asstctl.errors import UsageError
from asstctl.manifest.editor import MANIFEST_SCHEMA, PROJECT_SCHEMA, write_editor_schemas

PROJECT_FILE = "asstctl.yaml"
EXAMPLE = "assistants/helper.yaml"

_PROJECT = """\
# yaml-language-server: $schema={project_schema}
# The asstctl project: see `asstctl --help` and the README.
# stack: the ownership scope; asstctl only ever changes what it tagged with it
stack: {stack}
required_version: ">={version}"
vars:                           # ${{var.NAME}} in any manifest string; never a secret
  model: gpt-4o-mini
# environments:                 # asstctl -e prod plan; each environment is its own stack
#   staging: {{stack: {stack}-staging}}
#   prod:
#     stack: {stack}-prod
#     vars: {{model: gpt-4o}}
"""
_EXAMPLE = """\
# yaml-language-server: $schema=../{manifest_schema}
# An example assistant. Try it without an API key: asstctl plan --sandbox
kind: Assistant
name: helper
display_name: Helper
model: ${{var.model}}
instructions: |
  You are a concise, friendly helper. Answer in a few sentences.
"""


def stack_name(directory: Path) -> str:
    """A valid stack name from a directory name (``My Bots`` -> ``my-bots``)."""
    name = re.sub(r"[^a-z0-9_-]+", "-", directory.resolve().name.lower()).strip("-")[:64]
    return name or "app"


def run(directory: Path, *, stack: str | None) -> int:
    from asstctl import __version__

    if stack is not None and not re.fullmatch(r"[a-z0-9_-]{1,64}", stack):
        raise UsageError(f"--stack {stack!r}: use 1 to 64 lowercase letters, digits, '-' or '_'")
    if (directory / PROJECT_FILE).exists():
        raise UsageError(
            f"{directory / PROJECT_FILE} exists: {directory} is already an asstctl project "
            "(init never overwrites); run asstctl validate there"
        )
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        PROJECT_FILE: _PROJECT.format(
            stack=stack or stack_name(directory), version=__version__, project_schema=PROJECT_SCHEMA
        ),
        EXAMPLE: _EXAMPLE.format(manifest_schema=MANIFEST_SCHEMA),
    }
    done: list[str] = []
    for rel, text in files.items():
        path = directory / rel
        if path.exists():
            click.echo(f"  kept     {rel} (exists)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:  # never overwrite, even in a race
            f.write(text)
        done.append(rel)
    done += _ignore_state(directory)
    done += write_editor_schemas(directory)
    for rel in done:
        click.echo(f"  created  {rel}")
    where = "" if directory == Path(".") else f" -C {directory}"
    click.echo(
        f"\nInitialized an asstctl project in {directory}. Next:\n"
        f"  asstctl{where} validate\n"
        f"  asstctl{where} plan --sandbox     # the local emulator: no API key needed"
    )
    return 0


def _ignore_state(directory: Path) -> list[str]:
    """``.asstctl/`` (caches, sandbox state, editor schemas) in ``.gitignore``: added, never replaced."""
    path = directory / ".gitignore"
    if not path.exists():
        path.write_text(".asstctl/\n", encoding="utf-8")
        return [".gitignore"]
    text = path.read_text(encoding="utf-8", errors="replace")
    ignored = (".asstctl", ".asstctl/", "/.asstctl", "/.asstctl/")
    if any(line.strip() in ignored for line in text.splitlines()):
        return []
    with path.open("a", encoding="utf-8") as f:
        f.write(("" if text.endswith("\n") or not text else "\n") + ".asstctl/\n")
    click.echo("  added    .asstctl/ to .gitignore")
    return []
