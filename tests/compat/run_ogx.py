"""Opt-in compatibility check against a real OGX 1.5.0 server (formerly Llama Stack), offline.

Not part of the default test run (it installs a server). Run it from the repository with the
project's Python::

    .venv/bin/python tests/compat/run_ogx.py            # install (once), start, check, stop
    .venv/bin/python tests/compat/run_ogx.py --keep     # leave the server running afterwards

What it does, printing each step:

1. a Python 3.12 venv (``--venv``, default ``.asstctl-compat/ogx``) with ``ogx==1.5.0`` and the
   providers' dependencies; tiktoken's ``cl100k_base`` file taken from the ``litellm`` wheel
   (OGX's vector store will not start offline without it);
2. a run config with only ``files`` (``inline::localfs``), ``vector_io`` (``inline::faiss``),
   ``file_processors`` (``inline::auto``) and ``inference`` (``remote::openai``) pointed at
   ``embeddings_stub.py`` (a deterministic local embeddings server, registered as the vector
   stores' default embedding model);
3. the vector-store life cycle through the asstctl CLI: validate; apply (then every file is
   checked on the server: attached, with its attributes); plan is empty; a content edit and
   an attribute edit are applied; plan is empty; destroy leaves no store and no File.

Exit status 0 when every step passed. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from life_cycle import ATTRIBUTE_EDIT, FILES, MANIFEST  # noqa: E402

PACKAGES = [
    "ogx==1.5.0",
    "faiss-cpu",
    "chardet",
    "pypdf>=6.16.2",
    "markitdown",
    "sqlalchemy[asyncio]",
    "aiosqlite",
    "asyncpg",
]
TIKTOKEN_FILE = "litellm/litellm_core_utils/tokenizers/9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
STACK = "compat"
CONFIG = """\
version: 2
distro_name: asstctl-compat
apis: [file_processors, files, inference, vector_io]
providers:
  inference:
  - provider_id: openai
    provider_type: remote::openai
    config: {{api_key: stub, base_url: "http://127.0.0.1:{stub_port}/v1"}}
  vector_io:
  - provider_id: faiss
    provider_type: inline::faiss
    config: {{persistence: {{namespace: "vector_io::faiss", backend: kv_default}}}}
  files:
  - provider_id: builtin-files
    provider_type: inline::localfs
    config:
      storage_dir: "{state}/files"
      metadata_store: {{table_name: files_metadata, backend: sql_default}}
  file_processors:
  - provider_id: auto
    provider_type: inline::auto
storage:
  backends:
    kv_default: {{type: kv_sqlite, db_path: "{state}/kvstore.db"}}
    sql_default: {{type: sql_sqlite, db_path: "{state}/sql_store.db"}}
  stores:
    metadata: {{namespace: registry, backend: kv_default}}
    inference: {{table_name: inference_store, backend: sql_default}}
    conversations: {{table_name: openai_conversations, backend: sql_default}}
    prompts: {{table_name: prompts, backend: sql_default}}
registered_resources:
  models:
  - model_id: stub-embed
    provider_id: openai
    provider_model_id: stub-embed
    model_type: embedding
    metadata: {{embedding_dimension: 64}}
  vector_stores: []
server: {{host: 127.0.0.1, port: {port}, insecure: true}}
vector_stores:
  default_provider_id: faiss
  default_embedding_model: {{provider_id: openai, model_id: stub-embed}}
