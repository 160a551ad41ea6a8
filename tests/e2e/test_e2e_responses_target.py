"""Assistants on an endpoint without the Assistants API (OpenAI since 2026-08-26): the example
project planned, applied, converged, used from code and destroyed through the Responses API,
and the ``endpoint.assistants`` setting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openai
from conftest import EXAMPLES
from e2e_support import asstctl, make_project, writes

from asstctl.api import load as load_deployment
from asstctl.core.ownership import parse_record_filename
from asstctl.emulator.http import Exchange


def examples(tmp_path: Path, setting: str | None = None) -> Path:
    """The repository's example project, destroyable (its prevent_destroy lines removed)."""
    project = tmp_path / "examples"
    shutil.copytree(EXAMPLES, project / "assistants")
    config = "stack: examples\nmanifests: [assistants/**/*.yaml]\n"
    if setting is not None:
        config += f"endpoint:\n  assistants: {setting}\n"
    (project / "asstctl.yaml").write_text(config)
    for manifest in (project / "assistants").rglob("*.yaml"):
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("lifecycle: {prevent_destroy: true}\n", ""), encoding="utf-8")
    return project


def recording(emu: Any) -> list[Exchange]:
    seen: list[Exchange] = []
    emu.set_recorder(seen.append)
    return seen


def to_assistants(seen: list[Exchange], *, writes_only: bool = False) -> list[str]:
    return [
        f"{ex.method} {ex.path}"
        for ex in seen
        if ex.path.startswith("/v1/assistants") and not (writes_only and ex.method == "GET")
    ]


def records(emu: Any, stack: str = "examples") -> list[str]:
    names = [parse_record_filename(f["filename"]) for f in emu.store.objects("files")]
    return sorted(p.address for p in names if p is not None and p.stack == stack)


def client(emu: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=0)


def test_the_examples_go_through_the_responses_api(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = examples(tmp_path)
    seen = recording(emu)

    plan = asstctl(emu, project, "plan")
    assert plan.exit_code == 0, plan.output
    assert plan.stderr.count("Note: Assistants are deployed through the Responses API") == 1
    assert "Plan: 8 to add, 0 to change, 0 to destroy." in plan.stdout

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert records(emu) == sorted(
        f"assistant.{p.stem}" for p in EXAMPLES.rglob("*.yaml") if "kind: Assistant" in p.read_text()
    )

    again = asstctl(emu, project, "plan", "--detailed-exitcode", "--format", "json")
    assert again.exit_code == 0, again.output
    doc = json.loads(again.stdout)
    assert any("Responses API" in n for n in doc["notes"])
    before = writes(emu)
    assert "No changes" in asstctl(emu, project, "apply", "--auto-approve").stdout
    assert writes(emu) == before

    output = json.loads(asstctl(emu, project, "output", "--format", "json").stdout)
    deployment = load_deployment(project, client=client(emu))
    assert deployment.target == "responses"
    for name in deployment.assistants:
        kwargs = deployment.responses_kwargs(name)
        assert output[f"assistant.{name}"]["responses"] == kwargs and "id" not in output[f"assistant.{name}"]
        answer = client(emu).responses.create(**kwargs, input="Hello")  # the emulator validates it
        assert answer.status == "completed", name

    destroyed = asstctl(emu, project, "destroy", "--auto-approve")
    assert destroyed.exit_code == 0, destroyed.output
    assert emu.store.objects("files") == [] and emu.store.objects("vector_stores") == []
    assert to_assistants(seen, writes_only=True) == []


def test_responses_setting_never_calls_the_assistants_api(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path)
    (project / "asstctl.yaml").write_text("stack: e2e\nendpoint: {assistants: responses}\n")
    seen = recording(emu)
    for args in (("plan",), ("apply", "--auto-approve"), ("plan", "--detailed-exitcode"), ("output",)):
        result = asstctl(emu, project, *args)
        assert result.exit_code == 0, result.output
        assert ("endpoint.assistants: responses" in result.stderr) is (args[0] != "output")
    assert records(emu, "e2e") == ["assistant.plain", "assistant.tutor"]
    text = asstctl(emu, project, "output").stdout
    assert "assistant.tutor  (Responses API configuration: see --format json)" in text
    assert asstctl(emu, project, "destroy", "--auto-approve").exit_code == 0
    assert records(emu, "e2e") == []
    assert to_assistants(seen) == []


def test_api_setting_without_the_assistants_api_is_one_line(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path)
    (project / "asstctl.yaml").write_text("stack: e2e\nendpoint:\n  assistants: api\n")
    result = asstctl(emu, project, "plan")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert (
        line.startswith("Error: ") and "endpoint.assistants: api" in line and "Traceback" not in result.stderr
    )
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("Error")] == [line]


