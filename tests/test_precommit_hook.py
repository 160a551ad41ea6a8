"""The repository's pre-commit hook (``.pre-commit-hooks.yaml``), run by pre-commit itself:
``pre-commit try-repo`` installs this working tree into a hook environment (pip, through the
same package index as everything else) and runs ``asstctl-validate`` in a user's git repo."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _snapshot(dst: Path) -> Path:
    """This working tree as a one-commit repository (pre-commit installs hooks from commits;
    files not committed yet are part of what is under test)."""
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    _git(dst, "init", "-q", ".")
    _git(dst, "add", "-A")
    _git(dst, "commit", "-q", "-m", "snapshot")
    return dst


def test_the_hook_is_declared_as_users_expect() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "asstctl-validate"
    assert hook["entry"] == "asstctl validate"
    assert hook["pass_filenames"] is False


def test_pre_commit_runs_the_hook_and_it_catches_a_bad_manifest(tmp_path: Path) -> None:
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]' installs it)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks = _snapshot(tmp_path / "hooks")
    user = tmp_path / "user"
    (user / "assistants").mkdir(parents=True)
    (user / "asstctl.yaml").write_text("stack: demo\n")
    bot = user / "assistants" / "bot.yaml"
    bot.write_text("kind: Assistant\nname: bot\nmodel: gpt-4o-mini\ninstructions: hi\ntemprature: 1\n")
    _git(user, "init", "-q", ".")
    _git(user, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "asstctl-validate", "--all-files"],
            cwd=user,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=280,
        )

    bad = pre_commit()
    out = bad.stdout + bad.stderr
    if bad.returncode not in (0, 1) and "CalledProcessError" in out and "pip" in out:
        pytest.skip(f"pre-commit could not install the hook environment (no package index?):\n{out[-1500:]}")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "asstctl validate" in bad.stdout and "Failed" in bad.stdout
    assert "assistants/bot.yaml:5:1: temprature: unknown field 'temprature'; did you mean 'temperature'?" in (
        bad.stdout
    )

    bot.write_text(bot.read_text().replace("temprature", "temperature"))
    _git(user, "add", "-A")
    good = pre_commit()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
