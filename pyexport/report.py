"""Report: a markdown table and plots of bound against proof length (tutorial and paper style).

One row per certificate: the exact bound (from `claim.bound`, never the informational
`bound_float`), the true value where some certificate of the set encloses it (brute force and
symmetry record `metrics.true_value`), the bound relative to it, trace length, FLOPs, prove and
check times, the strategy's asymptotic cost (from its family) and the verdicts: re-derived by
the checker when asked (`recheck`), otherwise those recorded in the archive's manifest for
this very content, marked "*" with when and by what below the table — never verdicts
read from the certificate itself, which its content hash does not cover. The
plot shows the bound (for accuracies with a known true value: bound / true value, as the paper's
normalised figure) against the trace length, the FLOPs (the paper's x-axis) and, when a kernel
measured it, the checked term size; one colour per strategy, one marker per model.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

LABELS = {"expected_loss": "expected loss (upper bound)", "accuracy": "accuracy (lower bound)"}
STRATEGY_ORDER = ("brute-force", "symmetry", "convexity", "cubic", "subcubic-exact-eqke",
                  "subcubic-rank1")
MARKERS = "osD^vP*Xh<>p"
TITLES = {"trace_length": "trace length", "flops": "FLOPs", "term_dag": "Coq term size"}


def _true_values(docs) -> dict[tuple[str, str], Fraction]:
    truth = {}
    for _, doc in docs:
        tv = doc["metrics"].get("true_value")
        if tv:
            mid = (Fraction(tv["lower"]) + Fraction(tv["upper"])) / 2
            truth[(doc["model"]["name"], doc["claim"]["quantity"])] = mid
    return truth


def _kernel_columns(results: dict) -> dict:
    """Coq's verdict, time and term size, and Lean's verdict, from recorded results."""
    coq, lean = results.get("coq", {}), results.get("lean", {})
    return {"coq": _recorded(coq), "coq_seconds": coq.get("seconds"),
            "term_dag": coq.get("term_size_dag"), "term_tree": coq.get("term_size_tree"),
            "lean": _recorded(lean)}


def _recorded(result: dict) -> str:
    return f"{result['verdict']}*" if result.get("verdict") else "-"


def _results(path, doc, recheck: bool) -> dict:
    from pyexport.archive import recorded_results

    results = recorded_results(Path(path), doc)
    if recheck:
        from pyexport.checker import check

        results = {**results, "checker": {**check(doc).to_json(), "rechecked": True}}
    return results


def _cost(doc) -> str:
    from pyexport.certificate import family_name
    from pyexport.families import get

    return get(family_name(doc)).strategy_costs.get(doc["strategy"]["name"], "-")


def rows(docs, recheck: bool = False) -> list[dict]:
    truth = _true_values(docs)
    out = []
    for path, doc in docs:
        m = doc["metrics"]
        key = (doc["model"]["name"], doc["claim"]["quantity"])
        bound = float(Fraction(doc["claim"]["bound"]))
        true = float(truth[key]) if key in truth else None
        results = _results(path, doc, recheck)
        checker = results.get("checker") or {}
        out.append({
            "model": key[0], "quantity": key[1], "strategy": doc["strategy"]["name"],
            "relation": doc["claim"]["relation"], "bound": bound, "true": true,
            "ratio": bound / true if true else None,
            "trace_length": doc["trace"]["length"], "flops": m.get("flops"),
            "seconds": m.get("seconds"),
            "checker": checker.get("verdict", "-") if checker.get("rechecked")
            else _recorded(checker),
            "check_seconds": checker.get("seconds"), "cost": _cost(doc),
            "file": Path(path).name, **_kernel_columns(results),
            "stamps": sorted({f"{r['at']} by {r['by']}" for r in results.values()
                              if isinstance(r, dict) and "at" in r}),
        })
    order = {s: i for i, s in enumerate(STRATEGY_ORDER)}
    return sorted(out, key=lambda r: (r["model"], r["quantity"], order.get(r["strategy"], 9)))


def _num(x, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def markdown(table_rows: list[dict]) -> str:
    head = ("| model | quantity | strategy | bound | true value | bound / true | trace length | "
            "FLOPs | prove (s) | check (s) | cost | checker | Coq | Coq (s) | "
            "term size DAG / tree | Lean |\n"
            "|---|---|---|---|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---|\n")
    lines = [
        f"| {r['model']} | {r['quantity']} | {r['strategy']} | {r['relation']} "
        f"{r['bound']:.10g} | {_num(r['true'], '.10g')} | {_num(r['ratio'], '.4f')} | "
        f"{r['trace_length']} | {_num(r['flops'], '.3g')} | {_num(r['seconds'], '.3f')} | "
        f"{_num(r['check_seconds'], '.2f')} | {r['cost']} | {r['checker']} | {r['coq']} | "
        f"{_num(r['coq_seconds'], '.2f')} | {_num(r['term_dag'], 'd')} / "
        f"{_num(r['term_tree'], 'd')} | {r['lean']} |"
        for r in table_rows
    ]
    stamps = sorted({s for r in table_rows for s in r["stamps"]})
    note = ("\n\\* recorded in the archive's manifest for this very content, not re-derived by "
            "this report (`pyexport report --recheck` re-derives the checker's verdicts): "
            f"{stamps[0]}" + (f" to {stamps[-1]}" if len(stamps) > 1 else "") + ".\n"
            if stamps else "")
    return head + "\n".join(lines) + "\n" + note


def plot(table_rows: list[dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    quantities = sorted({r["quantity"] for r in table_rows})
    measures = [("trace_length", "proof length: trace entries of the certificate"),
                ("flops", "FLOPs of the proof computation")]
    if any(r["term_dag"] is not None for r in table_rows):
        measures.append(("term_dag", "proof length: Coq checked term size (DAG nodes)"))
    fig, axes = plt.subplots(len(quantities), len(measures), squeeze=False,
                             figsize=(5.5 * len(measures), 4.2 * len(quantities)))
    for row, quantity in enumerate(quantities):
        for ax, (key, xlabel) in zip(axes[row], measures):
            _plot_panel(ax, [r for r in table_rows if r["quantity"] == quantity and r[key]],
                        key, xlabel, quantity)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _plot_panel(ax, sel_rows: list[dict], key: str, xlabel: str, quantity: str) -> None:
    import matplotlib.ticker

    models = sorted({r["model"] for r in sel_rows})
    normalised = quantity == "accuracy" and all(r["ratio"] is not None for r in sel_rows)
    strategies = sorted({r["strategy"] for r in sel_rows},
                        key=lambda s: STRATEGY_ORDER.index(s) if s in STRATEGY_ORDER else 9)
    # one colour per strategy in every panel, whichever strategies a panel shows
    colours = {s: f"C{STRATEGY_ORDER.index(s) if s in STRATEGY_ORDER else 9}" for s in strategies}
    for r in sel_rows:
        y = r["ratio"] if normalised else r["bound"]
        ax.plot(r[key], y, MARKERS[models.index(r["model"]) % len(MARKERS)],
                color=colours[r["strategy"]], alpha=0.8)
    for s in strategies:
        ax.plot([], [], "o", color=colours[s], label=s)
    if len(models) <= 6:
        for i, model in enumerate(models):
            ax.plot([], [], MARKERS[i % len(MARKERS)], color="grey", label=model)
    if not normalised:
        for model in models:
            true = next((r["true"] for r in sel_rows if r["model"] == model and r["true"]), None)
            if true is not None:
                ax.axhline(true, ls="--", lw=0.8, color="grey")
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    xs = [r[key] for r in sel_rows]
    if xs and max(xs) < 10 * min(xs):  # widen to a decade so that a labelled tick shows
        middle = (max(xs) * min(xs)) ** 0.5
        ax.set_xlim(middle / 4, middle * 4)
    if quantity == "expected_loss":
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.margins(y=0.1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("bound / true accuracy" if normalised else LABELS.get(quantity, quantity))
    ax.set_title(f"{quantity}: bound vs. {TITLES[key]}"
                 + ("" if normalised else " (dashed: true value)"), fontsize=10)
    ax.legend(fontsize=7)


def write_report(docs, directory: Path, recheck: bool = False) -> tuple[Path, Path]:
    """Write `report.md` and `bound_vs_compactness.png` into `directory`."""
    from pyexport.certificate import atomic_write_text

    directory.mkdir(parents=True, exist_ok=True)
    table_rows = rows(docs, recheck)
    table = directory / "report.md"
    atomic_write_text(table, markdown(table_rows))
    return table, plot(table_rows, directory / "bound_vs_compactness.png")
