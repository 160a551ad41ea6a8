"""`asstctl plan` through the CLI: its request budget on a generated fleet (real HTTP to the
emulator), and API errors as one line each (a real HTTP server answering an error status)."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import openai
import pytest
from conftest import run_cli
from plan_support import KEY, env_for, sha, write

from asstctl.core.ownership import ownership_metadata, upload_filename

ASSISTANTS, STORE_SIZES, AGENTS = 120, (250, 200, 150), 150


def _fleet(root: Path, client: openai.OpenAI) -> None:
    """A project and its live twin, made directly through the SDK (cheap: no apply)."""
    docs = {f"assistants/docs/f{i:03}.md": f"# doc {i}\n" for i in range(max(STORE_SIZES))}
    manifests = [
        f"kind: Assistant\nname: a{i:03}\nmodel: gpt-4o\ninstructions: Help.\n" for i in range(ASSISTANTS)
    ]
    for s, size in enumerate(STORE_SIZES):
        paths = ", ".join(f"docs/f{i:03}.md" for i in range(size))
        manifests.append(f"kind: VectorStore\nname: s{s}\nfiles: [{paths}]\n")
    manifests += [f"kind: Agent\nname: g{i:03}\nmodel: gpt-5.1\n" for i in range(AGENTS)]
    write(root, {"asstctl.yaml": "stack: fleet\n", "assistants/fleet.yaml": "---\n".join(manifests), **docs})

    for i in range(ASSISTANTS):
        client.beta.assistants.create(
            model="gpt-4o",
            name=f"a{i:03}",
            instructions="Help.",
            metadata=ownership_metadata("fleet", f"assistant.a{i:03}"),
        )
    for i in range(AGENTS):
        client.beta.agents.create(
            model="gpt-5.1", name=f"g{i:03}", metadata=ownership_metadata("fleet", f"agent.g{i:03}")
        )
    file_ids = []
    for rel, text in docs.items():
        name = upload_filename("fleet", sha(text), rel.rsplit("/", 1)[-1])
        file_ids.append((rel, text, client.files.create(file=(name, text.encode()), purpose="assistants").id))
    for s, size in enumerate(STORE_SIZES):
        vs = client.vector_stores.create(
            name=f"s{s}", metadata=ownership_metadata("fleet", f"vector_store.s{s}")
        )
        files = [
            {
                "file_id": fid,
                "attributes": {"asstctl_stack": "fleet", "asstctl_path": rel, "asstctl_sha256": sha(text)},
            }
            for rel, text, fid in file_ids[:size]
        ]
        client.vector_stores.file_batches.create(vs.id, files=files)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_noop_plan_request_budget(tmp_path: Path, emulator: Any) -> None:
    client = openai.OpenAI(api_key=KEY, base_url=emulator.base_url, max_retries=0)
    _fleet(tmp_path / "fleet", client)
    client.close()
    emulator.reset_stats()
    result = run_cli("-C", str(tmp_path / "fleet"), "plan", "--detailed-exitcode", env=env_for(emulator))
    assert (result.exit_code, result.stdout) == (0, "No changes. Live resources match the manifests.\n"), (
        result.output
    )
    stats = emulator.stats()
    budget = (
        math.ceil(ASSISTANTS / 100)
        + math.ceil(len(STORE_SIZES) / 100)
        + sum(math.ceil(f / 100) for f in STORE_SIZES)
        + math.ceil(AGENTS / 100)
    )
    assert stats["writes"] == 0
    assert stats["by_endpoint"]["GET /v1/vector_stores/{vector_store_id}/files"] == 7
    assert stats["total"] <= budget + 1, stats  # + the one /files listing


# --- errors ----------------------------------------------------------------------------


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up mid-answer: asstctl stops reading the other listings
    in flight once one fails, and the server's traceback would land in the captured stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[Any]:
    """``answering(status)``: a real HTTP server on a free port answering every request with
    ``status`` and an OpenAI-style error body; yields its base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = json.dumps(
                    {"error": {"message": f"refused ({status})", "type": "x", "param": None, "code": None}}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("x-should-retry", "false")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "Error: authentication failed at {url}: check OPENAI_API_KEY (refused (401))\n"),
        (403, "Error: permission denied at {url} while listing "),
        (500, "Error: {url} answered 500 while listing vector stores: refused (500)\n"),
        (
            404,
            "Error: {url} answered 404 while listing vector stores: refused (404). "
            "Check that the base URL is "
            "right (OPENAI_BASE_URL / endpoint.base_url; it usually ends in /v1)\n",
        ),
    ],
)
def test_api_errors_are_one_line_without_the_key(
    tmp_path: Path, answering: Any, status: int, expected: str
) -> None:
    url = answering(status)
    proj = write(
        tmp_path / "p", {"asstctl.yaml": "stack: s\n", "assistants/kb.yaml": "kind: VectorStore\nname: kb\n"}
    )
    secret = "sk-live-supersecret-0123456789"
    result = run_cli("-C", str(proj), "plan", env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": secret})
    assert result.exit_code == 1
    assert result.stderr.startswith(expected.format(url=url)), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert secret not in result.output
