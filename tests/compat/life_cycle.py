"""The vector-store project both life-cycle checks deploy: the real OGX one (``run_ogx.py``) and
the emulator-profile one in CI (``tests/e2e/test_e2e_ogx_profile.py``). A name with a space
exercises filename rewriting; numbers in attributes exercise OGX's floats."""

MANIFEST = """\
kind: VectorStore
name: kb
metadata: {team: docs}
files:
  - path: docs/guide.md
    attributes: {lang: en, rank: 3}
  - path: "docs/my notes.md"
    attributes: {lang: fr}
  - docs/faq.md
"""

FILES = {
    "docs/guide.md": "# Guide\nStep one: install the tool. Step two: run it.\n",
    "docs/my notes.md": "# Notes\nThe guide explains installation.\n",
    "docs/faq.md": "# FAQ\nQ: why? A: because it is simple.\n",
}

ATTRIBUTE_EDIT = ("{lang: fr}", "{lang: fr, rank: 2}")
"""The attribute edit: ``MANIFEST.replace(*ATTRIBUTE_EDIT)``."""
