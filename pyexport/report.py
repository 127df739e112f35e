"""Report: a markdown table and a plot of bound against proof length (as in the tutorial).

The plot's x-axis is the certificate's trace length, the proof-length measure of design.md
section 5 (FLOPs are in the table: on small models the shared W = U H E product dominates them).

The true value of each (model, quantity) is taken from any certificate in the set that encloses
it (brute force and symmetry do: `metrics.true_value`); bounds of other strategies are shown
against it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

LABELS = {"expected_loss": "expected loss (upper bound)", "accuracy": "accuracy (lower bound)"}


def _true_values(docs) -> dict[tuple[str, str], Fraction]:
    truth = {}
    for _, doc in docs:
        tv = doc["metrics"].get("true_value")
        if tv:
            mid = (Fraction(tv["lower"]) + Fraction(tv["upper"])) / 2
            truth[(doc["model"]["name"], doc["claim"]["quantity"])] = mid
    return truth


def _kernel_columns(kernels: dict) -> dict:
    """Coq's verdict, time and term size, and Lean's verdict, from `metrics.kernels`."""
    coq, lean = kernels.get("coq", {}), kernels.get("lean", {})
    return {"coq": coq.get("verdict", "-"), "coq_seconds": coq.get("seconds"),
            "term_dag": coq.get("term_size_dag"), "term_tree": coq.get("term_size_tree"),
            "lean": lean.get("verdict", "-")}


def rows(docs) -> list[dict]:
    truth = _true_values(docs)
    out = []
    for path, doc in docs:
        m = doc["metrics"]
        key = (doc["model"]["name"], doc["claim"]["quantity"])
        out.append({
            "model": key[0], "quantity": key[1], "strategy": doc["strategy"]["name"],
            "relation": doc["claim"]["relation"], "bound": doc["claim"]["bound_float"],
            "true": float(truth[key]) if key in truth else None,
            "trace_length": doc["trace"]["length"], "flops": m.get("flops"),
            "seconds": m.get("seconds"), "checker": (m.get("checker") or {}).get("verdict", "-"),
            "file": Path(path).name, **_kernel_columns(m.get("kernels", {})),
        })
    order = {"brute-force": 0, "symmetry": 1, "convexity": 2}
    return sorted(out, key=lambda r: (r["model"], r["quantity"], order.get(r["strategy"], 9)))


def _num(x, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def markdown(table_rows: list[dict]) -> str:
    head = ("| model | quantity | strategy | bound | true value | trace length | FLOPs | "
            "time (s) | checker | Coq | Coq (s) | term size DAG / tree | Lean |\n"
            "|---|---|---|---|---|---:|---:|---:|---|---|---:|---:|---|\n")
    lines = [
        f"| {r['model']} | {r['quantity']} | {r['strategy']} | {r['relation']} "
        f"{r['bound']:.10g} | {_num(r['true'], '.10g')} | {r['trace_length']} | "
        f"{r['flops']:.3g} | {r['seconds']:.3f} | {r['checker']} | {r['coq']} | "
        f"{_num(r['coq_seconds'], '.2f')} | {_num(r['term_dag'], 'd')} / "
        f"{_num(r['term_tree'], 'd')} | {r['lean']} |"
        for r in table_rows
    ]
    return head + "\n".join(lines) + "\n"


def plot(table_rows: list[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quantities = sorted({r["quantity"] for r in table_rows})
    measures = [("trace_length", "proof length: trace entries of the certificate")]
    if any(r["term_dag"] is not None for r in table_rows):
        measures.append(("term_dag", "proof length: Coq checked term size (DAG nodes)"))
    fig, axes = plt.subplots(len(measures), len(quantities), squeeze=False,
                             figsize=(6 * len(quantities), 4.2 * len(measures)))
    for row, (key, xlabel) in enumerate(measures):
        for ax, quantity in zip(axes[row], quantities):
            _plot_panel(ax, [r for r in table_rows if r["quantity"] == quantity and r[key]],
                        key, xlabel, quantity)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _plot_panel(ax, sel_rows: list[dict], key: str, xlabel: str, quantity: str) -> None:
    import matplotlib.ticker

    for model in sorted({r["model"] for r in sel_rows}):
        sel = [r for r in sel_rows if r["model"] == model]
        ax.plot([r[key] for r in sel], [r["bound"] for r in sel], "o", label=model)
        for r in sel:
            ax.annotate(r["strategy"], (r[key], r["bound"]), textcoords="offset points",
                        xytext=(-10, 7), fontsize=8)
        if sel[0]["true"] is not None:
            ax.axhline(sel[0]["true"], ls="--", lw=0.8, color="grey")
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if quantity == "expected_loss":
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.margins(x=0.15, y=0.1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(LABELS.get(quantity, quantity))
    ax.set_title(f"{quantity}: bound vs. compactness (dashed: true value)", fontsize=10)
    ax.legend(fontsize=8)


def write_report(docs, directory: Path) -> tuple[Path, Path]:
    """Write `report.md` and `bound_vs_compactness.png` into `directory`."""
    from pyexport.certificate import atomic_write_text

    directory.mkdir(parents=True, exist_ok=True)
    table_rows = rows(docs)
    table = directory / "report.md"
    atomic_write_text(table, markdown(table_rows))
    return table, plot(table_rows, directory / "bound_vs_compactness.png")
