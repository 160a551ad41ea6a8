"""Local files referenced by manifests: globbing, containment in the project, hashing."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


class FileProblem(Exception):
    """A referenced path that cannot be used; the message says why and how to fix it."""


def is_glob(pattern: str) -> bool:
    """True if ``pattern`` has glob characters (``*``, ``?``, ``[``)."""
    return any(c in _GLOB_CHARS for c in pattern)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (never whole)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Found:
    """A file inside the project: its POSIX path relative to the root and its real location."""

    rel: str
    abspath: Path


def contained(root: Path, candidate: Path, shown: str) -> Found:
    """``candidate`` (absolute, unresolved) as a project file, or FileProblem if it escapes.

    ``root`` must be resolved. ``shown`` is how the user wrote the path, for messages.
    """
    lexical = Path(os.path.normpath(candidate))
    if not lexical.is_relative_to(root):
        raise FileProblem(f"'{shown}' lies outside the project directory; keep referenced files inside it")
    real = candidate.resolve()
    if not real.is_relative_to(root):
        raise FileProblem(
            f"'{shown}' is a symlink to {real}, outside the project directory; copy the file into the project"
        )
    return Found(lexical.relative_to(root).as_posix(), lexical)


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


def expand(root: Path, base: Path, written: str) -> list[Found]:
    """The files a path or glob names, relative to ``base``, sorted by path; ``**`` is recursive.

    A glob must match at least one file; every match must lie inside ``root``.
    """
    if not is_glob(written):
        return [resolve_one(root, base, written)]
    if PurePosixPath(written).is_absolute():
        raise FileProblem(f"'{written}' is absolute; write it relative to the manifest's directory")
    try:
        matches = sorted(p for p in base.glob(written) if p.is_file())
    except ValueError as exc:
        raise FileProblem(f"'{written}' is not a valid glob ({exc})") from exc
    if not matches:
        raise FileProblem(f"the glob '{written}' matches no files; fix the pattern or add the files")
    found = [
        contained(root, p, str(p.relative_to(base)) if p.is_relative_to(base) else str(p)) for p in matches
    ]
    return sorted({f.rel: f for f in found}.values(), key=lambda f: f.rel)
