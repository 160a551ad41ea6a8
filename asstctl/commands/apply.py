"""``asstctl apply [PLANFILE]``: show the plan, get approval, carry it out, summarise.

A saved PLANFILE is applied without a prompt, and only while it is fresh: the project and
every live object it read must be unchanged (otherwise "saved plan is stale", no writes).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from asstctl.commands.locked import WriteSession, prepare_to_write
from asstctl.core.plan import Plan
from asstctl.core.saved_plan import check_fresh, load_saved_plan
from asstctl.errors import ApplyError, UsageError
from asstctl.executor import ApplyResult, check_prevent_destroy, execute
from asstctl.progress import Reporter
from asstctl.prompt import approve
from asstctl.remote.lock import LockError
from asstctl.render import plan_document, render_notes, render_text
from asstctl.render.color import use_color
from asstctl.workflow import Prepared, endpoint_name


def run(
    project_dir: Path,
    *,
    planfile: Path | None,
    auto_approve: bool,
    parallelism: int,
    targets: tuple[str, ...],
    sandbox: bool,
    color: bool | None,
    lock_timeout: float | None = None,
) -> int:
    if planfile is None:
        with prepare_to_write(
            project_dir, command="apply", sandbox=sandbox, lock_timeout=lock_timeout, targets=targets
        ) as session:
            return carry_out(
                session, parallelism=parallelism, color=color, auto_approve=auto_approve, destroy=False
            )
    saved = load_saved_plan(planfile)
    if targets and tuple(targets) != tuple(saved.targets):
        raise UsageError(
            f"{planfile} was planned with its own targets; apply it without --target "
            "(or make a new plan with the targets you want)"
        )
    with prepare_to_write(
        project_dir,
        command="apply",
        sandbox=sandbox,
        lock_timeout=lock_timeout,
        destroy=saved.destroy,
        targets=tuple(saved.targets),
    ) as session:

        def fresh(p: Prepared) -> None:
            endpoint, document = endpoint_name(p.endpoint), plan_document(p.plan)
            check_fresh(saved, p.project, p.live, endpoint=endpoint, document=document)

        fresh(session.prepared)
        return carry_out(
            session,
            parallelism=parallelism,
            color=color,
            auto_approve=True,
            destroy=saved.destroy,
            check=fresh,
        )


def carry_out(
    session: WriteSession,
    *,
    parallelism: int,
    color: bool | None,
    auto_approve: bool,
    destroy: bool,
    check: Callable[[Prepared], None] | None = None,
) -> int:
    """Shared by apply and destroy: render, refuse what must not happen, ask, lock, execute,
    report. ``check`` is run on the state read under the lock (a saved plan's freshness)."""
    plan = session.prepared.plan
    sys.stderr.write(render_notes(plan))
    sys.stdout.write(render_text(plan, color=use_color(color, sys.stdout)))
    sys.stdout.flush()
    if not plan.has_changes:
        return 0
    check_prevent_destroy(plan)
    if not approve(auto_approve=auto_approve, destroy=destroy):
        print(f"\n{'Destroy' if destroy else 'Apply'} cancelled.", file=sys.stderr)
        return 1
    with session.locked() as prepared:
        if check is not None:
            check(prepared)
        if plan_document(prepared.plan) != plan_document(plan):
            if not _replanned(prepared.plan, color=color, auto_approve=auto_approve, destroy=destroy):
                return 0
            plan = prepared.plan
        return _execute(prepared, plan, parallelism=parallelism, color=color, destroy=destroy)


def _replanned(plan: Plan, *, color: bool | None, auto_approve: bool, destroy: bool) -> bool:
    """The stack changed before the lock was ours: show the new plan; True to go ahead with it."""
    cmd = "destroy" if destroy else "apply"
    if not auto_approve:
        raise LockError(
            f"the stack changed while you were reviewing the plan (another run wrote to it before this "
            f"one got the lock); nothing was changed: run asstctl {cmd} again to review the new plan"
        )
    print(
        "\nThe stack changed before this run got the lock (another run wrote to it); the plan now:",
        file=sys.stderr,
    )
    sys.stderr.write(render_notes(plan))
    sys.stdout.write(render_text(plan, color=use_color(color, sys.stdout)))
    sys.stdout.flush()
    if not plan.has_changes:
        return False
    check_prevent_destroy(plan)
    return True


def _execute(prepared: Prepared, plan: Plan, *, parallelism: int, color: bool | None, destroy: bool) -> int:
    print(file=sys.stderr)
    with Reporter(color=color) as reporter:
        result = execute(
            plan,
            prepared.project,
            prepared.live,
            prepared.endpoint,
            parallelism=parallelism,
            reporter=reporter,
        )
        uploaded = reporter.counts("uploaded")
        indexed = reporter.counts("indexed")
    deleted = sum(1 for r in result.applied if r.key.startswith("delete file ") and r.detail == "deleted")
    files = [f"{uploaded[0]}/{uploaded[1]} uploaded"] if uploaded[1] else []
    files += [f"{indexed[0]}/{indexed[1]} indexed"] if indexed[1] else []
    files += [f"{deleted} unused deleted"] if deleted else []
    if files:
        print(f"Files: {', '.join(files)}.", file=sys.stderr)
    if result.ok:
        counts = plan.summary()
        if destroy:
            print(f"\nDestroy complete! Resources: {counts['destroy']} destroyed.")
        else:
            print(
                f"\nApply complete! Resources: {counts['add']} added, {counts['change']} changed, "
                f"{counts['destroy']} destroyed."
            )
        return 0
    _print_failure(result)
    raise ApplyError(_failure_line(result, destroy))


def _print_failure(result: ApplyResult) -> None:
    out = sys.stdout
    out.write(
        f"\nApply finished with errors: {len(result.applied)} steps applied, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped.\n"
    )
    if result.applied:
        out.write("\nApplied:\n" + "".join(f"  {r.key}: {r.detail}\n" for r in result.applied))
    if result.failed:
        out.write("\nFailed:\n" + "".join(f"  {r.key}: {r.detail}\n" for r in result.failed))
    if result.skipped:
        out.write("\nSkipped:\n" + "".join(f"  {r.key}: {r.detail}\n" for r in result.skipped))
    if result.ingestion_failures:
        n = len(result.ingestion_failures)
        out.write(
            f"\nIngestion failed for {n} file{'s' if n != 1 else ''}:\n"
            + "".join(f"  {f}\n" for f in result.ingestion_failures)
        )
    out.flush()


def _failure_line(result: ApplyResult, destroy: bool) -> str:
    parts = []
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    if result.skipped:
        parts.append(f"{len(result.skipped)} skipped")
    if result.ingestion_failures:
        n = len(result.ingestion_failures)
        parts.append(f"{n} file{'s' if n != 1 else ''} not ingested")
    cmd = "destroy" if destroy else "apply"
    done = "everything else was done" if result.applied else "nothing else was changed"
    return (
        f"{cmd} did not complete ({', '.join(parts)}); {done}. Fix the causes listed "
        f"above and run asstctl {cmd} again: it picks up where this run stopped."
    )
