"""Views of one :class:`~asstctl.core.plan.Plan`: text (Terraform-like), JSON, markdown.

Each is a pure function of the plan; commands choose one and print it.
"""

from __future__ import annotations

from asstctl.render.jsondoc import plan_document, render_json
from asstctl.render.markdown import render_markdown
from asstctl.render.text import render_notes, render_text

__all__ = ["plan_document", "render_json", "render_markdown", "render_notes", "render_text"]
