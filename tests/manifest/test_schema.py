"""The JSON Schema is the single, fully described definition of the manifest language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from conftest import REPO

from asstctl.manifest.schema import manifest_schema, schema_diagnostics
from asstctl.manifest.yaml_loader import load_yaml_text

SOURCE = REPO / "schemas" / "manifest.schema.json"


def test_the_package_ships_the_one_schema() -> None:
    assert manifest_schema() == json.loads(SOURCE.read_text(encoding="utf-8"))
    assert (REPO / "asstctl" / "data" / "manifest.schema.json").resolve() == SOURCE.resolve()


def test_it_is_a_valid_2020_12_schema() -> None:
    schema = manifest_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def _properties(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{i}]")


def test_every_field_is_described() -> None:
    undocumented = [
        path
        for path, sub in _properties(manifest_schema(), "")
        if sub is not True and "description" not in sub and "$ref" not in sub and "/if" not in path
    ]
    assert undocumented == []
    assert len(list(_properties(manifest_schema(), ""))) > 50
    for name, definition in manifest_schema()["$defs"].items():
        assert "description" in definition, name


def test_the_readme_examples_follow_the_schema() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("kind: ")]
    assert {b.split("\n", 1)[0] for b in blocks} == {"kind: Assistant", "kind: VectorStore"}
    for block in blocks:
        docs, problems = load_yaml_text(block, "README.md")
        assert problems == []
        assert schema_diagnostics(docs[0]) == [], block
