"""Request checks for every operation: the closed request schemas of the contract plus the limits
that the official reference states only in prose (metadata 16/64/512, name patterns, overlap ≤ half,
list ``limit`` ranges).

Nested tool and resource objects are closed too, as OpenAI rejects unknown nested parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asstctl.core.limits import CODE_INTERPRETER_MAX_FILES, FILE_BATCH_MAX_FILES, INSTRUCTIONS_MAX_CHARS
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
    join,
)

NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$"
REASONING_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
VS_FILE_STATUSES = ("in_progress", "completed", "failed", "cancelled")


@dataclass(frozen=True)
class _AttributeValue:
    """A vector-store-file attribute value: a string ≤ 512, a number or a boolean."""

    def check(self, value: object, path: str) -> None:
        if isinstance(value, str):
            Str(max_len=512).check(value, path)
        elif not isinstance(value, bool | int | float):
            raise invalid(
                path,
                f"Invalid type for '{path}': expected a string, number or boolean.",
                "invalid_type",
            )


def _overlap_at_most_half(value: dict[str, object], path: str) -> None:
    size, overlap = value["max_chunk_size_tokens"], value["chunk_overlap_tokens"]
    assert isinstance(size, int) and isinstance(overlap, int)
    where = join(path, "chunk_overlap_tokens")
    if overlap < 0:
        raise invalid(where, f"Invalid '{where}': must be non-negative, but got {overlap}.", "invalid_value")
    if overlap > size // 2:
        raise invalid(
            where,
            f"Invalid '{where}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens "
            f"({size // 2}), but got {overlap}.",
            "invalid_value",
        )


METADATA: Schema = Nullable(Obj(values=Str(max_len=512), max_props=16, key_max_len=64))
ATTRIBUTES: Schema = Nullable(Obj(values=_AttributeValue(), max_props=16, key_max_len=64))
CHUNKING: Schema = Tagged(
    {
        "auto": Obj({"type": Str()}),
        "static": Obj(
            {
                "type": Str(),
                "static": Obj(
                    {"max_chunk_size_tokens": Int(100, 4096), "chunk_overlap_tokens": Int()},
                    required=("max_chunk_size_tokens", "chunk_overlap_tokens"),
                    extra=_overlap_at_most_half,
                ),
            },
            required=("static",),
        ),
    }
)
_FUNCTION = Obj(
    {
        "name": Str(pattern=NAME_PATTERN),
        "description": Str(),
        "parameters": AnyValue(object_only=True),
        "strict": Nullable(Bool()),
    },
    required=("name",),
)
TOOL: Schema = Tagged(
    {
        "code_interpreter": Obj({"type": Str()}),
        "file_search": Obj(
            {
                "type": Str(),
                "file_search": Obj(
                    {
                        "max_num_results": Int(1, 50),
                        "ranking_options": Obj(
                            {
                                "ranker": Str(enum=("auto", "default_2024_08_21")),
                                "score_threshold": Num(0, 1),
                            },
                            required=("score_threshold",),
                        ),
                    }
                ),
            }
        ),
        "function": Obj({"type": Str(), "function": _FUNCTION}, required=("function",)),
    }
)
RESPONSE_FORMAT: Schema = Nullable(
    Either(
        ("auto",),
        Tagged(
            {
                "text": Obj({"type": Str()}),
                "json_object": Obj({"type": Str()}),
                "json_schema": Obj(
                    {
                        "type": Str(),
                        "json_schema": Obj(
                            {
                                "name": Str(pattern=NAME_PATTERN),
                                "description": Str(),
                                "schema": AnyValue(object_only=True),
                                "strict": Nullable(Bool()),
                            },
                            required=("name",),
                        ),
                    },
                    required=("json_schema",),
                ),
            }
        ),
    )
)


def _exactly_one(a: str, b: str) -> object:
    def check(value: dict[str, object], path: str) -> None:
        if (a in value) == (b in value):
            raise invalid(
                join(path, a),
                f"Invalid '{path or 'body'}': exactly one of '{a}' or '{b}' must be provided.",
                "invalid_value",
            )

    return check


_CODE_INTERPRETER = Obj({"file_ids": Arr(Str(), max_items=CODE_INTERPRETER_MAX_FILES)})
_CREATE_TOOL_RESOURCES = Nullable(
    Obj(
        {
            "code_interpreter": _CODE_INTERPRETER,
            "file_search": Obj(
                {
                    "vector_store_ids": Arr(Str(), max_items=1),
                    "vector_stores": Arr(
                        Obj(
                            {
                                "file_ids": Arr(Str(), max_items=100_000_000),
                                "chunking_strategy": CHUNKING,
                                "metadata": METADATA,
                            }
                        ),
                        max_items=1,
                    ),
                },
                extra=_exactly_one("vector_store_ids", "vector_stores"),  # type: ignore[arg-type]
            ),
        }
    )
)
_MODIFY_TOOL_RESOURCES = Nullable(
    Obj(
        {
            "code_interpreter": _CODE_INTERPRETER,
            "file_search": Obj({"vector_store_ids": Arr(Str(), max_items=1)}),
        }
    )
)


def _assistant_fields(tool_resources: Schema) -> dict[str, Schema]:
    return {
        "model": Str(),
        "name": Nullable(Str(max_len=256)),
        "description": Nullable(Str(max_len=512)),
        "instructions": Nullable(Str(max_len=INSTRUCTIONS_MAX_CHARS)),
        "reasoning_effort": Nullable(Str(enum=REASONING_EFFORTS)),
        "tools": Arr(TOOL, max_items=128),
        "tool_resources": tool_resources,
        "metadata": METADATA,
        "temperature": Nullable(Num(0, 2)),
        "top_p": Nullable(Num(0, 1)),
        "response_format": RESPONSE_FORMAT,
    }


_VS_EXPIRY = Obj(
    {"anchor": Str(enum=("last_active_at",)), "days": Int(1, 365)},
    required=("anchor", "days"),
)
_CREATE_VS_FILE = Obj(
    {"file_id": Str(), "chunking_strategy": CHUNKING, "attributes": ATTRIBUTES},
    required=("file_id",),
)

CREATE_ASSISTANT: Schema = Obj(_assistant_fields(_CREATE_TOOL_RESOURCES), required=("model",))
MODIFY_ASSISTANT: Schema = Obj(_assistant_fields(_MODIFY_TOOL_RESOURCES))
CREATE_VECTOR_STORE: Schema = Obj(
    {
        "file_ids": Arr(Str(), max_items=500),
        "name": Str(),
        "description": Str(),
        "expires_after": _VS_EXPIRY,
        "chunking_strategy": CHUNKING,
        "metadata": METADATA,
    }
)
MODIFY_VECTOR_STORE: Schema = Obj(
    {"name": Nullable(Str()), "expires_after": Nullable(_VS_EXPIRY), "metadata": METADATA}
)
CREATE_VS_FILE: Schema = _CREATE_VS_FILE
UPDATE_VS_FILE: Schema = Obj({"attributes": ATTRIBUTES}, required=("attributes",))
CREATE_BATCH: Schema = Obj(
    {
        "file_ids": Arr(Str(), min_items=1, max_items=FILE_BATCH_MAX_FILES),
        "files": Arr(_CREATE_VS_FILE, min_items=1, max_items=FILE_BATCH_MAX_FILES),
        "chunking_strategy": CHUNKING,
        "attributes": ATTRIBUTES,
    },
    extra=_exactly_one("file_ids", "files"),  # type: ignore[arg-type]
)
EMPTY: Schema = Obj({})
FILE_EXPIRY: Schema = Obj(
    {"anchor": Str(enum=("created_at",)), "seconds": Int(3600, 2_592_000)},
    required=("anchor", "seconds"),
)


@dataclass(frozen=True)
class PageQuery:
    """Validated cursor-pagination parameters of a list request."""

    limit: int
    order: str
    after: str | None
    before: str | None


def page_query(
    query: Mapping[str, str], *, max_limit: int = 100, default_limit: int = 20, allow_before: bool = True
) -> PageQuery:
    """Check ``limit``/``order``/``after``/``before`` (400 naming the parameter when invalid)."""
    raw = query.get("limit")
    limit = default_limit
    if raw is not None:
        try:
            limit = int(raw)
        except ValueError:
            raise invalid(
                "limit", f"Invalid type for 'limit': expected an integer, but got '{raw}'.", "invalid_type"
            ) from None
        Int(1, max_limit).check(limit, "limit")
    order = query.get("order", "desc")
    Str(enum=("asc", "desc")).check(order, "order")
    before = query.get("before")
    if before is not None and not allow_before:
        raise invalid("before", "Unknown parameter: 'before'.", "unknown_parameter")
    return PageQuery(limit=limit, order=order, after=query.get("after"), before=before)


def status_filter(query: Mapping[str, str]) -> str | None:
    """The ``filter`` query parameter of vector-store-file lists, checked."""
    value = query.get("filter")
    if value is not None:
        Str(enum=VS_FILE_STATUSES).check(value, "filter")
    return value
