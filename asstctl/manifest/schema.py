"""The manifest JSON Schema: loading it from the package and turning its errors into diagnostics.

``schemas/manifest.schema.json`` is the single description of the language; the package
ships it as ``asstctl/data/manifest.schema.json`` (a symlink in the source tree). A
subschema may carry ``errorMessage`` (as editors understand it): a sentence saying how to
fix the value, which is appended to the generic description of what is wrong.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from asstctl import __version__
from asstctl.errors import Diagnostic
from asstctl.manifest import hashcache
from asstctl.manifest.yaml_loader import FieldPath, YamlDocument, format_path

SchemaNode = Mapping[str, Any]


@cache
def manifest_schema() -> dict[str, Any]:
    """The manifest schema as shipped in the package."""
    text = resources.files("asstctl").joinpath("data/manifest.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(definition: str | None) -> jsonschema.Draft202012Validator:
    root = manifest_schema()
    schema = root
    if definition is not None:  # validate against one $def, with the root's $defs in scope
        schema = {"$defs": root["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


@cache
def _validation_identity() -> str:
    """What a document's validity depends on besides its content: the schema and the validator."""
    library = os.stat(jsonschema.__file__)  # rewritten when jsonschema is upgraded
    schema = json.dumps(manifest_schema(), sort_keys=True)
    return f"{__version__}\0{jsonschema.__file__}\0{library.st_mtime_ns}\0{schema}"


def _valid_key(doc: YamlDocument, definition: str | None) -> str | None:
    """A hex sha256 of everything ``doc``'s validity depends on, or None if it has no JSON form."""
    try:
        content = json.dumps(doc.data)
    except (TypeError, ValueError, RecursionError):
        return None
    text = f"{_validation_identity()}\0{definition}\0{content}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def schema_diagnostics(doc: YamlDocument, definition: str | None = None) -> list[Diagnostic]:
    """Every way ``doc`` breaks the schema (or its ``$defs/<definition>``), located and explained.

    Within ``load_project``, a document found valid before (same content, same schema) is not
    validated again: the project's hash cache remembers it.
    """
    cache = hashcache.current()
    key = _valid_key(doc, definition) if cache is not None else None
    if cache is not None and key is not None and cache.known_valid(key):
        return []
    out: dict[tuple[str, int, int, str, str], Diagnostic] = {}
    for error in _validator(definition).iter_errors(doc.data):
        for problem in _explain(error):
            at = doc.pos(problem.at, key=problem.key)
            d = Diagnostic(doc.file, at.line, at.col, format_path(problem.field), problem.message)
            out.setdefault((d.file, d.line, d.col, d.field, d.message), d)
    if not out and cache is not None and key is not None:
        cache.remember_valid(key)
    return list(out.values())


@dataclass(frozen=True)
class _Problem:
    field: FieldPath
    message: str
    at: FieldPath
    """Where to point: usually ``field``; the enclosing mapping for a missing field."""
    key: bool = False
    """Point at the key rather than the value."""


_HINTED = frozenset({"pattern", "not", "type", "maxProperties", "const", "enum"})
"""Keywords whose generic message gains the schema's ``errorMessage`` (the others already say the fix)."""


def _explain(error: ValidationError) -> Iterator[_Problem]:
    """The diagnostics for one schema error."""
    path: FieldPath = tuple(error.absolute_path)
    schema: SchemaNode = error.schema if isinstance(error.schema, Mapping) else {}
    hint = schema.get("errorMessage") if str(error.validator) in _HINTED else None
    kw, value, inst = str(error.validator), error.validator_value, error.instance
    if "propertyNames" in error.relative_schema_path:
        yield _Problem((*path, str(inst)), _bad_key(kw, str(inst), value), (*path, str(inst)), key=True)
        return
    if kw == "required":
        for name in value if isinstance(value, list) else ():
            if isinstance(inst, Mapping) and name not in inst:
                yield _Problem((*path, name), f"missing required field '{name}'; add it", path)
        return
    if kw in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(_declared_properties(schema))
        for name in inst if isinstance(inst, Mapping) else ():
            if name not in allowed:
                yield _Problem((*path, name), _unknown(name, allowed), (*path, name), key=True)
        return
    message = _describe(kw, value, inst, schema, hinted=isinstance(hint, str))
    yield _Problem(path, message + (f"; {hint}" if isinstance(hint, str) else ""), path)


def _bad_key(kw: str, key: str, value: Any) -> str:
    if kw == "maxLength":
        return f"the key is {len(key)} characters long; keys are at most {value}, shorten it"
    if kw == "not":
        return (
            f"the key '{key}' is reserved: keys starting with 'asstctl_' hold asstctl's ownership tags; "
            "rename it"
        )
    return f"the key '{key}' is not allowed"


def _unknown(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    fix = f"did you mean '{close[0]}'?" if close else "remove it"
    return f"unknown field '{name}'; {fix} (allowed: {', '.join(allowed)})"


def _declared_properties(schema: SchemaNode) -> set[str]:
    """Property names ``schema`` declares, following local ``$ref`` and ``allOf``."""
    names = set(schema.get("properties", {}))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):  # a local JSON pointer, e.g. #/$defs/Project/...
        target: Any = manifest_schema()
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        names |= _declared_properties(target)
    for sub in schema.get("allOf", []):
        names |= _declared_properties(sub)
    return names


_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}


def describe_value(value: object) -> str:
    """A short description of a YAML value, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_short(value)!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(kw: str, value: Any, inst: Any, schema: SchemaNode, *, hinted: bool) -> str:
    """What is wrong, for one JSON Schema keyword."""
    if kw == "type":
        types = value if isinstance(value, list) else [value]
        want = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
        quotable = "string" in types and isinstance(inst, int | float) and not hinted
        fix = "; quote it to make it a string" if quotable else ""
        return f"expected {want}, got {describe_value(inst)}{fix}"
    if kw in ("enum", "const"):
        options = value if kw == "enum" else [value]
        return f"must be one of {', '.join(map(str, options))}; got {describe_value(inst)}"
    if kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None and hi is not None:
            return f"must be between {lo} and {hi}; got {inst}"
        return f"must be at least {lo}; got {inst}" if lo is not None else f"must be at most {hi}; got {inst}"
    if kw == "minLength":
        return "must not be empty" if value == 1 else f"must be at least {value} characters long"
    if kw == "maxLength":
        return f"is {len(inst):,} characters long; at most {value:,} are allowed, shorten it"
    if kw == "maxItems":
        return f"has {len(inst)} items; at most {value} are allowed, remove some"
    if kw == "minItems":
        return f"needs at least {value} item{'s' if value != 1 else ''}"
    if kw == "maxProperties":
        return f"has {len(inst)} entries; at most {value} are allowed, remove some"
    if kw == "pattern":
        return f"{describe_value(inst)} is not allowed"
    if kw == "not":
        return "is not allowed"
    return f"fails the schema rule '{kw}' with {describe_value(inst)}"
