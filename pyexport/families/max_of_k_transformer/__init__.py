"""The paper's Max-of-K transformers (Gross et al. 2024): model, loading, training, strategies.

Strategies, all accuracy lower bounds: brute force (also the expected loss, upper bound), the
paper's cubic proof, and two subcubic variants (rank-1 EQKE with a bounded error term; exact
EQKE); `subcubic` runs both and keeps the better bound. Each module's docstring proves the
steps it uses. Every accuracy certificate renders for Coq (kernels/coq_context.py;
coq/theories/MaxOfK/CheckTransformer.v, CheckCubic.v, CheckSubcubic.v), brute force while its data
fits one file; up to 2^16 sequences they also render for Lean (kernels/lean_context.py;
lean/PyExport/MaxOfK/CheckTransformer.lean, CheckCubic.lean, CheckSubcubic.lean; not compiled).
"""

from __future__ import annotations

from math import comb
from pathlib import Path

from pyexport.families import Family


class MaxOfKTransformer(Family):
    strategies = {"brute-force": ("accuracy", "loss"), "cubic": ("accuracy",),
                  "subcubic": ("accuracy",), "subcubic-rank1": ("accuracy",),
                  "subcubic-exact-eqke": ("accuracy",)}
    strategy_costs = {
        "brute-force": "O(d^n n d_vocab)",
        "cubic": "O(d^3 n^2)",
        "subcubic-rank1": "O(d^2 (d_model + n log d) + d d_model^2)",
        "subcubic-exact-eqke": "O(d^2 (d_model + n log d) + d d_model^2)",
    }
    demo = (("brute-force", "accuracy"), ("cubic", "accuracy"),
            ("subcubic-exact-eqke", "accuracy"), ("subcubic-rank1", "accuracy"))

    def case_split(self, strategy, config):
        d, n = config.d_vocab, config.n_ctx
        if strategy == "brute-force":
            return {"split": "every sequence", "cases": d**n, "covered": d**n}
        # classes (q, m, c): q <= m query and max, c positions (the query included) not m
        classes = [(q, m, c) for m in range(d) for q in range(m + 1) for c in range(n)
                   if q == m or c >= 1]
        covered = sum(1 if c == 0 else comb(n - 1, c) * m**c if q == m
                      else comb(n - 1, c - 1) * m ** (c - 1) for q, m, c in classes)
        if strategy == "cubic":
            cases = sum((m + 1) + m * (m * (n - 2) + (n - 1)) for m in range(d))
            return {"split": "pure cases (query, max, one non-max token, its copy count); "
                    "mixed sequences through their pure cases", "cases": cases,
                    "covered": covered}
        return {"split": "classes (query, max, non-max count), each with a gap; sequences "
                "with a non-max token within the gap left out", "cases": len(classes),
                "covered": covered}

    def render_context(self, doc, prover, native):
        if prover == "coq":
            return self._part("kernels.coq_context").coq_context(doc)
        return self._part("kernels.lean_context").lean_context(doc, native=native)

    def load_file(self, path: Path, card):
        return self._part("loading").load_file(path, card)

    def accepts_cardless(self, path: Path) -> bool:
        return self._part("loading").is_transformer_file(path)


FAMILY = MaxOfKTransformer(__name__)
