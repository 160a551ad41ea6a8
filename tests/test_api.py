"""``asstctl.api``: the Python API applications use at run time, against the emulator."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openai
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))

from e2e_support import asstctl, make_project

from asstctl.api import load
from asstctl.errors import AsstctlError, UsageError


def _client(emu: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=0)


def test_before_apply_it_says_what_is_missing(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    deployment = load(make_project(tmp_path), client=_client(emu))
    assert deployment.target == "responses" and deployment.assistants == ("plain", "tutor")
    assert deployment.responses_kwargs("plain") == {"model": "gpt-4o-mini", "instructions": "Be brief."}
    with pytest.raises(
        AsstctlError, match=r"assistant.tutor uses vector_store.kb, assistants/data/sales.csv"
    ):
        deployment.responses_kwargs("tutor")
    with pytest.raises(UsageError, match=r"no assistant is named 'nope' .*declared: plain, tutor"):
        deployment.responses_kwargs("nope")
    assert emu.stats()["writes"] == 0


def test_after_apply_it_resolves_the_live_ids(tmp_path: Path, emulator_factory: Any) -> None:
    emu = emulator_factory(no_assistants=True)
    project = make_project(tmp_path)
    assert asstctl(emu, project, "apply", "--auto-approve").exit_code == 0
    emu.reset_stats()
    deployment = load(project, client=_client(emu))
    kwargs = deployment.responses_kwargs("tutor")
    store_id = deployment.vector_store_id("kb")
    assert kwargs["tools"][0] == {"type": "file_search", "vector_store_ids": [store_id]}
    assert kwargs["tools"][1]["container"]["file_ids"][0].startswith("file-")
    assert deployment.assistant_id("tutor") is None
    stats = emu.stats()
    assert stats["writes"] == 0 and "GET /v1/files/{file_id}/content" not in stats["by_endpoint"]
