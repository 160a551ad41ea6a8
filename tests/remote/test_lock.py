"""The stack lock against the emulator over real HTTP: mutual exclusion under contention,
the holder shown to whoever waits, lease renewal and takeover, release on errors, lost
responses, and a claim that plan and destroy never see."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from stub_gateway import PASS, StubGateway

from asstctl.remote import lock as L
from asstctl.remote.lock import LockError, StackLock, hold_lock, list_claims, parse_duration
from asstctl.remote.reader import read_live

STACK = "ltest"


@pytest.fixture
def client(emulator: Any) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=3) as c:
        yield c


def lock(client: openai.OpenAI, out: io.StringIO | None = None, **kw: Any) -> StackLock:
    return StackLock(
        client, stack=STACK, base_url=str(client.base_url), command="apply", out=out or io.StringIO(), **kw
    )


def plant(client: openai.OpenAI, *, expires_in: float, held: bool = True, stack: str = STACK) -> str:
    """A claim left by a run on another machine."""
    now = time.time()
    meta = {
        L.LOCK: stack,
        L.HOLDER: "ci@runner-7 pid 4242",
        L.COMMAND: "destroy",
        L.STARTED: str(int(now - 600)),
        L.EXPIRES: str(int(now + expires_in)),
        L.STATE: "held" if held else "claim",
        L.TOKEN: "elsewhere",
        L.MACHINE: "another-machine",
        L.PID: "4242",
    }
    return client.vector_stores.create(name="asstctl lock", metadata=meta).id


def test_one_holder_at_a_time_under_contention(client: openai.OpenAI) -> None:
    inside, overlaps, rounds = [0], [0], []
    guard = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            with hold_lock(
                client, stack=STACK, base_url="emu", command="apply", timeout=60, poll=0.02, out=io.StringIO()
            ):
                with guard:
                    inside[0] += 1
                    overlaps[0] = max(overlaps[0], inside[0])
                time.sleep(0.01)
                with guard:
                    inside[0] -= 1
                    rounds.append(1)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert len(rounds) == 15
    assert overlaps[0] == 1
    assert list_claims(client, STACK) == []  # every claim released


def test_a_held_lock_fails_at_once_naming_the_holder(client: openai.OpenAI) -> None:
    plant(client, expires_in=60)
    with pytest.raises(LockError) as info:
        lock(client).acquire(0)
    message = str(info.value)
    assert message.startswith(f"stack {STACK} is locked by ci@runner-7 pid 4242 (destroy, since ")
    assert "--lock-timeout" in message and "asstctl force-unlock" in message
    assert len(list_claims(client, STACK)) == 1  # our own claim was not left behind


def test_a_waiter_says_who_holds_it_and_gets_it_on_release(client: openai.OpenAI) -> None:
    first = lock(client)
    first.acquire(0)
    out = io.StringIO()
    second = lock(client, out, poll=0.05)
    got = threading.Event()
    t = threading.Thread(target=lambda: (second.acquire(30), got.set()))
    t.start()
    deadline = time.monotonic() + 10
    while "Waiting for the lock" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not got.is_set()
    assert f"Waiting for the lock of stack {STACK}, held by " in out.getvalue()
    assert "pid " in out.getvalue() and "(apply, since " in out.getvalue()
    first.release()
    t.join(30)
    assert got.is_set()
    second.release()
    assert list_claims(client, STACK) == []


def test_an_expired_lease_is_taken_over(client: openai.OpenAI) -> None:
    stale = plant(client, expires_in=-5)
    out = io.StringIO()
    with hold_lock(client, stack=STACK, base_url="emu", command="apply", timeout=0, out=out):
        claims = list_claims(client, STACK)
        assert [c.id for c in claims] != [stale] and len(claims) == 1 and claims[0].held
    assert "Taking over the lock of stack ltest from ci@runner-7 pid 4242 (destroy, since " in out.getvalue()
    assert "its lease expired at" in out.getvalue()


def test_the_lease_is_renewed_while_held(client: openai.OpenAI) -> None:
    with hold_lock(
        client, stack=STACK, base_url="emu", command="apply", timeout=0, lease=3, renew_every=0.05
    ):
        (first,) = list_claims(client, STACK)
        deadline = time.monotonic() + 10
        while list_claims(client, STACK)[0].expires == first.expires and time.monotonic() < deadline:
            time.sleep(0.05)
        (renewed,) = list_claims(client, STACK)
    assert renewed.expires > first.expires


def test_released_on_error(client: openai.OpenAI) -> None:
    with (
        pytest.raises(RuntimeError),
        hold_lock(client, stack=STACK, base_url="emu", command="apply", timeout=0),
    ):
        raise RuntimeError("boom")
    assert list_claims(client, STACK) == []


@pytest.mark.parametrize("failure", [("drop", 0), ("after", 504)])
def test_a_lost_claim_response_is_looked_up_not_resent(emulator: Any, failure: tuple[str, int]) -> None:
    def rule(method: str, path: str, n: int) -> Any:
        return failure if method == "POST" and path == "/v1/vector_stores" and n == 0 else (PASS, 0)

    with (
        StubGateway(emulator.root_url, rule) as gateway,
        openai.OpenAI(base_url=gateway.base_url, api_key="sk-test", max_retries=3) as c,
    ):
        with hold_lock(c, stack=STACK, base_url=gateway.base_url, command="apply", timeout=0):
            (claim,) = list_claims(c, STACK)
            assert claim.held
        assert list_claims(c, STACK) == []
    creates = [x for x in gateway.log if x.method == "POST" and x.path == "/v1/vector_stores"]
    assert len(creates) == 1


def test_the_claim_is_invisible_to_the_reader(client: openai.OpenAI) -> None:
    with hold_lock(client, stack=STACK, base_url="emu", command="apply", timeout=0):
        live = read_live(client, STACK)
    assert not live.vector_stores


def test_other_stacks_locks_do_not_count(client: openai.OpenAI) -> None:
    plant(client, expires_in=60, stack="other")
    with hold_lock(client, stack=STACK, base_url="emu", command="apply", timeout=0):
        pass


@pytest.mark.parametrize(
    ("text", "seconds"), [("0s", 0), ("90s", 90), ("5m", 300), ("1h", 3600), ("250ms", 0.25), ("7", 7)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_bad_durations() -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_a_claim_that_keeps_vanishing_is_an_error_not_a_hang(emulator: Any, client: openai.OpenAI) -> None:
    def vanish(exchange: Any) -> None:
        if exchange.method == "POST" and exchange.template == "/v1/vector_stores":
            emulator.store.delete_vector_store(exchange.response_body["id"])

    emulator.set_recorder(vanish)
    try:
        with pytest.raises(LockError, match="is something deleting vector stores there"):
            lock(client).acquire(60)
    finally:
        emulator.set_recorder(None)
