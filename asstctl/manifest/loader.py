"""``load_project``: a project directory → a validated, typed :class:`Project`. Offline."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asstctl.core.model import Project
from asstctl.errors import Diagnostic, ManifestError, UsageError
from asstctl.manifest.build import Builder
from asstctl.manifest.environment import Chosen, check_required_version, choose_environment
from asstctl.manifest.files import FileProblem, contained, is_glob, sha256_file
from asstctl.manifest.hashcache import hash_cache
from asstctl.manifest.moved import read_moves
from asstctl.manifest.schema import schema_diagnostics
from asstctl.manifest.variables import annotate, substitute
from asstctl.manifest.yaml_loader import YamlDocument, load_yaml_file
from asstctl.selection import chosen_environment

PROJECT_FILE = "asstctl.yaml"
DEFAULT_MANIFESTS = ("assistants/**/*.yaml",)


@dataclass(frozen=True)
class _Config:
    stack: str
    base_url: str | None
    manifests: tuple[str, ...]
    doc: YamlDocument
    chosen: Chosen
    assistants_target: str = "auto"
    """``endpoint.assistants``: how assistants are deployed (auto, api, responses)."""


def load_project(root: Path, env: str | None = None) -> Project:
    """Read and validate the project at ``root`` as environment ``env`` (None: the one chosen
    by ``-e``/``ASSTCTL_ENV``, else the top-level settings); raise ManifestError with every problem.

    Raises UsageError when ``root`` is not a directory holding ``asstctl.yaml``.
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory; pass -C DIR with the project directory")
    if not (root / PROJECT_FILE).is_file():
        raise UsageError(
            f"{root} is not an asstctl project: it has no {PROJECT_FILE}. Create one with the line "
            "'stack: <name>' (and put manifests under assistants/), or pass -C DIR to name the project."
        )
    root = root.resolve()
    try:  # the project file itself is the project's: not a symlink out of it
        contained(root, root / PROJECT_FILE, PROJECT_FILE)
    except FileProblem as exc:
        raise ManifestError([Diagnostic(PROJECT_FILE, 0, 0, "", str(exc))]) from None
    with hash_cache(root):
        return _load(root, env if env is not None else chosen_environment())


def _load(root: Path, env: str | None) -> Project:
    """:func:`load_project` for a resolved project ``root``."""
    diagnostics: list[Diagnostic] = []
    config = _read_config(root, diagnostics, env)
    if config is None:
        raise ManifestError(diagnostics)
    manifest_paths = _find_manifests(root, config, diagnostics)
    docs: list[YamlDocument] = []
    for rel in manifest_paths:
        loaded, problems = load_yaml_file(root / rel, rel)
        diagnostics += problems
        docs += loaded

    from asstctl.kinds.registry import BY_MANIFEST_KIND  # the kinds build on this package

    builder = Builder(root)
    records: dict[str, list[Any]] = {}
    first: dict[tuple[str, str], YamlDocument] = {}
    chosen = config.chosen
    for doc in docs:
        sub = substitute(doc, chosen.variables, environment=env, elsewhere=chosen.defined_elsewhere)
        doc = sub.doc
        problems = sub.problems or annotate(schema_diagnostics(doc), sub)
        builder.pruned = frozenset()
        if problems:
            diagnostics += problems
            checkable = None if sub.problems else _valid_part(doc, problems)
            if checkable is None:
                continue
            doc, builder.pruned = checkable  # the other fields' checks still run
        kind, name = doc.data["kind"], doc.data["name"]
        if (kind, name) in first:
            prev = first[(kind, name)]
            diagnostics.append(
                doc.diagnostic(
                    ("name",),
                    f"another {kind} is already named '{name}' (at {prev.file}:{prev.pos(('name',)).line}); "
                    f"names are unique per kind, rename one",
                )
            )
            continue
        first[(kind, name)] = doc
        seen = len(builder.diagnostics)
        for record in _build(BY_MANIFEST_KIND[kind], builder, doc):
            records.setdefault(record.address.split(".", 1)[0], []).append(record)
        builder.diagnostics[seen:] = annotate(builder.diagnostics[seen:], sub)

    names: dict[str, set[str]] = {}  # by kind; documents with errors of their own still count,
    for d in docs:  # to avoid a second error here
        if isinstance(d.data, Mapping) and isinstance(d.data.get("name"), str):
            names.setdefault(str(d.data.get("kind")), set()).add(d.data["name"])
    for ref in builder.refs:
        if ref.name not in names.get(ref.kind, ()):
            declared = sorted(names.get(ref.kind, ()))
            close = difflib.get_close_matches(ref.name, declared, n=1)
            fix = (
                f"did you mean '{close[0]}'?"
                if close
                else f"declare it with 'kind: {ref.kind}', or fix the name"
            )
            known = f" (declared: {', '.join(declared)})" if declared else ""
            builder.error(ref.doc, ref.path, f"no {ref.kind} is named '{ref.name}'{known}; {fix}")

    moves, problems = read_moves(config.doc, {r.address for rs in records.values() for r in rs})
    diagnostics += builder.diagnostics + problems
    if diagnostics:
        raise ManifestError(diagnostics)
    return Project(
        root=root,
        stack=config.stack,
        base_url=config.base_url,
        fingerprint=_fingerprint(root, manifest_paths, {**builder.inputs, **_env_input(env)}),
        environment=env,
        resources={kind: tuple(sorted(rs, key=lambda r: r.name)) for kind, rs in records.items()},
        settings={"assistants_target": config.assistants_target, "moved": moves},
    )


