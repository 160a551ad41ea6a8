"""A ``VectorStore`` document (or an assistant's inline ``vector_store:`` body) → its record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asstctl.core.filetypes import FILE_SEARCH_EXTENSIONS, extension, file_search_accepts
from asstctl.core.limits import ATTRIBUTE_VALUE_MAX_CHARS
from asstctl.core.managed import key_list_problem
from asstctl.core.model import AttributeValue, LocalFile, Location
from asstctl.kinds.vector_store.model import DesiredVectorStore
from asstctl.manifest import checks
from asstctl.manifest.files import FileProblem, Found, expand, is_glob
from asstctl.manifest.yaml_loader import FieldPath, YamlDocument

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder


@dataclass(frozen=True)
class _Pick:
    """How one vector-store file was chosen: by which entry, with which attributes."""

    index: int
    literal: bool
    attributes: Mapping[str, AttributeValue]
    has_attributes: bool


def build_store(
    b: Builder,
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
            b.error(doc, (*prefix, "chunking_strategy", *sub), message)
    _check_key_lists(b, doc, prefix, data)
    lifecycle = data.get("lifecycle", {})
    at = doc.pos(prefix)
    return DesiredVectorStore(
        name=name,
        display_name=data.get("display_name", name),
        files=_store_files(b, doc, prefix, data.get("files", [])),
        chunking_strategy=checks.api_chunking(chunking),
        expires_after=dict(data["expires_after"]) if "expires_after" in data else None,
        metadata=dict(data.get("metadata", {})),
        prevent_destroy=bool(lifecycle.get("prevent_destroy", default_prevent)),
        location=Location(doc.file, at.line, at.col),
    )


def _check_key_lists(b: Builder, doc: YamlDocument, prefix: FieldPath, data: Mapping[str, Any]) -> None:
    """The metadata keys, and each file's attribute keys, must fit in ``asstctl_keys``."""
    problem = key_list_problem(data.get("metadata") or {})
    if problem:
        b.error(doc, (*prefix, "metadata"), problem)
    for i, entry in enumerate(data.get("files") or []):
        attrs = entry.get("attributes") if isinstance(entry, Mapping) else None
        if isinstance(attrs, Mapping) and (problem := key_list_problem(attrs, "attributes")):
            b.error(doc, (*prefix, "files", i, "attributes"), problem)


def _store_files(
    b: Builder, doc: YamlDocument, prefix: FieldPath, entries: list[Any]
) -> tuple[LocalFile, ...]:
    """Expand the entries; a literal path listed twice is an error; an entry with
    attributes wins over a glob that also matches the file."""
    picks: dict[str, tuple[Found, _Pick]] = {}
    for i, entry in enumerate(entries):
        where: FieldPath = (*prefix, "files", i)
        written = entry if isinstance(entry, str) else entry["path"]
        attrs = {} if isinstance(entry, str) else dict(entry.get("attributes", {}))
        pick = _Pick(i, not is_glob(written), attrs, not isinstance(entry, str) and "attributes" in entry)
        try:
            matched = expand(b.root, b.base(doc), written)
        except FileProblem as exc:
            b.error(doc, where, str(exc))
            continue
        for found in matched:
            if not _searchable(b, doc, where, found):
                continue
            if found.rel not in picks:
                picks[found.rel] = (found, pick)
                continue
            first = picks[found.rel][1]
            if (first.literal and pick.literal) or (first.has_attributes and pick.has_attributes):
                b.error(
                    doc, where, f"{found.rel} is already listed as files[{first.index}]; list each file once"
                )
            elif pick.has_attributes and not first.has_attributes:
                picks[found.rel] = (found, pick)
    locals_: list[LocalFile] = []
    for rel in sorted(picks):
        found, pick = picks[rel]
        try:
            locals_.append(b.local_or_problem(found, pick.attributes))
        except FileProblem as exc:
            b.error(doc, (*prefix, "files", pick.index), str(exc))
    return _one_copy_each(b, doc, prefix, tuple(locals_), picks)


def _one_copy_each(
    b: Builder,
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
            b.error(
                doc,
                (*prefix, "files", picks[f.path][1].index),
                f"{f.path} has the same name and content as {first.path}; a vector store holds one "
                "copy of a file, so list only one of them",
            )
    return files


def _searchable(b: Builder, doc: YamlDocument, where: FieldPath, found: Found) -> bool:
    if not file_search_accepts(found.rel):
        ext = extension(found.rel) or "no extension"
        b.error(
            doc,
            where,
            f"{found.rel} has a type file search cannot read ({ext}); accepted: "
            f"{' '.join(sorted(FILE_SEARCH_EXTENSIONS))}. Convert it, or give it to code_interpreter",
        )
        return False
    if len(found.rel) > ATTRIBUTE_VALUE_MAX_CHARS:
        b.error(
            doc,
            where,
            f"{found.rel[:60]}… is a path of {len(found.rel)} characters; the API keeps it in a file "
            f"attribute of at most {ATTRIBUTE_VALUE_MAX_CHARS}, so shorten the path",
        )
        return False
    if found.abspath.stat().st_size == 0:
        b.error(doc, where, f"{found.rel} is empty; the API cannot index an empty file, remove it")
        return False
    return True
