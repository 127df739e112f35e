"""Benchmark: a sweep serial against a sweep on a two-process pool, same machine, same run.

The sweep is the five shipped Max-of-K seeds x {brute force, cubic, subcubic} for the accuracy:
each job proves, checks with the Python checker and kernel-checks with Coq (brute force at
n_ctx 4 is reported `unsupported` by Coq: its 64^4 sequences are beyond the kernel), term size
included, into a fresh archive folder per run. Serial is `--jobs 1` (this process, no pool);
parallel `--jobs 2` (a spawn process pool, one torch thread per worker). The issue's target:
parallel at most 0.6 of serial on this 2-core machine. Writes bench-results/sweep.json.

    python benchmarks/bench_sweep.py                 # about 15 minutes
    python benchmarks/bench_sweep.py --seeds 123 --strategies subcubic
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from pyexport import coq_library, sweep
from pyexport.families.max_of_k_transformer.model import SHIPPED_SEEDS

OUT = Path("bench-results")


def timed_sweep(models: list[str], strategies: list[str], workers: int) -> tuple[float, list]:
    with tempfile.TemporaryDirectory(prefix="pyexport-bench-sweep-") as folder:
        jobs = sweep.plan(models, strategies, ["accuracy"], Path(folder), provers=("coq",))
        start = time.perf_counter()
        results = sweep.run(jobs, workers=workers)
        return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SHIPPED_SEEDS))
    parser.add_argument("--strategies", nargs="+", default=["brute-force", "cubic", "subcubic"])
    args = parser.parse_args()
    models = [f"max4-d64-s{seed}" for seed in args.seeds]
    coq_library.built()  # the library build is not part of either sweep
    runs = {}
    for workers in (1, 2):
        seconds, results = timed_sweep(models, args.strategies, workers)
        runs[workers] = {"seconds": round(seconds, 1),
                         "jobs": [{"job": r.job.label, "status": r.status, "kernels": r.kernels,
                                   "seconds": r.seconds} for r in results]}
        bad = [r.job.label for r in results if r.status != "accepted"]
        print(f"--jobs {workers}: {seconds:.1f} s for {len(results)} jobs"
              + (f"; not accepted: {bad}" if bad else ", all accepted"))
    ratio = runs[2]["seconds"] / runs[1]["seconds"]
    print(f"parallel / serial = {ratio:.2f} (target <= 0.6) on {os.cpu_count()} cores")
    OUT.mkdir(exist_ok=True)
    (OUT / "sweep.json").write_text(json.dumps({"models": models, "strategies": args.strategies,
                                                "runs": runs, "ratio": round(ratio, 3)},
                                               indent=1) + "\n")


if __name__ == "__main__":
    main()
