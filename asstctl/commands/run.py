"""``asstctl run ADDRESS [MESSAGE]``: talk to a declared, deployed assistant.

With MESSAGE one turn; without it an interactive chat when stdin is a terminal (and ``CI`` is
unset), else one turn per line of stdin. Function calls are answered from ``--tool-output
NAME=JSON`` (or ``NAME=@file.json``), else asked for on a terminal, else the command stops with
exit 1 naming the call: it never waits for input nobody can give. A turn that ends ``failed``,
``cancelled``, ``expired`` or ``incomplete`` exits 1 with the API's reason; Ctrl-C cancels the
run on the server, then exits 130. Threads (and stored responses) are deleted afterwards unless
``--keep-thread``. No stack lock: nothing the stack manages is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from asstctl.commands.run_target import file_paths, find_assistant, open_conversation
from asstctl.commands.run_view import View
from asstctl.errors import AsstctlError, UsageError
from asstctl.manifest import load_project
from asstctl.prompt import interactive
from asstctl.remote.chat_events import TERMINAL_OK, Conversation, Deadline, ToolCall, TurnEnd, compact
from asstctl.remote.client import open_endpoint
from asstctl.remote.reader import read_live

DEFAULT_TIMEOUT_S = 120.0
"""How long one turn may take by default (time spent asking for tool outputs excluded)."""
CHAT_PROMPT = "you> "


class ToolOutputMissing(AsstctlError):
    """The model called a function and nobody can give its output."""


class TurnFailed(AsstctlError):
    """A turn ended without completing."""


def run(
    project_dir: Path,
    *,
    address: str,
    message: str | None,
    tool_outputs: Sequence[str] = (),
    fmt: str = "text",
    timeout: float = DEFAULT_TIMEOUT_S,
    keep_thread: bool = False,
    sandbox: bool = False,
) -> int:
    project = load_project(project_dir)
    desired = find_assistant(project, address)
    outputs = parse_tool_outputs(tool_outputs, project_dir)
    ask = interactive()
    with open_endpoint(project, sandbox=sandbox) as endpoint:
        live = read_live(endpoint.client, project)
        conversation, label = open_conversation(endpoint, project, live, desired)
        view = View(fmt=fmt, paths=file_paths(project, live))
        session = _Session(conversation, view, outputs, ask=ask, timeout=timeout)
        chat = message is None and ask
        view.note(f"Talking to {label}" + ("; Ctrl-D or Ctrl-C ends the chat." if chat else "."))
        kept: str | None = None
        try:
            messages = [message] if message is not None else (_prompted() if chat else _lines())
            code = session.converse(messages, keep_going=chat)
        finally:
            kept = _close(conversation, view, keep=keep_thread)
            if fmt == "json" and view.turns and not session.interrupted:
                doc = view.document(address=desired.address, api=conversation.api, kept=kept)
                sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
                sys.stdout.flush()
    if session.failure is not None:
        raise session.failure
    return code


class _Session:
    """Turns, one after another, through one conversation."""

    def __init__(
        self, conversation: Conversation, view: View, outputs: Mapping[str, str], *, ask: bool, timeout: float
    ) -> None:
        self.conversation, self.view, self.outputs = conversation, view, outputs
        self.ask, self.timeout = ask, timeout
        self.failure: AsstctlError | None = None
        self.interrupted = False

    def converse(self, messages: Iterator[str] | Sequence[str], *, keep_going: bool) -> int:
        """Each message as a turn. ``keep_going`` (a chat): a failed turn is reported and the
        chat goes on, the exit code says it; otherwise the first failure stops."""
        failed = False
        for text in messages:
            try:
                self.turn(text)
            except AsstctlError as exc:
                if not keep_going or isinstance(exc, ToolOutputMissing):
                    self.failure = exc
                    return 1
                self.view.note(f"Error: {exc}")
                failed = True
        return 1 if failed else 0

    def turn(self, text: str) -> TurnEnd:
        record = self.view.start(text)
        try:
            end: TurnEnd | None = None
            for event in self.conversation.turn(text, self.answer, Deadline(self.timeout)):
                self.view.show(record, event)
                if isinstance(event, TurnEnd):
                    end = event
        except AsstctlError as exc:
            record.error = str(exc)
            self._cancel()
            raise
        except BaseException:
            self.interrupted = True
            self._cancel()
            raise
        assert end is not None
        if end.status != TERMINAL_OK:
            raise TurnFailed(f"the assistant's turn ended {end.status}: {end.reason or 'no reason given'}")
        return end

    def _cancel(self) -> None:
        note = self.conversation.cancel()
        if note:
            self.view.note(note)

    def answer(self, call: ToolCall) -> str:
        """The output for ``call``: from ``--tool-output``, else asked on the terminal."""
        if call.name in self.outputs:
            return self.outputs[call.name]
        shown = f"{call.name}({compact(call.arguments)})"
        if not self.ask:
            raise ToolOutputMissing(
                f"the assistant called {shown} and no output was given for it: pass "
                f"--tool-output {call.name}=JSON (or {call.name}=@file.json)"
            )
        while True:
            self.view.note(f"Output of {shown}? (JSON or text, then Enter)")
            sys.stderr.write(f"{call.name}> ")
            sys.stderr.flush()
            line = sys.stdin.readline()
            if not line:
                raise ToolOutputMissing(f"no output given for {shown} (end of input)")
            if line.strip():
                return line.strip()


def _close(conversation: Conversation, view: View, *, keep: bool) -> str | None:
    """Delete what the conversation stored; a failure to is reported, never hides the result."""
    try:
        kept = conversation.close(keep=keep)
    except AsstctlError as exc:
        view.note(f"Warning: {exc}")
        return None
    if kept is not None:
        what = "thread" if conversation.api == "assistants" else "last response"
        view.note(f"Kept the {what}: {kept}")
    return kept


def _prompted() -> Iterator[str]:
    """Lines typed at the chat prompt until Ctrl-D (blank lines ask again)."""
    while True:
        sys.stderr.write(CHAT_PROMPT)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stderr.write("\n")
            return
        if line.strip():
            yield line.strip()


def _lines() -> Iterator[str]:
    """One message per non-blank line of stdin."""
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def parse_tool_outputs(specs: Sequence[str], cwd: Path | None = None) -> dict[str, str]:
    """``NAME=JSON`` / ``NAME=@file.json`` options → function name → output text (checked to be
    JSON before anything is sent)."""
    outputs: dict[str, str] = {}
    for spec in specs:
        name, eq, value = spec.partition("=")
        name = name.strip()
        if not eq or not name:
            raise UsageError(f"--tool-output {spec!r}: use NAME=JSON or NAME=@file.json")
        if value.startswith("@"):
            path = (cwd or Path.cwd()) / value[1:]
            try:
                value = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--tool-output {name}: cannot read {value[1:]}: {exc}") from None
        try:
            json.loads(value)
        except ValueError as exc:
            raise UsageError(
                f"--tool-output {name}: not JSON ({exc}); quote a string as JSON, e.g. {name}='\"text\"'"
            ) from None
        if name in outputs:
            raise UsageError(f"--tool-output {name} is given twice; give each function one output")
        outputs[name] = value.strip()
    return outputs
