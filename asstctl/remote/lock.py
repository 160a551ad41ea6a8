"""The stack lock: held on the endpoint itself, so it works across machines without a state
backend, on every endpoint that serves vector stores (OpenAI today included).

A claim is an empty vector store whose metadata says ``asstctl_lock=<stack>``, who holds it
(``user@host pid N``), for which command, since when, and until when its lease runs. It
carries no ``asstctl_stack`` / ``asstctl_address``, so plan and destroy never see it.

Acquiring, with no clock shared between machines:

1. create a claim (a lost response is looked up by the claim's random token, never resent
   blindly: see :meth:`Writer.create_marked_store`);
2. list the live claims: unless ours is the oldest by ``(created_at, id)`` and no other is
   marked held, delete ours and wait;
3. mark ours held, list again: if another is marked held, delete ours and wait.

Two claimants can both pass step 2 only through a tie in ``created_at``; step 3 then lets at
most one through (each marks before it looks, so the later looker sees the earlier mark).
The lease is renewed in the background while held; a claim whose lease ran out, or whose
process is gone on this very machine, is taken over. Release deletes the claim.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import random
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import openai

from asstctl.errors import AsstctlError
from asstctl.remote.errors import gone, translate
from asstctl.remote.rest import list_all
from asstctl.remote.writer import Writer

LOCK = "asstctl_lock"
"""Metadata key on a claim: the stack it locks."""
HOLDER = "asstctl_lock_holder"
COMMAND = "asstctl_lock_command"
STARTED = "asstctl_lock_started"
EXPIRES = "asstctl_lock_expires"
STATE = "asstctl_lock_state"
TOKEN = "asstctl_lock_token"
MACHINE = "asstctl_lock_machine"
PID = "asstctl_lock_pid"

LEASE_S = 90.0
"""A claim not renewed for this long may be taken over."""
RENEW_S = 15.0
POLL_S = 2.0
"""How often a waiting command looks again (with jitter)."""
INTERRUPTED_RELEASE_S = 0.25
"""After Ctrl-C, how long the release may take before the command leaves anyway."""
VANISHED_MAX = 3
"""A claim missing from the listing right after its create this often is an error, not a race."""


class LockError(AsstctlError):
    """The stack is locked by another run (or the lock could not be taken)."""


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))


@dataclass(frozen=True)
class Claim:
    """One live claim on a stack's lock."""

    id: str
    created_at: int
    held: bool
    holder: str
    command: str
    started: float
    expires: float
    token: str
    machine: str
    pid: int

    def describe(self) -> str:
        return f"{self.holder} ({self.command}, since {_when(self.started)})"

    def gone(self, now: float) -> str | None:
        """Why this claim may be taken over (lease expired, process gone), or None."""
        if self.expires < now:
            return f"its lease expired at {_when(self.expires)}"
        if (
            self.machine
            and self.machine == machine_key()
            and self.pid != os.getpid()
            and not _alive(self.pid)
        ):
            return "its process is no longer running"
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _claim(raw: Any, stack: str) -> Claim | None:
    meta = raw.get("metadata") or {}
    if meta.get(LOCK) != stack:
        return None
    return Claim(
        id=str(raw["id"]),
        created_at=int(_number(raw.get("created_at"))),
        held=meta.get(STATE) == "held",
        holder=str(meta.get(HOLDER) or "someone"),
        command=str(meta.get(COMMAND) or "?"),
        started=_number(meta.get(STARTED)),
        expires=_number(meta.get(EXPIRES)),
        token=str(meta.get(TOKEN) or ""),
        machine=str(meta.get(MACHINE) or ""),
        pid=int(_number(meta.get(PID))),
    )


def list_claims(client: openai.OpenAI, stack: str) -> list[Claim]:
    """Every claim on ``stack``'s lock, expired ones included, oldest first."""
    stores = list_all(client, "/vector_stores", {"limit": 100}, beta=True)
    claims = [c for s in stores if (c := _claim(s, stack)) is not None]
    return sorted(claims, key=lambda c: (c.created_at, c.id))


