"""What the Coq and Lean context builders share: validating a certificate for rendering.

`prepare(doc)` re-checks everything a rendered file will state (weights' shapes and
finiteness, the weights' hash, strategy, quantity and relation, the exact bound, the grid, the
trace array's name, dtype and shape) and maps names to identifiers; `trace_rows` lays a flat
trace out as the nested rows the templates print (one row per line keeps Coq's parser happy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pyexport import certificate as cert
from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_n_mlp.model import WEIGHT_KEYS, config_from_json, weight_shapes
from pyexport.kernels.render_checks import checked_weights, identifier

HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
STRATEGIES = {"brute-force": "brute_force", "symmetry": "symmetry", "convexity": "convexity"}
RELATIONS = {"expected_loss": "<=", "accuracy": ">="}
# (strategy, quantity, n_ctx) -> the trace array the strategy's proof needs
TRACE_NAMES = {
    ("brute_force", "expected_loss"): "case_upper", ("symmetry", "expected_loss"): "case_upper",
    ("brute_force", "accuracy"): "correct", ("symmetry", "accuracy"): "correct",
    ("convexity", "expected_loss", 2): "lse_upper", ("convexity", "expected_loss", 3): "pair_upper",
    ("convexity", "accuracy", 2): "top2", ("convexity", "accuracy", 3): "runner_up",
}


@dataclass(frozen=True)
class RenderInput:
    """A certificate's facts, validated, in the forms the context builders need."""

    d: int
    dm: int
    n: int
    weights: dict[str, np.ndarray]
    model_ident: str
    model_sha256: str
    content_sha256: str
    strategy: str  # brute_force | symmetry | convexity
    quantity: str  # expected_loss | accuracy
    grid_bits: int
    kernel_slack_bits: int | None  # set by provers that leave slack for binary64 kernels
    claim_p: int
    claim_q: int
    trace_name: str
    trace: np.ndarray

    @property
    def module_name(self) -> str:
        return f"cert_{self.model_ident}_{self.strategy}_{self.quantity}_{self.content_sha256[:16]}"


def prepare(doc: dict, supported_n: tuple[int, ...]) -> RenderInput:
    """Validate a structurally valid certificate for rendering (see the module docstring)."""
    config, weights, model_sha = checked_weights(doc, config_from_json, weight_shapes,
                                                 WEIGHT_KEYS)
    d, dm, n = int(config.d_vocab), int(config.d_model), int(config.n_ctx)
    strategy = STRATEGIES.get(doc["strategy"]["name"])
    quantity = doc["claim"]["quantity"]
    if strategy is None or quantity not in RELATIONS:
        raise ValueError("unknown strategy or quantity")
    if doc["claim"]["relation"] != RELATIONS[quantity]:
        raise ValueError(f"{quantity} must be claimed with {RELATIONS[quantity]}")
    if n not in supported_n:
        raise UnsupportedCertificate(f"no checker for n_ctx = {n} (supported: {supported_n})")
    grid_bits = doc["strategy"]["parameters"]["grid_bits"]
    if not isinstance(grid_bits, int) or isinstance(grid_bits, bool) or not 0 <= grid_bits <= 1000:
        raise ValueError("strategy.parameters.grid_bits must be an integer in [0, 1000]")
    slack = doc["strategy"]["parameters"].get("kernel_slack_bits")
    if slack is not None and (not isinstance(slack, int) or isinstance(slack, bool)
                              or not 0 <= slack <= 1000):
        raise ValueError("strategy.parameters.kernel_slack_bits must be an integer in [0, 1000]")
    bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
    if bound < 0:
        raise ValueError("claim.bound must be non-negative")
    name = TRACE_NAMES.get((strategy, quantity)) or TRACE_NAMES[(strategy, quantity, n)]
    trace = _trace_array(doc, name, strategy, d, n)
    content_sha = cert.content_sha256(doc)
    assert HEX_DIGEST.fullmatch(model_sha) and HEX_DIGEST.fullmatch(content_sha)
    return RenderInput(d, dm, n, weights, identifier(config.name), model_sha, content_sha,
                       strategy, quantity, grid_bits, slack, int(bound.numerator),
                       int(bound.denominator), name, trace)


def _trace_array(doc: dict, name: str, strategy: str, d: int, n: int) -> np.ndarray:
    arrays = doc["trace"]["arrays"]
    if set(arrays) != {name}:
        raise ValueError(f"trace must hold exactly the array {name!r}")
    pairs, triples = d * (d + 1) // 2, d * (d + 1) * (d + 2) // 6
    per_input = (d,) * n if strategy == "brute_force" else ((pairs,) if n == 2 else (triples,))
    expected = {"case_upper": (per_input, "int64"), "correct": (per_input, "bits"),
                "lse_upper": ((d,), "int64"), "top2": ((d, 2), "int64"),
                "pair_upper": ((pairs,), "int64"), "runner_up": ((pairs,), "int64")}[name]
    array = cert.decode_array(arrays[name], f"trace.{name}")
    if (tuple(array.shape), arrays[name]["dtype"]) != expected:
        raise ValueError(f"trace.{name}: expected {expected[1]} of shape {expected[0]}")
    if name in ("top2", "runner_up") and ((array < 0) | (array >= d)).any():
        raise ValueError(f"trace.{name}: index out of range")
    return array


def sorted_rows(values: list, d: int) -> list[list]:
    """Sorted-pair order (0,0), (0,1), (1,1), (0,2), ... regrouped as rows by the larger token."""
    if len(values) != d * (d + 1) // 2:
        raise ValueError("trace length is not d(d+1)/2")
    starts = [c * (c + 1) // 2 for c in range(d + 1)]
    return [values[starts[c] : starts[c + 1]] for c in range(d)]


def sorted_triples(values: list, d: int) -> list[list[list]]:
    """Sorted-triple order (by c, then a, then b; a <= b <= c) regrouped as [c][b][a]."""
    if len(values) != d * (d + 1) * (d + 2) // 6:
        raise ValueError("trace length is not d(d+1)(d+2)/6")
    nested = [[[None] * (b + 1) for b in range(c + 1)] for c in range(d)]
    it = iter(values)
    for c in range(d):
        for a in range(c + 1):
            for b in range(a, c + 1):
                nested[c][b][a] = next(it)
    return nested


def trace_rows(inp: RenderInput, flat: list) -> list:
    """The trace's printed values laid out as the templates expect (see each template)."""
    d, n = inp.d, inp.n
    if inp.trace_name == "lse_upper":
        return flat
    if inp.trace_name == "top2":
        return [flat[2 * s : 2 * s + 2] for s in range(d)]
    if inp.trace_name in ("pair_upper", "runner_up"):
        return sorted_rows(flat, d)
    if inp.strategy == "brute_force":
        if n == 2:
            return [flat[t * d : (t + 1) * d] for t in range(d)]
        return [[flat[(t1 * d + t2) * d : (t1 * d + t2 + 1) * d] for t2 in range(d)]
                for t1 in range(d)]
    return sorted_rows(flat, d) if n == 2 else sorted_triples(flat, d)
