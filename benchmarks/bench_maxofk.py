"""Benchmark: sound Max-of-K strategies vs. float re-implementations of the paper's own
computations, same machine, same run.

For each model: (1) the paper's brute force, a batched float32 forward pass over all d^n
sequences (our torch module computes what TransformerLens's HookedTransformer computes; the
conformance test checks it), against pyexport's sound brute force; (2) the paper's cubic
algorithm (gbmi `verification/cubic.py` at fb5b181) in float64 torch, vectorised the way ours
is, against pyexport's sound cubic; (3) both subcubic variants. Prints a markdown table (time
ratios sound/float, bound differences) and writes bench-results/maxofk.md and .json.

    make bench                                        # the five shipped max4-d64 seeds
    python benchmarks/bench_maxofk.py --models max4-d64-s123
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from pyexport.families import load_model
from pyexport.families.max_of_k_transformer.model import SHIPPED_SEEDS
from pyexport.families.max_of_k_transformer.train import torch_module
from pyexport.proof import run

BATCH = 1 << 16


@torch.no_grad()
def float_brute_force(model) -> float:
    """The paper's brute force: the model's float32 forward pass on every sequence, accuracy
    of the last position's argmax."""
    net = torch_module(model)
    d, n = model.config.d_vocab, model.config.n_ctx
    correct = 0
    for start in range(0, d**n, BATCH):
        index = torch.arange(start, min(start + BATCH, d**n))
        tokens = torch.stack([(index // d ** (n - 1 - k)) % d for k in range(n)], dim=1)
        logits = net(tokens)[:, -1]
        correct += int((logits.argmax(dim=-1) == tokens.max(dim=1).values).sum())
    return correct / d**n


@torch.no_grad()
def float_cubic(model) -> float:
    """The paper's cubic proof in float64 (gbmi `compute_extreme_softmaxed_right_attention_
    cubic_simple`, `compute_largest_wrong_logit_cubic`, `count_correct_sequences_cubic`)."""
    f = {k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in model.weights.items()}
    W_E, W_pos, W_U = f["embed.W_E"], f["pos_embed.W_pos"], f["unembed.W_U"]
    W_Q, W_K = f["blocks.0.attn.W_Q"][0], f["blocks.0.attn.W_K"][0]
    OV = f["blocks.0.attn.W_V"][0] @ f["blocks.0.attn.W_O"][0]
    query = (W_E + W_pos[-1]) @ W_Q
    EQKE, EQKP = query @ (W_E @ W_K).T, query @ (W_pos @ W_K).T
    EVOU, PVOU, EUPU = W_E @ OV @ W_U, W_pos @ OV @ W_U, (W_E + W_pos[-1]) @ W_U
    d, n = W_E.shape[0], W_pos.shape[0]
    scale = math.sqrt(model.config.d_head)
    pos_sorted = EQKP[:, :-1].sort(dim=-1).values  # (q, n-1) ascending
    count = 0
    for m in range(d):
        qs = torch.arange(m + 1)
        PV = PVOU - PVOU[:, m : m + 1]
        P_hat = PV.max(dim=0).values
        EU, EV = EUPU - EUPU[:, m : m + 1], EVOU - EVOU[:, m : m + 1]
        others = torch.arange(d) != m
        E_hat = EU[:, others].max(dim=1).values
        V_hat = (EV + P_hat)[:, others].max(dim=1).values
        query_score = EQKE[qs, qs] + EQKP[qs, -1]
        # c = 0
        only_max = (EU[m] + EV[m] + P_hat)[others].max()
        count += int(only_max < 0)
        if m == 0:
            continue
        pre = torch.cat([pos_sorted[qs] + EQKE[qs, m : m + 1], query_score[:, None]], dim=1)
        a = (pre / scale).softmax(dim=-1)
        w_max, w_qry = a[:, :-1].sum(dim=1), a[:, -1]
        logits = EU[qs] + P_hat + EV[m] * w_max[:, None] + EV[qs] * w_qry[:, None]
        count += int((logits[:m][:, others].max(dim=1).values < 0).sum())
        # c >= 1: two orderings (max copies on the lowest / highest positional scores)
        for c in range(1, n):
            n_max = n - 1 - c
            extremes = []
            for order in (pos_sorted[qs], pos_sorted[qs].flip(dims=[1])):
                pre = torch.zeros(m + 1, m, n, dtype=torch.float64)
                pre[:, :, :-1] = order[:, None, :]
                pre[:, :, :n_max] += EQKE[qs, m][:, None, None]
                pre[:, :, n_max:-1] += EQKE[qs, :m][:, :, None]
                pre[:, :, -1] = query_score[:, None]
                a = (pre / scale).softmax(dim=-1)
                at_max = a[:, :, :n_max].sum(dim=-1)
                at_nonmax = a[:, :, n_max:-1].sum(dim=-1)
                at_query = a[:, :, -1]
                is_max_query = (qs == m)[:, None]
                w_max = torch.where(is_max_query, at_max + at_query, at_max)
                w_qry = torch.where(is_max_query, torch.zeros_like(at_query), at_query)
                value = E_hat[qs, None] + w_max * V_hat[m] + w_qry * V_hat[qs, None] \
                    + at_nonmax * V_hat[None, :m]
                extremes.append(value)
            good = torch.maximum(*extremes) < 0
            if c == n - 1:
                good[:m] = False
            count += math.comb(n - 1, c) * int((good.sum(dim=1) ** c).sum())
    return count / d**n


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*",
                        default=[f"max4-d64-s{s}" for s in SHIPPED_SEEDS])
    parser.add_argument("-o", "--output", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    rows = []
    for name in args.models:
        model = load_model(name)
        float_bf, t_float_bf = timed(float_brute_force, model)
        sound_bf = run("brute-force", "accuracy", model)
        float_cu, t_float_cu = timed(float_cubic, model)
        sound_cu = run("cubic", "accuracy", model)
        subs = {v: run(f"subcubic-{v}", "accuracy", model) for v in ("rank1", "exact-eqke")}
        exact = float(sound_bf.bound)
        rows.append({
            "model": name, "torch": torch.__version__, "threads": torch.get_num_threads(),
            "brute_force": {"sound": exact, "float32": float_bf,
                            "sound_s": sound_bf.metrics["seconds"], "float_s": t_float_bf,
                            "undecided": sound_bf.metrics["undecided"],
                            "flops": sound_bf.metrics["flops"]},
            "cubic": {"sound": float(sound_cu.bound), "float64": float_cu,
                      "sound_s": sound_cu.metrics["seconds"], "float_s": t_float_cu,
                      "flops": sound_cu.metrics["flops"]},
            "subcubic": {v: {"bound": float(p.bound), "seconds": p.metrics["seconds"],
                             "flops": p.metrics["flops"]} for v, p in subs.items()},
        })
        print(f"{name}: brute force {exact:.6f} ({sound_bf.metrics['seconds']:.1f} s; float "
              f"{t_float_bf:.1f} s), cubic {float(sound_cu.bound):.6f} (float "
              f"{float_cu:.6f})", flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "maxofk.json").write_text(json.dumps(rows, indent=1) + "\n")
    table = markdown(rows)
    (args.output / "maxofk.md").write_text(table)
    print(table)


def markdown(rows) -> str:
    head = (f"torch {rows[0]['torch']}, {rows[0]['threads']} threads\n\n"
            "| model | brute force (sound) | float32 | sound (s) | float (s) | ratio | "
            "cubic (sound) | float64 cubic | difference | sound (s) | float (s) | "
            "cubic / brute | subcubic rank1 | subcubic exact-eqke |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    lines = []
    for r in rows:
        bf, cu, sub = r["brute_force"], r["cubic"], r["subcubic"]
        lines.append(
            f"| {r['model']} | {bf['sound']:.6f} | {bf['float32']:.6f} | {bf['sound_s']:.1f} | "
            f"{bf['float_s']:.1f} | {bf['sound_s'] / bf['float_s']:.2f} | {cu['sound']:.6f} | "
            f"{cu['float64']:.6f} | {cu['float64'] - cu['sound']:.2e} | {cu['sound_s']:.2f} | "
            f"{cu['float_s']:.2f} | {cu['sound'] / bf['sound']:.4f} | "
            f"{sub['rank1']['bound'] / bf['sound']:.4f} | "
            f"{sub['exact-eqke']['bound'] / bf['sound']:.4f} |")
    return head + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