def holder_identity() -> str:
    """``user@host pid N``: who holds a lock, as shown to whoever waits."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (getuser raises various errors)
        user = "?"
    return f"{user}@{socket.gethostname()} pid {os.getpid()}"


def machine_key() -> str:
    """Names this kernel boot and pid namespace: a claim with this key and a pid that is not
    running was left by a dead process. Empty where that cannot be known (then only the
    lease frees a claim)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot = fh.read().strip()
        pidns = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return ""
    return hashlib.sha256(f"{socket.gethostname()}|{boot}|{pidns}".encode()).hexdigest()[:16]


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(text: str) -> float:
    """``0s``, ``90s``, ``5m``, ``1h``, ``250ms`` or plain seconds, as seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration (use e.g. 0s, 30s, 5m or 1h)")
    scale = {"ms": 0.001, "s": 1.0, None: 1.0, "m": 60.0, "h": 3600.0}[match.group(2)]
    return float(match.group(1)) * scale


class StackLock:
    """The lock of one stack at one endpoint, taken by :meth:`acquire`, given back by :meth:`release`."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        stack: str,
        base_url: str,
        command: str,
        lease: float = LEASE_S,
        renew_every: float = RENEW_S,
        poll: float = POLL_S,
        out: TextIO | None = None,
    ) -> None:
        self._client, self._stack, self._base_url, self._command = client, stack, base_url, command
        self._lease, self._renew_every, self._poll = lease, renew_every, poll
        self._out = out
        self._writer = Writer(client, stack=stack, base_url=base_url)
        self._token = secrets.token_hex(8)
        self._started = time.time()
        self._id: str | None = None
        self._vanished = 0
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self.broken = threading.Event()
        """Set when the claim vanished while held (force-unlock, or a takeover after expiry)."""

    # -- messages ----------------------------------------------------------------------

    def _say(self, text: str) -> None:
        out = self._out or sys.stderr
        out.write(text + "\n")
        out.flush()

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except openai.OpenAIError as exc:
            raise translate(exc, base_url=self._base_url, what=what) from None

    # -- claims ------------------------------------------------------------------------

    def _metadata(self, held: bool) -> dict[str, str]:
        return {
            LOCK: self._stack,
            HOLDER: holder_identity()[:512],
            COMMAND: self._command[:512],
            STARTED: str(int(self._started)),
            EXPIRES: str(int(time.time() + self._lease)),
            STATE: "held" if held else "claim",
            TOKEN: self._token,
            MACHINE: machine_key(),
            PID: str(os.getpid()),
        }

    def _live(self) -> list[Claim]:
        """The claims that count: expired ones and those of dead local processes are taken over."""
        claims = self._call(
            f"reading the lock of stack {self._stack}", lambda: list_claims(self._client, self._stack)
        )
        now, live = time.time(), []
        for claim in claims:
            why = None if claim.token == self._token else claim.gone(now)
            if why is None:
                live.append(claim)
                continue
            self._say(f"Taking over the lock of stack {self._stack} from {claim.describe()}: {why}.")
            with contextlib.suppress(AsstctlError):
                self._writer.delete_vector_store("the lock", claim.id)
        return live

    def _try(self) -> bool:
        """Steps 1–3 of the module doc; True when the lock is ours."""
        what = f"taking the lock of stack {self._stack}"
        token = self._token
        self._id = self._writer.create_marked_store(
            what,
            {"name": f"asstctl lock: {self._stack}", "metadata": self._metadata(held=False)},
            lambda raw: (raw.get("metadata") or {}).get(TOKEN) == token,
        )
        claims = self._live()
        if not any(c.token == token for c in claims):
            self._vanished += 1
            if self._vanished >= VANISHED_MAX:
                raise LockError(
                    f"cannot lock stack {self._stack} at {self._base_url}: the lock's claim (a vector store) "
                    f"was gone right after it was made, {self._vanished} times; is something deleting "
                    "vector stores there?"
                )
        others = [c for c in claims if c.token != token]
        if claims and claims[0].token == token and not any(c.held for c in others):
            self._mark_held(what)
            if not any(c.held and c.token != token for c in self._live()):
                return True
        self._drop()
        return False

    def _mark_held(self, what: str) -> None:
        store_id = self._id
        assert store_id is not None
        meta = self._metadata(held=True)
        self._call(what, lambda: self._client.vector_stores.update(store_id, metadata=meta))

    def _drop(self) -> None:
        if self._id is not None:
            self._writer.delete_vector_store("the lock", self._id)
            self._id = None

    # -- the lock ----------------------------------------------------------------------

    def acquire(self, timeout: float) -> None:
        """Take the lock, waiting up to ``timeout`` seconds for another holder to finish."""
        deadline = time.monotonic() + timeout
        waiting = False
        while True:
            others = self._live()
            if not others:
                if self._try():
                    self._start_renewing()
                    return
                time.sleep(random.uniform(0.05, 0.3))  # lost a tie: look again after a jitter
                continue
            holder = next((c for c in others if c.held), others[0])
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockError(
                    f"stack {self._stack} is locked by {holder.describe()}; its lease runs until "
                    f"{_when(holder.expires)}. Wait for it (--lock-timeout 5m), or if that run is gone, "
                    "break the lock with: asstctl force-unlock"
                )
            if not waiting:
                self._say(f"Waiting for the lock of stack {self._stack}, held by {holder.describe()} …")
                waiting = True
            time.sleep(min(left, self._poll * random.uniform(0.5, 1.0)))

    def _start_renewing(self) -> None:
        self._renewer = threading.Thread(target=self._renew_loop, name="asstctl-lock", daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self._renew_every):
            store_id = self._id
            if store_id is None:
                return
            try:
                self._client.vector_stores.update(store_id, metadata=self._metadata(held=True))
            except openai.APIStatusError as exc:
                if not gone(exc):  # the claim is there (gone: a 404, or OGX's 400 "not found")
                    continue  # try again at the next renewal, well before the lease runs out
                self.broken.set()
                self._say(
                    f"Warning: the lock of stack {self._stack} was broken (force-unlock, or taken over "
                    "after its lease ran out): another run may now write to this stack."
                )
                return
            except openai.OpenAIError:
                continue  # try again at the next renewal, well before the lease runs out

    def release(self, *, within: float | None = None) -> None:
        """Stop renewing and delete the claim; on failure say how the lock will be freed.

        ``within`` (after Ctrl-C): give the delete that long, then leave at once; a claim
        left behind is freed by its lease (at once for a run on this machine: its process
        is gone)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if self._id is None or self.broken.is_set():
            return
        if within is not None:
            done = threading.Thread(target=self._release_quietly, name="asstctl-unlock", daemon=True)
            done.start()
            done.join(within)
            return
        try:
            self._drop()
        except AsstctlError as exc:
            self._say(
                f"Warning: could not release the lock of stack {self._stack} ({exc}); it frees itself "
                f"when its lease runs out, or break it with: asstctl force-unlock"
            )

    def _release_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self._drop()


@contextlib.contextmanager
def hold_lock(
    client: openai.OpenAI, *, stack: str, base_url: str, command: str, timeout: float, **knobs: Any
) -> Iterator[StackLock]:
    """Hold ``stack``'s lock for the block (released on exit, errors and Ctrl-C included)."""
    lock = StackLock(client, stack=stack, base_url=base_url, command=command, **knobs)
    try:
        lock.acquire(timeout)
        yield lock
    except KeyboardInterrupt:  # a second Ctrl-C means now: do not sit out a slow delete
        lock.release(within=INTERRUPTED_RELEASE_S)
        raise
    except BaseException:
        lock.release()
        raise
    lock.release()
