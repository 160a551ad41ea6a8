"""An ``Assistant`` document → its record (and its inline vector store, if it has one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from asstctl.core.limits import CODE_INTERPRETER_MAX_FILES
from asstctl.core.model import LocalFile
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.vector_store.manifest import build_store
from asstctl.kinds.vector_store.model import DesiredVectorStore
from asstctl.manifest import checks
from asstctl.manifest.files import FileProblem, expand
from asstctl.manifest.yaml_loader import FieldPath, YamlDocument

if TYPE_CHECKING:
    from asstctl.manifest.build import Builder


def build_assistant(b: Builder, doc: YamlDocument) -> tuple[DesiredAssistant, DesiredVectorStore | None]:
    """The assistant in ``doc`` (and its inline vector store, if any)."""
    data: Mapping[str, Any] = doc.data
    name: str = data["name"]
    prevent = bool(data.get("lifecycle", {}).get("prevent_destroy", False))
    tools: list[Any] = []
    ci_files: tuple[LocalFile, ...] = ()
    store_name: str | None = None
    inline: DesiredVectorStore | None = None
    filters: Any = None
    seen: dict[str, int] = {}
    function_names: dict[str, int] = {}
    for i, tool in enumerate(data.get("tools", [])):
        kind = tool["type"]
        if kind in seen and kind != "function":
            b.error(
                doc,
                ("tools", i, "type"),
                f"an assistant has at most one {kind} tool (another is tools[{seen[kind]}]); merge them",
            )
            continue
        seen.setdefault(kind, i)
        if kind == "function":
            fname = tool["name"]
            if fname in function_names:
                b.error(
                    doc,
                    ("tools", i, "name"),
                    f"the function name '{fname}' is already used by tools[{function_names[fname]}]; "
                    "function names are unique per assistant",
                )
            function_names.setdefault(fname, i)
            tools.append(_function(b, doc, i, tool))
        elif kind == "code_interpreter":
            tools.append({"type": "code_interpreter"})
            ci_files = _code_interpreter_files(b, doc, i, tool.get("files", []))
        else:
            tools.append(_file_search_api(tool))
            if "filters" in tool:
                filters = tool["filters"]
                for sub, message in filter_problems(filters):
                    b.error(doc, ("tools", i, "filters", *sub), message)
            store = tool.get("vector_store")
            if isinstance(store, str):
                store_name = store
                b.reference(doc, ("tools", i, "vector_store"), "VectorStore", store)
            elif isinstance(store, Mapping):
                store_name = f"{name}.files"
                inline = build_store(b, doc, store, ("tools", i, "vector_store"), store_name, prevent)
    return (
        DesiredAssistant(
            name=name,
            display_name=data.get("display_name", name),
            model=data["model"],
            description=data.get("description"),
            instructions=b.instructions(doc, "assistant"),
            temperature=_float(data.get("temperature")),
            top_p=_float(data.get("top_p")),
            reasoning_effort=data.get("reasoning_effort"),
            response_format=_response_format(b, doc),
            metadata=dict(data.get("metadata", {})),
            tools=tuple(tools),
            code_interpreter_files=ci_files,
            vector_store=store_name,
            prevent_destroy=prevent,
            location=b.location(doc),
            file_search_filters=filters,
        ),
        inline,
    )


_LIST_OPS = ("in", "nin")
_ORDER_OPS = ("gt", "gte", "lt", "lte")


def filter_problems(f: Mapping[str, Any], at: FieldPath = ()) -> list[tuple[FieldPath, str]]:
    """What the schema cannot say about a (schema-valid) ``file_search.filters`` value: each
    operator's value type. Paths are relative to the filter."""
    op = f.get("type")
    if op in ("and", "or"):
        subs = enumerate(f.get("filters", []))
        return [p for j, sub in subs for p in filter_problems(sub, (*at, "filters", j))]
    value = f.get("value")
    if op in _LIST_OPS and not isinstance(value, list):
        return [((*at, "value"), f"'{op}' compares with a list, e.g. [en, de]; write the value as a list")]
    if op not in _LIST_OPS and isinstance(value, list):
        return [((*at, "value"), f"'{op}' compares with one value; use 'in' to match any of a list")]
    if op in _ORDER_OPS and (isinstance(value, bool) or not isinstance(value, int | float)):
        return [((*at, "value"), f"'{op}' compares numbers; write a number (e.g. a date as a Unix time)")]
    return []


def _response_format(b: Builder, doc: YamlDocument) -> Any:
    fmt = doc.data.get("response_format")
    if isinstance(fmt, Mapping) and fmt.get("type") == "json_schema":
        spec = fmt["json_schema"]
        if "schema" in spec:
            where: FieldPath = ("response_format", "json_schema", "schema")
            for sub, message in checks.schema_value_problems(
                spec["schema"], what="the response schema", strict=bool(spec.get("strict")), object_root=False
            ):
                b.error(doc, (*where, *sub), message)
    return fmt


def _function(b: Builder, doc: YamlDocument, i: int, tool: Mapping[str, Any]) -> dict[str, Any]:
    fn: dict[str, Any] = {"name": tool["name"]}
    if "description" in tool:
        fn["description"] = tool["description"]
    params = b.parameters(doc, i, tool, strict=bool(tool.get("strict")))
    if params is not None:
        fn["parameters"] = params
    if "strict" in tool:
        fn["strict"] = tool["strict"]
    return {"type": "function", "function": fn}


def _code_interpreter_files(
    b: Builder, doc: YamlDocument, i: int, entries: list[str]
) -> tuple[LocalFile, ...]:
    files: dict[str, LocalFile] = {}
    for j, written in enumerate(entries):
        try:
            for found in expand(b.root, b.base(doc), written):
                files.setdefault(found.rel, b.local_or_problem(found))
        except FileProblem as exc:
            b.error(doc, ("tools", i, "files", j), str(exc))
    if len(files) > CODE_INTERPRETER_MAX_FILES:
        b.error(
            doc,
            ("tools", i, "files"),
            f"names {len(files)} files; the code interpreter takes at most {CODE_INTERPRETER_MAX_FILES}, "
            "remove some or narrow the globs",
        )
    return tuple(files[p] for p in sorted(files))


def _file_search_api(tool: Mapping[str, Any]) -> dict[str, Any]:
    options = {k: tool[k] for k in ("max_num_results", "ranking_options") if k in tool}
    return {"type": "file_search", "file_search": options} if options else {"type": "file_search"}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
