"""An upload body that proves it sent the planned bytes: hashed while it streams."""

from __future__ import annotations

import hashlib
import io
import os
from typing import Any

from asstctl.errors import AsstctlError


class FileChangedError(AsstctlError):
    """A file's bytes on disk are no longer the ones the plan hashed."""


class PlannedBytes(io.RawIOBase):
    """A local file as an upload body: exactly ``size`` bytes, hashed while they are read.

    It claims the planned size (so the request's length is the planned one) and, before it
    hands over the last chunk, checks that the file still has exactly the planned length and
    sha256; if not, it sets :attr:`problem` and raises, which aborts the request before the
    server has the whole body. :attr:`verified` is True once every planned byte was read and
    matched.
    """

    def __init__(self, fh: Any, size: int, sha256: str) -> None:
        super().__init__()
        self._fh, self._size, self._want = fh, size, sha256
        self._pos = 0
        self._hash = hashlib.sha256()
        self.problem: str | None = None
        self.verified = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        target = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence] + offset
        if target == 0:  # (re)start the body: a retry sends every byte again
            self._fh.seek(0)
            self._hash = hashlib.sha256()
            self.verified = False
        elif target not in (self._pos, self._size):
            raise io.UnsupportedOperation("an upload body is read from its start")
        self._pos = target
        return target

    def read(self, size: int | None = -1) -> bytes:
        left = self._size - self._pos
        if left <= 0:
            if not self.verified:  # an empty file: nothing to read, still checked
                self._check()
            return b""
        chunk = self._fh.read(left if size is None or size < 0 else min(size, left))
        if not chunk:
            self._refuse(f"it is shorter than planned ({self._pos} of {self._size} bytes)")
        self._hash.update(chunk)
        self._pos += len(chunk)
        if self._pos == self._size:
            self._check()
        return bytes(chunk)

    def _check(self) -> None:
        """Every planned byte was read: nothing may follow, and the hash must be the planned one."""
        if self._fh.read(1):
            self._refuse(f"it is longer than the {self._size} bytes planned")
        if self._hash.hexdigest() != self._want:
            self._refuse("its sha256 is not the planned one")
        self.verified = True

    def _refuse(self, why: str) -> None:
        self.problem = why
        raise FileChangedError(why)