"""


class Failed(Exception):
    """A step did not do what it should."""


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


# -- 1. install -----------------------------------------------------------------------------


def find_python312() -> str:
    """A working Python 3.12 (a pyenv shim on PATH may not be one)."""
    candidates = [
        shutil.which("python3.12") or "",
        *map(str, Path.home().glob(".pyenv/versions/3.12*/bin/python3.12")),
    ]
    for cand in candidates:
        if cand and run([cand, "-c", "import sys; assert sys.version_info[:2] == (3, 12)"]).returncode == 0:
            return cand
    raise Failed("no Python 3.12 found: pass --python PATH")


def install(venv: Path, python: str) -> Path:
    """The venv's python, with OGX installed; returns the folder holding tiktoken's file."""
    py = venv / "bin" / "python"
    if not py.exists():
        say(f"[install] creating {venv} with {python}")
        got = run([python, "-m", "venv", str(venv)])
        if got.returncode:
            raise Failed(f"cannot create the venv: {got.stderr.strip()}")
    if run([str(py), "-c", "import ogx, faiss"]).returncode:
        say(f"[install] pip install {' '.join(PACKAGES)} (a few minutes the first time)")
        got = run([str(py), "-m", "pip", "install", "-q", *PACKAGES])
        if got.returncode:
            raise Failed(f"pip install failed: {got.stderr.strip()[-2000:]}")
    version = run([str(py), "-c", "import importlib.metadata as m; print(m.version('ogx'))"]).stdout.strip()
    say(f"[install] ogx {version} ready in {venv}")
    cache = venv / "tiktoken-cache"
    target = cache / Path(TIKTOKEN_FILE).name
    if not target.exists():
        cache.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            say("[install] fetching tiktoken's cl100k_base from the litellm wheel")
            got = run([str(py), "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, "litellm"])
            wheels = list(Path(tmp).glob("litellm-*.whl"))
            if got.returncode or not wheels:
                raise Failed(f"cannot download the litellm wheel: {got.stderr.strip()[-1000:]}")
            with zipfile.ZipFile(wheels[0]) as zf:
                target.write_bytes(zf.read(TIKTOKEN_FILE))
    return cache


# -- 2. start -------------------------------------------------------------------------------


def wait_for(url: str, proc: subprocess.Popen[str], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failed(f"the server exited ({proc.returncode}); its log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise Failed(f"{url} did not answer within {timeout:.0f} s; log:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def servers(venv: Path, cache: Path, state: Path, keep: bool) -> Iterator[str]:
    """The embeddings stub and OGX, started; yields OGX's base URL."""
    stub_port, port = free_port(), free_port()
    config = state / "config.yaml"
    config.write_text(CONFIG.format(stub_port=stub_port, port=port, state=state))
    stub_log, ogx_log = state / "stub.log", state / "ogx.log"
    stub = subprocess.Popen(
        [sys.executable, str(HERE / "embeddings_stub.py"), str(stub_port), "64"],
        stdout=stub_log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache)}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    ogx = subprocess.Popen(
        [str(venv / "bin" / "ogx"), "stack", "run", str(config)],
        stdout=ogx_log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        started = time.monotonic()
        wait_for(f"http://127.0.0.1:{stub_port}/v1/models", stub, stub_log, 30)
        wait_for(f"{base_url}/models", ogx, ogx_log)
        say(f"[start] OGX at {base_url} after {time.monotonic() - started:.1f} s (log: {ogx_log})")
        yield base_url
    finally:
        if keep:
            say(f"[stop] left running: OGX pid {ogx.pid}, stub pid {stub.pid}")
        else:
            for proc in (ogx, stub):
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=20)
                if proc.poll() is None:
                    proc.kill()


# -- 3. the life cycle ----------------------------------------------------------------------


def asstctl(base_url: str, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "sk-compat",
        "CI": "1",
        "NO_COLOR": "1",
        "PYTHONPATH": str(REPO),
    }
    return run([sys.executable, "-m", "asstctl.main", "-C", str(project), *args], env=env)


def step(name: str, got: subprocess.CompletedProcess[str], expect: int = 0) -> str:
    out = (got.stdout + got.stderr).strip()
    status = "ok" if got.returncode == expect else "FAILED"
    say(f"\n== {name}: exit {got.returncode} ({status})")
    say("   " + out.replace("\n", "\n   "))
    if got.returncode != expect:
        raise Failed(f"{name} exited {got.returncode}, expected {expect}")
    return out


def server_view(base_url: str) -> dict[str, Any]:
    """What the server holds for the stack: stores (with their files) and Files, read raw."""
    sys.path.insert(0, str(REPO))
    import openai

    from asstctl.core.ownership import parse_upload_filename

    client = openai.OpenAI(base_url=base_url, api_key="sk-compat")
    stores = []
    for vs in client.vector_stores.list(limit=100):
        if (vs.metadata or {}).get("asstctl_stack") != STACK:
            continue
        files = {}
        for vsf in client.vector_stores.files.list(vs.id, limit=100):
            attrs = dict(vsf.attributes or {})
            files[str(attrs.get("asstctl_path"))] = {
                "status": vsf.status,
                "attributes": {k: v for k, v in attrs.items() if not k.startswith("asstctl_")},
            }
        stores.append({"id": vs.id, "metadata": dict(vs.metadata or {}), "files": files})
    owned = [
        f.filename
        for f in client.files.list()
        if (p := parse_upload_filename(f.filename)) and p.stack == STACK
    ]
    return {"stores": stores, "files": sorted(owned)}


