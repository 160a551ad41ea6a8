"""Semantic checks the JSON Schema cannot express: JSON Schema validity of function
parameters and response formats, OpenAI's strict-mode rules, and chunking arithmetic.

Each check returns ``(field path, message)`` pairs relative to the value it was given;
the caller prefixes the path and locates it in the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

from asstctl.manifest.yaml_loader import FieldPath

Problem = tuple[FieldPath, str]

_MAX_REMEMBERED = 1024
_REMEMBERED: dict[tuple[str, str, bool, bool], tuple[Problem, ...]] = {}
"""Problems of user schemas already checked, by content (many functions share one schema)."""


@cache
def _metaschema_validator() -> jsonschema.protocols.Validator:
    """What ``Draft202012Validator.check_schema`` builds on every call, built once."""
    cls = jsonschema.Draft202012Validator
    meta = validator_for(cls.META_SCHEMA, default=cls)
    return meta(cls.META_SCHEMA, format_checker=meta.FORMAT_CHECKER)


_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
_SUBSCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def json_schema_problems(schema: Any, *, what: str, object_root: bool) -> list[Problem]:
    """Problems with ``schema`` as a JSON Schema (2020-12); ``object_root`` requires ``type: object``."""
    if not isinstance(schema, Mapping):
        return [((), f"{what} must be a JSON Schema mapping")]
    exc = next(iter(_metaschema_validator().iter_errors(schema)), None)  # as check_schema raises it
    if exc is not None:
        where = tuple(exc.path)
        if where and where[-1] == "type":
            types = "string, number, integer, boolean, object, array, null"
            return [(where, f"{exc.instance!r} is not a JSON Schema type; use one of {types}")]
        return [(where, f"{what} is not a valid JSON Schema: {exc.message}; fix this keyword")]
    if object_root and schema.get("type") != "object":
        return [
            (("type",), f"{what} must be a JSON Schema with 'type: object' at the top; wrap the fields in it")
        ]
    return []


def strict_problems(schema: Mapping[str, Any], *, what: str) -> list[Problem]:
    """Where ``schema`` breaks OpenAI's strict-mode rules: every object sets
    ``additionalProperties: false`` and lists every property in ``required``."""
    out: list[Problem] = []
    if schema.get("type") != "object":
        out.append((("type",), f"with strict: true, {what} must have 'type: object' at the top"))
    for path, node in _subschemas(schema, ()):
        if not _is_object_schema(node):
            continue
        if node.get("additionalProperties") is not False:
            out.append(
                (
                    path,
                    f"with strict: true, every object in {what} needs 'additionalProperties: false'; "
                    "add it here",
                )
            )
        props = list(node.get("properties", {}) or {})
        required = node.get("required", [])
        missing = [p for p in props if p not in required]
        if missing:
            out.append(
                (
                    path,
                    f"with strict: true, every property must be listed in 'required' (missing: "
                    f"{', '.join(missing)}); add them, and make optional ones nullable "
                    "(type: [string, 'null'])",
                )
            )
    return out


def _is_object_schema(node: Mapping[str, Any]) -> bool:
    t = node.get("type")
    return t == "object" or (isinstance(t, list) and "object" in t) or "properties" in node


def _subschemas(node: Mapping[str, Any], path: FieldPath) -> Iterator[tuple[FieldPath, Mapping[str, Any]]]:
    """``node`` and every schema nested in it, with its path."""
    yield path, node
    for key in _SUBSCHEMA_MAPS:
        children = node.get(key)
        if isinstance(children, Mapping):
            for name, child in children.items():
                if isinstance(child, Mapping):
                    yield from _subschemas(child, (*path, key, name))
    for key in _SUBSCHEMA_LISTS:
        children = node.get(key)
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, Mapping):
                    yield from _subschemas(child, (*path, key, i))
    for key in _SUBSCHEMA_ONE:
        child = node.get(key)
        if isinstance(child, Mapping):
            yield from _subschemas(child, (*path, key))


def schema_value_problems(schema: Any, *, what: str, strict: bool, object_root: bool) -> list[Problem]:
    """Validity, then (when ``strict``) strict-mode problems of a user-supplied JSON Schema.

    Checked once per distinct content (in key order, with types: ``1`` is not ``1.0``).
    """
    try:
        key = (json.dumps(schema), what, strict, object_root)
    except (TypeError, ValueError, RecursionError):
        key = None
    if key is not None and key in _REMEMBERED:
        return list(_REMEMBERED[key])
    problems = json_schema_problems(schema, what=what, object_root=object_root)
    if not problems and strict:
        problems = strict_problems(schema, what=what)
    if key is not None:
        if len(_REMEMBERED) >= _MAX_REMEMBERED:
            _REMEMBERED.clear()
        _REMEMBERED[key] = tuple(problems)
    return problems


def chunking_problems(chunking: Mapping[str, Any]) -> list[Problem]:
    """The overlap of a static chunking strategy may be at most half the chunk size."""
    if chunking.get("type") != "static":
        return []
    size, overlap = chunking["max_chunk_size_tokens"], chunking["chunk_overlap_tokens"]
    if overlap * 2 > size:
        return [
            (
                ("chunk_overlap_tokens",),
                f"is {overlap} but may be at most half of max_chunk_size_tokens ({size // 2}); lower it",
            )
        ]
    return []


def api_chunking(chunking: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The API request form of a flat manifest chunking strategy; None for auto or omitted."""
    if chunking is None or chunking.get("type") != "static":
        return None
    return {
        "type": "static",
        "static": {
            "max_chunk_size_tokens": chunking["max_chunk_size_tokens"],
            "chunk_overlap_tokens": chunking["chunk_overlap_tokens"],
        },
    }
