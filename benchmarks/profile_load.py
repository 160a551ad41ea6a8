#!/usr/bin/env python3
"""Time ``asstctl.manifest.load_project`` on the benchmark fleet, in-process: cold and warm hash cache.

Generates the same fleet as ``bench.py`` (100 assistants, 20 stores, 2,000 files + a 200 MB
file by default) in a temporary directory, waits until its files are older than the hash
cache's racy window, then loads the project repeatedly:

    python benchmarks/profile_load.py                  # the full fleet
    python benchmarks/profile_load.py --big-mb 0 -n 3  # without the big file, 3 runs each
    python benchmarks/profile_load.py --profile        # also the top functions of a warm load

"cold" deletes ``.asstctl/hashes.json`` before each load (every file is hashed); "warm"
keeps it. The OS page cache is warm in both. Figures are the median of ``-n`` loads.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import Fleet, generate

from asstctl.manifest import load_project

RACY_WAIT_S = 2.2
"""Files younger than this are never cached (see asstctl.manifest.hashcache)."""


def _median_ms(runs: int, before: Callable[[], None], load: Callable[[], object]) -> tuple[float, float]:
    times: list[float] = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        load()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assistants", type=int, default=100)
    ap.add_argument("--stores", type=int, default=20)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="print the top functions of one warm load")
    args = ap.parse_args(argv)
    fleet = Fleet(args.assistants, args.stores, args.files, args.big_mb)
    work = Path(tempfile.mkdtemp(prefix="asstctl-profile-"))
    try:
        project = work / "project"
        generate(project, fleet)
        time.sleep(RACY_WAIT_S)
        cache = project / ".asstctl" / "hashes.json"

        def drop_cache() -> None:
            cache.unlink(missing_ok=True)

        def load() -> object:
            return load_project(project)

        load()  # imports, page cache
        print(
            f"# load_project: {fleet.assistants} assistants, {fleet.stores} stores, {fleet.files} files"
            f" + {fleet.big_mb} MB; median (min) of {args.runs} loads"
        )
        cold, cold_min = _median_ms(args.runs, drop_cache, load)
        print(f"cold (no hash cache)  {cold:8.1f} ms  ({cold_min:.1f})")
        load()
        warm, warm_min = _median_ms(args.runs, lambda: None, load)
        print(f"warm (hash cache)     {warm:8.1f} ms  ({warm_min:.1f})")
        print(f"hash cache written: {cache.is_file()}")
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(load)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
