"""The generic half of turning schema-valid documents into desired records.

A :class:`Builder` collects every diagnostic instead of stopping at the first, remembers each
local file it read (for the project fingerprint) and each reference between documents (to be
resolved once all are known). What one kind's fields mean lives with the kind
(``asstctl.kinds.<kind>.manifest``); what several kinds share (instructions, function
parameters, local files) is here.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asstctl.core.limits import INSTRUCTIONS_MAX_CHARS
from asstctl.core.model import AttributeValue, LocalFile, Location
from asstctl.errors import Diagnostic
from asstctl.manifest import checks
from asstctl.manifest.files import FileProblem, Found, resolve_one, sha256_file
from asstctl.manifest.yaml_loader import MAX_DEPTH, FieldPath, YamlDocument, format_path

INSTRUCTIONS_MAX_BYTES = 4 * INSTRUCTIONS_MAX_CHARS
"""An instructions_file larger than this cannot hold the allowed characters (4 bytes at most
each in UTF-8): refused before it is read."""
JSON_FILE_MAX_BYTES = 1024 * 1024
"""A parameters_file (a JSON Schema) larger than this is refused before it is read."""


@dataclass(frozen=True)
class Reference:
    """A field naming another document (e.g. a file_search tool naming a VectorStore)."""

    doc: YamlDocument
    path: FieldPath
    kind: str
    """The manifest kind referenced (``VectorStore``)."""
    name: str


@dataclass
class Builder:
    """Shared state and helpers for building one project rooted at ``root`` (resolved)."""

    root: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    """Every local file read, by project-relative path → sha256 (for the fingerprint)."""
    refs: list[Reference] = field(default_factory=list)
    pruned: frozenset[str] = frozenset()
    """Top-level fields left out of the document being built because they break the schema
    (already reported): their absence is not a problem of its own."""
    _stat: dict[str, tuple[str, int]] = field(default_factory=dict)

    def error(self, doc: YamlDocument, path: FieldPath, message: str, *, key: bool = False) -> None:
        self.diagnostics.append(doc.diagnostic(path, message, key=key))

    def reference(self, doc: YamlDocument, path: FieldPath, kind: str, name: str) -> None:
        """Record that ``doc`` names the ``kind`` document ``name`` at ``path``."""
        self.refs.append(Reference(doc, path, kind, name))

    def base(self, doc: YamlDocument) -> Path:
        """The directory relative paths in ``doc`` start from."""
        return (self.root / doc.file).parent

    @staticmethod
    def location(doc: YamlDocument) -> Location:
        return Location(doc.file, doc.start.line, doc.start.col)

    def local(self, found: Found, attributes: Mapping[str, AttributeValue] | None = None) -> LocalFile:
        """A local file, hashed once per build however often it is referenced."""
        if found.rel not in self._stat:
            self._stat[found.rel] = (sha256_file(found.abspath), found.abspath.stat().st_size)
            self.inputs[found.rel] = self._stat[found.rel][0]
        sha, size = self._stat[found.rel]
        return LocalFile(found.rel, found.abspath, sha, size, dict(attributes or {}))

    def local_or_problem(
        self, found: Found, attributes: Mapping[str, AttributeValue] | None = None
    ) -> LocalFile:
        """:meth:`local`, with a file that cannot be read as a ``FileProblem``."""
        try:
            return self.local(found, attributes)
        except OSError as exc:
            raise FileProblem(
                f"{found.rel} cannot be read ({exc.strerror or exc}); check its permissions"
            ) from None

    def read_text(
        self, doc: YamlDocument, path: FieldPath, written: str, *, max_bytes: int
    ) -> tuple[Found, str] | None:
        """A referenced text file (instructions_file, parameters_file) read as UTF-8; a file
        over ``max_bytes`` is refused before it is read."""
        try:
            found = resolve_one(self.root, self.base(doc), written)
            with found.abspath.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                raw = f.read(max_bytes + 1) if size <= max_bytes else b""
            if size > max_bytes or len(raw) > max_bytes:
                self.error(
                    doc,
                    path,
                    f"{found.rel} is {max(size, len(raw)):,} bytes; this field reads at most "
                    f"{max_bytes:,}, shorten it",
                )
                return None
            text = raw.decode("utf-8")
            self.local_or_problem(found)
        except FileProblem as exc:
            self.error(doc, path, str(exc))
            return None
        except OSError as exc:
            reason = exc.strerror or exc
            self.error(doc, path, f"'{written}' cannot be read ({reason}); check its permissions")
            return None
        except UnicodeDecodeError as exc:
            self.error(doc, path, f"'{written}' is not UTF-8 text ({exc.reason}); save it as UTF-8")
            return None
        return found, text

    def instructions(self, doc: YamlDocument, what: str, *, required: bool = True) -> str | None:
        """``instructions`` or the text of ``instructions_file`` (exactly one of them)."""
        data = doc.data
        if "instructions" in data and "instructions_file" in data:
            self.error(
                doc,
                ("instructions_file",),
                "set either 'instructions' or 'instructions_file', not both; remove one",
                key=True,
            )
            return None
        if "instructions" in data:
            text: str | None = data["instructions"]
            return text
        if "instructions_file" not in data:
            if required and not self.pruned & {"instructions", "instructions_file"}:
                self.error(
                    doc,
                    ("name",),
                    f"the {what} has no instructions; add 'instructions: ...' or 'instructions_file: <path>'",
                    key=True,
                )
            return None
        read = self.read_text(
            doc, ("instructions_file",), data["instructions_file"], max_bytes=INSTRUCTIONS_MAX_BYTES
        )
        if read is None:
            return None
        found, content = read
        if len(content) > INSTRUCTIONS_MAX_CHARS:
            self.error(
                doc,
                ("instructions_file",),
                f"{found.rel} holds {len(content):,} characters; instructions are limited to "
                f"{INSTRUCTIONS_MAX_CHARS:,}, shorten it",
            )
        return content

    def parameters(self, doc: YamlDocument, i: int, tool: Mapping[str, Any], *, strict: bool) -> Any:
        """A function tool's JSON Schema from ``parameters`` or ``parameters_file``, checked."""
        params: Any = tool.get("parameters")
        where: FieldPath = ("tools", i, "parameters")
        if "parameters" in tool and "parameters_file" in tool:
            self.error(
                doc,
                ("tools", i, "parameters_file"),
                "set either 'parameters' or 'parameters_file', not both; remove one",
                key=True,
            )
            return None
        if "parameters_file" in tool:
            where = ("tools", i, "parameters_file")
            params = self._parameters_file(doc, where, tool["parameters_file"])
        if params is None:
            return None
        for sub, message in checks.schema_value_problems(
            params, what="the parameters schema", strict=strict, object_root=True
        ):
            if where[-1] == "parameters_file":
                inside = f" (at {format_path(sub)} in {tool['parameters_file']})" if sub else ""
                self.error(doc, where, message + inside)
            else:
                self.error(doc, (*where, *sub), message)
        return params

    def _parameters_file(self, doc: YamlDocument, where: FieldPath, written: str) -> Any:
        read = self.read_text(doc, where, written, max_bytes=JSON_FILE_MAX_BYTES)
        if read is None:
            return None
        found, text = read
        try:
            return load_json(text)
        except JsonProblem as exc:
            self.diagnostics.append(Diagnostic(found.rel, exc.line, exc.col, "", exc.message))
            self.error(doc, where, f"'{written}' is not valid JSON (see the error in {found.rel})")
            return None


class JsonProblem(Exception):
    """A JSON text asstctl refuses, located (1-based line and column)."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


class _NotFinite(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(f"{token} is not a finite JSON number; write a plain number (or a string)")
        self.token = token


def _no_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NotFinite(token)
    return value


def load_json(text: str) -> Any:
    """JSON as a referenced file may hold it: standard JSON only (``NaN`` and ``Infinity``
    refused), nested at most :data:`~asstctl.manifest.yaml_loader.MAX_DEPTH` levels like
    YAML. Raises :class:`JsonProblem`."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"invalid JSON: {exc.msg}; fix the syntax", exc.lineno, exc.colno) from None
    except _NotFinite as exc:
        before = text[: max(text.find(exc.token), 0)]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise JsonProblem(f"invalid JSON: {exc}", line, col) from None
    except RecursionError:  # nested far beyond the limit
        value, deep = None, True
    else:
        deep = _depth(value) > MAX_DEPTH
    if deep:
        raise JsonProblem(f"refused: nested deeper than {MAX_DEPTH} levels; flatten it", 1, 1)
    return value


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (a scalar is 1), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()
        stack.extend((c, d + 1) for c in children)
    return deepest