def test_an_instructions_edit_is_a_change_of_the_configuration(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    (old,) = [f["id"] for f in emu.store.objects("files") if "assistant.plain" in f["filename"]]
    manifest = project / "assistants" / "main.yaml"
    manifest.write_text(manifest.read_text().replace("Be brief.", "Be brief and kind."))

    plan = asstctl(emu, project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    assert "assistant.plain will be updated in-place" in plan.stdout
    assert '~ instructions = "Be brief." -> "Be brief and kind."' in plan.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout
    change = next(
        c
        for c in json.loads(asstctl(emu, project, "plan", "--format", "json").stdout)["resource_changes"]
        if c["address"] == "assistant.plain"
    )
    assert change["before"]["instructions"] == "Be brief."
    assert change["after"]["instructions"] == "Be brief and kind."

    applied = asstctl(emu, project, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in applied.stdout
    (new,) = [f["id"] for f in emu.store.objects("files") if "assistant.plain" in f["filename"]]
    assert new != old
    assert asstctl(emu, project, "plan", "--detailed-exitcode").exit_code == 0
    kwargs = load_deployment(project, client=client(emu)).responses_kwargs("plain")
    assert kwargs["instructions"] == "Be brief and kind."


def test_auto_says_it_chose_the_assistants_api_where_it_is_served(tmp_path: Path, emulator: Any) -> None:
    project = make_project(tmp_path)
    plan = asstctl(emu := emulator, project, "apply", "--auto-approve")
    assert plan.exit_code == 0, plan.output
    assert "Note: Assistants are deployed as Assistants API objects" in plan.stderr
    output = json.loads(asstctl(emu, project, "output", "--format", "json").stdout)
    tutor = output["assistant.tutor"]
    assert tutor["id"].startswith("asst_")
    store_id = output["vector_store.kb"]["id"]
    assert tutor["responses"]["tools"][0] == {"type": "file_search", "vector_store_ids": [store_id]}
    deployment = load_deployment(project, client=client(emu))
    assert deployment.target == "api" and deployment.assistant_id("tutor") == tutor["id"]


def test_request_budget_of_a_plan_under_responses(tmp_path: Path, emulator_factory: Any) -> None:
    """No-op: the store listing, its files and the one Files listing; a changed configuration
    adds one read of its old record."""
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path)
    (project / "asstctl.yaml").write_text("stack: e2e\nendpoint: {assistants: responses}\n")
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0

    emu.reset_stats()
    assert asstctl(emu, project, "plan", "--detailed-exitcode").exit_code == 0
    assert assistants_and_stores(emu) == {
        "GET /v1/vector_stores": 1,
        "GET /v1/vector_stores/{vector_store_id}/files": 1,
        "GET /v1/files": 1,
    }

    manifest = project / "assistants" / "main.yaml"
    manifest.write_text(manifest.read_text().replace("Be brief.", "Be briefer."))
    emu.reset_stats()
    assert asstctl(emu, project, "plan", "--detailed-exitcode").exit_code == 2
    reads = assistants_and_stores(emu)
    assert reads["GET /v1/files/{file_id}/content"] == 1 and sum(reads.values()) == 4


def assistants_and_stores(emu: Any) -> dict[str, int]:
    """Requests by endpoint, without other kinds' listings (agents)."""
    return {k: n for k, n in emu.stats()["by_endpoint"].items() if "/agents" not in k}
