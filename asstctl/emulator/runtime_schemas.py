"""Request checks of the Assistants runtime operations (threads, messages, runs), closed like the
contract's request schemas, reusing the assistant's tool, metadata and response-format checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from asstctl.core.limits import INSTRUCTIONS_MAX_CHARS
from asstctl.emulator.schema import (
    Arr,
    Bool,
    Either,
    Int,
    Nullable,
    Num,
    Obj,
    Schema,
    Str,
    Tagged,
    _type_error,
)
from asstctl.emulator.validation import (
    _CREATE_TOOL_RESOURCES,  # the same resource objects as an assistant's
    _MODIFY_TOOL_RESOURCES,
    METADATA,
    REASONING_EFFORTS,
    RESPONSE_FORMAT,
    TOOL,
)

_DETAIL = Str(enum=("auto", "low", "high"))
_PART: Schema = Tagged(
    {
        "text": Obj({"type": Str(), "text": Str()}, required=("text",)),
        "image_file": Obj(
            {"type": Str(), "image_file": Obj({"file_id": Str(), "detail": _DETAIL}, required=("file_id",))},
            required=("image_file",),
        ),
        "image_url": Obj(
            {"type": Str(), "image_url": Obj({"url": Str(), "detail": _DETAIL}, required=("url",))},
            required=("image_url",),
        ),
    }
)


@dataclass(frozen=True)
class _Content:
    """A message's ``content``: a string, or a non-empty array of content parts."""

    def check(self, value: object, path: str) -> None:
        if isinstance(value, list):
            Arr(_PART, min_items=1).check(value, path)
        elif not isinstance(value, str):
            raise _type_error(path, "a string or an array", value)


_ATTACHMENT_TOOL = Tagged({"code_interpreter": Obj({"type": Str()}), "file_search": Obj({"type": Str()})})
MESSAGE: Schema = Obj(
    {
        "role": Str(enum=("user", "assistant")),
        "content": _Content(),
        "attachments": Nullable(
            Arr(Obj({"file_id": Str(), "tools": Arr(_ATTACHMENT_TOOL)}, required=("file_id", "tools")))
        ),
        "metadata": METADATA,
    },
    required=("role", "content"),
)
CREATE_THREAD: Schema = Obj(
    {"messages": Arr(MESSAGE), "tool_resources": _CREATE_TOOL_RESOURCES, "metadata": METADATA}
)
MODIFY_THREAD: Schema = Obj({"tool_resources": _MODIFY_TOOL_RESOURCES, "metadata": METADATA})
MODIFY_METADATA: Schema = Obj({"metadata": METADATA})
"""Modifying a message or a run: only its metadata."""

_RUN_OPTIONS: dict[str, Schema] = {
    "assistant_id": Str(),
    "model": Nullable(Str()),
    "instructions": Nullable(Str(max_len=INSTRUCTIONS_MAX_CHARS)),
    "tools": Nullable(Arr(TOOL, max_items=20)),
    "metadata": METADATA,
    "temperature": Nullable(Num(0, 2)),
    "top_p": Nullable(Num(0, 1)),
    "stream": Nullable(Bool()),
    "max_prompt_tokens": Nullable(Int(256)),
    "max_completion_tokens": Nullable(Int(256)),
    "truncation_strategy": Nullable(
        Obj(
            {"type": Str(enum=("auto", "last_messages")), "last_messages": Nullable(Int(1))},
            required=("type",),
        )
    ),
    "tool_choice": Nullable(
        Either(
            ("none", "auto", "required"),
            Obj(
                {
                    "type": Str(enum=("function", "code_interpreter", "file_search")),
                    "function": Obj({"name": Str()}, required=("name",)),
                },
                required=("type",),
            ),
        )
    ),
    "parallel_tool_calls": Bool(),
    "response_format": RESPONSE_FORMAT,
}
CREATE_RUN: Schema = Obj(
    {
        **_RUN_OPTIONS,
        "reasoning_effort": Nullable(Str(enum=REASONING_EFFORTS)),
        "additional_instructions": Nullable(Str()),
        "additional_messages": Nullable(Arr(MESSAGE)),
    },
    required=("assistant_id",),
)
CREATE_THREAD_AND_RUN: Schema = Obj(
    {
        **_RUN_OPTIONS,
        "thread": CREATE_THREAD,
        "tool_resources": _MODIFY_TOOL_RESOURCES,  # vector stores given by id only, as on modify
    },
    required=("assistant_id",),
)
SUBMIT_TOOL_OUTPUTS: Schema = Obj(
    {
        "tool_outputs": Arr(Obj({"tool_call_id": Str(), "output": Str()})),
        "stream": Nullable(Bool()),
    },
    required=("tool_outputs",),
)
