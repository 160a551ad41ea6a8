"""The executor on real plans (manifests → differ) against the emulator over real HTTP:
order, batching, parallelism, failure → skipped dependents, ingestion failures."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import openai
import pytest

from asstctl.core.differ import build_plan
from asstctl.core.live import LiveAssistant, LiveAttachment, LiveFile, LiveState, LiveVectorStore
from asstctl.core.managed import KEYS
from asstctl.core.model import DesiredVectorStore, LocalFile, Location, Project
from asstctl.core.ownership import (
    ATTR_PATH,
    ATTR_SHA256,
    ATTR_STACK,
    META_ADDRESS,
    META_STACK,
    parse_upload_filename,
)
from asstctl.core.plan import Action, FileAction, FileChange, Plan, ResourceChange
from asstctl.errors import AsstctlError
from asstctl.executor import ApplyResult, check_prevent_destroy, execute
from asstctl.manifest import load_project
from asstctl.progress import Reporter
from asstctl.remote.attach import Capabilities
from asstctl.remote.writer import BatchOutcome, Writer

MANIFEST = """\
kind: VectorStore
name: kb
files:
  - path: docs/a.md
    attributes: {lang: en}
  - docs/b.md
chunking_strategy: {type: static, max_chunk_size_tokens: 400, chunk_overlap_tokens: 100}
---
kind: Assistant
name: helper
model: gpt-4o-mini
instructions: Search the docs.
tools:
  - type: file_search
    vector_store: kb
  - type: code_interpreter
    files: [data/x.csv]
