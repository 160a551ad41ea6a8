"""``redact``: the API key never appears in output, in any form it can take (issue 12)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from asstctl.errors import for_terminal, redact

KEYS = ["sk-proj-Abc123def456ghi789", "azure0123456789abcdef0123456789ab", "sk-x\n", "  gw-token-4242  "]


@pytest.mark.parametrize("key", KEYS)
def test_every_form_of_the_key_is_redacted(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    core = key.strip()
    forms = [key, core, repr(key), json.dumps(key), quote(key, safe=""), f"Bearer {core}"]
    for form in forms:
        shown = redact(f"the server said: {form} was refused")
        assert core not in shown, (form, shown)


def test_credentials_query_secrets_and_bearer_tokens_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    text = (
        "cannot reach https://alice:s3cret@gw.example.com/v1?api-key=zzz123&x=1 "
        "(Authorization: Bearer eyJhbGciOi.payload) with sk-abcdefgh12345678"
    )
    shown = redact(text)
    for secret in ("alice", "s3cret", "zzz123", "eyJhbGciOi", "sk-abcdefgh12345678"):
        assert secret not in shown
    assert "https://[redacted]@gw.example.com/v1?api-key=[redacted]&x=1" in shown


def test_for_terminal_escapes_control_characters_and_undecodable_bytes() -> None:
    shown = for_terminal("bad \x1b[2J name caf\udce9\r\u202e\nnext line")
    assert shown == "bad \\x1b[2J name caf\\udce9\\x0d\\u202e\nnext line"
