"""Benchmark: Coq kernel checks, checked term size, time and memory across vocabulary sizes.

Term size: for max-of-2 models with d_vocab in {16, 32, 64, 128} (trained with the default's
recipe: full data, d_model 32) every strategy's certificate is kernel-checked by Coq; the script
records check time, term size (DAG and tree) and the time Coq spends reading only the
certificate's data, fits the growth exponent of term size in d, and times the convexity
certificates of a d_vocab 256 model. Writes bench-results/kernels.{md,json,png}.

Scaling (--scaling): every strategy and quantity of the shipped max2-d64, max2-d2048 and
max3-d256 and of models trained with their recipes at the sizes between (n_ctx 2: d_vocab 64,
256, 512, 1024, 2048; n_ctx 3: 64, 128, 256), each certificate verified by `pyexport verify
--prover coq` in its own process under /usr/bin/time: Coq's wall time, the peak resident memory
of the largest process (coqc), a 30-minute limit per check; fitted exponents of Coq time in d
(over the three largest sizes checked, where Coq's few seconds of start-up no longer dominate).
Each row is appended to bench-results/kernels-scaling.jsonl as it finishes (a rerun resumes);
the summary goes to bench-results/kernels-scaling.{md,json}.

    make bench-kernels                                  (term size; about 10 minutes on 2 cores)
    python benchmarks/bench_kernels.py --scaling        (hours: the d_vocab 2048 checks are long)
    python benchmarks/bench_kernels.py --sizes 2:256,3:64  (only those sizes of the scaling run)
    python benchmarks/bench_kernels.py --exact-vs-float (each checker's two versions; minutes)
    python benchmarks/bench_kernels.py --transformer    (Max-of-K accuracy strategies in Coq)

Transformer (--transformer): Max-of-K transformers trained with the shipped max4-d64 recipe at
n_ctx 2 (d_vocab 32 to 256), 3 (d_vocab 32, 64) and 4 (d_vocab 16), and the CI configuration
max3-d16; each model's brute-force, cubic and both subcubic accuracy certificates verified by
`pyexport verify --prover coq` as above (with the checked term size); then the shipped
max4-d64 seeds' cubic and subcubic certificates.
Writes bench-results/kernels-transformer.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from pyexport import certificate as cert
from pyexport.certificate import build
from pyexport.families import load_model
from pyexport.families.max_of_n_mlp.model import CONFIGS, ModelConfig, model_from_state
from pyexport.families.max_of_n_mlp.train import train
from pyexport.proof import run
from pyexport.render import render
from pyexport import coq_library
from pyexport.verify import verify

SIZES = (16, 32, 64, 128)
STRATEGIES = ("brute-force", "symmetry", "convexity")
OUT = Path("bench-results")


def model_for(d: int):
    epochs = 300 if d <= 64 else 100 if d <= 128 else 40
    config = dataclasses.replace(CONFIGS["max2-d64"], name=f"max2-d{d}", d_vocab=d, epochs=epochs)
    return train(config, progress=False)[0]


def _coqc_seconds(path: Path, work: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["coqc", *coq_library.coqc_flags(coq_library.built(), work), str(path)], cwd=work, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def data_read_seconds(doc: dict, work: Path) -> float:
    """Time Coq spends reading the certificate's data: `coqc` of its data modules, or, when the
    data is small enough to sit in the check file, of the check file cut after its data (so
    this includes loading the library the header Requires, about 0.3 s)."""
    paths, _ = render(doc, "coq", work)
    if len(paths) > 1:
        return sum(_coqc_seconds(path, work) for path in paths[:-1])
    text = paths[0].read_text()
    cut = paths[0].with_name(f"DataOnly_{paths[0].name}")
    cut.write_text(text[: text.index("End CertData.")] + "End CertData.\n")
    return _coqc_seconds(cut, work)


def measure(model, strategy: str, quantity: str, work: Path) -> dict:
    proof = run(strategy, quantity, model)
    doc = build(model, proof)
    (result,) = verify(doc, ["coq"], keep=work)
    return {"d": model.config.d_vocab, "strategy": strategy, "quantity": quantity,
            "verdict": result.verdict, "coq_seconds": result.seconds,
            "term_size_dag": result.term_size_dag, "term_size_tree": result.term_size_tree,
            "data_read_seconds": data_read_seconds(doc, work / "data"),
            "trace_length": proof.trace_length}


def exponent(rows: list[dict], strategy: str, quantity: str, key: str) -> float:
    sel = [r for r in rows if r["strategy"] == strategy and r["quantity"] == quantity]
    return float(np.polyfit(np.log([r["d"] for r in sel]), np.log([r[key] for r in sel]), 1)[0])


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, quantity in zip(axes, ("loss", "accuracy")):
        for strategy in STRATEGIES:
            sel = [r for r in rows if r["strategy"] == strategy and r["quantity"] == quantity
                   and r["d"] in SIZES]
            for key, style in (("term_size_dag", "o-"), ("term_size_tree", "x--")):
                ax.plot([r["d"] for r in sel], [r[key] for r in sel], style,
                        label=f"{strategy} ({key.split('_')[-1]})")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("d_vocab")
        ax.set_ylabel("Coq checked term size (nodes)")
        ax.set_title(f"{quantity}: certificate term size vs d_vocab", fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def scaling_model(n: int, d: int):
    """The shipped model of that shape, or one trained with the recipe of the shipped model
    of the same n_ctx (max2-d2048, max3-d256) at another d_vocab."""
    shipped = {(2, 64): "max2-d64", (2, 2048): "max2-d2048", (3, 256): "max3-d256"}
    if (n, d) in shipped:
        return load_model(shipped[(n, d)])
    base = CONFIGS["max2-d2048" if n == 2 else "max3-d256"]
    config = dataclasses.replace(base, name=f"max{n}-d{d}", d_vocab=d)
    return train(config, progress=False)[0]


SCALING = [(2, d) for d in (64, 256, 512, 1024, 2048)] + [(3, d) for d in (64, 128, 256)]
LIMIT = 1800  # seconds per kernel check


def verify_process(path: Path, term_size: bool = False) -> dict:
    """`pyexport verify --prover coq` on one file in its own process: Coq's verdict and wall
    time, the peak resident memory of the largest process of the tree (GNU time's %M), and the
    checked term size if asked."""
    argv = ["/usr/bin/time", "-f", "@@maxrss %M", sys.executable, "-m", "pyexport.cli",
            "verify", str(path), "--prover", "coq", "--json", "--timeout", str(LIMIT),
            *([] if term_size else ["--no-term-size"])]
    proc = subprocess.run(argv, capture_output=True, text=True)
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    (coq,) = [k for k in report["kernels"] if k["prover"] == "coq"]
    rss = [line for line in proc.stderr.splitlines() if line.startswith("@@maxrss ")]
    return {"verdict": coq["verdict"], "coq_seconds": coq["seconds"],
            "max_rss_gb": round(int(rss[-1].split()[1]) / 2**20, 2) if rss else None,
            **({"term_size_dag": coq.get("term_size_dag")} if term_size else {})}


def scaling_jobs(sizes: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    return [(n, d, s, q) for n, d in sizes for q in ("loss", "accuracy") for s in STRATEGIES]


def scaling(out: Path, sizes: list[tuple[int, int]]) -> None:
    """Measure the checks of `sizes` not yet in out/kernels-scaling.jsonl (one row per line,
    appended as each finishes, so an interrupted run resumes), then summarise every row."""
    out.mkdir(exist_ok=True)
    log = out / "kernels-scaling.jsonl"
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    done = {(r["n_ctx"], r["d"], r["strategy"], r["quantity"]) for r in rows}
    todo = [job for job in scaling_jobs(sizes) if job not in done]
    models = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, d, strategy, quantity in tqdm(todo, desc="kernel checks"):
            if (n, d) not in models:
                models = {(n, d): scaling_model(n, d)}  # one model in memory at a time
            model = models[(n, d)]
            start = time.perf_counter()
            doc = build(model, run(strategy, quantity, model))
            prove = time.perf_counter() - start
            path = cert.write(doc, Path(tmp) / f"{n}-{d}-{strategy}-{quantity}.json")
            row = {"n_ctx": n, "d": d, "strategy": strategy, "quantity": quantity,
                   "prove_seconds": round(prove, 2), **verify_process(path)}
            path.unlink()
            rows.append(row)
            with log.open("a") as f:
                f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
    fits = {}
    for n in (2, 3):
        for strategy in STRATEGIES:
            for quantity in ("loss", "accuracy"):
                sel = sorted((r for r in rows if (r["n_ctx"], r["strategy"], r["quantity"])
                              == (n, strategy, quantity) and r["verdict"] == "accepted"),
                             key=lambda r: r["d"])[-3:]  # the largest: past Coq's start-up
                if len({r["d"] for r in sel}) >= 2:
                    fits[f"{n}/{strategy}/{quantity}"] = round(float(np.polyfit(
                        np.log([r["d"] for r in sel]), np.log([r["coq_seconds"] for r in sel]),
                        1)[0]), 2)
    rows.sort(key=lambda r: (r["n_ctx"], r["d"], r["quantity"], STRATEGIES.index(r["strategy"])))
    (out / "kernels-scaling.json").write_text(json.dumps({"rows": rows, "exponents": fits},
                                                         indent=1))
    lines = scaling_tables(rows, fits)
    (out / "kernels-scaling.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


TRANSFORMER_SIZES = ((2, 32), (2, 64), (2, 128), (2, 256), (3, 16), (3, 32), (3, 64), (4, 16))
TRANSFORMER_STRATEGIES = ("brute-force", "cubic", "subcubic-exact-eqke", "subcubic-rank1")


def transformer_kernels(out: Path) -> None:
    """Coq's accuracy checks of Max-of-K transformers (every strategy), then the cubic and
    subcubic certificates of the shipped max4-d64 seeds (see the module docstring)."""
    from pyexport.families.max_of_k_transformer.model import CONFIGS as TCONFIGS
    from pyexport.families.max_of_k_transformer.train import train as train_transformer

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, d in tqdm(TRANSFORMER_SIZES, desc="transformer checks"):
            base = TCONFIGS["max3-d16"] if (n, d) == (3, 16) else TCONFIGS["max4-d64"]
            config = dataclasses.replace(base, name=f"max{n}-d{d}", n_ctx=n, d_vocab=d)
            model = train_transformer(config, progress=False)[0]
            for strategy in TRANSFORMER_STRATEGIES:
                start = time.perf_counter()
                doc = build(model, run(strategy, "accuracy", model))
                prove = time.perf_counter() - start
                path = cert.write(doc, Path(tmp) / f"t{n}-{d}-{strategy}.json")
                rows.append({"model": config.name, "n_ctx": n, "d": d, "strategy": strategy,
                             "claim": doc["claim"]["bound"], "prove_seconds": round(prove, 2),
                             **verify_process(path, term_size=True)})
                print(json.dumps(rows[-1]), flush=True)
    shipped = [path for path in sorted(Path("certificates").glob("max4-d64-s*.accuracy.*.json.gz"))
               if ".brute-force." not in path.name]  # 64^4 rows: over one file's literals
    for path in shipped:
        doc = cert.read(path)
        rows.append({"model": doc["model"]["name"], "n_ctx": 4, "d": 64,
                     "strategy": doc["strategy"]["name"],
                     "claim": doc["claim"]["bound"], "prove_seconds": "shipped",
                     **verify_process(path, term_size=True)})
        print(json.dumps(rows[-1]), flush=True)
    lines = ["| model | n_ctx | d_vocab | sequences | strategy | accuracy bound | Coq | Coq (s) "
             "| peak memory (GB) | term size DAG | prove (s) |",
             "|---|---:|---:|---:|---|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r['model']} | {r['n_ctx']} | {r['d']} | {r['d'] ** r['n_ctx']:,} | "
              f"{r['strategy']} | {r['claim']} | {r['verdict']} | {r['coq_seconds']} | "
              f"{r['max_rss_gb']} | {r['term_size_dag']} | {r['prove_seconds']} |" for r in rows]
    out.mkdir(exist_ok=True)
    (out / "kernels-transformer.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _cell(row: dict | None) -> str:
    if row is None:
        return "—"
    if row["verdict"] == "timeout":
        return f"over {row['coq_seconds']:,.0f} s (limit) / {row['max_rss_gb']} GB"
    if row["verdict"] != "accepted":
        return row["verdict"]
    seconds = row["coq_seconds"]
    return f"{seconds:,.0f} s / {row['max_rss_gb']} GB" if seconds >= 10 else \
        f"{seconds:.1f} s / {row['max_rss_gb']} GB"


def scaling_tables(rows: list[dict], fits: dict) -> list[str]:
    """One table per n_ctx: a row per d_vocab, a column per strategy and quantity (the README's
    "Scaling of the Coq checks" is this output)."""
    lines = []
    for n in (2, 3):
        sizes = sorted({r["d"] for r in rows if r["n_ctx"] == n})
        if not sizes:
            continue
        columns = [(s, q) for q in ("loss", "accuracy") for s in STRATEGIES]
        lines += [f"n_ctx {n} (Coq time / peak memory of the whole `verify`):", "",
                  "| d_vocab | " + " | ".join(f"{s} {q}" for s, q in columns) + " |",
                  "|---:|" + "---:|" * len(columns)]
        for d in sizes:
            cells = [_cell(next((r for r in rows if (r["n_ctx"], r["d"], r["strategy"],
                                                     r["quantity"]) == (n, d, s, q)), None))
                     for s, q in columns]
            lines.append(f"| {d} | " + " | ".join(cells) + " |")
        exps = [f"{s} {q} {fits[f'{n}/{s}/{q}']:.2f}" for s, q in columns if f"{n}/{s}/{q}" in fits]
        lines += ["", "Fitted exponents of Coq time in d_vocab (the three largest sizes accepted): "
                  + "; ".join(exps) + ".", ""]
    return lines


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """"2:64,3:128" -> [(2, 64), (3, 128)]: (n_ctx, d_vocab) pairs of the scaling run."""
    try:
        sizes = [tuple(int(x) for x in item.split(":")) for item in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected n_ctx:d_vocab,...; got {text!r}") from None
    if not all(len(s) == 2 and s[0] in (2, 3) and s[1] > 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected n_ctx (2 or 3):d_vocab,...; got {text!r}")
    return sizes


def random_model(d: int, n: int = 2, seed: int = 3):
    """Random d_model-32 weights (as the tests' models): check time depends on the sizes."""
    rng = np.random.default_rng(seed)
    return model_from_state(ModelConfig(f"random{n}-d{d}", n_ctx=n, d_vocab=d, d_model=32), {
        "embedding.weight": rng.standard_normal((32, d)).astype(np.float32),
        "linear.weight": (rng.standard_normal((32, 32)) / np.sqrt(32)).astype(np.float32),
        "unembedding.weight": (rng.standard_normal((d, 32)) / np.sqrt(32)).astype(np.float32)})


def exact_vs_float() -> None:
    """Coq time of each certificate with the exact and with the binary64 checker, same machine
    and run (best of two), two tokens up to d_vocab 256 and three up to 32: where each pays off
    (coq_context.FLOAT_CHECKERS; three-token convexity has no binary64 checker)."""
    from pyexport.families.max_of_n_mlp.kernels import coq_context

    chosen = coq_context.FLOAT_CHECKERS
    lines = ["| model | quantity | strategy | exact (s) | binary64 (s) |", "|---|---|---|---:|---:|"]
    try:
        for model in (load_model("max2-d64"), random_model(128), random_model(256),
                      random_model(16, n=3), random_model(32, n=3)):
            for quantity in ("loss", "accuracy"):
                for strategy in STRATEGIES:
                    doc = build(model, run(strategy, quantity, model))
                    times = {}
                    for mode, table in (("exact", {}), ("float", dict.fromkeys(chosen, 1))):
                        coq_context.FLOAT_CHECKERS = table
                        results = [verify(doc, ["coq"])[0] for _ in range(2)]
                        assert all(r.verdict == "accepted" for r in results), results
                        times[mode] = min(r.seconds for r in results)
                    lines.append(f"| {model.config.name} | {quantity} | {strategy} | "
                                 f"{times['exact']:.2f} | {times['float']:.2f} |")
                    print(lines[-1], flush=True)
    finally:
        coq_context.FLOAT_CHECKERS = chosen
    OUT.mkdir(exist_ok=True)
    (OUT / "kernels-exact-vs-float.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    global LIMIT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact-vs-float", action="store_true",
                        help="only: Coq time of the exact and the binary64 checkers "
                             "(n_ctx 2: d_vocab 64-256, n_ctx 3: 16, 32)")
    parser.add_argument("--scaling", action="store_true",
                        help="also the time and memory of every check up to d_vocab 2048")
    parser.add_argument("--transformer", action="store_true",
                        help="only: Coq's accuracy checks of Max-of-K "
                             "transformers")
    parser.add_argument("--sizes", type=parse_sizes, metavar="N:D,...",
                        help="only the scaling run, at these (n_ctx, d_vocab); resumes from "
                             "bench-results/kernels-scaling.jsonl")
    parser.add_argument("--limit", type=int, default=LIMIT, metavar="SECONDS",
                        help=f"time limit of each kernel check (default {LIMIT})")
    args = parser.parse_args()
    LIMIT = args.limit
    if args.exact_vs_float:
        return exact_vs_float()
    if args.transformer:
        return transformer_kernels(OUT)
    if args.sizes:
        return scaling(OUT, args.sizes)
    try:
        coq_library.built()
    except coq_library.CoqBuildError as exc:
        raise SystemExit(str(exc))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(d, s, q) for d in SIZES for q in ("loss", "accuracy") for s in STRATEGIES]
        jobs += [(256, "convexity", q) for q in ("loss", "accuracy")]
        models = {}
        for d, strategy, quantity in tqdm(jobs, desc="kernel checks"):
            models.setdefault(d, model_for(d))
            work = Path(tmp) / f"{d}-{strategy}-{quantity}"
            rows.append(measure(models[d], strategy, quantity, work))
            print(json.dumps(rows[-1]), flush=True)
    fits = {f"{s}/{q}/{key}": round(exponent(rows, s, q, key), 3)
            for s in STRATEGIES for q in ("loss", "accuracy")
            for key in ("term_size_dag", "term_size_tree", "coq_seconds")}
    OUT.mkdir(exist_ok=True)
    (OUT / "kernels.json").write_text(json.dumps({"rows": rows, "exponents": fits}, indent=1))
    lines = ["| d | quantity | strategy | Coq | Coq (s) | reading data (s) | term size DAG | "
             "term size tree | trace length |", "|---:|---|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['d']} | {r['quantity']} | {r['strategy']} | {r['verdict']} | "
              f"{r['coq_seconds']:.2f} | {r['data_read_seconds']:.2f} | {r['term_size_dag']} | "
              f"{r['term_size_tree']} | {r['trace_length']} |" for r in rows]
    lines += ["", "Fitted exponents (term size or time ~ d^k over d in {16, 32, 64, 128}):", "",
              "| strategy | quantity | k (DAG) | k (tree) | k (Coq time) |", "|---|---|---:|---:|---:|"]
    lines += [f"| {s} | {q} | {fits[f'{s}/{q}/term_size_dag']} | {fits[f'{s}/{q}/term_size_tree']} "
              f"| {fits[f'{s}/{q}/coq_seconds']} |" for q in ("loss", "accuracy") for s in STRATEGIES]
    (OUT / "kernels.md").write_text("\n".join(lines) + "\n")
    plot(rows, OUT / "kernels.png")
    print("\n".join(lines))
    if args.scaling:
        scaling(OUT, SCALING)


if __name__ == "__main__":
    main()
