"""What apply prints when some steps fail: applied, failed (with the API's reason) and the
exit code; and that the next apply finishes the job."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

from e2e_support import assert_converged, asstctl, expected_holdings_ok, make_project


def test_failed_steps_are_listed_and_a_rerun_converges(emulator: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path)

    def vanish(exchange: Any) -> None:
        """Someone deletes the new store right after it is created (not the lock's claim)."""
        meta = (exchange.request_body or {}).get("metadata") or {}
        if exchange.method == "POST" and exchange.template == "/v1/vector_stores" and "asstctl_stack" in meta:
            emulator.store.delete_vector_store(exchange.response_body["id"])

    emulator.set_recorder(vanish)
    result = asstctl(emulator, project, "apply", "--auto-approve", "--parallelism", "1")
    emulator.set_recorder(None)

    assert result.exit_code == 1
    out = result.stdout
    assert "Apply finished with errors:" in out and "2 failed" in out
    failed = out.split("\nFailed:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(":")[0].strip() for line in failed] == ["vector_store.kb files", "assistant.tutor"]
    assert all("answered 404" in line for line in failed)
    applied = out.split("\nApplied:\n")[1].split("\n\n")[0]
    assert "assistant.plain: created" in applied and "vector_store.kb: created" in applied
    assert "apply did not complete (2 failed)" in result.stderr
    assert "run asstctl apply again" in result.stderr

    again = asstctl(emulator, project, "apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    expected_holdings_ok(emulator)
    assert_converged(emulator, project)
