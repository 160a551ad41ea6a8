"""The differ on hand-built desired records and recorded raw live objects (no network)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from records import desired_assistant

from asstctl.core.differ import build_plan
from asstctl.core.live import LiveState
from asstctl.core.model import DesiredAssistant, DesiredVectorStore, LocalFile, Location, Project
from asstctl.core.ownership import ownership_metadata, upload_filename
from asstctl.core.plan import Action, FileAction
from asstctl.errors import UsageError
from asstctl.remote.reader import interpret

STACK = "st"


def _file(path: str, content: str, **attributes: Any) -> LocalFile:
    digest = hashlib.sha256(content.encode()).hexdigest()
    return LocalFile(
        path=path, abspath=Path("/nowhere") / path, sha256=digest, size=len(content), attributes=attributes
    )


def _store(name: str, *files: LocalFile, **kw: Any) -> DesiredVectorStore:
    base: dict[str, Any] = dict(
        name=name,
        display_name=name,
        files=files,
        chunking_strategy=None,
        expires_after=None,
        metadata={},
        prevent_destroy=False,
        location=Location("m.yaml"),
    )
    base.update(kw)
    return DesiredVectorStore(**base)


def _assistant(name: str, **kw: Any) -> DesiredAssistant:
    return desired_assistant(name, **kw)


def _project(*resources: DesiredAssistant | DesiredVectorStore) -> Project:
    return Project(
        root=Path("/nowhere"),
        stack=STACK,
        base_url=None,
        assistants=tuple(r for r in resources if isinstance(r, DesiredAssistant)),
        vector_stores=tuple(r for r in resources if isinstance(r, DesiredVectorStore)),
        fingerprint="fp",
    )


def _live_assistant(i: str, a: DesiredAssistant, **extra: Any) -> dict[str, Any]:
    return {
        "id": i,
        "model": a.model,
        "name": a.display_name,
        "instructions": a.instructions,
        "tools": [],
        "metadata": ownership_metadata(STACK, a.address),
        "temperature": 1.0,
        "top_p": 1.0,
        "response_format": "auto",
        **extra,
    }


def _live_file(i: str, f: LocalFile, created_at: int = 1) -> dict[str, Any]:
    return {
        "id": i,
        "filename": upload_filename(STACK, f.sha256, f.basename),
        "bytes": f.size,
        "created_at": created_at,
    }


def _attachment(i: str, f: LocalFile | None, status: str = "completed", **attrs: Any) -> dict[str, Any]:
    tags = {"asstctl_stack": STACK, "asstctl_path": f.path, "asstctl_sha256": f.sha256} if f else {}
    return {
        "id": i,
        "status": status,
        "attributes": {**attrs, **tags},
        "chunking_strategy": {
            "type": "static",
            "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
        },
    }


def _live_code_interpreter(a: DesiredAssistant, file_id: str, uploaded: LocalFile) -> LiveState:
    """Live state: ``a`` exists with one code-interpreter File, ``file_id``, holding ``uploaded``."""
    return interpret(
        STACK,
        assistants=[
            _live_assistant(
                "asst_1",
                a,
                tools=[{"type": "code_interpreter"}],
                tool_resources={"code_interpreter": {"file_ids": [file_id]}},
            )
        ],
        vector_stores=[],
        attachments={},
        files=[_live_file(file_id, uploaded)],
    )


def test_code_interpreter_content_change_updates_and_uploads() -> None:
    old, new = _file("d/prices.csv", "a"), _file("d/prices.csv", "b")
    a = _assistant("calc", tools=({"type": "code_interpreter"},), code_interpreter_files=(new,))
    live = _live_code_interpreter(a, "file-old", old)
    plan = build_plan(_project(a), live)
    (change,) = plan.changes
    assert change.action is Action.UPDATE
    assert [c.path for c in change.changes] == ["tool_resources.code_interpreter.files"]
    assert plan.uploads == ("d/prices.csv",)
    assert plan.orphan_files == ("file-old",)


def test_unchanged_code_interpreter_file_is_not_uploaded_again() -> None:
    f = _file("d/prices.csv", "a")
    a = _assistant("calc", tools=({"type": "code_interpreter"},), code_interpreter_files=(f,))
    live = _live_code_interpreter(a, "file-1", f)
    plan = build_plan(_project(a), live)
    assert [c.action for c in plan.changes] == [Action.NOOP]
    assert not plan.has_changes and plan.file_ids == {"d/prices.csv": "file-1"}


def test_duplicate_uploads_keep_the_attached_one() -> None:
    f = _file("d/a.md", "x")
    v = _store("kb", f)
    live = interpret(
        STACK,
        assistants=[],
        vector_stores=[
            {
                "id": "vs_1",
                "metadata": ownership_metadata(STACK, v.address),
                "name": "kb",
                "status": "completed",
            }
        ],
        attachments={"vs_1": [_attachment("file-2", f)]},
        files=[
            _live_file("file-1", f, created_at=1),
            _live_file("file-2", f, created_at=2),
            _live_file("file-3", f, 3),
        ],
    )
    plan = build_plan(_project(v), live)
    assert plan.changes[0].action is Action.NOOP
    assert plan.file_ids == {"d/a.md": "file-2"}
    assert plan.orphan_files == ("file-1", "file-3")
    assert build_plan(_project(v), live, targets=["vector_store.kb"]).orphan_files == ()


def test_foreign_attachment_is_detached_and_numbers_compare_by_value() -> None:
    f = _file("d/a.md", "x", rank=1)
    v = _store("kb", f)
    live = interpret(
        STACK,
        assistants=[],
        vector_stores=[
            {
                "id": "vs_1",
                "metadata": ownership_metadata(STACK, v.address),
                "name": "kb",
                "status": "completed",
            }
        ],
        attachments={"vs_1": [_attachment("file-1", f, rank=1.0), _attachment("file-9", None)]},
        files=[_live_file("file-1", f)],
    )
    (change,) = build_plan(_project(v), live).changes
    assert [(fc.path, fc.action, fc.reason) for fc in change.file_changes] == [
        ("file-9", FileAction.DETACH, "not attached by asstctl")
    ]
    assert change.unchanged_files == 1


def test_expired_store_with_prevent_destroy_is_flagged() -> None:
    v = _store("kb", prevent_destroy=True)
    raw = {"id": "vs_1", "metadata": ownership_metadata(STACK, v.address), "name": "kb", "status": "expired"}
    live = interpret(STACK, assistants=[], vector_stores=[raw], attachments={"vs_1": []}, files=[])
    (change,) = build_plan(_project(v), live).changes
    assert (change.action, change.requires_replace, change.prevent_destroy) == (
        Action.REPLACE,
        ("status",),
        True,
    )


def test_destroy_target_takes_dependents_and_unknown_target_fails() -> None:
    v = _store("kb")
    a = _assistant("bot", vector_store="kb")
    live = interpret(
        STACK,
        assistants=[_live_assistant("asst_1", a)],
        vector_stores=[{"id": "vs_1", "metadata": ownership_metadata(STACK, v.address), "name": "kb"}],
        attachments={},
        files=[],
    )
    plan = build_plan(_project(v, a), live, destroy=True, targets=["vector_store.kb"])
    assert [(c.address, c.action) for c in plan.changes] == [
        ("vector_store.kb", Action.DELETE),
        ("assistant.bot", Action.DELETE),
    ]
    with pytest.raises(
        UsageError,
        match=r"unknown --target assistant\.nope; valid addresses: assistant\.bot, vector_store\.kb",
    ):
        build_plan(_project(v, a), live, targets=["assistant.nope"])


def test_reasoning_effort_compared_only_when_set_and_reported() -> None:
    a = _assistant("r", reasoning_effort="low")
    unreported = interpret(
        STACK, assistants=[_live_assistant("asst_1", a)], vector_stores=[], attachments={}, files=[]
    )
    assert build_plan(_project(a), unreported).changes[0].action is Action.NOOP
    reported = interpret(
        STACK,
        assistants=[_live_assistant("asst_1", a, reasoning_effort="high")],
        vector_stores=[],
        attachments={},
        files=[],
    )
    (change,) = build_plan(_project(a), reported).changes
    assert [(c.path, c.before, c.after) for c in change.changes] == [("reasoning_effort", "high", "low")]
