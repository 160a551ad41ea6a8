#!/usr/bin/env python3
"""Measure asstctl on a generated fleet: requests, wall time, CPU and peak memory per phase.

Every asstctl figure is of the whole command as a user runs it (a process: interpreter, SDK
start-up, manifests, hashing, network and exit), against the emulator in a process of its own
with ``--latency-ms`` added to each request. The baseline is the usual refresh — one GET per
object, 10 in parallel, as Terraform providers do by default — also as a whole process.

    python benchmarks/bench.py                 # the fleet (≈ 2,000 files + a 200 MB file) and 8x it
    python benchmarks/bench.py --scale 0       # without the 8x scaling point (≈ 1 minute)
    python benchmarks/bench.py --smoke         # a tiny fleet, for the test suite

Prints a table per phase and the targets with their measured figures; ``--json FILE`` also
writes them as JSON. Exit 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import Fleet, floor_requests, generate
from procs import Emulator, Phase, asstctl_refresh, baseline_refresh, hash_speed, run_phase

TODAY_PER_UNIT_S = 0.72
"""Seconds a no-op plan cost per fleet unit before issue 14 (its 'where it stands')."""
RACY_WAIT_S = 2.2
"""The hash cache trusts no file modified this recently (asstctl.manifest.hashcache)."""


def warm_plans(emu: Emulator, project: Path, runs: int, name: str) -> Phase:
    """The median of ``runs`` no-op plans (the hash cache warm, as users run it)."""
    phases = [run_phase(name, emu, project, "plan", "--detailed-exitcode") for _ in range(runs)]
    return sorted(phases, key=lambda p: p.seconds)[len(phases) // 2]


def cold_plan(emu: Emulator, project: Path) -> Phase:
    """A no-op plan with no hash cache: every local file hashed again."""
    shutil.rmtree(project / ".asstctl", ignore_errors=True)
    return run_phase("no-op plan, cold (no hash cache)", emu, project, "plan", "--detailed-exitcode")


def scaling_point(args: argparse.Namespace, fleet: Fleet, work: Path) -> tuple[Phase, Phase] | None:
    """Apply ``--scale`` times the fleet to a fresh emulator, then time its warm no-op plan."""
    if args.scale < 2:
        return None
    big = fleet.scaled(args.scale)
    project = work / f"project-x{args.scale}"
    generate(project, big)
    time.sleep(RACY_WAIT_S)
    emu = Emulator(args.latency_ms, args.processing_delay_ms)
    try:
        applied = run_phase(f"apply from empty at {args.scale}x", emu, project, "apply", "--auto-approve")
        warm_plans(emu, project, 1, "warm-up")
        plan = warm_plans(emu, project, args.runs, f"no-op plan at {args.scale}x (warm, median)")
    finally:
        emu.stop()
    return applied, plan


def print_phase(p: Phase) -> None:
    rss = f", peak RSS {p.peak_rss_mb:.0f} MB, CPU {p.cpu_seconds:.2f} s" if p.peak_rss_mb else ""
    print(f"\n## {p.name}: {p.seconds:.2f} s, {p.total} requests ({p.writes} writes){rss}")
    for endpoint, n in sorted(p.requests.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"   {n:6d}  {endpoint}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assistants", type=int, default=100)
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--processing-delay-ms", type=int, default=200)
    ap.add_argument(
        "--scale", type=int, default=8, help="also measure a fleet this many times larger (0: skip)"
    )
    ap.add_argument("--runs", type=int, default=3, help="warm no-op plans per figure (the median is kept)")
    ap.add_argument("--smoke", action="store_true", help="a tiny fleet and latency, for the test suite")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = ap.parse_args(argv)
    if args.smoke:
        args.assistants, args.stores, args.files, args.big_mb = 6, 3, 30, 2
        args.latency_ms, args.processing_delay_ms, args.scale, args.runs = 5, 20, 2, 1
    fleet = Fleet(args.assistants, args.stores, args.files, args.big_mb)

    work = Path(tempfile.mkdtemp(prefix="asstctl-bench-"))
    project = work / "project"
    t0 = time.perf_counter()
    small = generate(project, fleet)
    time.sleep(RACY_WAIT_S)
    print(
        f"# fleet: {fleet.assistants} assistants, {fleet.stores} vector stores, {fleet.files} files of "
        f"{fleet.min_kb}-{fleet.max_kb} KB + one {fleet.big_mb} MB file; latency {args.latency_ms} ms; "
        f"asstctl's default parallelism (generated in {time.perf_counter() - t0:.1f} s)"
    )
    emu = Emulator(args.latency_ms, args.processing_delay_ms)
    try:
        apply = run_phase("apply from empty", emu, project, "apply", "--auto-approve")
        cold = cold_plan(emu, project)
        plan = warm_plans(emu, project, args.runs, "no-op plan")
        noop_apply = run_phase("no-op apply", emu, project, "apply", "--auto-approve")
        for p in random.Random(7).sample(small, max(1, len(small) // 100)):
            p.write_bytes(p.read_bytes() + b"\nchanged\n")
        changed_plan = run_phase("plan after changing 1% of files", emu, project, "plan")
        changed_apply = run_phase("apply after changing 1% of files", emu, project, "apply", "--auto-approve")
        baseline = baseline_refresh(emu)
        refresh = asstctl_refresh(emu)
        destroy = run_phase("destroy", emu, project, "destroy", "--auto-approve")
    finally:
        emu.stop()
    scaled = scaling_point(args, fleet, work)
    phases = [apply, plan, noop_apply, changed_plan, changed_apply, destroy, cold]
    phases += list(scaled or ())
    for p in [*phases, baseline, refresh]:
        print_phase(p)

    floor = floor_requests(fleet)
    bound8 = apply.total / 8 * args.latency_ms / 1000
    polls = sum(n for k, n in apply.requests.items() if "file_batches/{batch_id}" in k)
    hashed, read = hash_speed(project / "assistants/docs/big/manual.txt") if fleet.big_mb else (0.0, 0.0)
    ratio, ratio_cold = baseline.seconds / plan.seconds, baseline.seconds / cold.seconds
    per_unit = (scaled[1].seconds - plan.seconds) / (args.scale - 1) if scaled else None
    at_scale = "not measured (--scale 0)"
    if scaled and per_unit is not None:
        at_scale = (
            f"{per_unit:.3f} s per fleet unit ({scaled[1].seconds:.2f} s at {args.scale}x vs "
            f"{plan.seconds:.2f} s at 1x; {scaled[1].total} requests); a third of today's "
            f"{TODAY_PER_UNIT_S} s is {TODAY_PER_UNIT_S / 3:.2f} s"
        )
    informational = args.smoke  # a tiny fleet at 5 ms: start-up dominates, ratios mean nothing
    targets = [
        (
            "no-op plan requests within the floor + 3",
            plan.total <= floor + 3,
            f"{plan.total} requests, floor {floor} (+1 lists the stack's Files, +1 the agents)",
        ),
        (
            "whole no-op plan (warm) at least 20x faster than the whole baseline refresh",
            ratio >= 20 or informational,
            f"{plan.seconds:.2f} s vs {baseline.seconds:.2f} s: x{ratio:.1f} "
            f"(cold, no hash cache: {cold.seconds:.2f} s, x{ratio_cold:.1f}); "
            f"requests {plan.total} vs {baseline.total}; CPU {plan.cpu_seconds:.2f} s",
        ),
        (
            f"per-unit cost of a no-op plan at {args.scale}x at most a third of today's",
            per_unit is None or per_unit <= TODAY_PER_UNIT_S / 3 or informational,
            at_scale,
        ),
        (
            "apply from empty within 0.6x the time its requests need at 8 in flight",
            apply.seconds <= 0.6 * bound8 or informational,
            f"{apply.seconds:.1f} s for {apply.total} requests; at 8 in flight x {args.latency_ms} ms they "
            f"need {bound8:.1f} s (0.6x: {0.6 * bound8:.1f} s); {polls} were batch polls",
        ),
        ("no-op apply sends zero writes", noop_apply.writes == 0, f"{noop_apply.writes} writes"),
        (
            "peak RSS under 200 MB (the 200 MB file is streamed)",
            max(p.peak_rss_mb for p in phases) < 200,
            f"max peak RSS {max(p.peak_rss_mb for p in phases):.0f} MB",
        ),
        (
            "in-process read vs in-process baseline (informational; not whole processes)",
            True,
            f"asstctl's list-call read {refresh.seconds:.2f} s in-process",
        ),
        ("local hashing (informational)", True, f"sha256 {hashed:.0f} MB/s, plain read {read:.0f} MB/s"),
    ]
    print("\n# targets")
    for name, ok, figure in targets:
        print(f"[{'ok' if ok else 'MISSED'}] {name}: {figure}")
    if args.json:
        doc = {
            "fleet": fleet.__dict__,
            "latency_ms": args.latency_ms,
            "phases": [p.__dict__ for p in [*phases, refresh, baseline]],
            "targets": [{"name": n, "ok": ok, "figure": f} for n, ok, f in targets],
            "ratios": {"warm": ratio, "cold": ratio_cold, "per_unit_s": per_unit},
        }
        args.json.write_text(json.dumps(doc, indent=2))
    if args.keep:
        print(f"projects kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ok for _, ok, _ in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
