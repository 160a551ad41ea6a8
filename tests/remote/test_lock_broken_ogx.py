"""A held lock whose claim is deleted under it is reported broken on a server answering a
missing store 400 "not found" (the emulator's OGX profile) as on one answering 404."""

from __future__ import annotations

import io
from typing import Any

import openai
import pytest

from asstctl.remote.lock import hold_lock, list_claims

STACK = "lbroken"


@pytest.mark.parametrize("profile", ["openai", "ogx"])
def test_a_deleted_claim_breaks_the_lock(emulator_factory: Any, profile: str) -> None:
    emu = emulator_factory(profile=profile)
    out = io.StringIO()
    with (
        openai.OpenAI(base_url=emu.base_url, api_key="sk-test", max_retries=0) as client,
        hold_lock(
            client, stack=STACK, base_url="emu", command="apply", timeout=0, renew_every=0.05, out=out
        ) as held,
    ):
        (claim,) = list_claims(client, STACK)
        client.vector_stores.delete(claim.id)  # what force-unlock does
        assert held.broken.wait(10), out.getvalue()
    assert "was broken" in out.getvalue()
