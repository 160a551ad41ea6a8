"""``asstctl run`` on the Responses API renders the request with the plan's ids: of several
Files with a code-interpreter file's content, the oldest (as the differ and apply choose)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from asstctl.commands.run_target import responses_kwargs
from asstctl.core.model import LocalFile, Project
from asstctl.core.ownership import upload_filename
from asstctl.kinds.assistant.record import interpret_records
from asstctl.kinds.vector_store.kind import interpret as interpret_stores
from asstctl.remote.reader import assemble

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from records import desired_assistant

STACK = "s"
CSV = LocalFile("data/sales.csv", Path("/nonexistent"), hashlib.sha256(b"x").hexdigest(), 1)


def upload(fid: str, created: int) -> dict[str, Any]:
    return {
        "id": fid,
        "object": "file",
        "filename": upload_filename(STACK, CSV.sha256, CSV.basename),
        "bytes": 1,
        "created_at": created,
        "purpose": "assistants",
    }


def test_the_oldest_duplicate_file_is_used_as_the_plan_does() -> None:
    a = desired_assistant("tutor", tools=({"type": "code_interpreter"},), code_interpreter_files=(CSV,))
    files = [upload("file-a-newer", 9), upload("file-z-oldest", 1), upload("file-m", 5)]
    fetched = {
        "vector_store": interpret_stores(STACK, [], {}),
        "assistant": interpret_records(STACK, files, "assistant", ()),
    }
    live = assemble(STACK, fetched, files)
    project = Project(Path("."), STACK, None, resources={"assistant": (a,)})

    kwargs = responses_kwargs(a, project, live)

    assert kwargs["tools"] == [
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-z-oldest"]}}
    ]
