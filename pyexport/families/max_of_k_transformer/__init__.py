"""The paper's Max-of-K transformers (Gross et al. 2024): model, loading, training, strategies.

Strategies, all accuracy lower bounds: brute force (also the expected loss, upper bound), the
paper's cubic proof, and two subcubic variants (rank-1 EQKE with a bounded error term; exact
EQKE); `subcubic` runs both and keeps the better bound. Each module's docstring proves the
steps it uses. No Coq or Lean checker for this family yet.
"""

from __future__ import annotations

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

    def load_file(self, path: Path, card):
        return self._part("loading").load_file(path, card)

    def accepts_cardless(self, path: Path) -> bool:
        return self._part("loading").is_transformer_file(path)


FAMILY = MaxOfKTransformer(__name__)
