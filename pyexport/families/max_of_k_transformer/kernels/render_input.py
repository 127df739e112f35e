"""What the transformer's Coq and Lean context builders share: validating an accuracy claim.

`accuracy_claim(doc)` re-checks what every rendered file states whatever its checker: the
weights' shapes, finiteness and hash, the relation `>=`, a non-negative exact bound, and the
content hash, and maps the model name to an identifier. `trace_arrays` reads and checks the
trace's arrays; `cubic_masks` and `subcubic_claims` lay the cubic and subcubic traces out as the
tables both provers' checkers read. Each builder first refuses the strategies its prover has no
checker for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pyexport import certificate as cert
from pyexport.families.max_of_k_transformer.model import (
    WEIGHT_KEYS, config_from_json, weight_shapes)
from pyexport.kernels.render_checks import checked_weights, identifier

HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class AccuracyClaim:
    config: object
    weights: dict[str, np.ndarray]
    model_sha256: str
    content_sha256: str
    model_ident: str
    bound: Fraction


def accuracy_claim(doc: dict) -> AccuracyClaim:
    """Validate a structurally valid accuracy certificate for rendering."""
    if doc["claim"]["relation"] != ">=":
        raise ValueError("accuracy must be claimed with >=")
    config, weights, model_sha = checked_weights(doc, config_from_json, weight_shapes,
                                                 WEIGHT_KEYS)
    bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
    if bound < 0:
        raise ValueError("claim.bound must be non-negative")
    content_sha = cert.content_sha256(doc)
    assert HEX_DIGEST.fullmatch(model_sha) and HEX_DIGEST.fullmatch(content_sha)
    return AccuracyClaim(config, weights, model_sha, content_sha, identifier(config.name), bound)


def trace_arrays(doc: dict, expected: dict[str, tuple[tuple[int, ...], str]],
                 ignored: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The trace's arrays, exactly the `expected` names (plus any of `ignored`, not read), each
    of its (shape, dtype)."""
    arrays = doc["trace"]["arrays"]
    if not set(expected) <= set(arrays) <= set(expected) | set(ignored):
        raise ValueError(f"trace must hold the arrays {sorted(expected)}")
    decoded = {}
    for name, (shape, dtype) in expected.items():
        array = cert.decode_array(arrays[name], f"trace.{name}")
        if (tuple(array.shape), arrays[name]["dtype"]) != (shape, dtype):
            raise ValueError(f"trace.{name}: expected {dtype} of shape {shape}")
        decoded[name] = array
    return decoded


def cubic_masks(doc: dict, d: int, n: int) -> list[list[list[int]]]:
    """`masks[m][c][q]` for q <= m: the integer whose bit k is the verdict of the pure case
    (q, m, k, c), verdict[q, m, k, c] of the trace."""
    verdict = trace_arrays(doc, {"pure_correct": ((d, d, d, n), "bits")})["pure_correct"]
    weights = 1 << np.arange(d, dtype=object)  # exact: d may exceed 63
    return [[[int((verdict[q, m, :, c].astype(object) * weights).sum()) for q in range(m + 1)]
             for c in range(n)] for m in range(d)]


def subcubic_claims(doc: dict, d: int, n: int) -> np.ndarray:
    """`claims[q, m, c]`: 1 + the gap of a proved subcubic case (q, m, c), 0 where it is not
    proved (the rank-one `eqke_direction` is not read: both kernels check the claims with the
    exact EQKE)."""
    trace = trace_arrays(doc, {"gap": ((d, d, n), "int64"), "proved": ((d, d, n), "bits")},
                         ignored=("eqke_direction",))
    gaps = trace["gap"]
    if (gaps < 0).any() or (gaps > d).any():
        raise ValueError(f"trace.gap: gaps must lie in 0..{d}")
    return np.where(trace["proved"], gaps + 1, 0)
