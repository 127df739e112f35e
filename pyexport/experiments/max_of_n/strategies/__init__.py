"""Proof strategies for the max-of-n MLP: one module per strategy, each proving two claims.

Every strategy returns a `Proof`: the claim (an exact rational bound on the expected loss, from
above, or on the accuracy, from below), the trace the checker needs beyond the weights, and an
enclosure of the true value where the strategy computes it. Bounds are sound by construction
(pyexport.interval) and re-derived independently by pyexport.checker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from pyexport import flops
from pyexport.model import Model

QUANTITIES = {"loss": ("expected_loss", "<="), "accuracy": ("accuracy", ">=")}


@dataclass
class Proof:
    """A proved claim with its trace and the cost of proving it."""

    strategy: str
    quantity: str  # "expected_loss" or "accuracy"
    relation: str  # "<=" for the loss, ">=" for the accuracy
    bound: Fraction
    trace: dict[str, np.ndarray]
    trace_length: int
    true_value: tuple[Fraction, Fraction] | None = None
    metrics: dict = field(default_factory=dict)


def run(strategy: str, quantity: str, model: Model) -> Proof:
    """Run one strategy ('brute-force', 'symmetry', 'convexity') for 'loss' or 'accuracy'."""
    from pyexport.experiments.max_of_n.strategies import brute_force, convexity, symmetry

    modules = {"brute-force": brute_force, "symmetry": symmetry, "convexity": convexity}
    if strategy not in modules:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {sorted(modules)}")
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; choose from {sorted(QUANTITIES)}")
    prove = getattr(modules[strategy], "prove_" + quantity)
    start = time.perf_counter()
    with flops.counting() as count:
        proof = prove(model)
    proof.metrics.update(
        {"flops": count[0], "seconds": round(time.perf_counter() - start, 4),
         "trace_length": proof.trace_length}
    )
    return proof


STRATEGIES = ("brute-force", "symmetry", "convexity")
