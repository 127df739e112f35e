"""Benchmark: the independent Python checker against the strategy that made each certificate.

For every strategy and quantity of a max-of-n MLP, proves (`pyexport.proof.run`), builds the
certificate and re-derives it (`pyexport.checker.check`), in one process on the same machine:
the ratio check / prove is the figure the kernel issue asks to keep within 3 at d_vocab 2048.
Writes bench-results/checker-<model>.{md,json}.

    python benchmarks/bench_checker.py --model max2-d2048      (about 7 minutes on 2 cores)
    python benchmarks/bench_checker.py --model max3-d256
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from pyexport.certificate import build
from pyexport.checker import check
from pyexport.families import load_model
from pyexport.proof import run

STRATEGIES = ("brute-force", "symmetry", "convexity")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="max2-d2048")
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    model = load_model(args.model)
    rows = []
    for quantity in ("loss", "accuracy"):
        for strategy in STRATEGIES:
            start = time.perf_counter()
            proof = run(strategy, quantity, model)
            prove = time.perf_counter() - start
            verdict = check(build(model, proof))
            if not verdict.accepted:
                raise SystemExit(f"{strategy} {quantity}: rejected at {verdict.step}: "
                                 f"{verdict.reason}")
            rows.append({"strategy": strategy, "quantity": quantity, "bound": float(proof.bound),
                         "prove_seconds": round(prove, 2),
                         "check_seconds": round(verdict.seconds, 2),
                         "ratio": round(verdict.seconds / prove, 2)})
            print(json.dumps(rows[-1]), flush=True)
    lines = [f"model {args.model}", "", "| strategy | quantity | bound | prove (s) | "
             "Python check (s) | ratio check/prove |", "|---|---|---|---:|---:|---:|"]
    lines += [f"| {r['strategy']} | {r['quantity']} | {r['bound']:.10g} | {r['prove_seconds']} | "
              f"{r['check_seconds']} | {r['ratio']} |" for r in rows]
    text = "\n".join(lines) + "\n"
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"checker-{args.model}.md").write_text(text)
    (args.output / f"checker-{args.model}.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
