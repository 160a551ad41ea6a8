"""An OPENAI_BASE_URL that is not an http(s) URL fails at once, in one line, instead of
after the SDK's connection retries (about 15 s). (asstctl.yaml's endpoint.base_url is
checked with the manifests.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import run_cli
from e2e_support import make_project

KEY = "sk-supersecret-abcdef123456"


@pytest.mark.parametrize("url", ["ftp://example.com/v1", "api.openai.com/v1", "not a url", "https://"])
@pytest.mark.parametrize("command", ["plan", "apply", "destroy", "output"])
def test_a_base_url_without_http_fails_fast_in_one_line(tmp_path: Path, url: str, command: str) -> None:
    project = make_project(tmp_path)
    start = time.monotonic()

    result = run_cli(
        "-C", str(project), command, env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": KEY, "CI": "1"}
    )

    assert time.monotonic() - start < 5
    assert result.exit_code == 1
    assert result.stdout == ""
    assert KEY not in result.output
    assert result.stderr == (
        f"Error: OPENAI_BASE_URL is {url!r}, which is not an http(s) URL: use the API's address, "
        "e.g. https://api.openai.com/v1\n"
    )
