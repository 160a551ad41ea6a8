"""The escaping helpers every human view uses for values read from the endpoint (issue 12)."""

from __future__ import annotations

from asstctl.render.values import code_fence, lines_of, md_code, md_text, safe, scalar


def test_safe_shows_control_characters_as_escapes() -> None:
    assert safe("a\x1b[2Jb\rc\u202ed\x9b") == "a\\x1b[2Jb\\x0dc\\u202ed\\x9b"
    assert safe("one\ntwo") == "one\\ntwo"
    assert safe("one\ntwo", newlines=True) == "one\ntwo"


def test_values_and_long_texts_are_safe() -> None:
    assert scalar("x\x9by\u2028") == '"x\\x9by\\u2028"'
    assert lines_of("first\x1b[H\nsecond\r") == ["first\\x1b[H", "second\\x0d"]


def test_markdown_text_is_literal() -> None:
    shown = md_text("<script>x</script> **bold** [link](http://e) | `code`\x1b")
    assert "<" not in shown and ">" not in shown
    assert "\\*\\*bold\\*\\*" in shown and "\\[link\\]" in shown and "\\|" in shown and "\\`code\\`" in shown
    assert "\x1b" not in shown


def test_inline_code_and_fences_outgrow_the_backticks_inside() -> None:
    assert md_code("vector_store.kb") == "`vector_store.kb`"
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x") == "`` `x ``"
    assert code_fence(["plain"]) == "```"
    assert code_fence(["  ````", "```"]) == "`````"
