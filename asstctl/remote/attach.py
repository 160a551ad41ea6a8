"""Attaching files to a vector store, checked against what the store then holds.

A server may answer a file batch ``completed`` without having attached anything (OGX ignores
``files: [{file_id, attributes}]`` and reports ``file_counts.total: 0``), refuse per-file
attributes in a batch (llama-stack 0.7.3 answers 400 asking for ``file_ids``), or attach the
files and drop their attributes. So every attach is verified, on every server:

1. the batch's own ``file_counts.total`` must count every file sent;
2. after all batches, one listing of the store's files must hold every file sent, with the
   attributes sent (numbers compared by value: ``1`` and ``1.0`` alike).

When per-file attributes in a batch are refused or ignored, the files are attached with
``file_ids`` and each file's attributes are set with the per-file update call; the answer of
each update must show them. What was learned is kept for the rest of the apply
(:class:`Capabilities`), and said once. A mismatch that no fallback can repair raises
:class:`NotAttachedError`: a failed step with a one-line reason, never a success.

Requests per files step of n files (F files in the store after it, b = ⌈n/2000⌉ batches):
batch path b creates + polls + ⌈F/100⌉ (the check); fallback path b creates + polls + n
updates + ⌈F/100⌉, plus, the first time in an apply, the one refused (or ignored) batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openai

from asstctl.core.limits import FILE_BATCH_MAX_FILES
from asstctl.core.normalize import canonical
from asstctl.errors import EndpointError
from asstctl.remote.errors import api_message

if TYPE_CHECKING:
    from asstctl.remote.writer import BatchOutcome, Writer

JSON = Any

BATCH_ATTRIBUTES = "batch"
"""Path: per-file attributes sent in the file batch (``files: [...]``), as OpenAI documents."""
UPDATE_ATTRIBUTES = "update"
"""Path: ``file_ids`` in the batch, then one attribute update per file."""


class NotAttachedError(EndpointError):
    """The store does not hold what was attached (files or attributes missing after every fallback)."""


@dataclass
class Capabilities:
    """What an endpoint was found to do with file batches, shared by one apply's steps."""

    path: str | None = None
    """``BATCH_ATTRIBUTES``, ``UPDATE_ATTRIBUTES``, or None (not learned yet)."""
    reason: str = ""
    said: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def learn(self, path: str, reason: str = "") -> None:
        with self.lock:
            if self.path != UPDATE_ATTRIBUTES:  # a fallback once needed stays needed
                self.path, self.reason = path, reason or self.reason

    def note(self) -> str:
        """The remark for a step's line: the whole reason the first time, a short one after."""
        with self.lock:
            if self.path != UPDATE_ATTRIBUTES:
                return ""
            if self.said:
                return " (attributes set file by file)"
            self.said = True
            return f" (attributes set file by file: {self.reason})"


@dataclass(frozen=True)
class Entry:
    """One file to attach: its File id, its project path (for messages) and its attributes."""

    file_id: str
    path: str
    attributes: Mapping[str, JSON]


@dataclass
class AttachOutcome:
    """Each batch's ingestion outcome, and the note on the path used (empty: the batch path)."""

    batches: list[tuple[str, BatchOutcome]] = field(default_factory=list)
    note: str = ""


def _refuses_files(err: EndpointError) -> bool:
    """A 400 about the batch's ``files`` parameter (a server that wants ``file_ids``)."""
    exc = err.__cause__
    if not isinstance(exc, openai.BadRequestError):
        return False
    text = api_message(exc).lower()
    param = exc.body.get("param") if isinstance(exc.body, dict) else None
    return "file_ids" in text or param == "files"


def holds(answered: Mapping[str, JSON] | None, sent: Mapping[str, JSON]) -> list[str]:
    """The keys of ``sent`` that ``answered`` lacks or holds another value for (numbers by value)."""
    got = answered or {}
    return [k for k, v in sent.items() if k not in got or canonical(got[k]) != canonical(v)]


def attach(
    writer: Writer,
    address: str,
    store_id: str,
    entries: Sequence[Entry],
    chunking: Mapping[str, JSON] | None,
    *,
    on_progress: Callable[[str, int], None],
    stop: threading.Event | None,
) -> AttachOutcome:
    """Attach ``entries`` (batches of at most 2,000), wait for ingestion, and check the store
    holds them with their attributes, falling back as the module says. Raises
    :class:`NotAttachedError` when the store does not hold what was sent."""
    caps = writer.capabilities
    out = AttachOutcome()
    needs_update: list[Entry] = []
    for i in range(0, len(entries), FILE_BATCH_MAX_FILES):
        chunk = list(entries[i : i + FILE_BATCH_MAX_FILES])
        if caps.path != UPDATE_ATTRIBUTES:
            done = _batch_with_attributes(writer, address, store_id, chunk, chunking, out, on_progress, stop)
            if done:
                continue
        _batch_with_ids(writer, address, store_id, chunk, chunking, out, on_progress, stop)
        needs_update += chunk
    if any(o.timed_out for _, o in out.batches):
        return out  # reported as a timeout; the next plan shows what is missing
    failed = {f.file_id for _, o in out.batches for f in o.failed}
    held = _store_files(writer, address, store_id)
    missing = [e for e in entries if e.file_id not in held and e.file_id not in failed]
    if missing:
        raise NotAttachedError(_missing_message(address, missing, len(entries)))
    pending = {e.file_id for e in needs_update}
    dropped = [
        e for e in entries if e.file_id in held and holds(held[e.file_id].get("attributes"), e.attributes)
    ]
    if any(e.file_id not in pending for e in dropped):
        caps.learn(UPDATE_ATTRIBUTES, "the server attached the files but dropped their attributes")
    for e in [*needs_update, *(e for e in dropped if e.file_id not in pending)]:
        if e.file_id in held:
            set_attributes(writer, address, store_id, e.file_id, e.attributes, path=e.path)
    out.note = caps.note()
    return out


