"""``asstctl validate`` as a user runs it: the bad-project corpus and the output formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli

BAD = REPO / "tests" / "cases" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.json").is_file())


def _expected(case: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((BAD / case / "expected.json").read_text(encoding="utf-8"))
    return data


def test_the_corpus_has_at_least_25_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_bad_project_fails_at_the_right_place(case: str) -> None:
    want = _expected(case)
    result = run_cli("-C", str(BAD / case), "validate")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    where = f"{want['file']}:{want['line']}:"
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith(where)]
    assert lines, f"no error at {where} in:\n{result.output}"
    field = f" {want['field']}: " if want["field"] else ""
    hits = [ln for ln in lines if field in ln and str(want["message"]) in ln]
    assert hits, f"no error at {where} naming {field!r} and saying {want['message']!r}:\n{result.output}"
    assert result.stdout.rstrip().endswith("nothing was sent to the API.")


@pytest.mark.parametrize("case", CASES)
def test_bad_project_as_json(case: str) -> None:
    want = _expected(case)
    result = run_cli("-C", str(BAD / case), "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert any(
        e["file"] == want["file"] and e["line"] == want["line"] and e["field"] == want["field"]
        for e in report["errors"]
    ), report


def test_github_format_annotates_each_error(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(BAD / "duplicate-function-name", project)
    result = run_cli("-C", str(project), "validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=assistants/a.yaml,line=7,col=28,title=asstctl validate::tools[1].name: "
        "the function name 'lookup' is already used by tools[0]; function names are unique per assistant"
    ]


def test_github_format_escapes_newlines_and_percent() -> None:
    from asstctl.commands.validate import github_annotation
    from asstctl.errors import Diagnostic

    line = github_annotation(Diagnostic("a,b.yaml", 2, 3, "x", "50% done\nnext"), Path("/nowhere"))
    assert line == "::error file=a%2Cb.yaml,line=2,col=3,title=asstctl validate::x: 50%25 done%0Anext"


def test_all_errors_are_reported_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "asstctl.yaml").write_text("stack: s\n", encoding="utf-8")
    (tmp_path / "assistants").mkdir()
    (tmp_path / "assistants" / "a.yaml").write_text(
        "kind: Assistant\nname: a\nmodel: m\ninstructions: x\ntemperature: 3\ntop_p: 2\n"
        "---\nkind: Assistant\nname: b\nmodel: m\ninstructions: x\n"
        "tools: [{type: file_search, vector_store: nope}]\n",
        encoding="utf-8",
    )
    result = run_cli("-C", str(tmp_path), "validate", "--format", "json")
    errors = json.loads(result.stdout)["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (5, "temperature"),
        (6, "top_p"),
        (12, "tools[0].vector_store"),
    ]
    text = run_cli("-C", str(tmp_path), "validate")
    assert text.stdout.splitlines()[-1] == "3 errors found; nothing was sent to the API."


def test_valid_project_as_json() -> None:
    result = run_cli("-C", str(REPO), "validate", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["errors"] == []
    assert report["summary"]["assistants"] == 6


def test_a_directory_without_asstctl_yaml_is_not_a_project(tmp_path: Path) -> None:
    result = run_cli("-C", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert "is not an asstctl project" in result.stderr and "stack:" in result.stderr
    assert "Traceback" not in result.output


def test_validate_never_imports_openai() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from asstctl.main import main; rc = main(['-C', sys.argv[1], 'validate']); "
        "assert 'openai' not in sys.modules, 'openai was imported'; sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
