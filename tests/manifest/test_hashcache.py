"""The content-hash cache: every way a file can change under it is noticed; the cache is never required."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from conftest import EXAMPLES, REPO

from asstctl.manifest import hashcache, load_project
from asstctl.manifest.files import sha256_file
from asstctl.manifest.hashcache import CACHE_DIR, CACHE_FILE, HashCache, hash_cache

WINDOW_NS = 50_000_000
"""A short racy window for tests; files are aged past it with :func:`_age`."""


def _age() -> None:
    time.sleep(2 * WINDOW_NS / 1e9)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the files actually read (hashed) by the cache."""
    seen: list[str] = []
    real = hashcache.sha256_stream

    def counting(f: IO[bytes]) -> str:
        seen.append(Path(f.name).name)
        return real(f)

    monkeypatch.setattr(hashcache, "sha256_stream", counting)
    yield seen


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache(root: Path) -> HashCache:
    return HashCache(root, window_ns=WINDOW_NS)


def _hash_twice(root: Path, path: Path) -> str:
    """Hash ``path`` with a fresh cache, save, and return the digest the next cache gives."""
    first = _cache(root)
    first.sha256(path)
    first.save()
    return _cache(root).sha256(path)


def _cached(root: Path) -> Path:
    """``a.txt``, holding ``hello``, aged and in the cache."""
    f = root / "a.txt"
    f.write_bytes(b"hello")
    _age()
    assert _hash_twice(root, f) == _sha(b"hello")
    return f


def _cached_with_impostor(root: Path) -> tuple[Path, Path]:
    """``a.txt`` (hashed, in the cache) and ``b.txt``: other content, the same size and mtime."""
    f, other = root / "a.txt", root / "b.txt"
    f.write_bytes(b"hello")
    other.write_bytes(b"world")
    _age()
    st = f.stat()
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _hash_twice(root, f) == _sha(b"hello")
    return f, other


def _written(root: Path) -> dict[str, list[object]]:
    data = json.loads((root / CACHE_DIR / CACHE_FILE).read_text())
    entries: dict[str, list[object]] = data["entries"]
    return entries


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    _age()
    cache = _cache(tmp_path)
    assert cache.sha256(f) == _sha(b"hello")
    cache.save()
    assert _cache(tmp_path).sha256(f) == _sha(b"hello")
    assert reads == ["a.txt"]
    assert list(_written(tmp_path)) == ["a.txt"]
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text() == "*\n"
    assert sorted(p.name for p in (tmp_path / CACHE_DIR).iterdir()) == [".gitignore", CACHE_FILE]


