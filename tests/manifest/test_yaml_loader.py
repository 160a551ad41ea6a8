"""Safe YAML: positions for every node, core types only, and limits that refuse hostile input fast."""

from __future__ import annotations

import time
from pathlib import Path

from asstctl.manifest.yaml_loader import MAX_ALIASES, MAX_FILE_BYTES, Pos, load_yaml_file, load_yaml_text


def test_values_and_keys_have_1_based_positions() -> None:
    docs, problems = load_yaml_text("a: 1\nb:\n  - x\n  - {c: true}\n", "f.yaml")
    assert problems == []
    (doc,) = docs
    assert doc.data == {"a": 1, "b": ["x", {"c": True}]}
    assert doc.pos(("b", 1, "c")) == Pos(4, 9)
    assert doc.pos(("b", 1, "c"), key=True) == Pos(4, 6)
    assert doc.pos(("b", 1, "missing")) == Pos(4, 5)  # nearest known ancestor


def test_multiple_documents_and_empty_ones_are_skipped() -> None:
    docs, problems = load_yaml_text("---\na: 1\n---\n---\nb: 2\n", "f.yaml")
    assert problems == [] and [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].start == Pos(5, 1)


def test_timestamps_stay_strings_and_merge_keys_work() -> None:
    docs, _ = load_yaml_text("base: &b {x: 1, y: 2}\nd: {<<: *b, y: 3}\nwhen: 2024-01-01\n", "f.yaml")
    assert docs[0].data["d"] == {"x": 1, "y": 3}
    assert docs[0].data["when"] == "2024-01-01"


def test_merged_keys_are_located_where_the_anchor_wrote_them() -> None:
    docs, _ = load_yaml_text("base: &b\n  x: 1\nd:\n  <<: *b\n  y: 3\n", "f.yaml")
    doc = docs[0]
    assert doc.pos(("d", "x"), key=True) == Pos(2, 3) and doc.pos(("d", "x")) == Pos(2, 6)
    assert doc.pos(("d", "y"), key=True) == Pos(5, 3)


def test_unknown_tags_are_refused() -> None:
    for text in ("a: !!python/object:os.system x\n", "a: !custom 1\n", "a: !!set {x}\n"):
        docs, problems = load_yaml_text(text, "f.yaml")
        assert docs == [] and "is not allowed" in problems[0].message, text
        assert (problems[0].line, problems[0].field) == (1, "a")


def test_recursive_alias_is_refused() -> None:
    _, problems = load_yaml_text("a: &x [1, *x]\n", "f.yaml")
    assert "recursive alias" in problems[0].message


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    _, problems = load_yaml_text(text, "f.yaml")
    assert f"more than {MAX_ALIASES:,} aliases" in problems[0].message


def test_an_alias_bomb_is_refused_quickly() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        text += f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 1 else f'l{i - 1}'}"] * 10) + "]\n"
    started = time.monotonic()
    _, problems = load_yaml_text(text, "f.yaml")
    assert time.monotonic() - started < 2
    assert "alias bomb" in problems[0].message


def test_deep_nesting_is_refused() -> None:
    _, problems = load_yaml_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml")
    assert "deeper than 64" in problems[0].message


def test_an_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w", encoding="utf-8") as f:
        f.write("a: '")
        f.write("x" * MAX_FILE_BYTES)
        f.write("'\n")
    docs, problems = load_yaml_file(big, "big.yaml")
    assert docs == [] and "manifests are limited to" in problems[0].message
    assert (problems[0].line, problems[0].col) == (1, 1)


def test_non_utf8_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "latin.yaml"
    f.write_bytes(b"a: caf\xe9\n")
    _, problems = load_yaml_file(f, "latin.yaml")
    assert "not UTF-8" in problems[0].message


def test_infinite_and_nan_numbers_are_refused() -> None:
    for text in ("temperature: .nan\n", "top_p: -.inf\n"):
        docs, problems = load_yaml_text(text, "f.yaml")
        assert docs == [] and "not a finite number" in problems[0].message


def test_a_file_that_cannot_be_read_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    # a directory stands in for an unreadable file (tests run as root, so permissions cannot)
    docs, problems = load_yaml_file(tmp_path, "assistants/odd.yaml")
    assert docs == []
    (problem,) = problems
    assert problem.file == "assistants/odd.yaml"
    assert problem.message.startswith("cannot be read (") and "readable file" in problem.message
