"""The request check of ``POST /v1/responses``: the closed ``CreateResponse`` schema for the fields
asstctl uses, hand-written with the combinators of ``schema.py`` (the emulator must not read
``../shared``). Unknown top-level or nested parameters are 400 ``unknown_parameter``, as OpenAI answers.

Tools are the three asstctl configures (``function`` in its flat form, ``file_search``,
``code_interpreter``); input items are messages (typed or not), ``function_call_output``, and the
output items a client sends back (``function_call``, ``file_search_call``, ``item_reference``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asstctl.emulator.apierror import invalid
from asstctl.emulator.schema import (
    AnyValue,
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
)
from asstctl.emulator.validation import METADATA, NAME_PATTERN, REASONING_EFFORTS


@dataclass(frozen=True)
class _StrOr:
    """Any string, or a value ``other`` accepts (e.g. a container id or a container object)."""

    other: Schema

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, str):
            self.other.check(value, path)


@dataclass(frozen=True)
class _FilterValue:
    """A comparison filter's value: a string, number or boolean, or an array of strings/numbers."""

    def check(self, value: object, path: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise invalid(
                        f"{path}[{i}]",
                        f"Invalid type for '{path}[{i}]': expected a string or a number.",
                        "invalid_type",
                    )
        elif not isinstance(value, str | int | float | bool):
            raise invalid(
                path,
                f"Invalid type for '{path}': expected a string, number, boolean or array.",
                "invalid_type",
            )


FUNCTION_NAME = r"^[a-zA-Z0-9_-]{1,128}$"
COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")


@dataclass(frozen=True)
class _Filter:
    """A ``ComparisonFilter`` or a ``CompoundFilter`` (``and``/``or`` of filters, recursively)."""

    def check(self, value: object, path: str) -> None:
        comparison = Obj(
            {"type": Str(), "key": Str(), "value": _FilterValue()}, required=("type", "key", "value")
        )
        compound = Obj({"type": Str(), "filters": Arr(self)}, required=("type", "filters"))
        variants: dict[str, Schema] = {c: comparison for c in COMPARISONS}
        variants.update({"and": compound, "or": compound})
        Tagged(variants).check(value, path)


_FUNCTION_TOOL = Obj(
    {
        "type": Str(),
        "name": Str(pattern=FUNCTION_NAME),
        "description": Nullable(Str()),
        "parameters": Nullable(AnyValue(object_only=True)),
        "strict": Nullable(Bool()),
    },
    required=("name", "parameters", "strict"),
)
_FILE_SEARCH_TOOL = Obj(
    {
        "type": Str(),
        "vector_store_ids": Arr(Str()),
        "max_num_results": Int(1, 50),
        "filters": Nullable(_Filter()),
        "ranking_options": Obj(
            {
                "ranker": Str(enum=("auto", "default-2024-11-15")),
                "score_threshold": Num(0, 1),
                "hybrid_search": Obj(
                    {"embedding_weight": Num(), "text_weight": Num()},
                    required=("embedding_weight", "text_weight"),
                ),
            }
        ),
    },
    required=("vector_store_ids",),
)
_CODE_INTERPRETER_TOOL = Obj(
    {
        "type": Str(),
        "container": _StrOr(
            Obj(
                {
                    "type": Str(enum=("auto",)),
                    "file_ids": Arr(Str(), max_items=50),
                    "memory_limit": Nullable(Str(enum=("1g", "4g", "16g", "64g"))),
                    "network_policy": AnyValue(object_only=True),
                },
                required=("type",),
            )
        ),
    },
    required=("container",),
)
TOOL: Schema = Tagged(
    {"function": _FUNCTION_TOOL, "file_search": _FILE_SEARCH_TOOL, "code_interpreter": _CODE_INTERPRETER_TOOL}
)
TOOL_CHOICE: Schema = Either(
    ("none", "auto", "required"),
    Tagged(
        {
            "function": Obj({"type": Str(), "name": Str()}, required=("name",)),
            "file_search": Obj({"type": Str()}),
            "code_interpreter": Obj({"type": Str()}),
            "allowed_tools": Obj(
                {
                    "type": Str(),
                    "mode": Str(enum=("auto", "required")),
                    "tools": Arr(AnyValue(object_only=True)),
                },
                required=("mode", "tools"),
            ),
        }
    ),
)
TEXT: Schema = Obj(
    {
        "format": Tagged(
            {
                "text": Obj({"type": Str()}),
                "json_object": Obj({"type": Str()}),
                "json_schema": Obj(
                    {
                        "type": Str(),
                        "name": Str(pattern=NAME_PATTERN),
                        "description": Str(),
                        "schema": AnyValue(object_only=True),
                        "strict": Nullable(Bool()),
                    },
                    required=("name", "schema"),
                ),
            }
        ),
        "verbosity": Nullable(Str(enum=("low", "medium", "high"))),
    }
)
_SUMMARY = Nullable(Str(enum=("auto", "concise", "detailed")))
REASONING: Schema = Nullable(
    Obj(
        {
            "effort": Nullable(Str(enum=REASONING_EFFORTS)),
            "summary": _SUMMARY,
            "generate_summary": _SUMMARY,
            "context": Nullable(Str(enum=("auto", "current_turn", "all_turns"))),
            "mode": Str(),
        }
    )
)

_OPEN_PART = Obj(closed=False)  # images and files: accepted, not read by the scripted model
_CONTENT_PART = Tagged(
    {
        "input_text": Obj({"type": Str(), "text": Str()}, required=("text",)),
        "output_text": Obj(
            {
                "type": Str(),
                "text": Str(),
                "annotations": Arr(AnyValue(object_only=True)),
                "logprobs": Arr(AnyValue(object_only=True)),
            },
            required=("text",),
        ),
        "refusal": Obj({"type": Str(), "refusal": Str()}, required=("refusal",)),
        "input_image": _OPEN_PART,
        "input_file": _OPEN_PART,
    }
)
_STATUS = Str(enum=("in_progress", "completed", "incomplete"))
_MESSAGE = Obj(
    {
        "type": Str(),
        "id": Str(),
        "role": Str(enum=("user", "assistant", "system", "developer")),
        "content": _StrOr(Arr(_CONTENT_PART)),
        "status": _STATUS,
        "phase": Nullable(Str()),
    },
    required=("role", "content"),
)
_ITEM = Tagged(
    {
        "message": _MESSAGE,
        "function_call_output": Obj(
            {
                "type": Str(),
                "id": Nullable(Str()),
                "call_id": Str(max_len=64),
                "output": _StrOr(Arr(_CONTENT_PART)),
                "status": Nullable(_STATUS),
            },
            required=("call_id", "output"),
        ),
        "function_call": Obj(
            {
                "type": Str(),
                "id": Str(),
                "call_id": Str(),
                "name": Str(),
                "arguments": Str(),
                "status": _STATUS,
            },
            required=("call_id", "name", "arguments"),
        ),
        "file_search_call": Obj(
            {
                "type": Str(),
                "id": Str(),
                "status": Str(),
                "queries": Arr(Str()),
                "results": Nullable(Arr(AnyValue(object_only=True))),
            },
            required=("id", "queries", "status"),
        ),
        "item_reference": Obj({"type": Str(), "id": Str()}, required=("id",)),
    }
)


@dataclass(frozen=True)
class _InputItem:
    """An input item; one without ``type`` is a message (``EasyInputMessage``)."""

    def check(self, value: object, path: str) -> None:
        if isinstance(value, dict) and "type" not in value:
            _MESSAGE.check(value, path)
        else:
            _ITEM.check(value, path)


_FIELDS: Mapping[str, Schema] = {
    "model": Str(),
    "instructions": Nullable(Str()),
    "input": _StrOr(Arr(_InputItem())),
    "previous_response_id": Nullable(Str()),
    "temperature": Nullable(Num(0, 2)),
    "top_p": Nullable(Num(0, 1)),
    "top_logprobs": Nullable(Int(0, 20)),
    "reasoning": REASONING,
    "text": TEXT,
    "tools": Arr(TOOL),
    "tool_choice": TOOL_CHOICE,
    "parallel_tool_calls": Nullable(Bool()),
    "max_tool_calls": Nullable(Int(1)),
    "metadata": METADATA,
    "store": Nullable(Bool()),
    "stream": Nullable(Bool()),
    "stream_options": Nullable(Obj({"include_obfuscation": Bool()})),
    "max_output_tokens": Nullable(Int(16)),
    "truncation": Nullable(Str(enum=("auto", "disabled"))),
    "service_tier": Nullable(Str(enum=("auto", "default", "flex", "scale", "priority"))),
    "user": Str(),
    "safety_identifier": Nullable(Str(max_len=64)),
    "prompt_cache_key": Nullable(Str()),
    "include": Nullable(Arr(Str())),
}
CREATE_RESPONSE: Schema = Obj(_FIELDS, required=("model",))