def test_same_size_and_restored_mtime_is_caught_by_ctime(tmp_path: Path, reads: list[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    _age()
    cache = _cache(tmp_path)
    cache.sha256(f)
    cache.save()
    before = f.stat()
    f.write_bytes(b"HELLO")  # same size, same inode
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = f.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert _cache(tmp_path).sha256(f) == _sha(b"HELLO")
    assert reads == ["a.txt", "a.txt"]


def test_rename_over_the_file_is_caught_by_the_inode(tmp_path: Path, reads: list[str]) -> None:
    f, other = _cached_with_impostor(tmp_path)
    other.rename(f)
    assert _cache(tmp_path).sha256(f) == _sha(b"world")


def test_a_renamed_file_is_hashed_under_its_new_name(tmp_path: Path, reads: list[str]) -> None:
    f = _cached(tmp_path)
    f.rename(tmp_path / "b.txt")  # a rename may update the ctime: let it age
    _age()
    cache = _cache(tmp_path)
    assert cache.sha256(tmp_path / "b.txt") == _sha(b"hello")
    cache.save()
    assert list(_written(tmp_path)) == ["b.txt"]  # the entry of the file gone is dropped


def test_replacing_the_file_by_a_symlink_is_caught(tmp_path: Path, reads: list[str]) -> None:
    f, target = _cached_with_impostor(tmp_path)
    f.unlink()
    f.symlink_to(target)
    assert _cache(tmp_path).sha256(f) == _sha(b"world")


def test_touch_is_a_miss_and_the_young_file_is_not_stored(tmp_path: Path, reads: list[str]) -> None:
    f = _cached(tmp_path)
    f.touch()
    cache = _cache(tmp_path)
    assert cache.sha256(f) == _sha(b"hello")
    cache.save()
    assert "a.txt" not in _written(tmp_path)  # modified within the window: dropped, not stored
    assert reads == ["a.txt", "a.txt"]


def test_a_file_modified_within_two_seconds_is_never_stored(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    mtime = f.stat().st_mtime_ns
    with hash_cache(tmp_path):  # the default window, the real clock
        assert sha256_file(f) == _sha(b"hello")
    assert not (tmp_path / CACHE_DIR).exists()  # nothing to store, nothing written
    late = HashCache(tmp_path, clock=lambda: mtime + 1_999_000_000)
    late.sha256(f)
    late.save()
    assert not (tmp_path / CACHE_DIR).exists()
    later = HashCache(tmp_path, clock=lambda: max(mtime, f.stat().st_ctime_ns) + 2_000_000_000)
    later.sha256(f)
    later.save()
    assert list(_written(tmp_path)) == ["a.txt"]


def test_a_file_changing_while_it_is_hashed_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    _age()
    real = hashcache.sha256_stream

    def racing(stream: IO[bytes]) -> str:
        digest = real(stream)
        with f.open("ab") as out:
            out.write(b"!")
        return digest

    monkeypatch.setattr(hashcache, "sha256_stream", racing)
    cache = _cache(tmp_path)
    cache.sha256(f)
    cache.save()
    assert not (tmp_path / CACHE_DIR / CACHE_FILE).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"version": 99, "entries": {}}',
        b'{"version": 1, "entries": []}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, content: bytes, reads: list[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    (tmp_path / CACHE_DIR).mkdir()
    (tmp_path / CACHE_DIR / CACHE_FILE).write_bytes(content)
    _age()
    cache = _cache(tmp_path)
    assert cache.sha256(f) == _sha(b"hello")
    cache.save()
    assert list(_written(tmp_path)) == ["a.txt"]


def test_malformed_and_lying_entries_are_not_trusted(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    st = f.stat()
    key = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    (tmp_path / CACHE_DIR).mkdir()
    bad = {"a.txt": [*key[:3], -1, "0" * 64], "b.txt": [*key, "not a sha"], "c.txt": key}
    (tmp_path / CACHE_DIR / CACHE_FILE).write_text(json.dumps({"version": 1, "entries": bad}))
    assert _cache(tmp_path).sha256(f) == _sha(b"hello")
    stale = {"a.txt": [key[0], key[1] - 1, *key[2:], "0" * 64]}
    (tmp_path / CACHE_DIR / CACHE_FILE).write_text(json.dumps({"version": 1, "entries": stale}))
    assert _cache(tmp_path).sha256(f) == _sha(b"hello")


def test_an_unreadable_cache_and_an_unwritable_project_still_work(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    _age()
    (tmp_path / CACHE_DIR).write_text("a file where the cache directory should be")
    cache = _cache(tmp_path)
    assert cache.sha256(f) == _sha(b"hello")
    cache.save()  # cannot write: silently skipped
    assert (tmp_path / CACHE_DIR).is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only directories")
def test_a_read_only_project_loads_without_a_cache(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(EXAMPLES, project / "assistants")
    shutil.copytree(REPO / "agents", project / "agents")
    shutil.copy(REPO / "asstctl.yaml", project)
    for d in [project, *(p for p in project.rglob("*") if p.is_dir())]:
        d.chmod(0o555)
    try:
        assert load_project(project).assistants
    finally:
        for d in [project, *(p for p in project.rglob("*") if p.is_dir())]:
            d.chmod(0o755)
    assert not (project / CACHE_DIR).exists()


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    _age()
    cache = _cache(tmp_path)
    cache.sha256(f)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    cache.save()
    assert [p.name for p in (tmp_path / CACHE_DIR).iterdir()] == [".gitignore"]


def test_files_outside_the_project_are_hashed_but_not_cached(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"hello")
    _age()
    cache = _cache(tmp_path / "p")
    assert cache.sha256(outside) == _sha(b"hello")
    cache.save()
    assert not (tmp_path / "p" / CACHE_DIR).exists()


def test_sha256_file_without_a_cache_hashes_plainly(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * (3 * hashcache.CHUNK + 5))
    assert sha256_file(f) == _sha(f.read_bytes())
    assert not (tmp_path / CACHE_DIR).exists()


def test_load_project_uses_the_cache_and_gives_the_same_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    project = tmp_path / "p"
    shutil.copytree(EXAMPLES, project / "assistants")
    shutil.copytree(REPO / "agents", project / "agents")
    shutil.copy(REPO / "asstctl.yaml", project)
    monkeypatch.setattr(hashcache, "RACY_WINDOW_NS", WINDOW_NS)
    _age()
    cold = load_project(project)
    hashed = len(reads)
    assert hashed > 0 and (project / CACHE_DIR / CACHE_FILE).is_file()
    warm = load_project(project)
    assert warm == cold
    assert len(reads) == hashed  # nothing read again
