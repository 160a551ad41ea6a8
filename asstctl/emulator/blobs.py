"""Where uploaded file contents live: in memory, or in a directory beside the state file.

Uploads are streamed into a ``BlobWriter`` chunk by chunk, so a large upload is held once at most.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol


class BlobWriter(Protocol):
    """An upload being received; ``commit`` names it once the File id is known."""

    size: int

    def write(self, chunk: bytes | memoryview) -> None: ...

    def commit(self, blob_id: str) -> None: ...

    def abort(self) -> None: ...


class Blobs(Protocol):
    """A store of immutable byte strings keyed by File id."""

    def writer(self) -> BlobWriter: ...

    def read(self, blob_id: str) -> bytes | bytearray: ...

    def delete(self, blob_id: str) -> None: ...


class _MemoryWriter:
    def __init__(self, owner: MemoryBlobs) -> None:
        self._owner = owner
        self._buf = bytearray()
        self.size = 0

    def write(self, chunk: bytes | memoryview) -> None:
        self._buf += chunk
        self.size += len(chunk)

    def commit(self, blob_id: str) -> None:
        with self._owner.lock:
            self._owner.data[blob_id] = self._buf

    def abort(self) -> None:
        self._buf = bytearray()


class MemoryBlobs:
    """Contents kept in process memory (the default, when no state file is used)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.data: dict[str, bytearray] = {}

    def writer(self) -> BlobWriter:
        return _MemoryWriter(self)

    def read(self, blob_id: str) -> bytearray:
        with self.lock:
            return self.data.get(blob_id, bytearray())

    def delete(self, blob_id: str) -> None:
        with self.lock:
            self.data.pop(blob_id, None)


class _DiskWriter:
    def __init__(self, directory: Path) -> None:
        self._dir = directory
        fd, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
        self._tmp = Path(name)
        self._fh = os.fdopen(fd, "wb")
        self.size = 0

    def write(self, chunk: bytes | memoryview) -> None:
        self._fh.write(chunk)
        self.size += len(chunk)

    def commit(self, blob_id: str) -> None:
        self._fh.close()
        os.replace(self._tmp, self._dir / blob_id)

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


class DiskBlobs:
    """Contents streamed to files in ``directory`` (used with ``--state``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def writer(self) -> BlobWriter:
        return _DiskWriter(self.directory)

    def read(self, blob_id: str) -> bytes:
        try:
            return (self.directory / blob_id).read_bytes()
        except FileNotFoundError:
            return b""

    def delete(self, blob_id: str) -> None:
        (self.directory / blob_id).unlink(missing_ok=True)
