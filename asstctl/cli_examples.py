"""The examples at the end of each command's ``--help`` (one or two, the commonest first).

Kept in one table so every command has some (``tests/test_cli_help.py`` checks it): a new
command adds its entry here. Read by ``asstctl.main`` only.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": (
        "asstctl init my-bots                # then: asstctl -C my-bots plan --sandbox",
        "asstctl init --stack support",
    ),
    "schema": ("asstctl schema > manifest.schema.json",),
    "validate": (
        "asstctl validate",
        "asstctl validate --format github    # annotations in a GitHub Actions log",
    ),
    "plan": (
        "asstctl plan --out changes.plan     # review, then: asstctl apply changes.plan",
        "asstctl plan --format markdown --detailed-exitcode > plan.md",
    ),
    "show": (
        "asstctl show changes.plan",
        "asstctl show changes.plan --format markdown > plan.md",
    ),
    "apply": (
        "asstctl apply                       # plan, ask, apply",
        "asstctl apply changes.plan          # exactly the reviewed plan, no prompt",
    ),
    "destroy": (
        "asstctl destroy",
        "asstctl destroy --target assistant.support --auto-approve",
    ),
    "import": (
        "asstctl import assistant.support asst_abc123",
        "asstctl import --from-stack old-name --dry-run",
    ),
    "forget": ("asstctl forget assistant.support",),
    "force-unlock": ("asstctl force-unlock",),
    "output": (
        'asstctl output --format env >> "$GITHUB_ENV"',
        "ASSISTANT_ID=$(asstctl output assistant.support)",
    ),
    "run": (
        "asstctl run assistant.support 'Where is my order 42?'",
        "asstctl run assistant.support --tool-output lookup_order=@order.json",
    ),
    "emulator": (
        "asstctl emulator --port 8089 --state emulator.json",
        "OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-local asstctl plan",
    ),
}


def epilog(command: str) -> str | None:
    """The ``Examples:`` block for ``command`` (click keeps its lines as written)."""
    lines = EXAMPLES.get(command)
    if not lines:
        return None
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
