"""The README's first lines are the newcomer's two commands; CI must run the same test command."""

from __future__ import annotations

from conftest import REPO


def _first_commands() -> list[str]:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("```sh") + 1
    end = lines.index("```", start)
    return [ln for ln in lines[start:end] if ln and not ln.startswith("#")]


def test_readme_opens_with_the_two_setup_commands() -> None:
    run, test = _first_commands()
    assert "--sandbox" in run and "pip install" in run
    assert "pytest" in test and "pip install" in test


def test_ci_runs_the_readme_test_command() -> None:
    _, test = _first_commands()
    assert test in (REPO / ".ci" / "run").read_text(encoding="utf-8")
