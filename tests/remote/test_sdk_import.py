"""The console script imports the SDK at the cost of what it uses (issue 14), and the SDK
still behaves the same once any of its names is used."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_PROBE = textwrap.dedent(
    """
    import sys
    from asstctl.remote.sdk_import import defer_package_inits
    defer_package_inits()
    import openai._client, openai._exceptions
    client_module = sys.modules["openai._client"]  # (the package's own `_client` attribute is None)
    client = client_module.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    print(len([m for m in sys.modules if m.startswith("openai")]))
    print("openai.types.responses" in sys.modules)
    import openai
    from openai.types.beta import Assistant
    from openai.types.responses import Response
    assert openai.OpenAI is client_module.OpenAI
    assert issubclass(openai.NotFoundError, openai.APIStatusError)
    assert Assistant.model_validate({"id": "asst_1", "created_at": 1, "model": "m", "object": "assistant",
                                     "tools": []}).id == "asst_1"
    print("ok")
    """
)


def _run(code: str, **env: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**_env(), **env}
    )
    return out.stdout.split()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "ASSTCTL_EAGER_IMPORTS"}


def test_the_client_alone_costs_a_fraction_of_the_sdk_and_everything_still_works() -> None:
    modules, responses_loaded, ok = _run(_PROBE)
    assert ok == "ok"
    assert responses_loaded == "False"
    assert int(modules) < 150  # `import openai` alone loads about 500


def test_eager_imports_can_be_asked_for() -> None:
    modules, responses_loaded, ok = _run(_PROBE, ASSTCTL_EAGER_IMPORTS="1")
    assert ok == "ok" and responses_loaded == "True" and int(modules) > 300


def test_the_console_script_flushes_its_output_and_keeps_the_exit_code(tmp_path: object) -> None:
    from pathlib import Path

    project = Path(str(tmp_path))
    (project / "asstctl.yaml").write_text("stack: s\nmanifests: [a.yaml]\n")
    (project / "a.yaml").write_text("kind: VectorStore\nname: kb\nbogus: 1\n")
    code = "import sys; sys.argv[0] = 'asstctl'; from asstctl.main import entrypoint; entrypoint()"
    done = subprocess.run(
        [sys.executable, "-c", code, "-C", str(project), "validate"],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 1
    assert "a.yaml:3" in done.stdout + done.stderr


_RACE = textwrap.dedent(
    """
    import threading
    from asstctl.remote.sdk_import import defer_package_inits
    defer_package_inits()
    import openai._client
    names = [("openai", "NotFoundError"), ("openai.types.beta", "Assistant"),
             ("openai.types.responses", "Response"), ("openai.types", "FileObject"),
             ("openai.types.vector_stores", "VectorStoreFile"), ("openai", "OpenAI")] * 4
    barrier = threading.Barrier(len(names))
    errors = []

    def touch(module_name, attr):
        import importlib
        barrier.wait()
        try:
            getattr(importlib.import_module(module_name), attr)
        except BaseException as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=touch, args=pair) for pair in names]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("errors:", errors)
    """
)


def test_threads_touching_deferred_packages_at_once_all_get_them() -> None:
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", _RACE], capture_output=True, text=True, check=True, env=_env(), timeout=60
        ).stdout
        assert out.strip() == "errors: []", out
