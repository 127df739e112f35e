"""Proof strategies for the Max-of-K transformer: one module per strategy.

    brute-force          every sequence (accuracy; also the expected loss)
    cubic                the paper's cubic proof, each step proved (cubic.py)
    subcubic-rank1       rank-1 EQKE plus a bounded error term, gap case splits (subcubic.py)
    subcubic-exact-eqke  exact EQKE, gap case splits (subcubic.py)
    subcubic             both subcubic variants; the certificate of the better bound

Every strategy returns a `pyexport.proof.Proof`, sound by construction (pyexport.interval) and
re-derived independently by the family's checker.
"""

from __future__ import annotations

import importlib


def prove(strategy: str, quantity: str, model):
    if strategy == "brute-force":
        from pyexport.families.max_of_k_transformer.strategies import brute_force

        return brute_force.prove_loss(model) if quantity == "loss" else \
            brute_force.prove_accuracy(model)
    if strategy == "cubic":
        return importlib.import_module(f"{__name__}.cubic").prove_accuracy(model)
    subcubic = importlib.import_module(f"{__name__}.subcubic")
    if strategy == "subcubic":
        return subcubic.prove_best(model)
    return subcubic.prove_accuracy(model, strategy.removeprefix("subcubic-"))
