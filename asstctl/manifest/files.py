"""Local files referenced by manifests: globbing, containment in the project, hashing."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from asstctl.manifest import hashcache

CHUNK = hashcache.CHUNK
_GLOB_CHARS = frozenset("*?[")


class FileProblem(Exception):
    """A referenced path that cannot be used; the message says why and how to fix it."""


def is_glob(pattern: str) -> bool:
    """True if ``pattern`` has glob characters (``*``, ``?``, ``[``)."""
    return any(c in _GLOB_CHARS for c in pattern)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (never whole).

    Inside :func:`asstctl.manifest.hashcache.hash_cache` (as ``load_project`` runs), an
    unchanged file's hash comes from the project's hash cache instead.
    """
    cache = hashcache.current()
    if cache is not None:
        return cache.sha256(path)
    with path.open("rb") as f:
        return hashcache.sha256_stream(f)


@dataclass(frozen=True)
class Found:
    """A file inside the project: its POSIX path relative to the root and its real location."""

    rel: str
    abspath: Path


def _inside(path: str, root: str) -> bool:
    """True if the normalized ``path`` is ``root`` or lies under it (both absolute strings)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _checked(root: Path, candidate: Path, shown: Callable[[], str], real: str | None) -> Found:
    """The containment checks of :func:`contained`, with ``candidate``'s real path if known
    (``shown`` gives the path as the user wrote it, only needed for a message)."""
    top = str(root)
    given = os.fspath(candidate)
    lexical = os.path.normpath(given)
    if not _inside(lexical, top):
        raise FileProblem(f"'{shown()}' lies outside the project directory; keep referenced files inside it")
    real_path = candidate.resolve() if real is None else Path(real)
    if not _inside(str(real_path), top):
        raise FileProblem(
            f"'{shown()}' is a symlink to {real_path}, outside the project directory; "
            "copy the file into the project"
        )
    rel = "." if lexical == top else lexical[len(top.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    if not is_utf8(rel):
        raise FileProblem(
            f"the file name {printable_name(rel)!r} is not UTF-8 (the API and the plan need text names); "
            "rename the file"
        )
    return Found(rel, candidate if lexical == given else Path(lexical))


def is_utf8(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_name(name: str) -> str:
    """``name`` with its undecodable bytes written as ``\\xNN`` (safe to print)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def contained(root: Path, candidate: Path, shown: str) -> Found:
    """``candidate`` (absolute, unresolved) as a project file, or FileProblem if it escapes.

    ``root`` must be resolved. ``shown`` is how the user wrote the path, for messages.
    """
    return _checked(root, candidate, lambda: shown, None)


def resolve_one(root: Path, base: Path, written: str) -> Found:
    """A single (non-glob) path relative to ``base``: must exist, be a file, and lie inside ``root``."""
    if PurePosixPath(written).is_absolute() or Path(written).is_absolute():
        raise FileProblem(f"'{written}' is absolute; write it relative to the manifest's directory")
    found = contained(root, base / written, written)
    if not found.abspath.exists():
        raise FileProblem(
            f"'{written}' does not exist (looked for {found.rel}); fix the path or add the file"
        )
    if not found.abspath.is_file():
        raise FileProblem(
            f"'{written}' is not a regular file; name a file, or use a glob such as '{written}/*'"
        )
    return found


def _shown(path: Path, base: Path) -> str:
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def _regular(path: Path) -> bool | None:
    """True for a regular file, False for something that is not a file, None if it takes a
    closer look (a symlink, or lstat failed): then ``Path.is_file`` and ``resolve`` decide."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return None
    return stat.S_ISREG(mode)


def expand(root: Path, base: Path, written: str) -> list[Found]:
    """The files a path or glob names, relative to ``base``, sorted by path; ``**`` is recursive.

    A glob must match at least one file; every match must lie inside ``root``; files under
    ``<root>/.asstctl/`` (asstctl's own state) are left out. Each
    directory's real path is computed once; only symlinked files are resolved one by one.
    """
    if not is_glob(written):
        return [resolve_one(root, base, written)]
    if PurePosixPath(written).is_absolute():
        raise FileProblem(f"'{written}' is absolute; write it relative to the manifest's directory")
    try:
        globbed = list(base.glob(written))
    except ValueError as exc:
        raise FileProblem(f"'{written}' is not a valid glob ({exc})") from exc
    matches: list[tuple[Path, bool]] = []  # (path, regular and not a symlink)
    for p in globbed:
        regular = _regular(p)
        if regular or (regular is None and p.is_file()):
            matches.append((p, bool(regular)))
    if not matches:
        raise FileProblem(f"the glob '{written}' matches no files; fix the pattern or add the files")
    real_dirs: dict[str, str] = {}
    found: list[Found] = []
    for p, regular in matches:
        real: str | None = None
        if regular:
            head, name = os.path.split(p)
            if head not in real_dirs:
                real_dirs[head] = os.path.realpath(head)
            real = os.path.join(real_dirs[head], name)
        found.append(_checked(root, p, partial(_shown, p, base), real))
    own = f"{hashcache.CACHE_DIR}/"  # asstctl's own state (hash cache, sandbox) is never a project file
    kept = {f.rel: f for f in found if not f.rel.startswith(own)}
    if not kept:
        raise FileProblem(f"the glob '{written}' matches no files; fix the pattern or add the files")
    return sorted(kept.values(), key=lambda f: f.rel)
