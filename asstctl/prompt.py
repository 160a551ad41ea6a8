"""The confirmation rules shared by apply and destroy.

On an interactive terminal (stdin is a TTY and ``CI`` is not set) asstctl asks and accepts
only the literal ``yes``. Anywhere else it refuses unless ``--auto-approve`` was given.
"""

from __future__ import annotations

import os
import sys

from asstctl.errors import UsageError

REFUSAL = (
    "refusing to {verb} without confirmation: no terminal (or CI is set); review the plan and rerun "
    "with --auto-approve{planfile}"
)


def interactive() -> bool:
    """True when a person can answer: stdin is a terminal and ``CI`` is unset (or false)."""
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in ("0", "false", "no"):
        return False
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def approve(*, auto_approve: bool, destroy: bool) -> bool:
    """Whether to go ahead: True if approved, False if the person declined.

    Raises UsageError when nobody can be asked and ``auto_approve`` is not set.
    """
    if auto_approve:
        return True
    if not interactive():
        verb = "destroy" if destroy else "apply"
        hint = "" if destroy else ", or apply a saved plan file"
        raise UsageError(REFUSAL.format(verb=verb, planfile=hint))
    question = (
        "Do you really want to destroy all resources of this stack?"
        if destroy
        else "Do you want to perform these actions?"
    )
    sys.stdout.write(f"\n{question}\n  Only 'yes' will be accepted to approve.\n  Enter a value: ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    return answer.strip() == "yes"