def _batch_with_attributes(
    writer: Writer,
    address: str,
    store_id: str,
    chunk: list[Entry],
    chunking: Mapping[str, JSON] | None,
    out: AttachOutcome,
    on_progress: Callable[[str, int], None],
    stop: threading.Event | None,
) -> bool:
    """The documented batch (``files`` with attributes). False when the server refused or
    ignored it (learned in the writer's capabilities): the caller attaches by ``file_ids``."""
    files: list[dict[str, JSON]] = []
    for e in chunk:
        item: dict[str, JSON] = {"file_id": e.file_id, "attributes": dict(e.attributes)}
        if chunking is not None:
            item["chunking_strategy"] = dict(chunking)
        files.append(item)
    try:
        batch_id = writer.attach_batch(address, store_id, files)
    except EndpointError as err:
        if not _refuses_files(err):
            raise
        writer.capabilities.learn(UPDATE_ATTRIBUTES, "the server refuses them in file batches")
        return False
    outcome = _wait(writer, address, store_id, batch_id, on_progress, stop)
    out.batches.append((batch_id, outcome))
    if outcome.timed_out or outcome.total is None or outcome.total >= len(chunk):
        writer.capabilities.learn(BATCH_ATTRIBUTES)
        return True
    if outcome.total == 0:
        writer.capabilities.learn(UPDATE_ATTRIBUTES, "the server ignores them in file batches")
        out.batches.pop()
        return False
    raise NotAttachedError(
        f"{address}: a file batch of {len(chunk)} files was answered with {outcome.total} of them "
        f"({batch_id}); the server did not attach the rest"
    )


def _batch_with_ids(
    writer: Writer,
    address: str,
    store_id: str,
    chunk: list[Entry],
    chunking: Mapping[str, JSON] | None,
    out: AttachOutcome,
    on_progress: Callable[[str, int], None],
    stop: threading.Event | None,
) -> None:
    """A batch of ``file_ids`` (one chunking strategy for all), checked by its count."""
    chunk_ids = [e.file_id for e in chunk]
    batch_id = writer.attach_ids(address, store_id, chunk_ids, None if chunking is None else dict(chunking))
    outcome = _wait(writer, address, store_id, batch_id, on_progress, stop)
    out.batches.append((batch_id, outcome))
    if not outcome.timed_out and outcome.total is not None and outcome.total < len(chunk):
        raise NotAttachedError(
            f"{address}: a file batch of {len(chunk)} file ids was answered with {outcome.total} of them "
            f"({batch_id}); the server did not attach the rest"
        )


def _wait(
    writer: Writer,
    address: str,
    store_id: str,
    batch_id: str,
    on_progress: Callable[[str, int], None],
    stop: threading.Event | None,
) -> BatchOutcome:
    return writer.wait_batch(address, store_id, batch_id, lambda done: on_progress(batch_id, done), stop)


def _store_files(writer: Writer, address: str, store_id: str) -> dict[str, Mapping[str, JSON]]:
    """The store's files by File id, as the store lists them now."""
    return {str(raw.get("file_id") or raw["id"]): raw for raw in writer.list_store_files(address, store_id)}


def _missing_message(address: str, missing: Sequence[Entry], sent: int) -> str:
    names = ", ".join(e.path for e in missing[:3]) + (
        f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    )
    return (
        f"{address}: the server does not hold {len(missing)} of the {sent} files attached ({names}) "
        "although it answered the attach as done"
    )


def set_attributes(
    writer: Writer,
    address: str,
    store_id: str,
    file_id: str,
    attributes: Mapping[str, JSON],
    *,
    path: str | None = None,
) -> None:
    """Set one attached file's attributes; the answer must show them (else NotAttachedError)."""
    answered = writer.update_attributes(address, store_id, file_id, attributes)
    wrong = holds(answered, attributes)
    if wrong:
        raise NotAttachedError(
            f"{address}: the server answered the attribute update of {path or file_id} without "
            f"{', '.join(wrong[:3])}; its attributes were not kept"
        )
