"""Assistants under the ``responses`` target, pure: record filenames, the live read of records
from the Files listing, and the plan (no-op on the same sha256, what changed, stale records,
deletes), with Files the records name never orphaned."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from asstctl.core.differ import build_plan
from asstctl.core.live import LiveState
from asstctl.core.model import LocalFile, Location, Project
from asstctl.core.normalize import AFTER_APPLY
from asstctl.core.ownership import (
    parse_record_filename,
    parse_upload_filename,
    record_filename,
    upload_filename,
)
from asstctl.core.plan import Action
from asstctl.kinds.assistant.model import DesiredAssistant
from asstctl.kinds.assistant.record import interpret_records, known_ids
from asstctl.kinds.assistant.responses import record_content, record_sha256, responses_request
from asstctl.kinds.vector_store.kind import interpret as interpret_stores
from asstctl.remote.reader import assemble

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from records import desired_assistant

STACK = "s"
CSV = LocalFile("data/sales.csv", Path("/nonexistent"), hashlib.sha256(b"x").hexdigest(), 1)


def assistant(**fields: Any) -> DesiredAssistant:
    """``tutor``: a code interpreter over ``data/sales.csv``, unless ``fields`` say otherwise."""
    base = {"tools": ({"type": "code_interpreter"},), "code_interpreter_files": (CSV,), **fields}
    return desired_assistant("tutor", **base)


def content_file(fid: str = "file-csv", created: int = 1) -> dict[str, Any]:
    name = upload_filename(STACK, CSV.sha256, CSV.basename)
    return {
        "id": fid,
        "object": "file",
        "filename": name,
        "bytes": 1,
        "created_at": created,
        "purpose": "assistants",
    }


def record_file(a: DesiredAssistant, ids: dict[str, str], fid: str, created: int = 5) -> dict[str, Any]:
    name = record_filename(STACK, record_sha256(responses_request(a, ids)), a.address)
    return {
        "id": fid,
        "object": "file",
        "filename": name,
        "bytes": 9,
        "created_at": created,
        "purpose": "assistants",
    }


def live(files: list[dict[str, Any]]) -> LiveState:
    fetched = {
        "vector_store": interpret_stores(STACK, [], {}),
        "assistant": interpret_records(STACK, files, "assistant", ()),
    }
    return assemble(STACK, fetched, files)


def project(*assistants: DesiredAssistant) -> Project:
    return Project(Path("."), STACK, None, resources={"assistant": assistants})


def test_record_names_carry_stack_sha_and_address_and_are_never_uploads() -> None:
    sha = "a" * 64
    name = record_filename("prod", sha, "assistant.support")
    parsed = parse_record_filename(name)
    assert parsed is not None and (parsed.stack, parsed.sha256, parsed.address) == (
        "prod",
        sha,
        "assistant.support",
    )
    assert parse_upload_filename(name) is None
    # a content file whose own name looks like a record's is still content
    lookalike = upload_filename("prod", sha, "assistant.support.json")
    assert parse_record_filename(lookalike) is None and parse_upload_filename(lookalike) is not None
    assert parse_record_filename(name.replace(".json", ".txt")) is None


def test_records_are_objects_not_content_files() -> None:
    a = assistant()
    state = live([content_file(), record_file(a, {CSV.path: "file-csv"}, "file-rec")])
    assert set(state.files) == {"file-csv"}
    assert state.target("assistant") == "responses"
    assert state.of("assistant")["tutor"].id == "file-rec"


def test_same_configuration_is_a_no_op_and_keeps_its_files() -> None:
    a = assistant()
    state = live([content_file(), record_file(a, {CSV.path: "file-csv"}, "file-rec")])
    plan = build_plan(project(a), state, read_content=lambda fid: pytest_fail(fid))
    assert not plan.has_changes
    (change,) = plan.changes
    assert change.action is Action.NOOP and change.after["tools"][0]["container"]["file_ids"] == ["file-csv"]


def pytest_fail(fid: str) -> bytes:
    raise AssertionError(f"a no-op plan read {fid}")


def test_an_edit_shows_what_changed_from_the_old_record() -> None:
    old = assistant(instructions="Help.")
    new = assistant(instructions="Help kindly.")
    ids = {CSV.path: "file-csv"}
    state = live([content_file(), record_file(old, ids, "file-rec")])
    reads: list[str] = []

    def read(fid: str) -> bytes:
        reads.append(fid)
        return record_content(responses_request(old, ids))

    plan = build_plan(project(new), state, read_content=read)
    (change,) = plan.changes
    assert reads == ["file-rec"]
    assert change.action is Action.UPDATE and change.id == "file-rec"
    assert [(c.path, c.before, c.after) for c in change.changes] == [
        ("instructions", "Help.", "Help kindly.")
    ]
    assert plan.orphan_files == () and plan.uploads == ()


def test_an_unreadable_old_record_still_shows_the_whole_new_configuration() -> None:
    old, new = assistant(instructions="Help."), assistant(instructions="Help kindly.")
    state = live([content_file(), record_file(old, {CSV.path: "file-csv"}, "file-rec")])
    (change,) = build_plan(project(new), state, read_content=lambda fid: None).changes
    assert change.action is Action.UPDATE
    paths = [c.path for c in change.changes]
    assert paths[0] == "record" and set(paths[1:]) == set(change.after)


def test_ids_known_only_after_apply() -> None:
    a = assistant(vector_store="kb", tools=({"type": "file_search"},), code_interpreter_files=())
    (store, change) = build_plan(
        Project(Path("."), STACK, None, resources={"assistant": (a,), "vector_store": (_store(),)}), live([])
    ).changes
    assert store.action is Action.CREATE
    assert change.action is Action.CREATE and change.after["tools"][0]["vector_store_ids"] == [AFTER_APPLY]


def _store() -> Any:
    from asstctl.kinds.vector_store.model import DesiredVectorStore

    return DesiredVectorStore(
        name="kb",
        display_name="kb",
        files=(),
        chunking_strategy=None,
        expires_after=None,
        metadata={},
        prevent_destroy=False,
        location=Location("m.yaml"),
    )


def test_an_older_record_left_behind_is_cleaned_up() -> None:
    a = assistant()
    ids = {CSV.path: "file-csv"}
    stale = record_file(assistant(instructions="Old."), ids, "file-old", created=2)
    state = live([content_file(), stale, record_file(a, ids, "file-rec", created=3)])
    (change,) = build_plan(project(a), state).changes
    assert change.action is Action.UPDATE and change.id == "file-rec"
    assert [(c.path, c.before, c.after) for c in change.changes] == [("records", 2, 1)]


def test_removed_and_destroyed_records_are_deleted_and_never_orphans() -> None:
    a = assistant()
    state = live([content_file(), record_file(a, {CSV.path: "file-csv"}, "file-rec")])
    removed = build_plan(project(), state)
    assert [(c.address, c.action) for c in removed.changes] == [("assistant.tutor", Action.DELETE)]
    assert removed.orphan_files == ("file-csv",)
    destroyed = build_plan(project(a), state, destroy=True)
    assert [(c.id, c.action) for c in destroyed.changes] == [("file-rec", Action.DELETE)]
    assert destroyed.orphan_files == ("file-csv",)


def test_the_oldest_copy_of_a_content_is_the_one_named() -> None:
    a = assistant()
    state = live([content_file("file-b", created=2), content_file("file-a", created=1)])
    assert known_ids(a, state) == {CSV.path: "file-a"}
    plan = build_plan(project(a), state)
    assert plan.file_ids == {CSV.path: "file-a"} and plan.orphan_files == ("file-b",)
    assert json.loads(record_content(plan.changes[0].after))["tools"][0]["container"]["file_ids"] == [
        "file-a"
    ]
