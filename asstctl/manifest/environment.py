"""Environments and variables of ``asstctl.yaml``, and its ``required_version``.

One project is deployed as several environments (``environments: {prod: {stack, endpoint,
vars}}``), each its own stack. :func:`choose_environment` turns the validated project file
into the settings of one run; :mod:`asstctl.manifest.variables` puts its variables into the
manifests. Offline and pure.

Variables are kept in git with the manifests: no variable ever holds a secret (names such as
``api_key`` or ``token`` and values that look like keys are refused).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from asstctl import __version__
from asstctl.errors import Diagnostic
from asstctl.manifest.yaml_loader import YamlDocument
from asstctl.selection import ENV_VAR

_SECRET_NAME = re.compile(
    r"api[_-]?key|secret|token|passw(or)?d|credential|private[_-]?key|(^|[_-])key$", re.IGNORECASE
)
_SECRET_VALUE = re.compile(r"\bsk-[A-Za-z0-9_\-]{16,}")
NO_SECRETS = (
    "variables are kept in git with the manifests, so no variable ever holds a secret; "
    "the API key comes only from OPENAI_API_KEY in the environment"
)


@dataclass(frozen=True)
class Variable:
    """One variable's value for this run, and where it was set (for messages)."""

    name: str
    value: Any
    where: str
    """``asstctl.yaml:LINE:COL``."""


@dataclass(frozen=True)
class Chosen:
    """The project file's settings for one run: the environment's stack and endpoint merged
    over the top-level ones, and the variables (top-level defaults, the environment's win)."""

    environment: str | None
    data: Mapping[str, Any]
    variables: Mapping[str, Variable]
    defined_elsewhere: Mapping[str, tuple[str, ...]]
    """Variable name -> environments that define it, for names this run lacks."""


def check_required_version(doc: YamlDocument) -> list[Diagnostic]:
    """``required_version`` (a PEP 440 specifier) against this asstctl; checked before anything else."""
    data = doc.data
    spec = data.get("required_version") if isinstance(data, Mapping) else None
    if not isinstance(spec, str):
        return []  # absent, or the schema reports its type
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return [
            doc.diagnostic(
                ("required_version",),
                f"'{spec}' is not a version specifier; write one such as '>=0.1,<1' (PEP 440)",
            )
        ]
    if specifiers.contains(__version__, prereleases=True):
        return []
    return [
        doc.diagnostic(
            ("required_version",),
            f"this project requires asstctl {spec}, but this is asstctl {__version__}; "
            f"install a matching version (pip install 'asstctl{spec}')",
        )
    ]


def choose_environment(doc: YamlDocument, env: str | None) -> tuple[Chosen | None, list[Diagnostic]]:
    """The settings of environment ``env`` (None: the top-level ones) of the schema-valid ``doc``."""
    data: Mapping[str, Any] = doc.data
    environments: Mapping[str, Any] = data.get("environments", {})
    problems = _secret_problems(doc, ("vars",), data.get("vars", {}))
    for name, settings in environments.items():
        problems += _secret_problems(doc, ("environments", name, "vars"), settings.get("vars", {}))
    problems += _shared_stacks(doc, environments)
    if env is not None and env not in environments:
        problems.append(_unknown_environment(doc, env, sorted(environments)))
    if problems:
        return None, problems
    variables = {n: Variable(n, v, _where(doc, ("vars", n))) for n, v in data.get("vars", {}).items()}
    merged = dict(data)
    if env is not None:
        settings = environments[env]
        merged["stack"] = settings["stack"]
        merged["endpoint"] = {**data.get("endpoint", {}), **settings.get("endpoint", {})}
        for n, v in settings.get("vars", {}).items():
            variables[n] = Variable(n, v, _where(doc, ("environments", env, "vars", n)))
    elsewhere: dict[str, list[str]] = {}
    for name, settings in environments.items():
        for n in settings.get("vars", {}):
            if n not in variables:
                elsewhere.setdefault(n, []).append(name)
    return Chosen(env, merged, variables, {n: tuple(e) for n, e in elsewhere.items()}), []


def _where(doc: YamlDocument, path: tuple[str, ...]) -> str:
    at = doc.pos(path)
    return f"{doc.file}:{at.line}:{at.col}"


def _secret_problems(
    doc: YamlDocument, path: tuple[str, ...], variables: Mapping[str, Any]
) -> list[Diagnostic]:
    out = []
    for name, value in variables.items():
        if _SECRET_NAME.search(name):
            out.append(
                doc.diagnostic(
                    (*path, name),
                    f"the variable name '{name}' looks like a secret; {NO_SECRETS}. Rename or remove it",
                    key=True,
                )
            )
        elif any(_SECRET_VALUE.search(s) for s in _strings(value)):
            out.append(
                doc.diagnostic((*path, name), f"the value looks like an API key; {NO_SECRETS}. Remove it")
            )
    return out


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _shared_stacks(doc: YamlDocument, environments: Mapping[str, Any]) -> list[Diagnostic]:
    """Each environment is its own stack: two naming one would manage each other's resources."""
    first: dict[str, str] = {}
    out = []
    for name, settings in environments.items():
        stack = settings["stack"]
        if stack in first:
            out.append(
                doc.diagnostic(
                    ("environments", name, "stack"),
                    f"environment '{first[stack]}' already uses stack '{stack}'; each environment is "
                    "its own stack, give this one another name (e.g. "
                    f"{data_stack(doc)}-{name})",
                )
            )
        else:
            first[stack] = name
    return out


def data_stack(doc: YamlDocument) -> str:
    return str(doc.data.get("stack", "app"))


def _unknown_environment(doc: YamlDocument, env: str, declared: list[str]) -> Diagnostic:
    how = f"-e {env} (or {ENV_VAR}={env})"
    if not declared:
        return doc.diagnostic(
            (),
            f"{how} chooses an environment, but this project declares none; add "
            f"'environments: {{{env}: {{stack: {data_stack(doc)}-{env}}}}}' or leave out -e/{ENV_VAR}",
        )
    close = difflib.get_close_matches(env, declared, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "choose one of them"
    return doc.diagnostic(
        ("environments",),
        f"{how}: no environment is named '{env}' (declared: {', '.join(declared)}); {hint}",
        key=True,
    )
