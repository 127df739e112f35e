"""The paper's Max-of-K transformers (Gross et al. 2024): model, loading, training, strategies.

Strategies, all accuracy lower bounds: brute force (also the expected loss, upper bound), the
paper's cubic proof, and two subcubic variants (rank-1 EQKE with a bounded error term; exact
EQKE); `subcubic` runs both and keeps the better bound. Each module's docstring proves the
steps it uses. No Coq or Lean checker for this family yet.
"""

from __future__ import annotations

from pathlib import Path

from pyexport.families import Family
from pyexport.families.max_of_k_transformer import model as _model


class MaxOfKTransformer(Family):
    name = _model.FAMILY_NAME
    architecture = _model.ARCHITECTURE
    strategies = {"brute-force": ("accuracy", "loss"), "cubic": ("accuracy",),
                  "subcubic": ("accuracy",), "subcubic-rank1": ("accuracy",),
                  "subcubic-exact-eqke": ("accuracy",)}
    strategy_costs = {
        "brute-force": "O(d^n n d_vocab)",
        "cubic": "O(d^3 n^2)",
        "subcubic-rank1": "O(d^2 (d_model + n log d) + d d_model^2)",
        "subcubic-exact-eqke": "O(d^2 (d_model + n log d) + d d_model^2)",
    }
    demo = (("brute-force", "accuracy"), ("cubic", "accuracy"), ("subcubic", "accuracy"))

    def configs(self):
        return dict(_model.CONFIGS)

    def config_from_json(self, obj):
        return _model.config_from_json(obj)

    def weight_shapes(self, config):
        return _model.weight_shapes(config)

    def model_from_state(self, config, state, path=""):
        return _model.model_from_state(config, state, path)

    def load_file(self, path: Path, card):
        from pyexport.families.max_of_k_transformer.loading import load_file

        return load_file(path, card)

    def accepts_cardless(self, path: Path) -> bool:
        from pyexport.families.max_of_k_transformer.loading import is_transformer_file

        return is_transformer_file(path)

    def train(self, config, progress=True):
        from pyexport.families.max_of_k_transformer.train import train

        return train(config, progress=progress)

    def prove(self, strategy, quantity, model):
        from pyexport.families.max_of_k_transformer.strategies import prove

        return prove(strategy, quantity, model)

    def check(self, strategy, quantity, config, weights, trace, parameters):
        from pyexport.families.max_of_k_transformer.checker import check

        return check(strategy, quantity, config, weights, trace, parameters)


FAMILY = MaxOfKTransformer()
