"""Every write asstctl sends to the API, made safe to repeat.

Creates (files, vector stores, assistants) are the only writes that are not idempotent: a
create whose outcome is unknown may still have happened. They go out with the SDK's own
retries switched off, through :meth:`Writer._create`. Only what certainly did not arrive is
resent blindly: a 429 (refused before any work, retried after the advertised ``Retry-After``
or a backoff) and a connection that could not even be opened. After any other failure — a
5xx (a gateway may have committed the create, then timed out), a timeout, a connection
dropped after sending — the next attempt first *looks* for the object by its ownership tag
and adopts it when found. Every other write is idempotent and uses the SDK's retries
(attaching a File to a store twice leaves one attachment); deleting something already gone
counts as done.

Uploads stream from disk through :class:`~asstctl.remote.upload_body.PlannedBytes`, which
hashes the bytes as they are sent and aborts the request before its last chunk unless they
are exactly the planned ones.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeVar, cast

import openai

from asstctl.core.limits import FILE_BATCH_MAX_FILES
from asstctl.core.model import LocalFile
from asstctl.core.ownership import META_ADDRESS, META_STACK, upload_filename
from asstctl.errors import AsstctlError
from asstctl.remote import rest as api
from asstctl.remote.agent_writes import AgentWrites
from asstctl.remote.attach import Capabilities
from asstctl.remote.errors import gone, translate
from asstctl.remote.upload_body import FileChangedError, PlannedBytes

T = TypeVar("T")

BATCH_LIMIT = FILE_BATCH_MAX_FILES
"""At most this many files per file batch (the API's limit)."""

POLL_START_S = 0.05
POLL_CAP_S = 2.0
POLL_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class FailedIngestion:
    """A file a vector store could not ingest, with the API's ``last_error``."""

    file_id: str
    code: str
    message: str


@dataclass(frozen=True)
class BatchOutcome:
    """How one file batch ended: counts, and each failed file."""

    completed: int
    failed: tuple[FailedIngestion, ...]
    timed_out: bool = False
    total: int | None = None
    """Files the batch counts (``file_counts.total``): fewer than sent means some were not attached."""


def _retry_after(response: Any) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``Retry-After``)."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if 0 <= seconds <= 60:
            return seconds
    return None


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: 0.1 s, 0.2 s, 0.4 s … capped at 8 s."""
    base: float = min(8.0, 0.1 * (2**attempt))
    return base * (0.5 + random.random() / 2)


def _without_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _never_sent(exc: openai.APIConnectionError) -> bool:
    """The connection could not even be opened (refused, unknown host): nothing reached the
    server, so there is nothing to look for before trying again."""
    return any(cls.__name__ == "ConnectError" for cls in type(exc.__cause__).__mro__)


def _is_retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def _unknown_note(unknown: bool) -> str:
    return " (it may have been made all the same: the next plan finds it by its tag)" * unknown


class Writer(AgentWrites):
    """The write half of the remote layer, for one stack on one endpoint.

    Thread-safe: it holds no mutable state besides the SDK clients and what it learned of the
    endpoint (:class:`~asstctl.remote.attach.Capabilities`, locked).
    """

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        stack: str,
        base_url: str,
        max_attempts: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        poll_timeout: float = POLL_TIMEOUT_S,
    ) -> None:
        self._client = client
        self._once = client.with_options(max_retries=0)
        # import the SDK's resources now, in one thread: workers importing them at once can fail
        _ = (client.files, client.vector_stores, self._once.files, self._once.vector_stores)
        self._stack = stack
        self._base_url = base_url
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._poll_timeout = poll_timeout
        self.capabilities = Capabilities()
        """What this endpoint was found to do with file batches (``remote.attach``)."""

    # -- error handling ------------------------------------------------------------------

    def _fail(self, exc: openai.OpenAIError, what: str) -> AsstctlError:
        return translate(exc, base_url=self._base_url, what=what)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """An idempotent write (SDK retries apply); API errors become AsstctlErrors."""
        try:
            return fn()
        except openai.OpenAIError as exc:
            raise self._fail(exc, what) from exc

    def _delete(self, what: str, fn: Callable[[], object]) -> None:
        """A delete; an object already gone (404, or a 400 saying so) counts as deleted."""
        try:
            fn()
        except openai.APIStatusError as exc:
            if not gone(exc):
                raise self._fail(exc, what) from exc
        except openai.OpenAIError as exc:
            raise self._fail(exc, what) from exc

    def _create(self, what: str, create: Callable[[], T], find: Callable[[], T | None]) -> T:
        """Send a non-idempotent create at most once per committed object (see module doc)."""
        attempt = 0
        unknown = False  # an earlier attempt may have made the object: look before sending again
        while True:
            looking = unknown
            try:
                if looking:
                    found = find()
                    if found is not None:
                        return found
                    unknown = looking = False
                return create()
            except openai.APIStatusError as exc:
                exc_what = f"{what} (checking whether an earlier attempt made it)" if looking else what
                unknown = looking or exc.status_code >= 500  # a 5xx may come after the commit
                if not _is_retryable_status(exc.status_code) or attempt + 1 >= self._max_attempts:
                    raise self._fail(exc, exc_what + _unknown_note(unknown)) from exc
                delay = _retry_after(exc.response)
                self._sleep(delay if delay is not None else _backoff(attempt))
            except openai.APIConnectionError as exc:
                exc_what = f"{what} (checking whether its response was lost)" if looking else what
                if not looking and not _never_sent(exc):
                    unknown = True
                if attempt + 1 >= self._max_attempts:
                    raise self._fail(exc, exc_what + _unknown_note(unknown)) from exc
                self._sleep(_backoff(attempt))
            attempt += 1

    # -- files ---------------------------------------------------------------------------

    def upload(self, local: LocalFile) -> str:
        """Upload ``local`` (streamed from disk) under its ownership filename; return the File id.

        The bytes sent must be the planned ones (see ``PlannedBytes``): a file that changed
        since the plan fails with ``FileChangedError``, and no File is left under its
        planned hash."""
        name = upload_filename(self._stack, local.sha256, local.basename)
        what = f"uploading {local.path}"

        def changed(why: str) -> FileChangedError:
            return FileChangedError(
                f"{local.path} changed during the apply ({why}); it was not uploaded under the planned "
                "sha256: run asstctl plan again"
            )

        def create() -> str:
            with open(local.abspath, "rb") as fh:
                body = PlannedBytes(fh, local.size, local.sha256)
                try:
                    sent = cast(IO[bytes], body)
                    file_id = self._once.files.create(file=(name, sent), purpose="assistants").id
                except (FileChangedError, openai.APIConnectionError):
                    if body.problem is not None:  # raised by the body itself, maybe wrapped by the SDK
                        raise changed(body.problem) from None
                    raise
            if not body.verified:  # the server answered before it had read every byte
                self.delete_file(file_id)
                raise changed("the bytes sent were not all checked")
            return file_id

        try:
            return self._create(what, create, lambda: self._find_file(name))
        except OSError as exc:
            raise changed(exc.strerror or str(exc)) from None

    def upload_record(self, address: str, filename: str, content: bytes) -> str:
        """Upload a configuration record (``ownership.record_filename``) once; return its File id."""
        return self._create(
            f"writing the configuration of {address}",
            lambda: self._once.files.create(file=(filename, content), purpose="assistants").id,
            lambda: self._find_file(filename),
        )

    def _find_file(self, filename: str) -> str | None:
        """The oldest File named ``filename`` (a create whose outcome was unknown may have made it)."""
        matches = [f for f in self._client.files.list(purpose="assistants") if f.filename == filename]
        return min(matches, key=lambda f: (f.created_at, f.id)).id if matches else None

    def delete_file(self, file_id: str) -> None:
        self._delete(f"deleting file {file_id}", lambda: self._client.files.delete(file_id))

    # -- vector stores -------------------------------------------------------------------

    def _find_owned(self, items: Iterable[Any], address: str) -> str | None:
        for item in items:
            meta = (item.get("metadata") if isinstance(item, dict) else item.metadata) or {}
            if meta.get(META_STACK) == self._stack and meta.get(META_ADDRESS) == address:
                return str(item["id"] if isinstance(item, dict) else item.id)
        return None

    def create_vector_store(self, address: str, body: Mapping[str, Any]) -> str:
        """Create a store (``None`` fields are left out: on create, absent is the default)."""
        fields = _without_none(body)
        return self._create(
            f"creating {address}",
            lambda: self._once.vector_stores.create(**fields).id,
            lambda: self._find_owned(self._client.vector_stores.list(limit=100), address),
        )

    def create_marked_store(self, what: str, body: Mapping[str, Any], marked: Callable[[Any], bool]) -> str:
        """Create a store the stack does not own (the lock's claim): after an unknown outcome it
        is looked for among all stores with ``marked`` (raw JSON) instead of by ownership tag."""
        fields = _without_none(body)

        def find() -> str | None:
            stores = api.list_all(self._client, "/vector_stores", {"limit": 100}, beta=True)
            return next((str(s["id"]) for s in stores if marked(s)), None)

        return self._create(what, lambda: self._once.vector_stores.create(**fields).id, find)

    def update_vector_store(self, address: str, store_id: str, body: Mapping[str, Any]) -> None:
        self._call(f"updating {address}", lambda: self._client.vector_stores.update(store_id, **body))

    def delete_vector_store(self, address: str, store_id: str) -> None:
        self._delete(f"deleting {address}", lambda: self._client.vector_stores.delete(store_id))

    def attach_batch(self, address: str, store_id: str, files: list[dict[str, Any]]) -> str:
        """Attach up to :data:`BATCH_LIMIT` files in one file batch; return the batch id.

        Repeating an attach is harmless (a vector-store file is keyed by its File id).
        """
        if not 0 < len(files) <= BATCH_LIMIT:
            raise ValueError(f"a file batch holds 1..{BATCH_LIMIT} files, not {len(files)}")
        batch = self._call(
            f"attaching {len(files)} files to {address}",
            lambda: self._client.vector_stores.file_batches.create(store_id, files=files),  # type: ignore[arg-type]
        )
        return batch.id

    def wait_batch(
        self,
        address: str,
        store_id: str,
        batch_id: str,
        on_progress: Callable[[int], None] = lambda done: None,
        stop: threading.Event | None = None,
    ) -> BatchOutcome:
        """Poll one batch with bounded backoff until nothing is in progress.

        ``on_progress`` receives the number of files finished so far (completed or not).
        Failed files are listed (one ``filter=failed`` listing) only when there are any.
        Setting ``stop`` (an interrupted apply) ends the wait early, as a timeout.
        """
        batches = self._client.vector_stores.file_batches
        deadline = time.monotonic() + self._poll_timeout
        delay = POLL_START_S
        while True:
            raw = self._call(
                f"polling a file batch of {address}",
                lambda: batches.with_raw_response.retrieve(batch_id, vector_store_id=store_id),
            )
            batch = raw.parse()
            counts = batch.file_counts
            on_progress(counts.completed + counts.failed + counts.cancelled)
            if counts.in_progress == 0:
                break
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                return BatchOutcome(completed=counts.completed, failed=(), timed_out=True)
            hint = raw.headers.get("openai-poll-after-ms")
            if hint is not None and delay == POLL_START_S:
                with contextlib.suppress(ValueError):
                    delay = max(POLL_START_S, min(POLL_CAP_S, float(hint) / 1000))
            if stop is None:
                self._sleep(delay)
            elif stop.wait(delay):  # interrupted: stop at once, not after the next poll
                return BatchOutcome(completed=counts.completed, failed=(), timed_out=True)
            delay = min(POLL_CAP_S, delay * 1.6)
        failed: list[FailedIngestion] = []
        if counts.failed or counts.cancelled:
            for state in ("failed", "cancelled"):
                listing = self._call(
                    f"listing failed files of {address}",
                    lambda state=state: batches.list_files(  # type: ignore[misc]
                        batch_id, vector_store_id=store_id, filter=state, limit=100
                    ),
                )
                for vsf in listing:
                    err = vsf.last_error
                    failed.append(
                        FailedIngestion(
                            file_id=vsf.id,
                            code=err.code if err else state,
                            message=err.message if err else f"ingestion {state}",
                        )
                    )
        return BatchOutcome(completed=counts.completed, failed=tuple(failed), total=counts.total)

    def attach_ids(self, address: str, store_id: str, file_ids: list[str], chunking: Any = None) -> str:
        """A file batch of ``file_ids`` (no per-file attributes); return the batch id."""
        extra = {} if chunking is None else {"chunking_strategy": chunking}
        return self._call(
            f"attaching {len(file_ids)} files to {address}",
            lambda: self._client.vector_stores.file_batches.create(store_id, file_ids=file_ids, **extra).id,
        )

    def list_store_files(self, address: str, store_id: str) -> list[Any]:
        """Every file of a store, as raw JSON (``remote.attach`` checks what it holds)."""
        path = f"/vector_stores/{store_id}/files"
        what = f"checking the files of {address}"
        return self._call(what, lambda: api.list_all(self._client, path, {"limit": 100}, beta=True))

    def update_attributes(
        self, address: str, store_id: str, file_id: str, attributes: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Replace one attached file's attributes; return the attributes the answer shows."""
        answer = self._call(
            f"updating attributes of {file_id} in {address}",
            lambda: self._client.vector_stores.files.update(
                file_id, vector_store_id=store_id, attributes=dict(attributes)
            ),
        )
        return dict(answer.attributes or {})

    def detach(self, address: str, store_id: str, file_id: str) -> None:
        self._delete(
            f"detaching {file_id} from {address}",
            lambda: self._client.vector_stores.files.delete(file_id, vector_store_id=store_id),
        )

    # -- assistants ----------------------------------------------------------------------

    def create_assistant(self, address: str, body: Mapping[str, Any]) -> str:
        """Create an assistant (``None`` fields are left out: on create, absent is the default)."""
        fields = _without_none(body)
        return self._create(
            f"creating {address}",
            lambda: str(api.create_assistant(self._once, fields)["id"]),
            lambda: self._find_owned(api.list_assistants(self._client), address),
        )

    def update_assistant(self, address: str, assistant_id: str, body: Mapping[str, Any]) -> None:
        self._call(
            f"updating {address}",
            lambda: api.update_assistant(self._client, assistant_id, body),
        )

    def delete_assistant(self, address: str, assistant_id: str) -> None:
        self._delete(f"deleting {address}", lambda: api.delete_assistant(self._client, assistant_id))
