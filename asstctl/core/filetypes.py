"""Which files OpenAI file search can ingest, by extension (shared by validate and the emulator)."""

from __future__ import annotations

FILE_SEARCH_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".c",
        ".cpp",
        ".cs",
        ".css",
        ".doc",
        ".docx",
        ".go",
        ".html",
        ".java",
        ".js",
        ".json",
        ".md",
        ".pdf",
        ".php",
        ".pptx",
        ".py",
        ".rb",
        ".sh",
        ".tex",
        ".ts",
        ".txt",
    }
)
"""Extensions file search accepts (lower case, with the dot)."""


def extension(name: str) -> str:
    """The lower-case extension of ``name`` with its dot, or "" if it has none."""
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.lstrip(".") else ""


def file_search_accepts(name: str) -> bool:
    """True if file search can parse a file called ``name``."""
    return extension(name) in FILE_SEARCH_EXTENSIONS
