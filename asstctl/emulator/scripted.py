"""The scripted model: the sandbox's deterministic stand-in for a language model.

Both the Responses API (``responses.py``) and the threads/runs API (``runs.py``) answer with it.
It reads the **last user message** and follows this script (the keywords ``call``, ``search``
and ``fail`` are matched case-insensitively, after leading whitespace):

``call NAME {json}``
    Calls the function tool ``NAME`` with the JSON arguments (sent back compact, e.g.
    ``{"city":"Paris"}``; no JSON at all means ``{}``). When the request offers no function
    named ``NAME``, or the arguments are not a JSON object, the model answers with a sentence
    saying so instead of calling anything.

``search WORDS``
    Searches the files of the vector stores given to the file_search tool for ``WORDS`` and
    answers ``From FILENAME: "PASSAGE"`` citing that file, where PASSAGE is the paragraph
    (text between blank lines) sharing the most distinct words with ``WORDS`` (case-insensitive;
    a tie goes to the earlier file, then the earlier paragraph). Without a match it answers
    ``No results for: WORDS``; without a file_search tool, ``I cannot search: no file_search
    tool is available.``

``fail CODE``
    Fails, for tests of failure handling: a run ends ``failed`` with ``last_error`` and a
    response ends ``failed`` with ``error`` (streamed: ``response.failed``), both
    ``{"code": CODE, "message": "The model failed as scripted (fail CODE)."}``. CODE is one of
    ``server_error``, ``rate_limit_exceeded`` and ``invalid_prompt`` (the codes a run's
    ``last_error`` may carry); any other is answered with a sentence listing them.

anything else
    Answers ``You said: MESSAGE``.

After a function call, the tool output given back (``function_call_output`` in the Responses
API, ``submit_tool_outputs`` in runs) is answered with ``The function NAME returned: OUTPUT``.

Streamed answers arrive one word per text delta. Token usage counts words (whitespace-separated):
the prompt's for input tokens, the answer's (or the call's arguments') for output tokens.
Everything here is pure and deterministic except ``search_files``, which reads the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asstctl.emulator.store import Store


@dataclass(frozen=True)
class Passage:
    """A search hit: the best-matching paragraph of one File."""

    file_id: str
    filename: str
    text: str


@dataclass(frozen=True)
class FunctionCall:
    """The model calls function ``name``; ``arguments`` is compact JSON text."""

    name: str
    arguments: str


@dataclass(frozen=True)
class Answer:
    """The model answers ``text``, citing ``citations`` (at most one passage in this script)."""

    text: str
    citations: tuple[Passage, ...] = ()


@dataclass(frozen=True)
class Failure:
    """The model fails with the API error ``code`` and ``message`` (see ``fail CODE``)."""

    code: str
    message: str


FAIL_CODES = ("server_error", "rate_limit_exceeded", "invalid_prompt")
"""The codes ``fail CODE`` accepts: those both a run's ``last_error`` and a response's ``error`` allow."""

_CALL = re.compile(r"\s*call\s+(?P<name>\S+)\s*(?P<args>.*)", re.IGNORECASE | re.DOTALL)
_SEARCH = re.compile(r"\s*search\s+(?P<words>.*\S)\s*", re.IGNORECASE | re.DOTALL)
_FAIL = re.compile(r"\s*fail\s+(?P<code>\S+)\s*", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[^\W_]+")


def decide(
    message: str, *, functions: Collection[str], search: Callable[[str], Passage | None] | None
) -> FunctionCall | Answer | Failure:
    """What the model does with the user's ``message`` (see the module docstring)."""
    m = _CALL.fullmatch(message)
    if m:
        return _call(m["name"], m["args"].strip(), functions)
    m = _FAIL.fullmatch(message)
    if m:
        code = m["code"]
        if code not in FAIL_CODES:
            return Answer(f"I cannot fail with {code}: the codes are {', '.join(FAIL_CODES)}.")
        return Failure(code, f"The model failed as scripted (fail {code}).")
    m = _SEARCH.fullmatch(message)
    if m:
        words = m["words"]
        if search is None:
            return Answer("I cannot search: no file_search tool is available.")
        hit = search(words)
        if hit is None:
            return Answer(f"No results for: {words}")
        return Answer(f'From {hit.filename}: "{hit.text}"', (hit,))
    return Answer(f"You said: {message}")


def _call(name: str, raw: str, functions: Collection[str]) -> FunctionCall | Answer:
    if name not in functions:
        offered = ", ".join(sorted(functions)) or "none"
        return Answer(f"I cannot call {name}: there is no such function (available: {offered}).")
    try:
        args = json.loads(raw) if raw else {}
    except ValueError:
        args = None
    if not isinstance(args, dict):
        return Answer(f"I cannot call {name}: the arguments must be a JSON object, not {raw}.")
    return FunctionCall(name, json.dumps(args, separators=(",", ":"), ensure_ascii=False))


def after_tool_output(name: str, output: str) -> Answer:
    """The answer once function ``name`` has returned ``output`` (quoted verbatim)."""
    return Answer(f"The function {name} returned: {output}")


def deltas(text: str) -> list[str]:
    """``text`` in streaming chunks, one word (with the whitespace after it) each; they join back
    to ``text`` (leading whitespace stays with the first word; no chunks for empty text)."""
    if not text:
        return []
    parts = re.split(r"(?<=\s)(?=\S)", text)
    if len(parts) > 1 and not parts[0].strip():
        parts[:2] = [parts[0] + parts[1]]
    return parts


def usage(prompt: str, completion: str) -> tuple[int, int]:
    """Deterministic ``(input_tokens, output_tokens)``: the number of words in each."""
    return len(prompt.split()), len(completion.split())


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def passages(text: str) -> list[str]:
    """The paragraphs of ``text``: runs of non-blank lines, inner whitespace kept, ends trimmed."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def best_passage(files: Sequence[tuple[str, str, str]], query: str) -> Passage | None:
    """The passage of ``files`` (``(file_id, filename, text)``) sharing the most distinct words
    with ``query``; ties go to the earlier file, then the earlier paragraph; None without a match."""
    wanted = _words(query)
    best: Passage | None = None
    best_score = 0
    for file_id, filename, text in files:
        for para in passages(text):
            score = len(wanted & _words(para))
            if score > best_score:
                best, best_score = Passage(file_id, filename, para), score
    return best


def search_files(store: Store, vector_store_ids: Sequence[str], query: str) -> Passage | None:
    """Search the ingested (``completed``) files of the given vector stores, in the order of
    ``vector_store_ids`` then of attachment, for the passage best matching ``query``."""
    order = {vs_id: i for i, vs_id in reversed(list(enumerate(vector_store_ids)))}
    attached = [
        f
        for f in store.objects("vector_store_files")
        if f["vector_store_id"] in order and f["status"] == "completed"
    ]
    attached.sort(key=lambda f: order[f["vector_store_id"]])  # stable: attachment order kept
    names = {f["id"]: f["filename"] for f in store.objects("files")}
    files: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for f in attached:
        fid = f["id"]
        if fid in seen or fid not in names:
            continue
        seen.add(fid)
        text = bytes(store.blobs.read(fid)).decode("utf-8", errors="replace")
        files.append((fid, names[fid], text))
    return best_passage(files, query)
