"""``asstctl destroy``: remove everything the stack owns — assistants, vector stores and
the files it uploaded — and nothing else. Same prompt rules as apply; a resource with
``lifecycle.prevent_destroy`` makes it refuse before any write.
"""

from __future__ import annotations

from pathlib import Path

from asstctl.commands.apply import carry_out
from asstctl.workflow import prepare


def run(
    project_dir: Path,
    *,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    color: bool | None,
) -> int:
    with prepare(project_dir, sandbox=sandbox, destroy=True, targets=targets) as prepared:
        return carry_out(
            prepared, parallelism=parallelism, color=color, auto_approve=auto_approve, destroy=True
        )