def _build(kind: Any, builder: Builder, doc: YamlDocument) -> list[Any]:
    """The records of ``doc``; for a document already reported invalid (built without its bad
    fields, for the other fields' checks) a builder that needs a missing field stops quietly."""
    if not builder.pruned:
        return list(kind.build(builder, doc))
    try:
        return list(kind.build(builder, doc))
    except (KeyError, TypeError, AttributeError, ValueError):
        return []


def _valid_part(doc: YamlDocument, problems: list[Diagnostic]) -> tuple[YamlDocument, frozenset[str]] | None:
    """``doc`` without the top-level fields that break the schema (a required one keeps its
    value), if the rest is valid — so ``validate`` reports the other fields' problems in the
    same run — and the names of those fields."""
    bad = frozenset(re.split(r"[.\[]", d.field, maxsplit=1)[0] for d in problems)
    if not isinstance(doc.data, Mapping) or bad & {"", "kind", "name"}:
        return None
    data = {k: v for k, v in doc.data.items() if k not in bad}
    required: set[str] = set()
    for d in schema_diagnostics(YamlDocument(doc.file, data, doc.start, doc.values, doc.keys)):
        if d.field not in bad or not d.message.startswith("missing required"):
            return None
        required.add(d.field)
    data.update({k: doc.data[k] for k in required if k in doc.data})
    return YamlDocument(doc.file, data, doc.start, doc.values, doc.keys), bad


def _env_input(env: str | None) -> dict[str, str]:
    """The environment as a fingerprint input: a plan saved for one is stale for another."""
    return {"\0environment": env} if env else {}


def _read_config(root: Path, diagnostics: list[Diagnostic], env: str | None) -> _Config | None:
    docs, problems = load_yaml_file(root / PROJECT_FILE, PROJECT_FILE)
    diagnostics += problems
    if problems:
        return None
    problems = check_required_version(docs[0]) if docs else []  # before anything else
    if problems:
        diagnostics += problems
        return None
    if len(docs) != 1:
        diagnostics.append(
            Diagnostic(PROJECT_FILE, 1, 1, "", "must hold exactly one YAML document, such as 'stack: my-app'")
        )
        return None
    doc = docs[0]
    problems = schema_diagnostics(doc, "Project")
    if problems:
        diagnostics += problems
        return None
    chosen, problems = choose_environment(doc, env)
    if chosen is None:
        diagnostics += problems
        return None
    data: Mapping[str, Any] = chosen.data  # the environment's stack and endpoint merged in
    endpoint = data.get("endpoint", {})
    return _Config(
        stack=data["stack"],
        base_url=endpoint.get("base_url"),
        manifests=tuple(data.get("manifests", DEFAULT_MANIFESTS)),
        doc=doc,
        chosen=chosen,
        assistants_target=endpoint.get("assistants", "auto"),
    )


def _find_manifests(root: Path, config: _Config, diagnostics: list[Diagnostic]) -> list[str]:
    """Project-relative paths of every manifest file, sorted; each glob must match something."""
    found: set[str] = set()
    explicit = "manifests" in config.doc.data
    for i, pattern in enumerate(config.manifests):
        try:
            if not is_glob(pattern):
                matches = [root / pattern] if (root / pattern).is_file() else []
            else:
                matches = sorted(p for p in root.glob(pattern) if p.is_file())
            rels = [contained(root, p, pattern).rel for p in matches]
        except (FileProblem, ValueError, NotImplementedError) as exc:
            diagnostics.append(config.doc.diagnostic(("manifests", i), f"{exc}"))
            continue
        rels = [r for r in rels if r != PROJECT_FILE]
        if not rels:
            if explicit:
                diagnostics.append(
                    config.doc.diagnostic(
                        ("manifests", i), f"'{pattern}' matches no files; fix the pattern or add manifests"
                    )
                )
            else:
                diagnostics.append(
                    Diagnostic(
                        PROJECT_FILE,
                        1,
                        1,
                        "manifests",
                        f"no manifests found under the default '{pattern}'; add one such as "
                        "assistants/helper.yaml, or list your globs under 'manifests:'",
                    )
                )
        found.update(rels)
    return sorted(found)


def _fingerprint(root: Path, manifests: list[str], inputs: Mapping[str, str]) -> str:
    """sha256 over asstctl.yaml, every manifest and every referenced local file, in path order."""
    h = hashlib.sha256()
    entries = {PROJECT_FILE: sha256_file(root / PROJECT_FILE)}
    entries.update({rel: sha256_file(root / rel) for rel in manifests})
    entries.update(inputs)
    for rel in sorted(entries):
        h.update(f"{rel}\0{entries[rel]}\n".encode())
    return h.hexdigest()
