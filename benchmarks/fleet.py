"""The benchmark fleet: a generated project of assistants, vector stores and files."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

STACK = "bench"


@dataclass
class Fleet:
    assistants: int
    stores: int
    files: int
    big_mb: int
    min_kb: int = 2
    max_kb: int = 50

    def scaled(self, factor: int) -> Fleet:
        """The same fleet ``factor`` times over (the big file stays one file)."""
        return Fleet(self.assistants * factor, self.stores * factor, self.files * factor, self.big_mb)


def generate(root: Path, fleet: Fleet, seed: int = 1) -> list[Path]:
    """Write a project with the fleet; return the paths of the small files (for the 1% change)."""
    rng = random.Random(seed)
    (root / "assistants").mkdir(parents=True)
    (root / "asstctl.yaml").write_text(f"stack: {STACK}\nmanifests:\n  - assistants/**/*.yaml\n")
    small: list[Path] = []
    docs = root / "assistants" / "docs"
    for i in range(fleet.files):
        d = docs / f"vs-{i % fleet.stores:02d}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"doc-{i:05d}.md"
        size = rng.randint(fleet.min_kb, fleet.max_kb) * 1024
        p.write_bytes(_text(rng, size))
        small.append(p)
    if fleet.big_mb:
        big = docs / "big"
        big.mkdir(parents=True)
        with (big / "manual.txt").open("wb") as fh:
            chunk = _text(rng, 1024 * 1024)
            for _ in range(fleet.big_mb):
                fh.write(chunk)
    lines: list[str] = []
    for s in range(fleet.stores):
        globs = [f"docs/vs-{s:02d}/*.md"] + (["docs/big/manual.txt"] if s == 0 and fleet.big_mb else [])
        lines += ["---", "kind: VectorStore", f"name: vs-{s:02d}", "files:"]
        lines += [f"  - {g}" for g in globs]
    (root / "assistants" / "stores.yaml").write_text("\n".join(lines[1:]) + "\n")
    lines = []
    for a in range(fleet.assistants):
        lines += [
            "---",
            "kind: Assistant",
            f"name: bot-{a:03d}",
            "model: gpt-4o-mini",
            f"instructions: You are benchmark assistant number {a}. Answer briefly.",
            "temperature: 0.2",
            "tools:",
            "  - type: function",
            "    name: lookup",
            "    description: Look a thing up",
            "    parameters: {type: object, properties: {q: {type: string}}, required: [q]}",
            "  - type: file_search",
            f"    vector_store: vs-{a % fleet.stores:02d}",
        ]
    (root / "assistants" / "assistants.yaml").write_text("\n".join(lines[1:]) + "\n")
    return small


def _text(rng: random.Random, size: int) -> bytes:
    words = [b"alpha", b"beta", b"gamma", b"delta", b"vector", b"store", b"assistant", b"file"]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) + (b"\n" if rng.random() < 0.1 else b" ")
    return bytes(out[:size])


def floor_requests(fleet: Fleet) -> int:
    """Requests a read needs at the least: one page per 100 assistants, stores and each store's files."""
    per_store = [
        fleet.files // fleet.stores + (1 if s < fleet.files % fleet.stores else 0)
        for s in range(fleet.stores)
    ]
    if fleet.big_mb:
        per_store[0] += 1
    return (
        math.ceil(fleet.assistants / 100)
        + math.ceil(fleet.stores / 100)
        + sum(math.ceil(n / 100) for n in per_store)
    )