def expect_files(base_url: str, wanted: dict[str, dict[str, Any]]) -> None:
    view = server_view(base_url)
    say("   server holds: " + json.dumps(view, sort_keys=True))
    if len(view["stores"]) != 1:
        raise Failed(f"expected one store of the stack, found {len(view['stores'])}")
    held = view["stores"][0]["files"]
    got = {
        p: {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in f["attributes"].items()}
        for p, f in held.items()
    }
    if got != wanted:
        raise Failed(f"the store holds {got}, expected {wanted}")
    if any(f["status"] != "completed" for f in held.values()):
        raise Failed(f"not every file is ingested: {held}")
    if len(view["files"]) != len(wanted):
        raise Failed(f"{len(view['files'])} Files of the stack, expected {len(wanted)}")
    say("   every file is attached, with its attributes")


def life_cycle(base_url: str, root: Path) -> None:
    project = root / "project"
    (project / "kb").mkdir(parents=True)
    (project / "asstctl.yaml").write_text(f"stack: {STACK}\nmanifests: [kb/*.yaml]\n")
    (project / "kb" / "kb.yaml").write_text(MANIFEST)
    for rel, text in FILES.items():
        path = project / "kb" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    step("validate", asstctl(base_url, project, "validate"))
    out = step("apply", asstctl(base_url, project, "apply", "--auto-approve"))
    if "Apply complete!" not in out:
        raise Failed("apply did not say Apply complete!")
    expect_files(
        base_url,
        {
            "kb/docs/guide.md": {"lang": "en", "rank": 3},
            "kb/docs/my notes.md": {"lang": "fr"},
            "kb/docs/faq.md": {},
        },
    )
    step("plan (must be empty)", asstctl(base_url, project, "plan", "--detailed-exitcode"))

    (project / "kb/docs/guide.md").write_text(FILES["docs/guide.md"] + "Step three: enjoy.\n")
    (project / "kb/kb.yaml").write_text(MANIFEST.replace(*ATTRIBUTE_EDIT))
    step(
        "plan (a content and an attribute edit)", asstctl(base_url, project, "plan", "--detailed-exitcode"), 2
    )
    step("apply the edits", asstctl(base_url, project, "apply", "--auto-approve"))
    expect_files(
        base_url,
        {
            "kb/docs/guide.md": {"lang": "en", "rank": 3},
            "kb/docs/my notes.md": {"lang": "fr", "rank": 2},
            "kb/docs/faq.md": {},
        },
    )
    step("plan (must be empty)", asstctl(base_url, project, "plan", "--detailed-exitcode"))

    step("destroy", asstctl(base_url, project, "destroy", "--auto-approve"))
    view = server_view(base_url)
    say("   server holds: " + json.dumps(view, sort_keys=True))
    if view["stores"] or view["files"]:
        raise Failed("destroy left something of the stack behind")
    say("   no store and no File of the stack left")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=Path.home() / ".cache" / "asstctl-compat" / "ogx")
    parser.add_argument("--python", default=None, help="a Python 3.12 (default: found on PATH or in pyenv)")
    parser.add_argument("--keep", action="store_true", help="leave the servers running")
    args = parser.parse_args()
    try:
        cache = install(args.venv.resolve(), args.python or find_python312())
        with tempfile.TemporaryDirectory(prefix="asstctl-ogx-") as tmp:
            state = Path(tmp) / "state"
            state.mkdir()
            with servers(args.venv.resolve(), cache, state, args.keep) as base_url:
                life_cycle(base_url, Path(tmp))
    except Failed as exc:
        say(f"\nCOMPATIBILITY CHECK FAILED: {exc}")
        return 1
    say("\nCOMPATIBILITY CHECK PASSED: OGX 1.5.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
