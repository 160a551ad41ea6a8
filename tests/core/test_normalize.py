"""Normalization: server-filled defaults, number forms and key order compare equal; the
request bodies send API defaults for omitted fields."""

from __future__ import annotations

import pytest
from records import desired_assistant

from asstctl.core import normalize as nz
from asstctl.core.model import DesiredAssistant


def _assistant(**kw: object) -> DesiredAssistant:
    return desired_assistant("a", display_name="A", **kw)


def test_omitted_fields_are_sent_as_api_defaults() -> None:
    body = nz.assistant_body(_assistant(), "st")
    assert (body["temperature"], body["top_p"], body["response_format"]) == (1.0, 1.0, "auto")
    # None: sent as null on modify (clears a value set earlier); the writer leaves it out on create
    assert body["description"] is None and body["reasoning_effort"] is None
    assert body["metadata"] == {"asstctl_stack": "st", "asstctl_address": "assistant.a", "asstctl_keys": ""}
    assert (
        nz.assistant_body(_assistant(reasoning_effort="low", temperature=1), "st")["reasoning_effort"]
        == "low"
    )


@pytest.mark.parametrize(
    ("sent", "returned", "model"),
    [
        (
            {"type": "function", "function": {"name": "f"}},
            {
                "type": "function",
                "function": {"name": "f", "parameters": {}, "strict": False, "description": None},
            },
            "gpt-4o",
        ),
        (
            {"type": "file_search"},
            {
                "type": "file_search",
                "file_search": {
                    "max_num_results": 20,
                    "ranking_options": {"ranker": "auto", "score_threshold": 0.0},
                },
            },
            "gpt-4o",
        ),
        (
            {"type": "file_search"},
            {"type": "file_search", "file_search": {"max_num_results": 5}},
            "gpt-3.5-turbo",
        ),
        ({"type": "file_search", "file_search": {}}, {"type": "file_search"}, "gpt-4o"),
        ({"type": "code_interpreter"}, {"type": "code_interpreter"}, "gpt-4o"),
    ],
)
def test_server_filled_tool_defaults_compare_equal(
    sent: dict[str, object], returned: dict[str, object], model: str
) -> None:
    assert nz.tool_form(sent, model) == nz.tool_form(returned, model)


def test_non_default_tool_settings_still_differ() -> None:
    base = {"type": "file_search"}
    assert nz.tool_form(base, "gpt-4o") != nz.tool_form(
        {"type": "file_search", "file_search": {"max_num_results": 5}}, "gpt-4o"
    )
    ranked = {"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.2}}}
    assert nz.tool_form(ranked, "gpt-4o") == {
        "type": "file_search",
        "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0.2}},
    }
    strict = {"type": "function", "function": {"name": "f", "strict": True}}
    assert nz.tool_form(strict, "m") != nz.tool_form({"type": "function", "function": {"name": "f"}}, "m")


def test_response_format_and_chunking_defaults() -> None:
    assert nz.response_format_form(None) == "auto"
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    assert nz.response_format_form(schema) == nz.response_format_form(
        {
            "type": "json_schema",
            "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": False, "description": None},
        }
    )
    auto = nz.chunking_form({"type": "auto"})
    assert (
        auto
        == nz.chunking_form(None)
        == nz.chunking_form(
            {"type": "static", "static": {"chunk_overlap_tokens": 400, "max_chunk_size_tokens": 800.0}}
        )
    )
    assert auto != nz.chunking_form({"type": "other"})


def test_canonical_numbers_and_key_order() -> None:
    assert nz.canonical({"b": [1.0, 2.5], "a": {"y": 3, "x": 0.0}}) == {"a": {"x": 0, "y": 3}, "b": [1, 2.5]}
    assert list(nz.canonical({"b": 1, "a": 2})) == ["a", "b"]


def test_live_form_matches_desired_after_create() -> None:
    """What the emulator/OpenAI returns for a created assistant normalizes to the desired form."""
    from asstctl.core.live import LiveState

    a = _assistant(temperature=0.3, metadata={"team": "x"})
    raw = {
        "id": "asst_1",
        "model": "gpt-4o",
        "name": "A",
        "description": None,
        "instructions": "Help.",
        "tools": [],
        "tool_resources": {"code_interpreter": {"file_ids": []}},
        "metadata": {"team": "x", "asstctl_stack": "st", "asstctl_address": "assistant.a"},
        "temperature": 0.3,
        "top_p": 1,
        "response_format": None,
    }
    live = LiveState(stack="st", assistants={}, vector_stores={}, files={})
    assert nz.live_assistant_form(raw, live, desired=a) == nz.desired_assistant_form(a, "st")
