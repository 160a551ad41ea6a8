"""Hostile and broken local inputs (issue 12, part 6): each is a located diagnostic from
``validate`` — never a crash, a hang, or a file read whole into memory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli

from asstctl.manifest import yaml_loader
from asstctl.manifest.build import JSON_FILE_MAX_BYTES

FUNCTION = """\
kind: Assistant
name: a
model: gpt-4o-mini
instructions: Help.
tools:
  - type: function
    name: f
    parameters_file: params.json
"""


def _project(root: Path, manifest: str, files: dict[str, str | bytes] | None = None) -> Path:
    (root / "assistants").mkdir(parents=True, exist_ok=True)
    (root / "asstctl.yaml").write_text("stack: h\n")
    (root / "assistants" / "a.yaml").write_text(manifest)
    for rel, content in (files or {}).items():
        path = root / "assistants" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def _validate(project: Path) -> tuple[int, list[dict[str, object]]]:
    result = run_cli("-C", str(project), "validate", "--format", "json")
    assert "This is a bug" not in result.output and "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)["errors"] if result.stdout else []


# --- JSON files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "line", "col"),
    [
        ('{"type": "object",\n "properties": {"x": {"maximum": NaN}}}', "NaN", 2, 34),
        ('{"type": "object", "maxProperties": Infinity}', "Infinity", 1, 37),
        ('{"type": "object", "maxProperties": -Infinity}', "-Infinity", 1, 37),
        ('{"type": "object", "maxProperties": 1e999}', "1e999", 1, 37),
    ],
)
def test_non_finite_numbers_in_a_json_file_are_refused(
    tmp_path: Path, text: str, token: str, line: int, col: int
) -> None:
    code, errors = _validate(_project(tmp_path, FUNCTION, {"params.json": text}))
    assert code == 1
    inside = next(e for e in errors if e["file"] == "assistants/params.json")
    assert (inside["line"], inside["col"]) == (line, col)
    assert f"{token} is not a finite JSON number" in str(inside["message"])
    assert any(e["field"] == "tools[0].parameters_file" for e in errors)


def test_a_json_file_nested_too_deep_is_refused(tmp_path: Path) -> None:
    for depth in (100, 200_000):
        deep = '{"type": "object", "x": ' + "[" * depth + "]" * depth + "}"
        code, errors = _validate(_project(tmp_path / str(depth), FUNCTION, {"params.json": deep}))
        assert code == 1
        assert any("nested deeper than 64 levels" in str(e["message"]) for e in errors), errors


def test_oversized_files_are_refused_before_they_are_read(tmp_path: Path) -> None:
    manifest = FUNCTION.replace("instructions: Help.", "instructions_file: huge.md")
    project = _project(tmp_path, manifest, {"huge.md": "", "params.json": ""})
    os.truncate(project / "assistants" / "huge.md", 1 << 30)  # sparse: 1 GiB that costs nothing
    os.truncate(project / "assistants" / "params.json", JSON_FILE_MAX_BYTES + 1)
    code, errors = _validate(project)
    assert code == 1
    by_field = {e["field"]: str(e["message"]) for e in errors}
    assert "1,073,741,824 bytes" in by_field["instructions_file"]
    assert "reads at most" in by_field["tools[0].parameters_file"]


def test_a_path_longer_than_the_attribute_limit_is_refused(tmp_path: Path) -> None:
    deep = "/".join(["d" * 100] * 5) + "/doc.md"  # > 512 characters
    manifest = "kind: VectorStore\nname: kb\nfiles: ['**/*.md']\n"
    code, errors = _validate(_project(tmp_path, manifest, {deep: "# Doc\n"}))
    assert code == 1
    assert any("characters" in str(e["message"]) and "512" in str(e["message"]) for e in errors), errors


# --- the project and its files ---------------------------------------------------------------------


def test_asstctl_yaml_may_not_be_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("stack: h\n")
    project = tmp_path / "p"
    _project(project, "kind: VectorStore\nname: kb\n")
    (project / "asstctl.yaml").unlink()
    (project / "asstctl.yaml").symlink_to(outside)
    code, errors = _validate(project)
    assert code == 1
    assert errors[0]["file"] == "asstctl.yaml" and "outside the project" in str(errors[0]["message"])


def test_a_file_name_that_is_not_utf8_is_a_diagnostic(tmp_path: Path) -> None:
    project = _project(tmp_path, "kind: VectorStore\nname: kb\nfiles: ['docs/*.md']\n", {"docs/ok.md": "x\n"})
    bad = os.path.join(os.fsencode(project / "assistants" / "docs"), b"caf\xe9.md")
    with open(bad, "wb") as f:
        f.write(b"x\n")
    code, errors = _validate(project)
    assert code == 1
    assert any("not UTF-8" in str(e["message"]) and "\\xe9" in str(e["message"]) for e in errors), errors
    text = run_cli("-C", str(project), "validate")
    assert text.exit_code == 1 and "not UTF-8" in text.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    manifest = "kind: VectorStore\nname: kb\nfiles: [secret.md]\n"
    project = _project(tmp_path, manifest, {"secret.md": "x\n"})
    (project / "assistants" / "secret.md").chmod(0)
    code, errors = _validate(project)
    assert code == 1 and any("cannot be read" in str(e["message"]) for e in errors), errors


# --- YAML ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pure", [True, False])
def test_a_nul_byte_in_yaml_is_located(tmp_path: Path, pure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "USE_LIBYAML", not pure and yaml_loader.USE_LIBYAML)
    project = _project(tmp_path, "kind: VectorStore\nname: kb\ndisplay_name: a\x00b\n")
    code, errors = _validate(project)
    assert code == 1
    assert (errors[0]["line"], errors[0]["col"]) == (3, 16)
    assert "U+0000" in str(errors[0]["message"])


def test_a_recursive_alias_after_earlier_documents_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "USE_LIBYAML", False)
    for n in range(120):  # node ids of earlier documents get reused
        text = "".join(f"---\nk{i}: [{i}]\n" for i in range(n)) + "---\nx: &a\n  y: [*a]\n"
        _, problems = yaml_loader.load_yaml_text(text, "m.yaml")
        assert problems and "recursive alias" in problems[0].message, n


# --- validate reports every problem in one run ------------------------------------------------


def test_a_schema_error_does_not_hide_the_other_fields_checks(tmp_path: Path) -> None:
    manifest = """\
kind: Assistant
name: a
model: 123
instructions: 456
temperature: 9
tools:
  - type: function
    name: f
    parameters_file: missing.json
---
kind: VectorStore
name: kb
unknown_field: 1
files: [nope/*.md]
"""
    code, errors = _validate(_project(tmp_path, manifest))
    assert code == 1
    fields = sorted(str(e["field"]) for e in errors)
    assert fields == [
        "files[0]",
        "instructions",
        "model",
        "temperature",
        "tools[0].parameters_file",
        "unknown_field",
    ]
    assert not any("has no instructions" in str(e["message"]) for e in errors)  # no ghost of the bad field
