"""The Responses rendering of assistants: every example's request against the SDK's TypedDicts
(key by key) and the official ``CreateResponse`` schema, and each mapping rule."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPO, SHARED_API
from openai.types.responses.response_create_params import ResponseCreateParamsBase
from openai.types.responses.tool_param import ToolParam
from sdk_shape import problems

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from records import desired_assistant

from asstctl.core.normalize import AFTER_APPLY
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.assistant.responses import (
    EMPTY_PARAMETERS,
    record_content,
    record_sha256,
    responses_request,
    unresolved,
)
from asstctl.manifest import load_project


def example_requests() -> dict[str, dict[str, Any]]:
    """Every example assistant rendered with made-up live ids."""
    project = load_project(REPO)
    out = {}
    for a in project.assistants:
        ids = {f.path: f"file-{i}" for i, f in enumerate(a.code_interpreter_files)}
        if a.store_address is not None:
            ids[a.store_address] = "vs_" + a.name.replace("-", "_")
        out[a.name] = responses_request(a, ids)
    return out


EXAMPLES = example_requests()


def assistant(**fields: Any) -> DesiredAssistant:
    """An assistant with only ``fields`` set (a description it has no Responses form for)."""
    return desired_assistant(**{"display_name": "A", "description": "Shown nowhere", **fields})


# --- the contract ------------------------------------------------------------------------


def test_the_examples_cover_every_tool_and_format() -> None:
    tools = {t["type"] for r in EXAMPLES.values() for t in r.get("tools", [])}
    assert tools == {"function", "file_search", "code_interpreter"}
    assert set(EXAMPLES) >= {"customer-service", "data-analyst", "docs-assistant", "weather"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_fits_the_sdk_key_by_key(name: str) -> None:
    request = EXAMPLES[name]
    assert problems(request, ResponseCreateParamsBase) == []
    for tool in request.get("tools", []):
        assert problems(tool, ToolParam) == []


def test_the_key_check_refuses_what_pydantic_would_let_through() -> None:
    request = EXAMPLES["docs-assistant"]
    assert problems({**request, "tool_resources": {}}, ResponseCreateParamsBase) == [
        "$: ResponseCreateParamsBase has no key tool_resources"
    ]
    nested = {"type": "file_search", "vector_store_ids": ["vs_1"], "file_search": {"max_num_results": 3}}
    assert problems(nested, ToolParam)
    function = {"type": "function", "name": "f", "parameters": {}}  # no strict: required
    assert problems(function, ToolParam)
    ranker = {"type": "file_search", "vector_store_ids": ["vs_1"], "ranking_options": {"ranker": "x"}}
    assert problems(ranker, ToolParam)


@pytest.fixture(scope="module")
def create_response_schema() -> dict[str, Any]:
    path = SHARED_API / "openai-runtime-subset.yaml"
    if not path.exists():
        pytest.skip(f"the runtime spec subset is not at {path} (../shared is absent)")
    spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    nested = schemas["CompoundFilter"]["properties"]["filters"]["items"]["oneOf"]
    if nested[1] == {"$recursiveRef": "#"}:  # draft 2019 recursion, as plain $ref
        nested[1] = {"$ref": "#/components/schemas/CompoundFilter"}
    return {"$ref": "#/components/schemas/CreateResponse", "components": spec["components"]}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_a_create_response_of_the_spec(create_response_schema: Any, name: str) -> None:
    validator = jsonschema.Draft202012Validator(create_response_schema)
    errors = [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(EXAMPLES[name])]
    assert errors == []


def test_filters_are_a_create_response_of_the_spec(create_response_schema: Any) -> None:
    flt = {"type": "and", "filters": [{"type": "eq", "key": "lang", "value": "en"}]}
    a = assistant(tools=({"type": "file_search"},), vector_store="kb", file_search_filters=flt)
    request = responses_request(a, {"vector_store.kb": "vs_1"})
    assert request["tools"][0]["filters"] == flt
    assert list(jsonschema.Draft202012Validator(create_response_schema).iter_errors(request)) == []
    assert problems(request, ResponseCreateParamsBase) == []


# --- the mapping -------------------------------------------------------------------------


def test_what_an_assistant_has_that_a_request_does_not_is_left_out() -> None:
    a = assistant(metadata={"team": "x"}, temperature=0.5, top_p=1, reasoning_effort="low")
    assert responses_request(a, {}) == {
        "model": "gpt-4o",
        "instructions": "Help.",
        "temperature": 0.5,
        "top_p": 1.0,
        "reasoning": {"effort": "low"},
        "metadata": {"team": "x"},
    }


def test_functions_are_flat_with_strict_always_said() -> None:
    fn = {"name": "f", "description": "Does f.", "parameters": {"type": "object", "properties": {}}}
    a = assistant(
        tools=({"type": "function", "function": fn}, {"type": "function", "function": {"name": "g"}})
    )
    assert responses_request(a, {})["tools"] == [
        {
            "type": "function",
            "name": "f",
            "description": "Does f.",
            "parameters": fn["parameters"],
            "strict": False,
        },
        {"type": "function", "name": "g", "parameters": dict(EMPTY_PARAMETERS), "strict": False},
    ]


def test_rankers_are_mapped_and_ids_resolved() -> None:
    options = {
        "max_num_results": 8,
        "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.2},
    }
    a = assistant(tools=({"type": "file_search", "file_search": options},), vector_store="kb")
    tool = responses_request(a, {"vector_store.kb": "vs_1"})["tools"][0]
    assert tool == {
        "type": "file_search",
        "vector_store_ids": ["vs_1"],
        "max_num_results": 8,
        "ranking_options": {"ranker": "default-2024-11-15", "score_threshold": 0.2},
    }
    unranked = assistant(
        tools=({"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.5}}},),
        vector_store="kb",
    )
    assert responses_request(unranked, {})["tools"][0]["ranking_options"] == {
        "score_threshold": 0.5,
        "ranker": "auto",
    }


def test_ids_not_known_yet_say_so() -> None:
    a = assistant(tools=({"type": "file_search"},), vector_store="kb")
    request = responses_request(a, {})
    assert request["tools"][0]["vector_store_ids"] == [AFTER_APPLY]
    assert unresolved(request) and not unresolved(responses_request(a, {"vector_store.kb": "vs_1"}))


def test_response_formats_become_text_formats() -> None:
    js = {
        "type": "json_schema",
        "json_schema": {"name": "out", "description": "An answer", "schema": {"type": "object"}},
    }
    assert responses_request(assistant(response_format=js), {})["text"] == {
        "format": {
            "type": "json_schema",
            "name": "out",
            "schema": {"type": "object"},
            "strict": False,
            "description": "An answer",
        }
    }
    bare = {"type": "json_schema", "json_schema": {"name": "out", "strict": True}}
    assert responses_request(assistant(response_format=bare), {})["text"]["format"]["schema"] == {
        "type": "object"
    }
    assert responses_request(assistant(response_format={"type": "json_object"}), {})["text"] == {
        "format": {"type": "json_object"}
    }
    assert "text" not in responses_request(assistant(response_format="auto"), {})


def test_the_record_is_stable_json_of_the_request() -> None:
    request = EXAMPLES["customer-service"]
    content = record_content(request)
    assert json.loads(content) == request
    assert record_sha256(dict(reversed(list(request.items())))) == record_sha256(request)
    assert "智能客服" not in content.decode() and "订单号" in content.decode()  # UTF-8, no display name


def test_no_ownership_tag_is_ever_rendered() -> None:
    text = json.dumps(EXAMPLES)
    assert "asstctl_" not in text


def test_examples_dir_is_the_repository_one() -> None:
    assert (Path(REPO) / "assistants").is_dir()
