"""Schema-valid documents → desired records, checking everything the schema cannot.

A :class:`Builder` collects every diagnostic instead of stopping at the first, and
remembers each local file it read (for the project fingerprint).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asstctl.core.filetypes import FILE_SEARCH_EXTENSIONS, extension, file_search_accepts
from asstctl.core.limits import CODE_INTERPRETER_MAX_FILES, INSTRUCTIONS_MAX_CHARS
from asstctl.core.model import (
    AttributeValue,
    DesiredAssistant,
    DesiredVectorStore,
    LocalFile,
    Location,
)
from asstctl.errors import Diagnostic
from asstctl.manifest import checks
from asstctl.manifest.files import FileProblem, Found, expand, is_glob, resolve_one, sha256_file
from asstctl.manifest.yaml_loader import FieldPath, YamlDocument, format_path


@dataclass(frozen=True)
class StoreRef:
    """A file_search tool naming a VectorStore document, to be resolved once all are known."""

    doc: YamlDocument
    path: FieldPath
    name: str


@dataclass(frozen=True)
class _Pick:
    """How one vector-store file was chosen: by which entry, with which attributes."""

    index: int
    literal: bool
    attributes: Mapping[str, AttributeValue]
    has_attributes: bool


@dataclass
class Builder:
    """Builds desired records for one project rooted at ``root`` (resolved)."""

    root: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    """Every local file read, by project-relative path → sha256 (for the fingerprint)."""
    refs: list[StoreRef] = field(default_factory=list)
    _stat: dict[str, tuple[str, int]] = field(default_factory=dict)

    def error(self, doc: YamlDocument, path: FieldPath, message: str, *, key: bool = False) -> None:
        self.diagnostics.append(doc.diagnostic(path, message, key=key))

    def _base(self, doc: YamlDocument) -> Path:
        return (self.root / doc.file).parent

    def _local(self, found: Found, attributes: Mapping[str, AttributeValue] | None = None) -> LocalFile:
        if found.rel not in self._stat:
            self._stat[found.rel] = (sha256_file(found.abspath), found.abspath.stat().st_size)
            self.inputs[found.rel] = self._stat[found.rel][0]
        sha, size = self._stat[found.rel]
        return LocalFile(found.rel, found.abspath, sha, size, dict(attributes or {}))

    def _read_text(self, doc: YamlDocument, path: FieldPath, written: str) -> tuple[Found, str] | None:
        """A referenced text file (instructions_file, parameters_file) read as UTF-8."""
        try:
            found = resolve_one(self.root, self._base(doc), written)
            raw = found.abspath.read_bytes()
            text = raw.decode("utf-8")
        except FileProblem as exc:
            self.error(doc, path, str(exc))
            return None
        except UnicodeDecodeError as exc:
            self.error(doc, path, f"'{written}' is not UTF-8 text ({exc.reason}); save it as UTF-8")
            return None
        self._local(found)
        return found, text

    # ---- Assistant ---------------------------------------------------------------------

    def assistant(self, doc: YamlDocument) -> tuple[DesiredAssistant, DesiredVectorStore | None]:
        """The assistant in ``doc`` (and its inline vector store, if any)."""
        data: Mapping[str, Any] = doc.data
        name: str = data["name"]
        prevent = bool(data.get("lifecycle", {}).get("prevent_destroy", False))
        tools: list[Any] = []
        ci_files: tuple[LocalFile, ...] = ()
        store_name: str | None = None
        inline: DesiredVectorStore | None = None
        seen: dict[str, int] = {}
        function_names: dict[str, int] = {}
        for i, tool in enumerate(data.get("tools", [])):
            kind = tool["type"]
            if kind in seen and kind != "function":
                self.error(
                    doc,
                    ("tools", i, "type"),
                    f"an assistant has at most one {kind} tool (another is tools[{seen[kind]}]); merge them",
                )
                continue
            seen.setdefault(kind, i)
            if kind == "function":
                fname = tool["name"]
                if fname in function_names:
                    self.error(
                        doc,
                        ("tools", i, "name"),
                        f"the function name '{fname}' is already used by tools[{function_names[fname]}]; "
                        "function names are unique per assistant",
                    )
                function_names.setdefault(fname, i)
                tools.append(self._function(doc, i, tool))
            elif kind == "code_interpreter":
                tools.append({"type": "code_interpreter"})
                ci_files = self._code_interpreter_files(doc, i, tool.get("files", []))
            else:
                tools.append(_file_search_api(tool))
                store = tool.get("vector_store")
                if isinstance(store, str):
                    store_name = store
                    self.refs.append(StoreRef(doc, ("tools", i, "vector_store"), store))
                elif isinstance(store, Mapping):
                    store_name = f"{name}.files"
                    inline = self.vector_store(doc, store, ("tools", i, "vector_store"), store_name, prevent)
        return (
            DesiredAssistant(
                name=name,
                display_name=data.get("display_name", name),
                model=data["model"],
                description=data.get("description"),
                instructions=self._instructions(doc),
                temperature=_float(data.get("temperature")),
                top_p=_float(data.get("top_p")),
                reasoning_effort=data.get("reasoning_effort"),
                response_format=self._response_format(doc),
                metadata=dict(data.get("metadata", {})),
                tools=tuple(tools),
                code_interpreter_files=ci_files,
                vector_store=store_name,
                prevent_destroy=prevent,
                location=_location(doc),
            ),
            inline,
        )

    def _instructions(self, doc: YamlDocument) -> str | None:
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
            text: str = data["instructions"]
            return text
        if "instructions_file" not in data:
            self.error(
                doc,
                ("name",),
                "the assistant has no instructions; add 'instructions: ...' or 'instructions_file: <path>'",
                key=True,
            )
            return None
        read = self._read_text(doc, ("instructions_file",), data["instructions_file"])
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

    def _response_format(self, doc: YamlDocument) -> Any:
        fmt = doc.data.get("response_format")
        if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
            spec = fmt["json_schema"]
            if "schema" in spec:
                where: FieldPath = ("response_format", "json_schema", "schema")
                for sub, message in checks.schema_value_problems(
                    spec["schema"],
                    what="the response schema",
                    strict=bool(spec.get("strict")),
                    object_root=False,
                ):
                    self.error(doc, (*where, *sub), message)
        return fmt

    def _function(self, doc: YamlDocument, i: int, tool: Mapping[str, Any]) -> dict[str, Any]:
        fn: dict[str, Any] = {"name": tool["name"]}
        if "description" in tool:
            fn["description"] = tool["description"]
        params: Any = tool.get("parameters")
        where: FieldPath = ("tools", i, "parameters")
        if "parameters" in tool and "parameters_file" in tool:
            self.error(
                doc,
                ("tools", i, "parameters_file"),
                "set either 'parameters' or 'parameters_file', not both; remove one",
                key=True,
            )
            params = None
        elif "parameters_file" in tool:
            where = ("tools", i, "parameters_file")
            params = self._parameters_file(doc, where, tool["parameters_file"])
        if params is not None:
            for sub, message in checks.schema_value_problems(
                params, what="the parameters schema", strict=bool(tool.get("strict")), object_root=True
            ):
                if where[-1] == "parameters_file":
                    inside = f" (at {format_path(sub)} in {tool['parameters_file']})" if sub else ""
                    self.error(doc, where, message + inside)
                else:
                    self.error(doc, (*where, *sub), message)
            fn["parameters"] = params
        if "strict" in tool:
            fn["strict"] = tool["strict"]
        return {"type": "function", "function": fn}

    def _parameters_file(self, doc: YamlDocument, where: FieldPath, written: str) -> Any:
        read = self._read_text(doc, where, written)
        if read is None:
            return None
        found, text = read
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.diagnostics.append(
                Diagnostic(found.rel, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}; fix the syntax")
            )
            self.error(doc, where, f"'{written}' is not valid JSON (see the error in {found.rel})")
            return None

    def _code_interpreter_files(self, doc: YamlDocument, i: int, entries: list[str]) -> tuple[LocalFile, ...]:
        files: dict[str, LocalFile] = {}
        for j, written in enumerate(entries):
            try:
                for found in expand(self.root, self._base(doc), written):
                    files.setdefault(found.rel, self._local(found))
            except FileProblem as exc:
                self.error(doc, ("tools", i, "files", j), str(exc))
        if len(files) > CODE_INTERPRETER_MAX_FILES:
            self.error(
                doc,
                ("tools", i, "files"),
                f"names {len(files)} files; the code interpreter takes at most {CODE_INTERPRETER_MAX_FILES}, "
                "remove some or narrow the globs",
            )
        return tuple(files[p] for p in sorted(files))

    # ---- VectorStore -------------------------------------------------------------------

    def vector_store(
        self,
        doc: YamlDocument,
        data: Mapping[str, Any],
        prefix: FieldPath,
        name: str,
        default_prevent: bool = False,
    ) -> DesiredVectorStore:
        """A vector store from a VectorStore document (``prefix`` ``()``) or an inline body."""
        chunking = data.get("chunking_strategy")
        if chunking is not None:
            for sub, message in checks.chunking_problems(chunking):
                self.error(doc, (*prefix, "chunking_strategy", *sub), message)
        lifecycle = data.get("lifecycle", {})
        at = doc.pos(prefix)
        return DesiredVectorStore(
            name=name,
            display_name=data.get("display_name", name),
            files=self._store_files(doc, prefix, data.get("files", [])),
            chunking_strategy=checks.api_chunking(chunking),
            expires_after=dict(data["expires_after"]) if "expires_after" in data else None,
            metadata=dict(data.get("metadata", {})),
            prevent_destroy=bool(lifecycle.get("prevent_destroy", default_prevent)),
            location=Location(doc.file, at.line, at.col),
        )

    def _store_files(self, doc: YamlDocument, prefix: FieldPath, entries: list[Any]) -> tuple[LocalFile, ...]:
        """Expand the entries; a literal path listed twice is an error; an entry with
        attributes wins over a glob that also matches the file."""
        picks: dict[str, tuple[Found, _Pick]] = {}
        for i, entry in enumerate(entries):
            where: FieldPath = (*prefix, "files", i)
            written = entry if isinstance(entry, str) else entry["path"]
            attrs = {} if isinstance(entry, str) else dict(entry.get("attributes", {}))
            pick = _Pick(i, not is_glob(written), attrs, not isinstance(entry, str) and "attributes" in entry)
            try:
                matched = expand(self.root, self._base(doc), written)
            except FileProblem as exc:
                self.error(doc, where, str(exc))
                continue
            for found in matched:
                if not self._searchable(doc, where, found):
                    continue
                if found.rel not in picks:
                    picks[found.rel] = (found, pick)
                    continue
                first = picks[found.rel][1]
                if (first.literal and pick.literal) or (first.has_attributes and pick.has_attributes):
                    self.error(
                        doc,
                        where,
                        f"{found.rel} is already listed as files[{first.index}]; list each file once",
                    )
                elif pick.has_attributes and not first.has_attributes:
                    picks[found.rel] = (found, pick)
        files = tuple(self._local(f, p.attributes) for f, p in (picks[rel] for rel in sorted(picks)))
        return self._one_copy_each(doc, prefix, files, picks)

    def _one_copy_each(
        self,
        doc: YamlDocument,
        prefix: FieldPath,
        files: tuple[LocalFile, ...],
        picks: Mapping[str, tuple[Found, _Pick]],
    ) -> tuple[LocalFile, ...]:
        """A store holds an uploaded File once: two paths with the same name and the same bytes
        would be one attachment that records one path, so the plan could never settle."""
        seen: dict[tuple[str, str], LocalFile] = {}
        for f in files:
            first = seen.setdefault((f.sha256, f.basename), f)
            if first is not f:
                self.error(
                    doc,
                    (*prefix, "files", picks[f.path][1].index),
                    f"{f.path} has the same name and content as {first.path}; a vector store holds one "
                    "copy of a file, so list only one of them",
                )
        return files

    def _searchable(self, doc: YamlDocument, where: FieldPath, found: Found) -> bool:
        if not file_search_accepts(found.rel):
            ext = extension(found.rel) or "no extension"
            self.error(
                doc,
                where,
                f"{found.rel} has a type file search cannot read ({ext}); accepted: "
                f"{' '.join(sorted(FILE_SEARCH_EXTENSIONS))}. Convert it, or give it to code_interpreter",
            )
            return False
        if found.abspath.stat().st_size == 0:
            self.error(doc, where, f"{found.rel} is empty; the API cannot index an empty file, remove it")
            return False
        return True


def _file_search_api(tool: Mapping[str, Any]) -> dict[str, Any]:
    options = {k: tool[k] for k in ("max_num_results", "ranking_options") if k in tool}
    return {"type": "file_search", "file_search": options} if options else {"type": "file_search"}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _location(doc: YamlDocument) -> Location:
    return Location(doc.file, doc.start.line, doc.start.col)
