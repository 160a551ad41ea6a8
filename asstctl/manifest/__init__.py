"""Manifests → the typed desired model: safe YAML, the JSON Schema, semantic checks. Offline."""

from __future__ import annotations

from asstctl.manifest.loader import load_project

__all__ = ["load_project"]
