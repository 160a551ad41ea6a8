"""A content-hash cache in ``<project>/.asstctl/hashes.json``, so unchanged files are not re-read.

An entry maps a project-relative path to the sha256 of its content and the ``stat`` key it
had when hashed: size, mtime_ns, inode and ctime_ns. A lookup trusts an entry only if the
file, as opened now, has exactly that key. Editing a file changes its mtime; restoring the
mtime (``touch -d``, ``os.utime``) changes its ctime; replacing it (rename, symlink, copy)
changes its inode. Timestamps are coarse, so a file changed in the same tick as it was
hashed could keep its key: an entry is stored only if the file's mtime and ctime are at
least :data:`RACY_WINDOW_NS` older than the moment hashing started, and only if the key did
not change while hashing.

The cache is never required: an unreadable or corrupt file is ignored (and rebuilt), and a
cache that cannot be written (read-only project) is simply not written. It is written
atomically (a temporary file renamed over it), and only when it changed. Entries for files
that no longer exist are dropped.

It also remembers which manifest documents (by a hash of their content and of the schema)
were found valid, so an unchanged document is not validated against the schema again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

CACHE_DIR = ".asstctl"
CACHE_FILE = "hashes.json"
VERSION = 1
RACY_WINDOW_NS = 2_000_000_000
MAX_CACHE_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024

Key = tuple[int, int, int, int]
"""size, mtime_ns, inode, ctime_ns."""
Entry = tuple[Key, str]

_CURRENT: ContextVar[HashCache | None] = ContextVar("asstctl_hash_cache", default=None)


def sha256_stream(f: IO[bytes]) -> str:
    """Hex sha256 of what is left in ``f``, read in 1 MiB chunks (never whole)."""
    h = hashlib.sha256()
    while chunk := f.read(CHUNK):
        h.update(chunk)
    return h.hexdigest()


def _key(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


_SHA = re.compile(r"[0-9a-f]{64}")


def _is_sha(value: object) -> bool:
    return isinstance(value, str) and _SHA.fullmatch(value) is not None


def _entry(raw: object) -> Entry | None:
    """An entry as stored (``[size, mtime_ns, ino, ctime_ns, sha]``), or None if malformed."""
    if not isinstance(raw, list) or len(raw) != 5 or not _is_sha(raw[4]):
        return None
    stat = raw[:4]
    if not all(type(v) is int and v >= 0 for v in stat):
        return None
    return (stat[0], stat[1], stat[2], stat[3]), raw[4]


class HashCache:
    """The hashes of one project's files, loaded from and saved to its ``.asstctl/``."""

    def __init__(
        self, root: Path, *, clock: Callable[[], int] = time.time_ns, window_ns: int | None = None
    ) -> None:
        self.root = os.path.realpath(root)
        self.path = Path(self.root, CACHE_DIR, CACHE_FILE)
        self._clock = clock
        self._window_ns = RACY_WINDOW_NS if window_ns is None else window_ns
        data = self._read()
        raw = data.get("entries")
        self._entries: dict[str, Entry] = {}
        for rel, value in raw.items() if isinstance(raw, dict) else ():
            entry = _entry(value)
            if entry is not None:
                self._entries[rel] = entry
        raw = data.get("valid")
        self._valid = {k for k in raw if _is_sha(k)} if isinstance(raw, list) else set()
        self._used: set[str] = set()
        self._valid_used: set[str] = set()
        self._changed = False

    def _read(self) -> dict[str, Any]:
        try:
            with self.path.open("rb") as f:
                if os.fstat(f.fileno()).st_size > MAX_CACHE_BYTES:
                    return {}
                data: Any = json.loads(f.read())
        except (OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) and data.get("version") == VERSION else {}

    def known_valid(self, key: str) -> bool:
        """True if a document with this key (a hex sha256 of its content) was found valid before."""
        if key in self._valid:
            self._valid_used.add(key)
            return True
        return False

    def remember_valid(self, key: str) -> None:
        """Record that the document with this key is valid (kept while some load uses it)."""
        if key not in self._valid:
            self._valid.add(key)
            self._changed = True
        self._valid_used.add(key)

    def _rel(self, path: Path) -> str | None:
        """``path`` relative to the project root (POSIX), or None if it is not inside it."""
        norm = os.path.abspath(path)
        prefix = self.root.rstrip(os.sep) + os.sep
        if not norm.startswith(prefix):
            return None
        return norm[len(prefix) :].replace(os.sep, "/")

    def sha256(self, path: Path) -> str:
        """Hex sha256 of the file at ``path``: from the cache if its key matches, else read and stored."""
        rel = self._rel(path)
        if rel is not None:
            self._used.add(rel)
            hit = self._entries.get(rel)
            if hit is not None and hit[0] == _key(os.stat(path)):
                return hit[1]  # (an upload hashes what it sends again: a later change is caught there)
        with open(path, "rb") as f:
            key = _key(os.fstat(f.fileno()))
            started = self._clock()
            digest = sha256_stream(f)
            after = _key(os.fstat(f.fileno()))
        if rel is None:
            return digest
        _, mtime, _, ctime = key
        if after == key and started - max(mtime, ctime) >= self._window_ns:
            self._entries[rel] = (key, digest)
            self._changed = True
        elif self._entries.pop(rel, None) is not None:
            self._changed = True
        return digest

    def save(self) -> None:
        """Write the cache if it changed, dropping entries of files that are gone; errors are ignored."""
        for rel in [r for r in self._entries if r not in self._used]:
            if not os.path.lexists(os.path.join(self.root, rel)):
                del self._entries[rel]
                self._changed = True
        if self._valid - self._valid_used:  # documents no longer in the project
            self._valid = set(self._valid_used)
            self._changed = True
        if not self._changed:
            return
        entries = {rel: [*key, sha] for rel, (key, sha) in sorted(self._entries.items())}
        valid = sorted(self._valid)
        text = json.dumps({"version": VERSION, "entries": entries, "valid": valid}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            self._write(text)
        self._changed = False

    def _write(self, text: str) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir()
            (folder / ".gitignore").write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{CACHE_FILE}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def current() -> HashCache | None:
    """The cache set up by :func:`hash_cache` in this context, if any."""
    return _CURRENT.get()


@contextlib.contextmanager
def hash_cache(root: Path) -> Iterator[HashCache]:
    """Within this block, ``sha256_file`` of files under ``root`` uses (and updates) its cache."""
    cache = HashCache(root)
    token = _CURRENT.set(cache)
    try:
        yield cache
    finally:
        _CURRENT.reset(token)
        cache.save()