---
kind: Assistant
name: plain
model: gpt-4o-mini
instructions: Be brief.
"""


def make_project(root: Path) -> Project:
    (root / "assistants" / "docs").mkdir(parents=True)
    (root / "assistants" / "data").mkdir()
    (root / "asstctl.yaml").write_text("stack: ex\nmanifests: [assistants/**/*.yaml]\n")
    (root / "assistants" / "kb.yaml").write_text(MANIFEST)
    files = {"docs/a.md": b"# A\nalpha\n", "docs/b.md": b"# B\nbeta\n", "data/x.csv": b"a,b\n1,2\n"}
    for rel, data in files.items():
        (root / "assistants" / rel).write_bytes(data)
    return load_project(root)


def empty_live(stack: str) -> LiveState:
    return LiveState(stack=stack, assistants={}, vector_stores={}, files={})


@dataclasses.dataclass
class Endpoint:
    client: openai.OpenAI
    base_url: str


def run(plan: Plan, project: Project, live: LiveState, emu: Any, parallelism: int) -> ApplyResult:
    client = openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=3)
    with client, Reporter(io.StringIO()) as reporter:
        return execute(
            plan, project, live, Endpoint(client, emu.base_url), parallelism=parallelism, reporter=reporter
        )


@pytest.mark.parametrize("parallelism", [1, 8])
def test_create_from_empty(emulator: Any, tmp_path: Path, parallelism: int) -> None:
    project = make_project(tmp_path)
    plan = build_plan(project, empty_live("ex"))
    seen: list[Any] = []
    emulator.set_recorder(seen.append)

    result = run(plan, project, empty_live("ex"), emulator, parallelism)

    assert result.ok, result
    files = {_basename(f["filename"]): f for f in emulator.store.objects("files")}
    assert sorted(files) == ["a.md", "b.md", "x.csv"]
    (store,) = emulator.store.objects("vector_stores")
    assert store["metadata"] == {META_STACK: "ex", META_ADDRESS: "vector_store.kb", KEYS: ""}
    attached = {f["id"]: f for f in emulator.store.objects("vector_store_files")}
    assert set(attached) == {files["a.md"]["id"], files["b.md"]["id"]}
    a = attached[files["a.md"]["id"]]
    assert a["attributes"]["lang"] == "en"
    assert a["attributes"][ATTR_STACK] == "ex" and a["attributes"][ATTR_PATH] == "assistants/docs/a.md"
    assert a["attributes"][ATTR_SHA256] == _sha(files["a.md"]["filename"])
    assert a["chunking_strategy"]["static"] == {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}
    assistants = {x["metadata"][META_ADDRESS]: x for x in emulator.store.objects("assistants")}
    helper = assistants["assistant.helper"]
    assert helper["tool_resources"] == {
        "code_interpreter": {"file_ids": [files["x.csv"]["id"]]},
        "file_search": {"vector_store_ids": [store["id"]]},
    }
    assert assistants["assistant.plain"]["instructions"] == "Be brief."
    # One batch for both files, never one attach request per file.
    writes = [(x.method, x.template) for x in seen if x.method != "GET"]
    assert writes.count(("POST", "/v1/vector_stores/{vector_store_id}/file_batches")) == 1
    assert ("POST", "/v1/vector_stores/{vector_store_id}/files") not in writes
    if parallelism == 1:
        order = [t for _, t in writes]
        assert order.index("/v1/vector_stores") > max(i for i, t in enumerate(order) if t == "/v1/files")
        assert order.index("/v1/assistants") > order.index("/v1/vector_stores")


def test_a_failed_step_skips_its_dependents_and_nothing_else(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (kb,) = project.vector_stores
    too_much = {f"k{i}": "v" for i in range(16)}  # + 2 ownership keys > the API's 16 pairs
    project = dataclasses.replace(project, vector_stores=(dataclasses.replace(kb, metadata=too_much),))
    plan = build_plan(project, empty_live("ex"))

    result = run(plan, project, empty_live("ex"), emulator, 4)

    assert [r.key for r in result.failed] == ["vector_store.kb"]
    assert "400" in result.failed[0].detail and "creating vector_store.kb" in result.failed[0].detail
    assert sorted(r.key for r in result.skipped) == ["assistant.helper", "vector_store.kb files"]
    assert all("vector_store.kb did not complete" in r.detail for r in result.skipped)
    applied = {r.key for r in result.applied}
    assert "assistant.plain" in applied and sum(k.startswith("upload ") for k in applied) == 3
    assert [x["metadata"][META_ADDRESS] for x in emulator.store.objects("assistants")] == ["assistant.plain"]
    assert not result.ok


def test_ingestion_failures_are_reported_and_the_rest_completes(
    emulator_factory: Any, tmp_path: Path
) -> None:
    emu = emulator_factory(processing_delay_ms=20)
    project = make_project(tmp_path)

    def empty_on_arrival(exchange: Any) -> None:  # the API finds a.md empty: its ingestion fails
        if exchange.template == "/v1/files" and exchange.response_body["filename"].endswith("a.md"):
            emu.store.files.items[exchange.response_body["id"]]["bytes"] = 0

    emu.set_recorder(empty_on_arrival)
    result = run(build_plan(project, empty_live("ex")), project, empty_live("ex"), emu, 8)
    emu.set_recorder(None)

    assert not result.failed and not result.skipped
    (failure,) = result.ingestion_failures
    assert (failure.address, failure.path, failure.code) == (
        "vector_store.kb",
        "assistants/docs/a.md",
        "invalid_file",
    )
    assert failure.message and failure.file_id.startswith("file")
    assert emu.store.count("assistants") == 2
    assert not result.ok


def _seeded_live(emu: Any) -> tuple[LiveState, str, str, str]:
    """A store, an assistant using it, and an uploaded File, made directly with the SDK."""
    with openai.OpenAI(base_url=emu.base_url, api_key="sk-test") as c:
        return _seed(c)


def _seed(c: openai.OpenAI) -> tuple[LiveState, str, str, str]:
    f = c.files.create(file=("asstctl~ex~" + "0" * 64 + "~a.md", b"x"), purpose="assistants")
    vs = c.vector_stores.create(name="kb", metadata={META_STACK: "ex", META_ADDRESS: "vector_store.kb"})
    c.vector_stores.files.create(vs.id, file_id=f.id)
    asst = c.beta.assistants.create(
        model="gpt-4o-mini",
        metadata={META_STACK: "ex", META_ADDRESS: "assistant.helper"},
        tool_resources={"file_search": {"vector_store_ids": [vs.id]}},
    )
    live = LiveState(
        stack="ex",
        assistants={"helper": LiveAssistant(asst.id, "helper", asst.model_dump(mode="json"))},
        vector_stores={
            "kb": LiveVectorStore(
                vs.id,
                "kb",
                vs.model_dump(mode="json"),
                (LiveAttachment(f.id, "completed", None, None, {}, None, None, {}),),
            )
        },
        files={f.id: LiveFile(f.id, f.filename, "0" * 64, "a.md", 1, f.created_at)},
    )
    return live, vs.id, asst.id, f.id


@pytest.mark.parametrize("parallelism", [1, 8])
def test_deletions_run_in_reverse_dependency_order(emulator: Any, parallelism: int) -> None:
    live, vs_id, asst_id, file_id = _seeded_live(emulator)
    # The plan lists the store first; the executor must still delete the assistant first.
    plan = Plan(
        stack="ex",
        changes=(
            ResourceChange("vector_store.kb", "vector_store", "kb", Action.DELETE, id=vs_id),
            ResourceChange("assistant.helper", "assistant", "helper", Action.DELETE, id=asst_id),
        ),
        orphan_files=(file_id,),
        destroy=True,
    )
    seen: list[Any] = []
    emulator.set_recorder(seen.append)
    project = Project(Path("."), "ex", None, (), (), "")

    result = run(plan, project, live, emulator, parallelism)

    assert result.ok, result
    deletes = [x.template for x in seen if x.method == "DELETE"]
    assert deletes == [
        "/v1/assistants/{assistant_id}",
        "/v1/vector_stores/{vector_store_id}",
        "/v1/files/{file_id}",
    ]
    assert all(emulator.store.count(k) == 0 for k in ("assistants", "vector_stores", "files"))


def test_prevent_destroy_refuses_naming_every_protected_address() -> None:
    plan = Plan(
        stack="ex",
        changes=(
            ResourceChange(
                "vector_store.kb", "vector_store", "kb", Action.DELETE, id="vs_1", prevent_destroy=True
            ),
            ResourceChange(
                "assistant.a", "assistant", "a", Action.REPLACE, id="asst_1", prevent_destroy=True
            ),
            ResourceChange("assistant.b", "assistant", "b", Action.UPDATE, id="asst_2", prevent_destroy=True),
        ),
    )
    with pytest.raises(AsstctlError) as info:
        check_prevent_destroy(plan)
    assert "vector_store.kb, assistant.a" in str(info.value)
    assert "assistant.b" not in str(info.value)


def _basename(filename: str) -> str:
    parsed = parse_upload_filename(filename)
    assert parsed is not None, filename
    return parsed.basename


def _sha(filename: str) -> str:
    parsed = parse_upload_filename(filename)
    assert parsed is not None, filename
    return parsed.sha256


class CountingWriter(Writer):
    """A writer that records batch sizes instead of sending them (the split is what is tested)."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.held: list[dict[str, Any]] = []
        self.capabilities = Capabilities()

    def attach_batch(self, address: str, store_id: str, files: list[dict[str, Any]]) -> str:
        self.batches.append(len(files))
        self.held += [{"id": f["file_id"], "attributes": f["attributes"]} for f in files]
        return f"vsfb_{len(self.batches)}"

    def wait_batch(self, address: str, store_id: str, batch_id: str, *args: Any, **kw: Any) -> BatchOutcome:
        n = self.batches[int(batch_id.split("_")[1]) - 1]
        return BatchOutcome(completed=n, failed=(), total=n)

    def list_store_files(self, address: str, store_id: str) -> list[Any]:
        return self.held


def test_large_attachments_are_split_into_batches_of_2000() -> None:
    files = tuple(
        LocalFile(path=f"docs/{i:04d}.md", abspath=Path("/nonexistent"), sha256=f"{i:064x}", size=1)
        for i in range(4500)
    )
    store = DesiredVectorStore("kb", "kb", files, None, None, {}, False, Location("kb.yaml"))
    project = Project(Path("."), "ex", None, (), (store,), "")
    live = LiveState("ex", {}, {"kb": LiveVectorStore("vs_1", "kb", {})}, {})
    change = ResourceChange(
        "vector_store.kb",
        "vector_store",
        "kb",
        Action.UPDATE,
        id="vs_1",
        file_changes=tuple(FileChange(f.path, FileAction.ATTACH) for f in files),
    )
    plan = Plan("ex", (change,), file_ids={f.path: f"file-{i}" for i, f in enumerate(files)})
    writer = CountingWriter()
    client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test")

    with client, Reporter(io.StringIO()) as reporter:
        result = execute(
            plan, project, live, Endpoint(client, "x"), parallelism=1, reporter=reporter, writer=writer
        )
        assert reporter.counts("indexed")[1] == 4500

    assert result.ok, result
    assert writer.batches == [2000, 2000, 500]
