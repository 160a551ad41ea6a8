"""load_project: the typed desired model built from a project, per the rules the team codes against."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from asstctl.errors import ManifestError, UsageError
from asstctl.manifest import load_project


def _project(root: Path, files: dict[str, str], config: str = "stack: demo\n") -> Path:
    (root / "asstctl.yaml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


EMPTY_STRICT = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
BASE = "kind: Assistant\nname: bot\nmodel: gpt-4o-mini\n"


def _errors(root: Path) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_project(root)
    return [str(d) for d in info.value.diagnostics]


def test_project_settings_and_defaults(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {"assistants/bot.yaml": BASE + "instructions: hi\n"},
        "stack: demo\nendpoint: {base_url: 'http://127.0.0.1:9/v1'}\n",
    )
    project = load_project(tmp_path)
    assert (project.stack, project.base_url) == ("demo", "http://127.0.0.1:9/v1")
    (bot,) = project.assistants
    assert (bot.display_name, bot.instructions, bot.tools, bot.vector_store) == ("bot", "hi", (), None)
    assert (bot.location.file, bot.location.line) == ("assistants/bot.yaml", 1)
    assert bot.address == "assistant.bot"


def test_tools_are_in_api_form(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "agents/bot.yaml": BASE
            + "instructions_file: prompt.md\n"
            + "tools:\n"
            + "  - {type: function, name: f, parameters_file: fn/f.json, strict: true}\n"
            + "  - {type: function, name: g}\n"
            + "  - {type: code_interpreter, files: [data/*.csv]}\n"
            + "  - {type: file_search, vector_store: kb}\n"
            + "---\nkind: VectorStore\nname: kb\n",
            "agents/prompt.md": "Be brief.\n",
            "agents/fn/f.json": json.dumps(EMPTY_STRICT),
            "agents/data/b.csv": "x\n1\n",
            "agents/data/a.csv": "x\n2\n",
        },
        "stack: demo\nmanifests: ['agents/*.yaml']\n",
    )
    project = load_project(tmp_path)
    (bot,) = project.assistants
    assert bot.instructions == "Be brief.\n"
    assert bot.tools == (
        {
            "type": "function",
            "function": {
                "name": "f",
                "parameters": EMPTY_STRICT,
                "strict": True,
            },
        },
        {"type": "function", "function": {"name": "g"}},
        {"type": "code_interpreter"},
        {"type": "file_search"},
    )
    assert [f.path for f in bot.code_interpreter_files] == ["agents/data/a.csv", "agents/data/b.csv"]
    assert bot.vector_store == "kb"
    (kb,) = project.vector_stores
    assert (kb.files, kb.chunking_strategy, kb.expires_after) == ((), None, None)


def test_inline_vector_store_is_hoisted(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "assistants/team/bot.yaml": BASE
            + "instructions: hi\nlifecycle: {prevent_destroy: true}\n"
            + "tools:\n  - type: file_search\n    max_num_results: 3\n"
            + "    vector_store:\n      files: [docs/*.md]\n"
            + "      chunking_strategy:\n"
            + "        {type: static, max_chunk_size_tokens: 400, chunk_overlap_tokens: 200}\n",
            "assistants/team/docs/a.md": "# A\n",
        },
    )
    project = load_project(tmp_path)
    (bot,) = project.assistants
    assert bot.vector_store == "bot.files"
    assert bot.tools == ({"type": "file_search", "file_search": {"max_num_results": 3}},)
    (store,) = project.vector_stores
    assert (store.name, store.display_name, store.prevent_destroy) == ("bot.files", "bot.files", True)
    assert [f.path for f in store.files] == ["assistants/team/docs/a.md"]
    assert store.chunking_strategy == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 200},
    }
    assert store.address == "vector_store.bot.files"


def test_files_are_hashed_sorted_and_explicit_attributes_win(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "assistants/kb.yaml": "kind: VectorStore\nname: kb\nfiles:\n"
            "  - path: docs/b.md\n    attributes: {lang: en, rank: 2, public: true}\n"
            "  - docs/**/*.md\n"
            "chunking_strategy: {type: auto}\n",
            "assistants/docs/b.md": "bbb\n",
            "assistants/docs/sub/a.md": "aaa\n",
        },
    )
    (kb,) = load_project(tmp_path).vector_stores
    assert [f.path for f in kb.files] == ["assistants/docs/b.md", "assistants/docs/sub/a.md"]
    b, a = kb.files
    assert dict(b.attributes) == {"lang": "en", "rank": 2, "public": True}
    assert dict(a.attributes) == {}
    assert (a.sha256, a.size) == (hashlib.sha256(b"aaa\n").hexdigest(), 4)
    assert kb.chunking_strategy is None


def test_fingerprint_is_stable_and_follows_every_input(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "assistants/bot.yaml": BASE + "instructions_file: p.md\n",
            "assistants/p.md": "one\n",
        },
    )
    first = load_project(root).fingerprint
    assert load_project(root).fingerprint == first
    (root / "assistants" / "p.md").write_text("two\n", encoding="utf-8")
    second = load_project(root).fingerprint
    assert second != first
    (root / "asstctl.yaml").write_text("stack: demo  # same stack\n", encoding="utf-8")
    assert load_project(root).fingerprint not in (first, second)


def test_instructions_file_over_the_limit(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {"assistants/bot.yaml": BASE + "instructions_file: p.md\n", "assistants/p.md": "x" * 256_001},
    )
    (error,) = _errors(tmp_path)
    assert error.startswith("assistants/bot.yaml:4:20: instructions_file: ") and "256,000" in error


def test_inline_store_rejects_unknown_fields(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "assistants/bot.yaml": BASE
            + "instructions: hi\ntools:\n  - type: file_search\n"
            + "    vector_store:\n      name: x\n      fils: []\n"
        },
    )
    errors = _errors(tmp_path)
    assert any("tools[0].vector_store.fils: unknown field 'fils'; did you mean 'files'?" in e for e in errors)
    assert any("tools[0].vector_store.name: unknown field 'name'" in e for e in errors)


def test_a_glob_with_attributes_twice_over_one_file_is_an_error(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "assistants/kb.yaml": "kind: VectorStore\nname: kb\nfiles:\n"
            "  - {path: '*.md', attributes: {a: 1}}\n  - {path: x.md, attributes: {a: 2}}\n",
            "assistants/x.md": "x\n",
        },
    )
    (error,) = _errors(tmp_path)
    assert error.startswith("assistants/kb.yaml:5:5: files[1]: assistants/x.md is already listed as files[0]")


def test_missing_project_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not an asstctl project"):
        load_project(tmp_path)
    with pytest.raises(UsageError, match="not a directory"):
        load_project(tmp_path / "nope")


def test_no_manifests_under_the_default_glob(tmp_path: Path) -> None:
    _project(tmp_path, {})
    (error,) = _errors(tmp_path)
    assert error.startswith("asstctl.yaml:1:1: manifests: no manifests found under the default")


def test_a_broken_vector_store_is_reported_once_not_also_as_missing(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "assistants/bot.yaml": BASE
            + "instructions: hi\ntools: [{type: file_search, vector_store: kb}]\n",
            "assistants/kb.yaml": "kind: VectorStore\nname: kb\n"
            "expires_after: {anchor: last_active_at, days: 0}\n",
        },
    )
    (error,) = _errors(tmp_path)
    assert error.startswith("assistants/kb.yaml:3:47: expires_after.days: must be between 1 and 365")
