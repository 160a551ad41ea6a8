"""What a conversation with an assistant produces, the same on both APIs.

``asstctl run`` talks to an assistant through one of two engines, ``chat_assistants.py``
(threads and runs) and ``chat_responses.py`` (the Responses API). Both implement
:class:`Conversation`: a turn is a stream of :data:`ChatEvent` ending with one :class:`TurnEnd`,
so the command presents (or serializes) either API the same way. Function calls are answered
through a callback (:data:`Answer`) while the turn is in progress; citations are numbered per
turn, and the text carries ``[n]`` where the model cited file ``n``.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import openai

from asstctl.errors import AsstctlError, EndpointError
from asstctl.remote.errors import translate

TERMINAL_OK = "completed"
T = TypeVar("T")


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer's text, as it arrived (citation markers already in place)."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """The model calls function ``name`` with ``arguments`` (JSON text, as the API sent it)."""

    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ToolResult:
    """The output sent back for a :class:`ToolCall`."""

    call_id: str
    name: str
    output: str


@dataclass(frozen=True)
class ToolActivity:
    """A built-in tool at work (``file_search``, ``code_interpreter``): shown, never answered."""

    tool: str
    detail: str


@dataclass(frozen=True)
class Citation:
    """File ``number`` cited in a turn (``[number]`` in its text)."""

    number: int
    file_id: str
    filename: str | None = None


@dataclass(frozen=True)
class Usage:
    """Token usage as the API reports it (Assistants' prompt/completion tokens mapped here)."""

    input_tokens: int
    output_tokens: int
    total_tokens: int

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
        )


@dataclass(frozen=True)
class TurnEnd:
    """The last event of a turn: how it ended (``completed``, ``failed``, ``cancelled``,
    ``expired``, ``incomplete``), the API's reason when it did not complete, the whole text."""

    status: str
    text: str
    citations: tuple[Citation, ...] = ()
    usage: Usage | None = None
    reason: str | None = None


ChatEvent = TextDelta | ToolCall | ToolResult | ToolActivity | TurnEnd
Answer = Callable[[ToolCall], str]
"""Gives the output for a function call (asks a person, or looks it up); may raise to stop."""


class TurnTimeout(AsstctlError):
    """A turn took longer than ``--timeout``."""


class Deadline:
    """The time a turn may take; time spent asking a person for a tool output is not counted."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (a request's timeout); raises :class:`TurnTimeout` when none are."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> TurnTimeout:
        return TurnTimeout(
            f"the assistant did not finish within {self.seconds:g}s; the run was stopped "
            "(raise the limit with --timeout)"
        )

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self._end += time.monotonic() - start


@dataclass
class Citations:
    """Numbers cited files in order of first citation, within one turn."""

    numbers: dict[str, Citation] = field(default_factory=dict)

    def number(self, file_id: str, filename: str | None = None) -> int:
        if file_id not in self.numbers:
            self.numbers[file_id] = Citation(len(self.numbers) + 1, file_id, filename)
        return self.numbers[file_id].number

    def all(self) -> tuple[Citation, ...]:
        return tuple(self.numbers.values())


class Conversation(Protocol):
    """One conversation with one assistant, turn after turn (state kept on the server)."""

    api: str
    """``assistants`` or ``responses``."""

    def turn(self, message: str, answer: Answer, deadline: Deadline) -> Iterator[ChatEvent]:
        """Send ``message``; yield what happens, ending with a :class:`TurnEnd`."""
        ...

    def cancel(self) -> str | None:
        """Stop what is running on the server (best effort); a line saying what was stopped."""
        ...

    def close(self, *, keep: bool) -> str | None:
        """Delete what the conversation stored on the server, unless ``keep``; the id kept."""
        ...


@contextlib.contextmanager
def api_errors(base_url: str, what: str, deadline: Deadline | None = None) -> Iterator[None]:
    """SDK and transport errors met while doing ``what`` as one-line asstctl errors (a read
    timeout past the ``deadline`` as :class:`TurnTimeout`)."""
    timeout, broken = _transport_errors()
    try:
        yield
    except (openai.APITimeoutError, timeout):
        if deadline is not None:
            raise deadline.expired() from None
        raise
    except openai.OpenAIError as exc:
        raise translate(exc, base_url=base_url, what=what) from None
    except broken as exc:  # a stream cut mid-answer (the SDK wraps errors of the request only)
        raise EndpointError(f"the connection to {base_url} broke while {what}: {exc}") from None


def _transport_errors() -> tuple[type[Exception], type[Exception]]:
    """The timeout and base error classes of the HTTP library the SDK streams with."""
    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.TimeoutException, module.HTTPError
    return openai.APITimeoutError, openai.APIConnectionError


def start_once(deadline: Deadline, request: Callable[..., T], **kwargs: Any) -> T:
    """Send a request that starts model work (a run, a response) with the time left as its
    timeout. The client must not retry it (``max_retries=0``): a resent request after a timeout
    or a 5xx could start the work twice. Only a 429, which started nothing, is sent again, with
    backoff, while the deadline allows."""
    delay = 1.0
    while True:
        try:
            return request(**kwargs, timeout=deadline.remaining())
        except openai.RateLimitError:
            if deadline.remaining() <= delay:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 20.0)


def compact(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters (for stderr activity lines)."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"
