"""``${var.NAME}`` in manifest strings: substituted after the YAML is read and before the
schema sees it, so every kind gets it and every problem keeps its ``file:line:col``.

- A string that is exactly ``${var.NAME}`` becomes the variable's value with its type
  (``temperature: ${var.temp}`` is a number when ``temp`` is one).
- Inside text, the value is written as text (``"Support (${var.env_label})"``); only
  strings, numbers and booleans can be.
- ``$${var.NAME}`` is the literal text ``${var.NAME}``. Other ``${…}`` are left alone.
- Keys are never substituted, and neither are files a manifest points to.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from asstctl.errors import Diagnostic
from asstctl.manifest.environment import Variable
from asstctl.manifest.yaml_loader import FieldPath, YamlDocument, format_path

_REFERENCE = re.compile(r"(\$?)\$\{\s*var\.([^}]*?)\s*\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Substituted:
    """A document with its variables put in, and which values came from which variable."""

    doc: YamlDocument
    problems: list[Diagnostic]
    sources: Mapping[str, str]
    """Formatted field path (``tools[0].name``) -> ``${var.NAME} (set at FILE:L:C)``."""


def substitute(
    doc: YamlDocument,
    variables: Mapping[str, Variable],
    *,
    environment: str | None = None,
    elsewhere: Mapping[str, tuple[str, ...]] | None = None,
) -> Substituted:
    """Put ``variables`` into every string value of ``doc``; unknown names are problems at
    the string's position. ``elsewhere`` names the environments defining a missing variable."""
    run = _Run(doc, variables, environment, elsewhere or {})
    data = run.value(doc.data, ())
    if not run.sources and not run.problems:
        return Substituted(doc, [], {})
    return Substituted(replace(doc, data=data), run.problems, run.sources)


def annotate(diagnostics: list[Diagnostic], sub: Substituted) -> list[Diagnostic]:
    """Say which variable a wrong value of ``sub``'s document came from:
    ``… (the value comes from ${var.temp} set at asstctl.yaml:3:9)``."""
    if not sub.sources:
        return diagnostics
    out = []
    for d in diagnostics:
        origin = _origin(d, sub)
        out.append(replace(d, message=f"{d.message} (the value comes from {origin})") if origin else d)
    return out


def _origin(d: Diagnostic, sub: Substituted) -> str | None:
    if d.file != sub.doc.file:
        return None
    for field, origin in sub.sources.items():
        if d.field == field or d.field.startswith((f"{field}.", f"{field}[")):
            return origin
    return None


class _Run:
    def __init__(
        self,
        doc: YamlDocument,
        variables: Mapping[str, Variable],
        environment: str | None,
        elsewhere: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.doc = doc
        self.variables = variables
        self.environment = environment
        self.elsewhere = elsewhere
        self.problems: list[Diagnostic] = []
        self.sources: dict[str, str] = {}

    def value(self, value: Any, path: FieldPath) -> Any:
        if isinstance(value, str):
            return self.string(value, path) if "${" in value else value
        if isinstance(value, list):
            return [self.value(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.value(v, (*path, k)) for k, v in value.items()}
        return value

    def string(self, text: str, path: FieldPath) -> Any:
        whole = _REFERENCE.fullmatch(text)
        if whole and not whole.group(1):
            var = self.lookup(whole.group(2), path)
            return var.value if var is not None else text
        used: list[Variable] = []

        def put(m: re.Match[str]) -> str:
            if m.group(1):  # $${var.x}: the literal text
                return m.group(0)[1:]
            var = self.lookup(m.group(2), path)
            if var is None:
                return m.group(0)
            used.append(var)
            return self.as_text(var, path)

        out = _REFERENCE.sub(put, text)
        if used:
            self.sources[format_path(path)] = ", ".join(_describe(v) for v in used)
        return out

    def lookup(self, name: str, path: FieldPath) -> Variable | None:
        if not _NAME.match(name):
            self.problem(path, f"'${{var.{name}}}' is not a variable reference; write ${{var.NAME}}")
            return None
        var = self.variables.get(name)
        if var is None:
            self.problem(path, self.undefined(name))
            return None
        self.sources.setdefault(format_path(path), _describe(var))
        return var

    def as_text(self, var: Variable, path: FieldPath) -> str:
        value = var.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        what = "nothing (null)" if value is None else ("a list" if isinstance(value, list) else "a mapping")
        self.problem(
            path,
            f"${{var.{var.name}}} is {what} (set at {var.where}) and cannot be put inside text; "
            "use it as the whole value, or give it a string, number or boolean",
        )
        return json.dumps(value)

    def undefined(self, name: str) -> str:
        scope = f"environment '{self.environment}'" if self.environment else "the default (no -e)"
        msg = f"the variable '{name}' is not defined for {scope}"
        envs = self.elsewhere.get(name)
        if envs:
            return (
                f"{msg}; it is defined only in environment{'s' if len(envs) > 1 else ''} "
                f"{', '.join(envs)}: choose one with -e NAME, or add a default under 'vars:' in asstctl.yaml"
            )
        close = difflib.get_close_matches(name, list(self.variables), n=1)
        if close:
            return f"{msg}; did you mean '{close[0]}'?"
        known = f" (defined: {', '.join(sorted(self.variables))})" if self.variables else ""
        return f"{msg}{known}; define it under 'vars:' in asstctl.yaml"

    def problem(self, path: FieldPath, message: str) -> None:
        self.problems.append(self.doc.diagnostic(path, message))


def _describe(var: Variable) -> str:
    return f"${{var.{var.name}}} set at {var.where}"
