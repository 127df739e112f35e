"""The tutorial's max-of-n MLP (seed 000): model, training, strategies, checker, renderers.

Strategies: brute force, symmetry and convexity, each for the expected loss and the accuracy,
at n_ctx 2 and 3; Coq checkers for all of them, Lean checkers for n_ctx 2.
"""

from __future__ import annotations

from pyexport.families import Family


class MaxOfNMLP(Family):
    strategies = {s: ("loss", "accuracy") for s in ("brute-force", "symmetry", "convexity")}
    strategy_costs = {"brute-force": "O(d^n d_vocab)", "symmetry": "O(d^n d_vocab / n!)",
                      "convexity": "O(d^(n-1) d_vocab)"}
    demo = tuple((s, q) for q in ("loss", "accuracy")
                 for s in ("brute-force", "symmetry", "convexity"))

    def render_context(self, doc, prover, native):
        if prover == "coq":
            return self._part("kernels.coq_context").coq_context(doc)
        return self._part("kernels.lean_context").lean_context(doc, native=native)


FAMILY = MaxOfNMLP(__name__)
