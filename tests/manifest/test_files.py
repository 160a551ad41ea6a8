"""Globbing with one realpath per directory finds what resolving every file found, and refuses the same."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asstctl.manifest.files import FileProblem, Found, contained, expand


def _reference(root: Path, base: Path, written: str) -> list[Found]:
    """Containment as it was: ``resolve()`` on every matched file."""
    matches = sorted(p for p in base.glob(written) if p.is_file())
    if not matches:
        raise FileProblem("no match")
    found = [
        contained(root, p, str(p.relative_to(base)) if p.is_relative_to(base) else str(p)) for p in matches
    ]
    return sorted({f.rel: f for f in found}.values(), key=lambda f: f.rel)


def _outcome(root: Path, base: Path, written: str, fn: object) -> object:
    try:
        return fn(root, base, written)  # type: ignore[operator]
    except FileProblem as exc:
        return f"FileProblem: {exc}"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with plain files, inside and outside symlinks (to files and to directories)."""
    root, outside = tmp_path / "project", tmp_path / "outside"
    for d in (root / "docs" / "sub", outside / "dir"):
        d.mkdir(parents=True)
    for f in ("docs/a.md", "docs/b.txt", "docs/sub/c.md"):
        (root / f).write_text(f)
    (outside / "secret.md").write_text("secret")
    (outside / "dir" / "d.md").write_text("d")
    (root / "docs" / "link-in.md").symlink_to(root / "docs" / "a.md")
    (root / "docs" / "dangling.md").symlink_to(root / "nowhere.md")
    (root / "docs" / "subdir-link").symlink_to(root / "docs" / "sub", target_is_directory=True)
    (root / "out-file").mkdir()
    (root / "out-file" / "secret.md").symlink_to(outside / "secret.md")
    (root / "out-dir").symlink_to(outside / "dir", target_is_directory=True)
    os.mkfifo(root / "docs" / "fifo.md")
    return root


PATTERNS = [
    "docs/*.md",
    "docs/**/*.md",
    "**/*.md",
    "docs/*",
    "docs/subdir-link/*.md",
    "out-file/*.md",
    "out-dir/*.md",
    "../outside/*.md",
    "docs/../docs/*.md",
    "docs/*.nothing",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_files_and_same_refusals_as_resolving_each_file(tree: Path, pattern: str) -> None:
    base = tree / "docs" if pattern.startswith("..") else tree
    got = _outcome(tree, base, pattern, expand)
    want = _outcome(tree, base, pattern, _reference)
    if isinstance(want, str) and want == "FileProblem: no match":
        assert isinstance(got, str) and "matches no files" in got
    else:
        assert got == want


def test_symlink_escapes_are_still_refused(tree: Path) -> None:
    with pytest.raises(FileProblem, match=r"'out-dir/d.md' is a symlink to .*outside/dir/d.md, outside"):
        expand(tree, tree, "out-dir/*.md")
    with pytest.raises(FileProblem, match=r"'out-file/secret.md' is a symlink to .*outside/secret.md"):
        expand(tree, tree, "out-file/*")
    with pytest.raises(FileProblem, match="lies outside the project directory"):
        expand(tree, tree / "docs", "../../outside/*.md")


def test_a_symlink_inside_the_project_is_kept_under_its_own_name(tree: Path) -> None:
    rels = [f.rel for f in expand(tree, tree, "docs/*.md")]
    assert rels == ["docs/a.md", "docs/link-in.md"]  # not the fifo, not the dangling link
    assert [f.abspath for f in expand(tree, tree, "docs/subdir-link/*")] == [tree / "docs/subdir-link/c.md"]


def test_asstctl_state_is_never_matched(tree: Path) -> None:
    (tree / ".asstctl" / "sandbox").mkdir(parents=True)
    (tree / ".asstctl" / "hashes.json").write_text("{}")
    (tree / ".asstctl" / "sandbox" / "state.json").write_text("{}")
    with pytest.raises(FileProblem, match="matches no files"):
        expand(tree, tree, "**/*.json")
    (tree / "x.json").write_text("{}")
    assert [f.rel for f in expand(tree, tree, "**/*.json")] == ["x.json"]
