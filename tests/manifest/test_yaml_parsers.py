"""libyaml's C parser under the safe composer gives exactly what the pure-Python parser gives.

The whole manifest suite can also run on one parser: ``ASSTCTL_YAML_PARSER=python pytest``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, REPO

from asstctl.errors import ManifestError
from asstctl.manifest import load_project, yaml_loader
from asstctl.manifest.yaml_loader import load_yaml_file, load_yaml_text

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

BAD = REPO / "tests" / "cases" / "bad"
YAML_FILES = sorted(
    p for d in (EXAMPLES, REPO / "agents", REPO / "tests" / "cases") for p in d.rglob("*.yaml")
)
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.yaml"))


def _parsers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Yield twice: with libyaml, then with the pure-Python parser."""
    for use in (True, False):
        monkeypatch.setattr(yaml_loader, "USE_LIBYAML", use)
        yield


def _text_both(monkeypatch: pytest.MonkeyPatch, text: str) -> list[object]:
    return [load_yaml_text(text, "f.yaml") for _ in _parsers(monkeypatch)]


def _rel(p: Path) -> str:
    return p.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=_rel)
def test_example_positions_are_the_same_under_both_parsers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_loader.libyaml_agrees(text)
    c_docs, c_problems = yaml_loader._load(yaml_loader._LOADERS[0](text), "f")  # libyaml, no fallback
    docs, problems = yaml_loader._load(yaml_loader._PureLoader(text), "f")
    assert yaml_loader._LOADERS[0] is not yaml_loader._PureLoader
    assert c_problems == problems == []
    assert [(d.data, d.start, dict(d.values), dict(d.keys)) for d in c_docs] == [
        (d.data, d.start, dict(d.values), dict(d.keys)) for d in docs
    ]
    assert sum(len(d.values) for d in docs) > 5


@pytest.mark.parametrize("path", YAML_FILES, ids=_rel)
def test_every_yaml_file_in_the_repo_loads_the_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c, pure = [load_yaml_file(path, path.name) for _ in _parsers(monkeypatch)]
    assert c == pure


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir() if p.is_dir()))
def test_bad_projects_give_the_same_diagnostics(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    for _ in _parsers(monkeypatch):
        with pytest.raises(ManifestError) as info:
            load_project(BAD / case)
        seen.append([str(d) for d in info.value.diagnostics])
    assert seen[0] == seen[1] and seen[0]


DIVERGING = [  # inputs where libyaml alone accepts more, or places a node elsewhere
    "a: 1\t[x]\n",
    "b: 1:[!foo\t@\n",
    "!\n",
    "a: !foo x\n",
    "!:!foo  b:\nk: v\n",
    "? x\n",
    "a: >#c\n  x\n",
    "{b: }\n",
    "{b:\n}\n",
    "x: [ab: 1, c? d]\n",
    "k: v\n\ufeffx: y\n",
    "%YAML 1.1\n---\na: 1\n",
    "a:\nb: 1\n",
    "{b:}\n",
    "a: '\ud800'\n",
]


@pytest.mark.parametrize("text", DIVERGING)
def test_where_libyaml_differs_the_pure_parser_decides(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def outcome() -> object:
        try:
            return load_yaml_text(text, "f.yaml")
        except yaml.YAMLError as exc:  # a lone surrogate stops the pure reader (as it always did)
            return repr(exc)

    c, pure = [outcome() for _ in _parsers(monkeypatch)]
    assert c == pure


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
        ),
        "a: " + "[" * 70 + "]" * 70 + "\n",
        "a: &x\n  b: *x\n",
        "".join(f"k{i}: &a{i} v\n" for i in range(5)) + "l: [" + ", ".join(["*a1"] * 10_001) + "]\n",
    ],
    ids=["alias-bomb", "too-deep", "recursive-alias", "too-many-aliases"],
)
def test_the_limits_hold_on_the_libyaml_path_itself(text: str) -> None:
    c = yaml_loader._load(yaml_loader._LOADERS[0](text), "f")
    pure = yaml_loader._load(yaml_loader._PureLoader(text), "f")
    assert c == pure
    assert c[1] and ("refused" in c[1][0].message or "invalid YAML" in c[1][0].message)


def test_mutated_manifests_load_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(14)
    texts = [p.read_text(encoding="utf-8") for p in YAML_FILES]
    chars = list(" \n:-[]{},#'\"|>&*!?%@`\\ab0.\t")
    for _ in range(400):
        t = list(rng.choice(texts))
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(t))
            if rng.random() < 0.5:
                t.insert(pos, rng.choice(chars))
            else:
                t[pos] = rng.choice(chars)
        c, pure = _text_both(monkeypatch, "".join(t))
        assert c == pure, "".join(t)


def test_the_environment_switch_forces_the_pure_parser() -> None:
    code = "from asstctl.manifest import yaml_loader; print(yaml_loader.USE_LIBYAML)"
    for value, want in (("python", "False"), ("", "True")):
        env = {**os.environ, "ASSTCTL_YAML_PARSER": value}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.stdout.strip() == want, out.stderr
