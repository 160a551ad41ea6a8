"""``asstctl force-unlock``: break the stack's lock, left behind by a run that is gone (a
killed CI job on another machine). Like ``terraform force-unlock``: only when you are sure
no run is still writing; it shows the holder and asks first (``--yes`` skips the question)."""

from __future__ import annotations

import sys
from pathlib import Path

import openai

from asstctl.errors import UsageError
from asstctl.manifest import load_project
from asstctl.prompt import interactive
from asstctl.remote.client import open_endpoint
from asstctl.remote.errors import translate
from asstctl.remote.lock import list_claims
from asstctl.remote.writer import Writer


def run(project_dir: Path, *, yes: bool) -> int:
    project = load_project(project_dir)
    stack = project.stack
    with open_endpoint(project, sandbox=False) as endpoint:
        try:
            claims = list_claims(endpoint.client, stack)
        except openai.OpenAIError as exc:
            raise translate(
                exc, base_url=endpoint.base_url, what=f"reading the lock of stack {stack}"
            ) from None
        if not claims:
            print(f"Stack {stack} is not locked.")
            return 0
        for claim in claims:
            state = "holds" if claim.held else "is waiting for"
            print(f"{claim.describe()} {state} the lock of stack {stack} ({claim.id}).")
        if not yes:
            if not interactive():
                raise UsageError(
                    "refusing to break the lock without confirmation: no terminal (or CI is set); "
                    "make sure that run is gone, then rerun with --yes"
                )
            sys.stdout.write(
                "\nBreak it? A run still holding it would go on writing alongside the next one.\n"
                "  Only 'yes' will be accepted to approve.\n  Enter a value: "
            )
            sys.stdout.flush()
            if sys.stdin.readline().strip() != "yes":
                print("\nForce-unlock cancelled.", file=sys.stderr)
                return 1
        writer = Writer(endpoint.client, stack=stack, base_url=endpoint.base_url)
        for claim in claims:
            writer.delete_vector_store(f"the lock of stack {stack}", claim.id)
    print(f"Stack {stack} is unlocked.")
    return 0
