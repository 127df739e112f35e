"""The tutorial's max-of-n MLP (seed 000): model, training, strategies, checker, renderers.

Strategies: brute force, symmetry and convexity, each for the expected loss and the accuracy,
at n_ctx 2 and 3; Coq checkers for all of them, Lean checkers for n_ctx 2.
"""

from __future__ import annotations

from pyexport.families import Family
from pyexport.families.max_of_n_mlp import model as _model


class MaxOfNMLP(Family):
    name = _model.FAMILY_NAME
    architecture = _model.ARCHITECTURE
    strategies = {s: ("loss", "accuracy") for s in ("brute-force", "symmetry", "convexity")}
    strategy_costs = {"brute-force": "O(d^n d_vocab)", "symmetry": "O(d^n d_vocab / n!)",
                      "convexity": "O(d^(n-1) d_vocab)"}
    demo = tuple((s, q) for q in ("loss", "accuracy")
                 for s in ("brute-force", "symmetry", "convexity"))
    default_model = _model.DEFAULT_MODEL

    def configs(self):
        return dict(_model.CONFIGS)

    def config_from_json(self, obj):
        return _model.config_from_json(obj)

    def weight_shapes(self, config):
        return _model.weight_shapes(config)

    def model_from_state(self, config, state, path=""):
        return _model.model_from_state(config, state, path)

    def train(self, config, progress=True):
        from pyexport.families.max_of_n_mlp.train import train

        return train(config, progress=progress)

    def prove(self, strategy, quantity, model):
        from pyexport.families.max_of_n_mlp.strategies import prove

        return prove(strategy, quantity, model)

    def check(self, strategy, quantity, config, weights, trace, parameters):
        from pyexport.families.max_of_n_mlp.checker import check

        return check(strategy, quantity, config, weights, trace, parameters)

    def render_context(self, doc, prover, native):
        if prover == "coq":
            from pyexport.families.max_of_n_mlp.kernels.coq_context import coq_context

            return coq_context(doc)
        from pyexport.families.max_of_n_mlp.kernels.lean_context import lean_context

        return lean_context(doc, native=native)


FAMILY = MaxOfNMLP()
