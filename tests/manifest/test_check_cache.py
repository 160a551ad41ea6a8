"""Schema checks done once: user schemas by content, manifest documents already found valid."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, REPO
from jsonschema.exceptions import SchemaError

from asstctl.errors import ManifestError
from asstctl.manifest import checks, hashcache, load_project, schema

BAD_SCHEMAS: list[Any] = [
    {"type": "object", "properties": {"q": {"type": "strin"}}},
    {"type": "object", "required": "q"},
    {"type": "object", "properties": {"q": {"minLength": -1}}},
    {"type": "object", "additionalProperties": 3},
    {"type": 7},
]


def _reference(schema_value: Any, what: str) -> list[checks.Problem]:
    """json_schema_problems as it was, through ``check_schema``."""
    try:
        jsonschema.Draft202012Validator.check_schema(schema_value)
    except SchemaError as exc:
        where = tuple(exc.path)
        if where and where[-1] == "type":
            types = "string, number, integer, boolean, object, array, null"
            return [(where, f"{exc.instance!r} is not a JSON Schema type; use one of {types}")]
        return [(where, f"{what} is not a valid JSON Schema: {exc.message}; fix this keyword")]
    return []


@pytest.mark.parametrize("value", BAD_SCHEMAS)
def test_the_shared_metaschema_validator_reports_what_check_schema_did(value: Any) -> None:
    got = checks.json_schema_problems(value, what="the parameters schema", object_root=False)
    assert got == _reference(value, "the parameters schema") != []


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The schemas actually checked by json_schema_problems."""
    seen: list[Any] = []
    real = checks.json_schema_problems

    def counting(value: Any, **kwargs: Any) -> list[checks.Problem]:
        seen.append(value)
        return real(value, **kwargs)

    monkeypatch.setattr(checks, "json_schema_problems", counting)
    monkeypatch.setattr(checks, "_REMEMBERED", {})
    yield seen


def test_one_schema_content_is_checked_once(validations: list[Any]) -> None:
    strict = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    for _ in range(3):
        problems = checks.schema_value_problems(dict(strict), what="x", strict=True, object_root=True)
        assert [m for _, m in problems] == [
            "with strict: true, every object in x needs 'additionalProperties: false'; add it here"
        ]
    assert len(validations) == 1
    checks.schema_value_problems(dict(strict), what="x", strict=False, object_root=True)
    reordered = {"properties": strict["properties"], "type": "object", "required": ["q"]}
    checks.schema_value_problems(reordered, what="x", strict=True, object_root=True)
    assert len(validations) == 3  # other options, other key order: checked again


def test_equal_looking_values_of_other_types_are_not_conflated(validations: list[Any]) -> None:
    one = checks.schema_value_problems(
        {"type": "object", "maxProperties": 1}, what="x", strict=False, object_root=True
    )
    half = checks.schema_value_problems(
        {"type": "object", "maxProperties": 1.5}, what="x", strict=False, object_root=True
    )
    true = checks.schema_value_problems(
        {"type": "object", "maxProperties": True}, what="x", strict=False, object_root=True
    )
    assert one == [] and half != [] and true != [] and len(validations) == 3


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "p"
    shutil.copytree(EXAMPLES, root / "assistants")
    shutil.copytree(REPO / "agents", root / "agents")
    shutil.copy(REPO / "asstctl.yaml", root)
    monkeypatch.setattr(hashcache, "RACY_WINDOW_NS", 50_000_000)
    time.sleep(0.1)
    return root


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """The manifest documents actually validated against the schema."""
    seen: list[object] = []
    real = schema._validator

    class Counting:
        def __init__(self, definition: str | None) -> None:
            self.inner = real(definition)

        def iter_errors(self, data: object) -> Any:
            seen.append(data)
            return self.inner.iter_errors(data)

    monkeypatch.setattr(schema, "_validator", Counting)
    yield seen


def test_a_document_found_valid_is_not_validated_again(project: Path, validated: list[object]) -> None:
    cold = load_project(project)
    first = len(validated)
    assert first > 3
    assert load_project(project) == cold
    assert len(validated) == first
    bot = project / "assistants" / "math-tutor.yaml"
    bot.write_text(bot.read_text().replace("temperature: 0.2", "temperature: 0.3"))
    load_project(project)
    assert len(validated) == first + 1  # only the changed document


def test_invalid_documents_are_always_validated(project: Path, validated: list[object]) -> None:
    bot = project / "assistants" / "math-tutor.yaml"
    bot.write_text(bot.read_text().replace("temperature: 0.2", "temperature: 9"))
    errors = []
    for _ in range(2):
        with pytest.raises(ManifestError) as info:
            load_project(project)
        errors.append([str(d) for d in info.value.diagnostics])
    assert errors[0] == errors[1] and "temperature" in errors[0][0]
    bot.write_text(bot.read_text().replace("temperature: 9", "temperature: 0.2"))
    load_project(project)
