"""A tiny validator for JSON request bodies, with OpenAI-style error messages.

The emulator ships in the wheel and must not depend on ``../shared``, so request schemas are
written here with these combinators (see ``validation.py``). Each ``check`` raises an
``ApiError`` (HTTP 400) naming the offending field as a path such as ``tools[0].function.name``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from asstctl.emulator.apierror import ApiError, invalid


class Schema(Protocol):
    """Something that validates a decoded JSON value found at ``path``."""

    def check(self, value: object, path: str) -> None: ...


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_error(path: str, expected: str, value: object) -> ApiError:
    return invalid(
        path,
        f"Invalid type for '{path}': expected {expected}, but got {_kind(value)} instead.",
        "invalid_type",
    )


def join(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path``."""
    return f"{path}.{key}" if path else key


@dataclass(frozen=True)
class Str:
    """A string with an optional maximum length, pattern or enum."""

    max_len: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(f"'{v}'" for v in self.enum)
            raise invalid(
                path,
                f"Invalid value for '{path}': '{value}'. Supported values are: {allowed}.",
                "invalid_value",
            )
        if self.max_len is not None and len(value) > self.max_len:
            raise invalid(
                path,
                f"Invalid '{path}': string too long. Expected a string with maximum length "
                f"{self.max_len}, but got a string with length {len(value)} instead.",
                "string_above_max_length",
            )
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise invalid(
                path,
                f"Invalid '{path}': string does not match pattern. Expected a string that matches "
                f"the pattern '{self.pattern}'.",
                "invalid_value",
            )


def _range(path: str, value: float, lo: float | None, hi: float | None, what: str) -> None:
    if lo is not None and value < lo:
        raise invalid(
            path,
            f"Invalid '{path}': {what} below minimum value. "
            f"Expected a value >= {lo}, but got {value} instead.",
            f"{what}_below_min_value",
        )
    if hi is not None and value > hi:
        raise invalid(
            path,
            f"Invalid '{path}': {what} above maximum value. "
            f"Expected a value <= {hi}, but got {value} instead.",
            f"{what}_above_max_value",
        )


@dataclass(frozen=True)
class Int:
    """An integer (not a boolean) in an optional inclusive range."""

    lo: int | None = None
    hi: int | None = None

    def check(self, value: object, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(path, "an integer", value)
        _range(path, value, self.lo, self.hi, "integer")


@dataclass(frozen=True)
class Num:
    """A number (integer or decimal, not a boolean) in an optional inclusive range."""

    lo: float | None = None
    hi: float | None = None

    def check(self, value: object, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error(path, "a number", value)
        _range(path, value, self.lo, self.hi, "decimal")


@dataclass(frozen=True)
class Bool:
    """A JSON boolean."""

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, bool):
            raise _type_error(path, "a boolean", value)


@dataclass(frozen=True)
class AnyValue:
    """Anything at all (used for free-form JSON Schema objects)."""

    object_only: bool = False

    def check(self, value: object, path: str) -> None:
        if self.object_only and not isinstance(value, dict):
            raise _type_error(path, "an object", value)


@dataclass(frozen=True)
class Arr:
    """An array of ``items`` with optional length bounds."""

    items: Schema
    min_items: int | None = None
    max_items: int | None = None

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, list):
            raise _type_error(path, "an array", value)
        if self.min_items is not None and len(value) < self.min_items:
            raise invalid(
                path,
                f"Invalid '{path}': empty array. Expected an array with minimum length "
                f"{self.min_items}, but got an array with length {len(value)} instead.",
                "empty_array" if not value else "array_below_min_length",
            )
        if self.max_items is not None and len(value) > self.max_items:
            raise invalid(
                path,
                f"Invalid '{path}': array too long. Expected an array with maximum length "
                f"{self.max_items}, but got an array with length {len(value)} instead.",
                "array_above_max_length",
            )
        for i, item in enumerate(value):
            self.items.check(item, f"{path}[{i}]")


@dataclass(frozen=True)
class Obj:
    """An object with known ``fields`` (closed unless ``values`` types extra keys)."""

    fields: Mapping[str, Schema] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    closed: bool = True
    values: Schema | None = None
    max_props: int | None = None
    key_max_len: int | None = None
    extra: Callable[[dict[str, object], str], None] | None = None

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        if self.max_props is not None and len(value) > self.max_props:
            raise invalid(
                path,
                f"Invalid '{path}': too many properties. Expected an object with at most "
                f"{self.max_props} properties, but got an object with {len(value)} properties instead.",
                "object_above_max_properties",
            )
        for name in self.required:
            if name not in value:
                where = join(path, name)
                raise invalid(where, f"Missing required parameter: '{where}'.", "missing_required_parameter")
        for key, item in value.items():
            where = join(path, key)
            if self.key_max_len is not None and len(key) > self.key_max_len:
                raise invalid(
                    where,
                    f"Invalid '{path}': key too long. Expected keys with maximum length "
                    f"{self.key_max_len}, but got a key with length {len(key)} instead.",
                    "string_above_max_length",
                )
            sub = self.fields.get(key, self.values)
            if sub is not None:
                sub.check(item, where)
            elif self.closed:
                raise invalid(where, f"Unknown parameter: '{where}'.", "unknown_parameter")
        if self.extra is not None:
            self.extra(value, path)


@dataclass(frozen=True)
class Nullable:
    """``inner`` or JSON null."""

    inner: Schema

    def check(self, value: object, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)


@dataclass(frozen=True)
class Tagged:
    """A ``oneOf`` discriminated by the string field ``key`` (e.g. ``type``)."""

    variants: Mapping[str, Schema]
    key: str = "type"

    def check(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        where = join(path, self.key)
        if self.key not in value:
            raise invalid(where, f"Missing required parameter: '{where}'.", "missing_required_parameter")
        Str(enum=tuple(self.variants)).check(value[self.key], where)
        self.variants[str(value[self.key])].check(value, path)


@dataclass(frozen=True)
class Either:
    """A string from ``literals`` or a value ``other`` accepts (e.g. ``"auto"`` or an object)."""

    literals: tuple[str, ...]
    other: Schema

    def check(self, value: object, path: str) -> None:
        if isinstance(value, str):
            Str(enum=self.literals).check(value, path)
        else:
            self.other.check(value, path)
