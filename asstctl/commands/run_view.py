"""How ``asstctl run`` shows a conversation: the answer streamed to stdout as it arrives, tool
activity on stderr (one compact line each), cited files after the answer; or (``--format
json``) one document at the end, built from the same events. Pure presentation: no requests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from asstctl.errors import redact
from asstctl.remote.chat_events import (
    ChatEvent,
    TextDelta,
    ToolActivity,
    ToolCall,
    ToolResult,
    TurnEnd,
    Usage,
    compact,
)

FORMAT_VERSION = 1
JSON = Any


def _arguments(text: str) -> JSON:
    """Function-call arguments as JSON when they parse, else the text as sent."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _usage(usage: Usage | None) -> JSON:
    if usage is None:
        return None
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
    }


@dataclass
class TurnRecord:
    """One turn as the JSON document shows it."""

    input: str
    tool_calls: list[dict[str, JSON]] = field(default_factory=list)
    deltas: int = 0
    end: TurnEnd | None = None
    error: str | None = None

    def add(self, event: ChatEvent) -> None:
        if isinstance(event, TextDelta):
            self.deltas += 1
        elif isinstance(event, ToolCall):
            self.tool_calls.append(
                {
                    "type": "function",
                    "call_id": event.call_id,
                    "name": event.name,
                    "arguments": _arguments(event.arguments),
                }
            )
        elif isinstance(event, ToolResult):
            for call in self.tool_calls:
                if call.get("call_id") == event.call_id:
                    call["output"] = event.output
        elif isinstance(event, ToolActivity):
            self.tool_calls.append({"type": event.tool, "detail": event.detail})
        else:
            self.end = event

    def document(self, paths: Mapping[str, str]) -> dict[str, JSON]:
        end = self.end
        return {
            "input": self.input,
            "status": "error" if end is None else end.status,
            "reason": self.error if end is None else end.reason,
            "text": "" if end is None else end.text,
            "text_deltas": self.deltas,
            "tool_calls": self.tool_calls,
            "citations": [
                {"number": c.number, "file_id": c.file_id, "path": paths.get(c.file_id)}
                for c in (end.citations if end else ())
            ],
            "usage": _usage(end.usage if end else None),
        }


class View:
    """Shows events as they come (text) or collects them (json); ``paths`` maps File ids to
    project paths for the citations."""

    def __init__(
        self, *, fmt: str, paths: Mapping[str, str], out: TextIO | None = None, err: TextIO | None = None
    ):
        self.fmt, self.paths = fmt, paths
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.turns: list[TurnRecord] = []
        self._midline = False

    def note(self, line: str) -> None:
        """A remark on stderr (on its own line)."""
        self._break_line()
        self.err.write(redact(line) + "\n")
        self.err.flush()

    def start(self, message: str) -> TurnRecord:
        record = TurnRecord(message)
        self.turns.append(record)
        return record

    def show(self, record: TurnRecord, event: ChatEvent) -> None:
        record.add(event)
        if isinstance(event, TextDelta):
            if self.fmt == "text":
                self.out.write(event.text)
                self.out.flush()
                self._midline = not event.text.endswith("\n")
        elif isinstance(event, ToolCall):
            self.note(f"→ {event.name}({compact(event.arguments)})")
        elif isinstance(event, ToolResult):
            self.note(f"← {event.name}: {compact(event.output)}")
        elif isinstance(event, ToolActivity):
            self.note(f"→ {event.tool}: {event.detail}")
        elif isinstance(event, TurnEnd) and self.fmt == "text":
            self._finish(event)

    def _finish(self, end: TurnEnd) -> None:
        lines = ["" if not self._midline else "\n"]
        if end.citations:
            lines.append("\n")
            for c in end.citations:
                where = self.paths.get(c.file_id) or c.filename or "(a file not managed by this stack)"
                lines.append(f"[{c.number}] {where}\n")
        self.out.write("".join(lines))
        self.out.flush()
        self._midline = False

    def _break_line(self) -> None:
        """End a half-written answer line before a stderr line when both go to the terminal."""
        if self._midline and _isatty(self.out) and _isatty(self.err):
            self.out.write("\n")
            self.out.flush()
            self._midline = False

    def document(self, *, address: str, api: str, kept: str | None) -> dict[str, JSON]:
        """The ``--format json`` document of the whole conversation."""
        turns = [t.document(self.paths) for t in self.turns]
        usages = [t.end.usage for t in self.turns if t.end is not None and t.end.usage is not None]
        total = None
        for u in usages:
            total = u if total is None else total + u
        last = turns[-1] if turns else None
        return {
            "format_version": FORMAT_VERSION,
            "assistant": address,
            "api": api,
            "kept": kept,
            "status": last["status"] if last else "completed",
            "text": last["text"] if last else "",
            "usage": _usage(total),
            "turns": turns,
        }


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
