"""Assistant request bodies, and the normalized forms the differ compares.

The desired form is built from the request body (what is compared is what is sent). Fields a
manifest omits are sent as their API default, so removing a field restores it.
"""

from __future__ import annotations

from collections.abc import Mapping

from asstctl.core.keyed import keyed_form
from asstctl.core.live import LiveState
from asstctl.core.managed import compared, merged
from asstctl.core.model import JSON
from asstctl.core.normalize import AFTER_APPLY, canonical, drop_none, file_label, user_metadata
from asstctl.core.ownership import ownership_metadata
from asstctl.kinds.assistant.model import DesiredAssistant

DEFAULT_TEMPERATURE = 1.0
DEFAULT_TOP_P = 1.0
DEFAULT_RESPONSE_FORMAT = "auto"


def assistant_body(
    a: DesiredAssistant, stack: str, live_metadata: Mapping[str, JSON] | None = None
) -> dict[str, JSON]:
    """The create/modify body for an assistant, without ``tool_resources`` (ids are known
    only at apply; the writer adds them). Omitted manifest fields carry the API default. An
    update passes ``live_metadata``: keys asstctl does not manage are kept (``core.managed``)."""
    return {
        "model": a.model,
        "name": a.display_name,
        "description": a.description,
        "instructions": a.instructions,
        "tools": [dict(t) for t in a.tools],
        "metadata": merged(a.metadata, ownership_metadata(stack, a.address), live_metadata),
        "temperature": DEFAULT_TEMPERATURE if a.temperature is None else float(a.temperature),
        "top_p": DEFAULT_TOP_P if a.top_p is None else float(a.top_p),
        "response_format": DEFAULT_RESPONSE_FORMAT if a.response_format is None else a.response_format,
        # null on modify clears a value set earlier; on create the writer leaves None fields out
        "reasoning_effort": a.reasoning_effort,
    }


def _float(value: JSON, default: float) -> float:
    return default if value is None else float(value)


def _default_max_results(model: str) -> int:
    return 5 if model.startswith("gpt-3.5") else 20


def tool_form(tool: Mapping[str, JSON], model: str) -> JSON:
    """One tool with server defaults removed: function ``strict`` false and ``parameters``
    ``{}``; file-search overrides equal to their defaults (auto ranker, threshold 0,
    the model's default ``max_num_results``)."""
    kind = tool.get("type")
    if kind == "function":
        fn = drop_none(dict(tool.get("function") or {}))
        fn["strict"] = bool(fn.get("strict", False))
        fn["parameters"] = fn.get("parameters") or {}
        return canonical({"type": "function", "function": fn})
    if kind == "file_search":
        fs = drop_none(dict(tool.get("file_search") or {}))
        ranking = fs.get("ranking_options")
        if isinstance(ranking, Mapping):
            ranking = drop_none(ranking)
            if ranking.get("ranker", "auto") == "auto" and not ranking.get("score_threshold"):
                fs.pop("ranking_options")
            else:
                fs["ranking_options"] = {"ranker": "auto", **ranking}
        if fs.get("max_num_results") == _default_max_results(model):
            fs.pop("max_num_results")
        return canonical({"type": "file_search", "file_search": fs} if fs else {"type": "file_search"})
    return canonical(drop_none(tool))


def response_format_form(value: JSON) -> JSON:
    """``None`` → ``"auto"``; json_schema ``strict`` defaults to false."""
    if value is None:
        return DEFAULT_RESPONSE_FORMAT
    if isinstance(value, Mapping) and value.get("type") == "json_schema":
        js = drop_none(dict(value.get("json_schema") or {}))
        js["strict"] = bool(js.get("strict", False))
        return canonical({"type": "json_schema", "json_schema": js})
    return canonical(value)


