"""`asstctl plan` through the CLI against the emulator: flags, ownership, endpoints, errors,
server-filled defaults, saved plans and the request budget."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from conftest import run_cli
from plan_support import KEY, apply, env_for, plan, sha, write
from test_plan_outputs import DEMO

from asstctl.core.ownership import ownership_metadata, upload_filename

NO_CHANGES = "No changes. Live resources match the manifests.\n"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write(tmp_path / "demo", DEMO)


@pytest.fixture
def sdk(emulator: Any) -> Iterator[openai.OpenAI]:
    """The real SDK pointed at the emulator, as another tool would use it."""
    client = openai.OpenAI(api_key=KEY, base_url=emulator.base_url, max_retries=0)
    yield client
    client.close()


def _create_assistant(sdk: openai.OpenAI, **body: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return sdk.beta.assistants.create(**body)


def _upload(sdk: openai.OpenAI, stack: str, rel: str, text: str) -> str:
    data = text.encode()
    name = upload_filename(stack, sha(text), rel.rsplit("/", 1)[-1])
    return sdk.files.create(file=(name, data), purpose="assistants").id


# --- flags -----------------------------------------------------------------------------


def test_detailed_exitcode(demo: Path, emulator: Any) -> None:
    assert plan(demo, emulator, "--detailed-exitcode").exit_code == 2
    assert plan(demo, emulator).exit_code == 0
    apply(demo, emulator)
    assert plan(demo, emulator, "--detailed-exitcode").exit_code == 0


def test_target_takes_dependencies_and_skips_cleanup(demo: Path, emulator: Any) -> None:
    apply(demo, emulator)
    (demo / "assistants/helper.yaml").unlink()
    write(demo, {"assistants/docs/warranty.md": "# Warranty\nThree years.\n"})
    result = plan(demo, emulator, "--format", "json", "--target", "assistant.support")
    doc = json.loads(result.stdout)
    # the assistant's vector store comes along; the untargeted helper is left alone
    assert [r["address"] for r in doc["resource_changes"]] == ["vector_store.kb", "assistant.support"]
    assert doc["resource_changes"][0]["actions"] == ["update"]
    assert doc["orphan_files"] == []


def test_unknown_target_lists_valid_addresses(demo: Path, emulator: Any) -> None:
    result = plan(demo, emulator, "--target", "assistant.nope")
    assert result.exit_code == 1
    assert "unknown --target assistant.nope" in result.stderr
    assert "assistant.support" in result.stderr and "vector_store.kb" in result.stderr
    assert "Traceback" not in result.output


def test_saved_plan_records_fingerprints_and_goes_stale(
    demo: Path, emulator: Any, sdk: openai.OpenAI
) -> None:
    apply(demo, emulator)
    write(demo, {"assistants/docs/returns.md": "# Returns\nNever.\n"})
    out = demo / "plan.json"
    result = plan(demo, emulator, "--out", str(out))
    assert result.exit_code == 0 and "Saved the plan" in result.stderr
    saved = json.loads(out.read_text())
    assert saved["stack"] == "demo" and saved["endpoint"] == emulator.base_url
    assert saved["plan"]["summary"] == {"add": 0, "change": 1, "destroy": 0}
    # every live object read is fingerprinted: 2 assistants, 2 stores, 4 attachments, 5 Files
    assert len(saved["live_fingerprints"]) == 13
    # someone changes a live object after the review: applying the saved plan refuses
    vs = next(v for v in sdk.vector_stores.list() if v.name == "Knowledge base")
    sdk.vector_stores.update(vs.id, name="Renamed by hand")
    stale = run_cli("-C", str(demo), "apply", str(out), env=env_for(emulator))
    assert stale.exit_code == 1
    assert "saved plan is stale" in stale.stderr and f"{vs.id} changed" in stale.stderr


# --- ownership -------------------------------------------------------------------------


def test_foreign_resources_are_invisible(demo: Path, emulator: Any, sdk: openai.OpenAI) -> None:
    apply(demo, emulator)
    _create_assistant(sdk, model="gpt-4o", name="not ours")
    _create_assistant(sdk, model="gpt-4o", metadata=ownership_metadata("other-stack", "assistant.support"))
    sdk.vector_stores.create(name="theirs", metadata=ownership_metadata("other-stack", "vector_store.kb"))
    _upload(sdk, "other-stack", "docs/returns.md", "x")
    result = plan(demo, emulator)
    assert result.stdout == NO_CHANGES


def test_ambiguous_ownership_stops_the_plan(demo: Path, emulator: Any, sdk: openai.OpenAI) -> None:
    tags = ownership_metadata("demo", "assistant.support")
    a = _create_assistant(sdk, model="gpt-4o", metadata=tags)
    b = _create_assistant(sdk, model="gpt-4o", metadata=tags)
    result = plan(demo, emulator)
    assert result.exit_code == 1
    assert f"ambiguous ownership: assistant.support is claimed by {b.id} and {a.id}" in result.stderr or (
        f"ambiguous ownership: assistant.support is claimed by {a.id} and {b.id}" in result.stderr
    )
    assert "asstctl forget assistant.support --id" in result.stderr
    assert "asstctl destroy --claimant" in result.stderr and "--all-claimants" in result.stderr
    assert result.stdout == ""


# --- exactness -------------------------------------------------------------------------


def test_server_filled_defaults_are_no_changes(tmp_path: Path, emulator: Any, sdk: openai.OpenAI) -> None:
    """Live objects made by another tool, in the form the API fills in, match the manifests."""
    docs = {"assistants/docs/returns.md": DEMO["assistants/docs/returns.md"]}
    proj = write(
        tmp_path / "p",
        {
            "asstctl.yaml": "stack: demo\n",
            **docs,
            "assistants/a.yaml": """
                kind: Assistant
                name: support
                model: gpt-4o
                instructions: Help.
                tools:
                  - type: function
                    name: lookup_order
                  - type: file_search
                    vector_store: kb
                ---
                kind: VectorStore
                name: kb
                files:
                  - path: docs/returns.md
                    attributes: {lang: en, rank: 1}
                """,
        },
    )
    vs = sdk.vector_stores.create(name="kb", metadata=ownership_metadata("demo", "vector_store.kb"))
    fid = _upload(sdk, "demo", "docs/returns.md", docs["assistants/docs/returns.md"])
    attributes = {
        "lang": "en",
        "rank": 1.0,  # numbers come back as floats
        "asstctl_stack": "demo",
        "asstctl_path": "assistants/docs/returns.md",
        "asstctl_sha256": sha(docs["assistants/docs/returns.md"]),
    }
    sdk.vector_stores.files.create(vs.id, file_id=fid, attributes=attributes)  # auto chunking
    _create_assistant(
        sdk,
        model="gpt-4o",
        name="support",
        description=None,
        instructions="Help.",
        tools=[
            {"type": "function", "function": {"name": "lookup_order", "parameters": {}, "strict": False}},
            {
                "type": "file_search",
                "file_search": {
                    "max_num_results": 20,
                    "ranking_options": {"ranker": "auto", "score_threshold": 0.0},
                },
            },
        ],
        tool_resources={"file_search": {"vector_store_ids": [vs.id]}},
        metadata=ownership_metadata("demo", "assistant.support"),
        temperature=1,
        top_p=1.0,
        response_format="auto",
    )
    result = plan(proj, emulator, "--detailed-exitcode")
    assert (result.exit_code, result.stdout) == (0, NO_CHANGES), result.output


def test_failed_ingestion_is_reattached(tmp_path: Path, emulator: Any, sdk: openai.OpenAI) -> None:
    text = "# Returns\n"
    proj = write(
        tmp_path / "p",
        {
            "asstctl.yaml": "stack: demo\n",
            "assistants/docs/returns.md": text,
            "assistants/kb.yaml": "kind: VectorStore\nname: kb\nfiles: [docs/returns.md]\n",
        },
    )
    vs = sdk.vector_stores.create(name="kb", metadata=ownership_metadata("demo", "vector_store.kb"))
    # an earlier upload went wrong (empty), so its ingestion failed
    bad = sdk.files.create(file=(upload_filename("demo", sha(text), "returns.md"), b""), purpose="assistants")
    tags = {
        "asstctl_stack": "demo",
        "asstctl_path": "assistants/docs/returns.md",
        "asstctl_sha256": sha(text),
    }
    sdk.vector_stores.files.create(vs.id, file_id=bad.id, attributes=tags)
    doc = json.loads(plan(proj, emulator, "--format", "json").stdout)
    (change,) = doc["resource_changes"][0]["file_changes"]
    assert (change["action"], change["reason"]) == ("reattach", "previous ingestion failed: invalid_file")


# --- endpoints and errors --------------------------------------------------------------


def test_endpoint_without_assistants_api(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    stores_only = write(
        tmp_path / "stores",
        {
            "asstctl.yaml": "stack: s\n",
            "assistants/kb.yaml": "kind: VectorStore\nname: kb\nfiles: [a.md]\n",
            "assistants/a.md": "# A\n",
        },
    )
    result = plan(stores_only, emu)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"Stack s at {emu.base_url}\n"
        "Note: This endpoint does not serve the Assistants API (/v1/assistants answered 404); "
        "no assistants to manage.\n"
    )
    assert "vector_store.kb will be created" in result.stdout
    with_assistant = write(
        tmp_path / "both", {"assistants/x.yaml": "kind: Assistant\nname: x\nmodel: m\ninstructions: i\n"}
    )
    write(with_assistant, {"asstctl.yaml": "stack: s\n"})
    result = plan(with_assistant, emu)  # endpoint.assistants: auto -> the Responses API
    assert result.exit_code == 0, result.output
    assert "Note: Assistants are deployed through the Responses API" in result.stderr
    write(with_assistant, {"asstctl.yaml": "stack: s\nendpoint: {assistants: api}\n"})
    result = plan(with_assistant, emu)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {emu.base_url} does not serve the Assistants API (/v1/assistants answered 404; OpenAI "
        "removed it on 2026-08-26), and asstctl.yaml sets endpoint.assistants: api. Set "
        "endpoint.assistants: responses (or remove the setting: auto) to deploy the assistants through "
        "the Responses API.\n"
    )


def test_missing_key_is_one_line(demo: Path) -> None:
    result = run_cli("-C", str(demo), "plan", env={"OPENAI_API_KEY": ""})
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: OPENAI_API_KEY is not set: export it, or try --sandbox\n",
    )


def test_base_url_from_project_overrides_env(demo: Path, emulator: Any) -> None:
    write(demo, {"asstctl.yaml": f"stack: demo\nendpoint:\n  base_url: {emulator.base_url}\n"})
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": KEY}
    result = run_cli("-C", str(demo), "plan", "--detailed-exitcode", env=env)
    assert result.exit_code == 2, result.output


def test_sandbox_needs_no_key(demo: Path) -> None:
    result = run_cli("-C", str(demo), "plan", "--sandbox", env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert result.exit_code == 0, result.output
    assert "Plan: 4 to add, 0 to change, 0 to destroy." in result.stdout
    assert "Using the local sandbox" in result.stderr
    assert (demo / ".asstctl/.gitignore").read_text() == "*\n"


def test_no_colour_off_a_terminal(demo: Path, emulator: Any) -> None:
    result = plan(demo, emulator)
    assert "\x1b[" not in result.stdout
    assert "\x1b[" not in run_cli("-C", str(demo), "plan", "--no-color", env=env_for(emulator)).stdout


def test_fresh_saved_plan_applies(demo: Path, emulator: Any) -> None:
    apply(demo, emulator)
    write(demo, {"assistants/docs/returns.md": "# Returns\nNever.\n"})
    out = demo / "plan.json"
    assert plan(demo, emulator, "--out", str(out)).exit_code == 0
    applied = run_cli("-C", str(demo), "apply", str(out), env=env_for(emulator))
    assert applied.exit_code == 0, applied.output
    assert plan(demo, emulator).stdout == NO_CHANGES
