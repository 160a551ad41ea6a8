"""``asstctl init`` makes a project that validates at once and never overwrites; ``asstctl
schema`` prints the schema; the editor ``$schema`` lines point at files that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_cli

from asstctl.manifest.schema import manifest_schema


def _schema_line_target(file: Path) -> Path:
    first = file.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, first
    return (file.parent / m.group(1)).resolve()


def test_init_then_validate_passes(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "My Bots"))
    assert result.exit_code == 0, result.output
    project = tmp_path / "My Bots"
    for rel in ("asstctl.yaml", "assistants/helper.yaml", ".gitignore", ".asstctl/manifest.schema.json"):
        assert f"created  {rel}" in result.stdout
    assert (project / ".gitignore").read_text() == ".asstctl/\n"
    assert "stack: my-bots\n" in (project / "asstctl.yaml").read_text()

    result = run_cli("-C", str(project), "validate")
    assert (result.exit_code, result.stdout) == (
        0,
        'Valid: 1 assistant, 0 vector stores, 0 files in stack "my-bots".\n',
    )


def test_the_editor_schema_lines_find_the_schemas(tmp_path: Path) -> None:
    assert run_cli("-C", str(tmp_path), "init", "--stack", "demo").exit_code == 0
    manifest_target = _schema_line_target(tmp_path / "assistants" / "helper.yaml")
    assert json.loads(manifest_target.read_text()) == manifest_schema()
    project_target = _schema_line_target(tmp_path / "asstctl.yaml")
    ref = json.loads(project_target.read_text())["$ref"]
    assert ref == "manifest.schema.json#/$defs/Project"
    assert (project_target.parent / ref.split("#")[0]).resolve() == manifest_target


def test_validate_rewrites_a_missing_or_outdated_editor_schema(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path)).exit_code == 0
    schema = tmp_path / ".asstctl" / "manifest.schema.json"
    schema.write_text("{}")
    assert run_cli("-C", str(tmp_path), "validate").exit_code == 0
    assert json.loads(schema.read_text()) == manifest_schema()


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "asstctl.yaml").write_text("stack: mine\n")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code == 1
    assert "is already an asstctl project (init never overwrites)" in result.stderr
    assert (tmp_path / "asstctl.yaml").read_text() == "stack: mine\n"

    other = tmp_path / "other"
    (other / "assistants").mkdir(parents=True)
    (other / "assistants" / "helper.yaml").write_text("kind: Assistant\nname: mine\nmodel: m\n")
    (other / ".gitignore").write_text("node_modules/")
    result = run_cli("init", str(other))
    assert result.exit_code == 0, result.output
    assert "kept     assistants/helper.yaml (exists)" in result.stdout
    assert (other / "assistants" / "helper.yaml").read_text() == "kind: Assistant\nname: mine\nmodel: m\n"
    assert (other / ".gitignore").read_text() == "node_modules/\n.asstctl/\n"


def test_schema_prints_the_shipped_schema() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == manifest_schema()


def test_paths_on_the_command_line_are_relative_to_dash_c(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    assert run_cli("init", str(project)).exit_code == 0
    result = run_cli("-C", str(project), "plan", "--sandbox", "--out", "p.plan")
    assert result.exit_code == 0, result.output
    assert (project / "p.plan").is_file()
    result = run_cli("-C", str(tmp_path), "apply", "-C", "proj", "p.plan", "--sandbox")
    assert result.exit_code == 0, result.output
    assert "Apply complete! Resources: 1 added" in result.stdout
