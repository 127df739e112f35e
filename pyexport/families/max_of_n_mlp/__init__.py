"""The tutorial's max-of-n MLP (seed 000): model, training, strategies, checker, renderers.

Strategies: brute force, symmetry and convexity, each for the expected loss and the accuracy,
at n_ctx 2 and 3; Coq checkers for all of them, Lean checkers for n_ctx 2.
"""

from __future__ import annotations

from math import comb

from pyexport.families import Family


class MaxOfNMLP(Family):
    strategies = {s: ("loss", "accuracy") for s in ("brute-force", "symmetry", "convexity")}
    strategy_costs = {"brute-force": "O(d^n d_vocab)", "symmetry": "O(d^n d_vocab / n!)",
                      "convexity": "O(d^(n-1) d_vocab)"}
    demo = tuple((s, q) for q in ("loss", "accuracy")
                 for s in ("brute-force", "symmetry", "convexity"))

    def case_split(self, strategy, config):
        d, n = config.d_vocab, config.n_ctx
        if strategy == "brute-force":
            return {"split": "every input", "cases": d**n, "covered": d**n}
        if strategy == "symmetry":
            from pyexport.families.max_of_n_mlp.cases import multiplicities, sorted_cases

            return {"split": "sorted inputs, each with its number of permutations",
                    "cases": comb(d + n - 1, n),
                    "covered": int(multiplicities(sorted_cases(d, n)).sum())}
        if n == 2:  # the diagonal inputs (t,t), and every t1 != t2 through its two halves
            return {"split": "d diagonal inputs; every input bounded by its two diagonal "
                    "halves", "cases": d, "covered": d + d * (d - 1)}
        from pyexport.families.max_of_n_mlp.cases import multiplicities, sorted_cases

        return {"split": "pairs (t,t,c), t <= c; every sorted input (a,b,c) bounded by (a,a,c) "
                "and (b,b,c), with multiplicities", "cases": d * (d + 1) // 2,
                "covered": int(multiplicities(sorted_cases(d, 3)).sum())}

    def render_context(self, doc, prover, native):
        if prover == "coq":
            return self._part("kernels.coq_context").coq_context(doc)
        return self._part("kernels.lean_context").lean_context(doc, native=native)


FAMILY = MaxOfNMLP(__name__)
