"""What the transformer's Coq and Lean context builders share: validating an accuracy claim.

`accuracy_claim(doc)` re-checks what every rendered file states whatever its checker: the
weights' shapes, finiteness and hash, the relation `>=`, a non-negative exact bound, and the
content hash, and maps the model name to an identifier. Each builder first refuses the
strategies its prover has no checker for.
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
