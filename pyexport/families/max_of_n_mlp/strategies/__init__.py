"""Proof strategies for the max-of-n MLP: one module per strategy, each proving two claims.

Every strategy returns a `pyexport.proof.Proof`. Bounds are sound by construction
(pyexport.interval) and re-derived independently by the family's checker.
"""

from __future__ import annotations

import importlib

from pyexport.families.max_of_n_mlp.evaluation import GRID_BITS, KERNEL_SLACK_BITS

STRATEGIES = ("brute-force", "symmetry", "convexity")


def prove(strategy: str, quantity: str, model):
    module = importlib.import_module(f"{__name__}.{strategy.replace('-', '_')}")
    proof = getattr(module, "prove_" + quantity)(model)
    proof.parameters = {"grid_bits": GRID_BITS, "kernel_slack_bits": KERNEL_SLACK_BITS}
    return proof
