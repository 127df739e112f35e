"""The independent checker: re-derives a certificate's claim from its weights and trace.

This module is the generic frame; each family's checker part (`pyexport.families.<family>
.checker`) re-derives the bound of its strategies and shares no numeric code with them (exact
integer and rational arithmetic, python-flint's arb balls for exp and log). Here: the weights'
hash, the claim's relation, the trace's arrays (each used exactly once, lengths summed), and the
comparison of the stated bound with the re-derived one. The first failing step is reported by
name. Limits are checked before anything large is allocated: the number of inputs the claim
quantifies over (`certificate.max_inputs`), then the weights' shapes against the configuration,
then each trace array's shape against what its strategy expects.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pyexport import certificate as cert
from pyexport.weights import ModelError, weights_sha256


class Rejected(Exception):
    """The certificate is well-formed but a step of its proof does not check."""

    def __init__(self, step: str, reason: str):
        super().__init__(f"{step}: {reason}")
        self.step, self.reason = step, reason


@dataclass
class Verdict:
    accepted: bool
    step: str  # the first failing step, or "all" when accepted
    reason: str
    seconds: float

    def to_json(self) -> dict:
        return {"verdict": "accepted" if self.accepted else "rejected", "step": self.step,
                "reason": self.reason, "seconds": round(self.seconds, 4)}


class TraceReader:
    """Hands out trace arrays by name, shape and dtype; adds up the trace length they make."""

    def __init__(self, doc: dict):
        self.arrays = doc["trace"]["arrays"]
        self.used: set[str] = set()
        self.length = 0

    def get(self, name: str, shape: tuple, dtype: str, counts: int | None = None) -> np.ndarray:
        """The array `name`, which must have this shape and dtype; it adds `counts` (default:
        its size) to the trace length."""
        obj = self.arrays.get(name)
        if obj is None or name in self.used:
            raise Rejected("trace.arrays", f"expected one array {name!r}, found "
                           f"{sorted(self.arrays)}")
        if tuple(obj.get("shape", ())) != tuple(shape) or obj.get("dtype") != dtype:
            raise Rejected(f"trace.{name}", f"expected {dtype} of shape {tuple(shape)}")
        array = cert.decode_array(obj, f"trace.{name}")
        self.used.add(name)
        self.length += int(array.size if counts is None else counts)
        return array

    def finish(self, stated_length: int) -> None:
        extra = sorted(set(self.arrays) - self.used)
        if extra:
            raise Rejected("trace.arrays", f"arrays the proof does not use: {extra}")
        if self.length != stated_length:
            raise Rejected("trace.length", f"stated {stated_length}, the arrays hold "
                           f"{self.length}")


def check(doc: dict) -> Verdict:
    """Check a structurally valid certificate (see `certificate.read`).

    Raises `CertificateError` for input that is unusable rather than wrong (unknown family,
    bad sizes, NaN weights).
    """
    from pyexport import families

    start = time.perf_counter()
    try:
        family = families.get(cert.family_name(doc))
        config = family.config_from_json(doc["model"]["config"])
    except ModelError as exc:
        raise cert.CertificateError(f"model: {exc}") from exc
    inputs = config.d_vocab ** config.n_ctx
    if inputs > cert.max_inputs():
        raise cert.CertificateError(f"the model has {inputs} inputs (d_vocab^n_ctx), over the "
                                    f"limit {cert.max_inputs()} (PYEXPORT_MAX_INPUTS)")
    weights = cert.decode_weights(doc, family.weight_shapes(config))
    try:
        if weights_sha256(weights, list(weights)) != doc["model"]["sha256"]:
            raise Rejected("model.sha256", "the hash does not match the weights")
        quantity, relation = doc["claim"]["quantity"], doc["claim"]["relation"]
        if (quantity, relation) not in (("expected_loss", "<="), ("accuracy", ">=")):
            raise Rejected("claim.relation", f"{quantity} cannot be bounded with {relation}")
        strategy = doc["strategy"]["name"]
        short = "loss" if quantity == "expected_loss" else "accuracy"
        if short not in family.strategies.get(strategy, ()):
            raise Rejected("strategy.name", f"the {family.name} family has no strategy "
                           f"{strategy!r} for {quantity}")
        bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
        trace = TraceReader(doc)
        derived = family.check(strategy, quantity, config, weights, trace,
                               doc["strategy"]["parameters"])
        trace.finish(doc["trace"]["length"])
        if quantity == "expected_loss" and not bound >= derived:
            raise Rejected("claim.bound", f"stated {float(bound):.12g} is below the re-derived "
                           f"upper bound {float(derived):.12g}")
        if quantity == "accuracy" and not bound <= derived:
            raise Rejected("claim.bound", f"stated {float(bound):.12g} is above the re-derived "
                           f"lower bound {float(derived):.12g}")
    except Rejected as r:
        return Verdict(False, r.step, r.reason, time.perf_counter() - start)
    return Verdict(True, "all", f"re-derived {quantity} {relation} {float(derived):.12g}",
                   time.perf_counter() - start)


def grid(parameters: dict, name: str = "grid_bits", limit: int = 1000) -> Fraction:
    """The grid 2^-bits that integer trace values stand on, from the strategy's parameters."""
    bits = parameters.get(name)
    if not isinstance(bits, int) or isinstance(bits, bool) or not 0 <= bits <= limit:
        raise Rejected(f"strategy.parameters.{name}", f"must be an integer in [0, {limit}]")
    return Fraction(1, 2**bits)
