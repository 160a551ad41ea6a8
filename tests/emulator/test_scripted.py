"""The scripted model alone: a pure, deterministic stand-in for a language model."""

from __future__ import annotations

import pytest

from asstctl.emulator.scripted import (
    Answer,
    Failure,
    FunctionCall,
    Passage,
    after_tool_output,
    best_passage,
    decide,
    deltas,
    search_files,
    usage,
)
from asstctl.emulator.store import Store

HIT = Passage("file-1", "guide.md", "Refunds take 30 days.")


def test_call_a_known_function_with_compact_json_arguments() -> None:
    got = decide('call get_weather {"city": "Paris", "days": 2}', functions={"get_weather"}, search=None)
    assert got == FunctionCall("get_weather", '{"city":"Paris","days":2}')
    assert decide("  CALL ping", functions=["ping"], search=None) == FunctionCall("ping", "{}")


def test_call_an_unknown_function_or_with_bad_arguments_is_answered_not_called() -> None:
    unknown = decide("call nope {}", functions={"ping"}, search=None)
    assert isinstance(unknown, Answer) and "nope" in unknown.text and "no such function" in unknown.text
    bad = decide("call ping [1, 2]", functions={"ping"}, search=None)
    assert isinstance(bad, Answer) and "JSON object" in bad.text


def test_search_quotes_the_passage_and_cites_it() -> None:
    asked: list[str] = []

    def search(words: str) -> Passage | None:
        asked.append(words)
        return HIT if "refunds" in words else None

    assert decide("search refunds policy", functions=(), search=search) == Answer(
        'From guide.md: "Refunds take 30 days."', (HIT,)
    )
    assert decide("search unicorns", functions=(), search=search) == Answer("No results for: unicorns")
    assert asked == ["refunds policy", "unicorns"]
    assert "cannot search" in decide("search refunds", functions=(), search=None).text  # type: ignore[union-attr]


def test_anything_else_is_echoed_and_tool_output_is_quoted() -> None:
    assert decide("hello there", functions={"ping"}, search=None) == Answer("You said: hello there")
    assert decide("calling all", functions={"all"}, search=None) == Answer("You said: calling all")
    assert "42 °C" in after_tool_output("get_weather", "42 °C").text


def test_fail_code_fails_with_an_allowed_code_only() -> None:
    got = decide("  FAIL server_error ", functions=(), search=None)
    assert got == Failure("server_error", "The model failed as scripted (fail server_error).")
    assert isinstance(decide("fail invalid_prompt", functions=(), search=None), Failure)
    other = decide("fail teapot", functions=(), search=None)
    assert isinstance(other, Answer) and "cannot fail with teapot" in other.text
    assert "rate_limit_exceeded" in other.text
    assert decide("failing", functions=(), search=None) == Answer("You said: failing")


@pytest.mark.parametrize("text", ["You said: hello there", "  two words ", "a\nb  c", "one", ""])
def test_deltas_join_back_and_split_every_word(text: str) -> None:
    parts = deltas(text)
    assert "".join(parts) == text
    assert len(parts) == len(text.split())
    if len(text.split()) >= 2:
        assert len(parts) >= 2


def test_usage_counts_words() -> None:
    assert usage("be brief\nhello there", "You said: hello there") == (4, 4)


def test_best_passage_prefers_more_shared_words_then_the_earlier_file() -> None:
    files = [
        ("f1", "a.md", "# A\n\nShipping is slow.\n\nShipping is free over 50 euros."),
        ("f2", "b.md", "Free shipping for members."),
    ]
    assert best_passage(files, "free shipping") == Passage("f1", "a.md", "Shipping is free over 50 euros.")
    assert best_passage(files, "members") == Passage("f2", "b.md", "Free shipping for members.")
    assert best_passage(files, "unicorns") is None


def _upload(store: Store, name: str, content: bytes) -> str:
    blob = store.blobs.writer()
    blob.write(content)
    return str(
        store.create_file(filename=name, purpose="assistants", blob=blob, expires_after_seconds=None)["id"]
    )


def test_search_files_reads_the_completed_files_of_the_given_stores_only() -> None:
    store = Store()
    guide = _upload(store, "guide.md", b"# Guide\n\nReturns are accepted within 30 days.\n")
    other = _upload(store, "other.md", b"Returns are accepted within 30 days, always.\n")
    image = _upload(store, "image.png", b"Returns accepted")  # not searchable: ingestion fails
    first = store.create_vector_store({"file_ids": [guide, image]})["id"]
    second = store.create_vector_store({"file_ids": [other]})["id"]
    assert search_files(store, [first], "returns accepted") == Passage(
        guide, "guide.md", "Returns are accepted within 30 days."
    )
    assert search_files(store, [second, first], "returns 30 days")
    assert search_files(store, [second, first], "returns 30 days").file_id == other  # type: ignore[union-attr]
    assert search_files(store, [], "returns") is None
