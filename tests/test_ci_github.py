"""The action's comment upsert (asstctl.ci.github) against a stub of the GitHub REST API: a real
HTTP server on 127.0.0.1 keeping comments in memory, paginated like GitHub."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from asstctl.ci.github import GitHub, GitHubError, main, upsert_comment

TOKEN = "ghs_stubtoken123"


class _Stub:
    """GitHub's issue-comment endpoints for one repository, with a request log."""

    def __init__(self) -> None:
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.next_id = 1000
        self.log: list[str] = []

    def add(self, number: int, body: str) -> int:
        self.next_id += 1
        self.comments.setdefault(number, []).append({"id": self.next_id, "body": body})
        return self.next_id


@pytest.fixture
def github() -> Iterator[tuple[_Stub, str]]:
    stub = _Stub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, doc: Any) -> None:
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            stub.log.append(f"{method} {self.path}")
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(401, {"message": "Bad credentials"})
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            m = re.fullmatch(r"/repos/o/r/issues/(\d+)/comments(?:\?per_page=(\d+)&page=(\d+))?", self.path)
            if m and method == "GET":
                per, page = int(m.group(2) or 30), int(m.group(3) or 1)
                items = stub.comments.get(int(m.group(1)), [])
                return self._answer(200, items[(page - 1) * per : page * per])
            if m and method == "POST":
                cid = stub.add(int(m.group(1)), body["body"])
                return self._answer(201, {"id": cid, "body": body["body"]})
            m = re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", self.path)
            if m and method == "PATCH":
                for comments in stub.comments.values():
                    for c in comments:
                        if c["id"] == int(m.group(1)):
                            c["body"] = body["body"]
                            return self._answer(200, c)
            return self._answer(404, {"message": "Not Found"})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _plan(stack: str, env: str, text: str) -> str:
    return f"### asstctl plan for stack `{stack}` <!-- asstctl stack={stack} env={env} -->\n\n{text}\n"


def test_created_on_the_first_run_updated_after_never_a_second(github: tuple[_Stub, str]) -> None:
    stub, url = github
    gh = GitHub(url, "o/r", TOKEN)
    for i in range(150):  # the PR's discussion: the plan's comment lands on page 2
        stub.add(7, f"comment {i}")
    first = upsert_comment(gh, 7, _plan("shop-staging", "staging", "Plan: 1 to add"))
    assert first[0] == "created"
    prod = upsert_comment(gh, 7, _plan("shop-prod", "prod", "Plan: 1 to add"))
    assert prod[0] == "created" and prod[1] != first[1]

    second = upsert_comment(gh, 7, _plan("shop-staging", "staging", "No changes."))
    assert second == ("updated", first[1])
    plans = [c for c in stub.comments[7] if "asstctl stack=" in c["body"]]
    assert len(plans) == 2
    assert [c["body"].splitlines()[-1] for c in plans] == ["No changes.", "Plan: 1 to add"]
    assert stub.log[-2:] == [
        "GET /repos/o/r/issues/7/comments?per_page=100&page=2",
        f"PATCH /repos/o/r/issues/comments/{first[1]}",
    ]


def test_the_cli_reads_the_event_and_never_prints_the_token(
    github: tuple[_Stub, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stub, url = github
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 3}}))
    plan = tmp_path / "plan.md"
    plan.write_text(_plan("demo", "", "Plan: 1 to add"))
    for k, v in {
        "GITHUB_API_URL": url,
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
    }.items():
        monkeypatch.setenv(k, v)
    assert main(["comment", "--file", str(plan)]) == 0
    assert main(["comment", "--file", str(plan)]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"created comment (\d+) on pull request #3\nupdated comment \1 on pull request #3\n", out
    )
    assert len(stub.comments[3]) == 1

    monkeypatch.setenv("GITHUB_TOKEN", "ghs_wrong")
    assert main(["comment", "--file", str(plan)]) == 1
    err = capsys.readouterr().err
    assert "answered 401 (does the job have permissions: pull-requests: write?)" in err
    assert "ghs_" not in err


def test_a_body_without_the_marker_is_refused(github: tuple[_Stub, str]) -> None:
    stub, url = github
    with pytest.raises(GitHubError, match="no <!-- asstctl stack=… env=… --> marker"):
        upsert_comment(GitHub(url, "o/r", TOKEN), 1, "hello")
    assert stub.log == []


def test_the_action_plans_comments_once_per_environment_and_applies(
    github: tuple[_Stub, str], emulator: Any, tmp_path: Path
) -> None:
    """The action's own step script (action.yml, run by bash as a runner would) against the
    emulator and the GitHub stub: plan twice on a pull request, then apply, then plan again."""
    import os
    import subprocess
    import sys

    import yaml
    from conftest import REPO

    stub, url = github
    action = yaml.safe_load((REPO / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "run")
    project = tmp_path / "proj"
    (project / "assistants").mkdir(parents=True)
    (project / "asstctl.yaml").write_text(
        "stack: shop\nvars: {model: m1}\nenvironments:\n"
        "  staging: {stack: shop-staging}\n  prod: {stack: shop-prod, vars: {model: m2}}\n"
    )
    (project / "assistants" / "bot.yaml").write_text(
        "kind: Assistant\nname: bot\nmodel: ${var.model}\ninstructions: hi\n"
    )
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 5}}))
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"

    def step(mode: str) -> subprocess.CompletedProcess[str]:
        outputs.write_text("")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "MODE": mode,
            "ENVIRONMENTS": "staging prod",
            "COMMENT": "true",
            "EVENT": "pull_request",
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": url,
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(outputs),
            "RUNNER_TEMP": str(tmp_path),
            "OPENAI_BASE_URL": emulator.base_url,
            "OPENAI_API_KEY": "sk-test",
            "NO_COLOR": "1",
        }
        return subprocess.run(
            ["bash", "-c", script],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=240,
        )

    for _ in range(2):
        result = step("plan")
        assert result.returncode == 0, result.stdout + result.stderr
        assert outputs.read_text() == "changes=true\n"
    comments = stub.comments[5]
    assert len(comments) == 2  # one per stack/environment, updated on the second run
    assert [c["body"].splitlines()[0].split("<!--")[1] for c in comments] == [
        " asstctl stack=shop-staging env=staging -->",
        " asstctl stack=shop-prod env=prod -->",
    ]
    assert summary.read_text().count("### asstctl plan for stack") == 4

    result = step("apply")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Apply complete! Resources: 1 added") == 2
    result = step("plan")
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs.read_text() == "changes=false\n"
    assert len(stub.comments[5]) == 2 and all("No changes." in c["body"] for c in stub.comments[5])
