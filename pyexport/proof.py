"""What a proof strategy returns, and the one place strategies are run, timed and counted.

Every strategy of every family returns a `Proof`: the claim (an exact rational bound on the
expected loss, from above, or on the accuracy, from below), the strategy's parameters and the
trace the checker needs beyond the weights, and an enclosure of the true value where the
strategy computes it. `run` measures wall time and FLOPs (pyexport.flops) around it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from pyexport import flops

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
    parameters: dict = field(default_factory=dict)


def run(strategy: str, quantity: str, model) -> Proof:
    """Run one strategy of the model's family for 'loss' or 'accuracy', timed and counted."""
    from pyexport.families import get

    family = get(model.family)
    if strategy not in family.strategies:
        raise ValueError(f"unknown strategy {strategy!r} for {family.name}; choose from "
                         f"{sorted(family.strategies)}")
    if quantity not in family.strategies[strategy]:
        raise ValueError(f"{strategy} proves {', '.join(family.strategies[strategy])}, "
                         f"not {quantity!r}")
    start = time.perf_counter()
    with flops.counting() as count:
        proof = family.prove(strategy, quantity, model)
    proof.metrics.update({"flops": count[0], "seconds": round(time.perf_counter() - start, 4),
                          "trace_length": proof.trace_length})
    if proof.true_value is not None:
        proof.metrics["true_value"] = {"lower": _ratio(proof.true_value[0]),
                                       "upper": _ratio(proof.true_value[1])}
    return proof


def _ratio(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"