def _assistant_core(body: Mapping[str, JSON]) -> dict[str, JSON]:
    model = str(body.get("model") or "")
    return {
        "model": model,
        "display_name": body.get("name"),  # plans use the manifest's labels
        "description": body.get("description"),
        "instructions": body.get("instructions"),
        **keyed_form("tools", [tool_form(t, model) for t in body.get("tools") or []]),
        "metadata": canonical(user_metadata(body.get("metadata"))),
        "temperature": _float(body.get("temperature"), DEFAULT_TEMPERATURE),
        "top_p": _float(body.get("top_p"), DEFAULT_TOP_P),
        "response_format": response_format_form(body.get("response_format")),
    }


def desired_assistant_form(
    a: DesiredAssistant, stack: str, *, new_stores: frozenset[str] | set[str] = frozenset()
) -> dict[str, JSON]:
    """The compared form of a desired assistant. ``new_stores`` are vector-store addresses
    that apply creates or replaces: a reference to one changes the live id."""
    form = _assistant_core(assistant_body(a, stack))
    if a.reasoning_effort is not None:
        form["reasoning_effort"] = a.reasoning_effort
    resources: dict[str, JSON] = {}
    if a.code_interpreter_files:
        labels = sorted({file_label(f.sha256, f.basename) for f in a.code_interpreter_files})
        resources["code_interpreter"] = {"files": labels}
    if a.store_address is not None:
        address = a.store_address
        ref = f"{address} {AFTER_APPLY}" if address in new_stores else address
        resources["file_search"] = {"vector_store": ref}
    form["tool_resources"] = resources
    return form


def live_assistant_form(
    raw: Mapping[str, JSON], live: LiveState, *, desired: DesiredAssistant | None
) -> JSON:
    """The compared form of a live assistant object (as the API returned it).

    ``reasoning_effort`` is not in the object schema: when the API does not report it, it is
    taken to be what the manifest says (it cannot be compared); when the API reports a value
    the manifest no longer sets, the plan clears it.
    """
    form = _assistant_core(raw)
    form["metadata"] = canonical(compared(raw.get("metadata"), desired.metadata if desired else ()))
    if desired is not None and desired.reasoning_effort is not None:
        form["reasoning_effort"] = raw.get("reasoning_effort", desired.reasoning_effort)
    elif raw.get("reasoning_effort") is not None:
        form["reasoning_effort"] = raw["reasoning_effort"]
    form["tool_resources"] = _live_tool_resources(raw.get("tool_resources"), live)
    return form


def _live_tool_resources(value: JSON, live: LiveState) -> dict[str, JSON]:
    resources: dict[str, JSON] = {}
    if not isinstance(value, Mapping):
        return resources
    ci = value.get("code_interpreter") or {}
    ids = list(ci.get("file_ids") or []) if isinstance(ci, Mapping) else []
    if ids:
        labels = set()
        for fid in ids:
            lf = live.files.get(fid)
            labels.add(file_label(lf.sha256, lf.basename) if lf else f"{fid} (not uploaded by this stack)")
        resources["code_interpreter"] = {"files": sorted(labels)}
    fs = value.get("file_search") or {}
    vs_ids = list(fs.get("vector_store_ids") or []) if isinstance(fs, Mapping) else []
    if vs_ids:
        by_id = {v.id: v.name for v in live.vector_stores.values()}
        refs = [
            f"vector_store.{by_id[i]}" if i in by_id else f"{i} (not managed by this stack)" for i in vs_ids
        ]
        resources["file_search"] = {"vector_store": refs[0] if len(refs) == 1 else refs}
    return resources


def code_interpreter_file_ids(raw: Mapping[str, JSON]) -> set[str]:
    """The File ids a live assistant's code interpreter uses."""
    resources = raw.get("tool_resources") or {}
    return set((resources.get("code_interpreter") or {}).get("file_ids") or [])


def vector_store_ids(raw: Mapping[str, JSON]) -> list[str]:
    """The vector store ids a live assistant's file search uses."""
    resources = raw.get("tool_resources") or {}
    return list((resources.get("file_search") or {}).get("vector_store_ids") or [])
