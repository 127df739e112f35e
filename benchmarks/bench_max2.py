"""Benchmark: sound strategies vs. the tutorial's float32 computation, same machine, same run.

For `max2-d2048` (the tutorial's size) each loss strategy runs twice: pyexport's sound version
(exact-rational bound, interval enclosures) and a float32 torch re-implementation of the
tutorial's own computation (model forward over the inputs, cross-entropy). Prints a markdown
table with the ratio sound / float and writes it to bench-results/<model>.md (and .json). The
independent checker against the prover: benchmarks/bench_checker.py.

    make bench                         # max2-d2048, loss
    python benchmarks/bench_max2.py --model max2-d64 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from pyexport.families import load_model
from pyexport.families.max_of_n_mlp.train import MaxMLP
from pyexport.proof import run

ROWS_PER_BATCH = 8


def torch_model(model) -> MaxMLP:
    net = MaxMLP(model.config.d_vocab, model.config.d_model)
    with torch.no_grad():
        net.embedding.weight.copy_(torch.from_numpy(model.E))
        net.linear.weight.copy_(torch.from_numpy(model.H))
        net.unembedding.weight.copy_(torch.from_numpy(model.U))
    return net.eval()


@torch.no_grad()
def float_pairs_loss(net: MaxMLP, d: int, symmetric: bool) -> float:
    """The tutorial's brute force (all pairs) or symmetry (t1 <= t2, weight 2 off the diagonal)."""
    total = 0.0
    for start in tqdm(range(0, d, ROWS_PER_BATCH), desc="float pairs", leave=False):
        t1 = torch.arange(start, min(start + ROWS_PER_BATCH, d)).repeat_interleave(d)
        t2 = torch.arange(d).repeat(len(t1) // d)
        keep = t2 >= t1 if symmetric else torch.ones_like(t1, dtype=torch.bool)
        t1, t2 = t1[keep], t2[keep]
        losses = torch.nn.functional.cross_entropy(
            net(torch.stack([t1, t2], 1)), torch.maximum(t1, t2), reduction="none")
        weight = torch.where(t1 == t2, 1.0, 2.0) if symmetric else torch.ones_like(losses)
        total += float((losses * weight).sum())
    return total / d**2


@torch.no_grad()
def float_convexity_loss(net: MaxMLP, d: int) -> float:
    """The tutorial's convexity bound: diagonal logits, L(z(s,s), y) summed as the theorem says."""
    t = torch.arange(d)
    z = net(torch.stack([t, t], 1))  # z[s] = logits of input (s, s)
    L = torch.logsumexp(z, dim=1, keepdim=True) - z  # L[s, y]
    diag = torch.diagonal(L)
    return float(diag.sum() + torch.triu(L, 1).sum() + (diag * t).sum()) / d**2


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="max2-d2048")
    parser.add_argument("--repeat", type=int, default=1, help="take the best of N runs")
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    model = load_model(args.model)
    net, d = torch_model(model), model.config.d_vocab
    floats = {
        "brute-force": lambda: float_pairs_loss(net, d, symmetric=False),
        "symmetry": lambda: float_pairs_loss(net, d, symmetric=True),
        "convexity": lambda: float_convexity_loss(net, d),
    }
    rows = []
    for strategy, float_fn in floats.items():
        sound = min((timed(lambda: run(strategy, "loss", model)) for _ in range(args.repeat)),
                    key=lambda r: r[1])
        flt = min((timed(float_fn) for _ in range(args.repeat)), key=lambda r: r[1])
        rows.append({"strategy": strategy, "sound_bound": float(sound[0].bound),
                     "sound_seconds": sound[1], "float_value": flt[0],
                     "float_seconds": flt[1], "ratio": sound[1] / flt[1],
                     "flops": sound[0].metrics["flops"],
                     "trace_length": sound[0].trace_length})
        print(f"{strategy}: sound {sound[1]:.2f} s, float {flt[1]:.2f} s", flush=True)
    lines = [f"model {args.model}, torch {torch.__version__}, {torch.get_num_threads()} threads",
             "", "| strategy | sound bound | float32 value | sound (s) | float32 (s) | "
             "ratio sound/float | FLOPs | trace length |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['strategy']} | {r['sound_bound']:.10g} | {r['float_value']:.6g} | "
              f"{r['sound_seconds']:.2f} | {r['float_seconds']:.2f} | {r['ratio']:.3f} | "
              f"{r['flops']:.3g} | {r['trace_length']} |" for r in rows]
    text = "\n".join(lines) + "\n"
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"{args.model}.md").write_text(text)
    (args.output / f"{args.model}.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
