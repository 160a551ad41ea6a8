"""Reading request bodies: fixed-length or chunked, and a streaming ``multipart/form-data`` parser.

The file part of an upload is written to a ``BlobWriter`` as it arrives, so a 200 MB upload is
never buffered whole in the HTTP layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from asstctl.emulator.apierror import invalid
from asstctl.emulator.blobs import BlobWriter

CHUNK = 256 * 1024
MAX_FIELD = 1 << 20


class BodyReader:
    """Reads a request body exactly once, honouring Content-Length or chunked encoding."""

    def __init__(self, rfile: BinaryIO, length: int | None, chunked: bool) -> None:
        self._rfile = rfile
        self._left = length or 0
        self._chunked = chunked
        self._chunk_left = 0
        self.done = not chunked and not self._left

    def read(self, n: int = CHUNK) -> bytes:
        """Up to ``n`` bytes; b"" at the end of the body."""
        if self.done:
            return b""
        if not self._chunked:
            data = self._rfile.read(min(n, self._left))
            self._left -= len(data)
            if not data or not self._left:
                self.done = True
            return data
        if not self._chunk_left:
            line = self._rfile.readline(1024).strip()
            size = int(line.split(b";", 1)[0] or b"0", 16)
            if size == 0:
                while self._rfile.readline(1024).strip():
                    pass
                self.done = True
                return b""
            self._chunk_left = size
        data = self._rfile.read(min(n, self._chunk_left))
        self._chunk_left -= len(data)
        if not self._chunk_left:
            self._rfile.readline(16)
        if not data:
            self.done = True
        return data

    def read_all(self) -> bytes:
        parts = []
        while chunk := self.read():
            parts.append(chunk)
        return b"".join(parts)

    def drain(self) -> None:
        while self.read():
            pass


_DISPOSITION = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"|(\w+)=([^;\s]+)')


def _disposition(headers: bytes) -> dict[str, str]:
    for line in headers.decode("utf-8", "replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-disposition":
            return {
                (m.group(1) or m.group(3)).lower(): (m.group(2) if m.group(1) else m.group(4))
                for m in _DISPOSITION.finditer(value)
            }
    return {}


def boundary_of(content_type: str) -> str | None:
    """The boundary of a ``multipart/form-data`` Content-Type, or None if it is not one."""
    kind, _, rest = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    m = re.search(r'boundary="?([^";]+)"?', rest)
    return m.group(1) if m else None


class Upload:
    """The parsed form: text ``fields``, and the file part's ``filename`` and ``blob``."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.blob: BlobWriter | None = None


def parse(body: BodyReader, boundary: str, new_blob: Callable[[], BlobWriter]) -> Upload:
    """Parse the multipart ``body``; the part named ``file`` streams into ``new_blob()``."""
    upload = Upload()
    try:
        _parse(body, boundary.encode("latin-1"), new_blob, upload)
    except BaseException:
        if upload.blob is not None:
            upload.blob.abort()
        body.drain()
        raise
    return upload


def _parse(body: BodyReader, boundary: bytes, new_blob: Callable[[], BlobWriter], upload: Upload) -> None:
    buf = bytearray()

    def fill() -> bool:
        chunk = body.read()
        buf.extend(chunk)
        return bool(chunk)

    first = b"--" + boundary
    while len(buf) < len(first) + 2 and fill():
        pass
    if not buf.startswith(first):
        raise invalid(
            None, "Could not parse the multipart form: missing the opening boundary.", "invalid_body"
        )
    del buf[: len(first)]
    marker = b"\r\n--" + boundary
    while True:
        while len(buf) < 2 and fill():
            pass
        if buf.startswith(b"--"):
            body.drain()
            return
        if not buf.startswith(b"\r\n"):
            raise invalid(None, "Could not parse the multipart form: bad boundary line.", "invalid_body")
        del buf[:2]
        while (end := buf.find(b"\r\n\r\n")) < 0:
            if not fill() or len(buf) > 16384:
                raise invalid(None, "Could not parse the multipart form: bad part headers.", "invalid_body")
        disposition = _disposition(bytes(buf[:end]))
        del buf[: end + 4]
        name = disposition.get("name", "")
        if name == "file" and "filename" in disposition:
            upload.filename = disposition["filename"]
            upload.blob = sink = new_blob()
            write: Callable[[bytes], None] = sink.write
        else:
            value = bytearray()

            def write(data: bytes, value: bytearray = value, name: str = name) -> None:
                if len(value) + len(data) > MAX_FIELD:
                    raise invalid(name, f"Invalid '{name}': form field too large.", "invalid_value")
                value.extend(data)

        while (idx := buf.find(marker)) < 0:
            keep = len(marker) - 1
            if len(buf) > keep:
                write(bytes(buf[: len(buf) - keep]))
                del buf[: len(buf) - keep]
            if not fill():
                raise invalid(None, "Could not parse the multipart form: it ends early.", "invalid_body")
        write(bytes(buf[:idx]))
        del buf[: idx + len(marker)]
        if name != "file" or "filename" not in disposition:
            upload.fields[name] = value.decode("utf-8", "replace")
