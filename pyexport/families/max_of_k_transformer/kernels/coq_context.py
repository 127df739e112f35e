"""Template context of a Max-of-K accuracy certificate for Coq (brute force and cubic).

The template (templates/coq/max_of_k_transformer/certificate.v.j2) writes the weights as exact
binary64 literals into a `tweights` record, then the strategy's trace, and proves
`accuracy (transformer_of cert_w) >= p / q` by `vm_compute` of the strategy's checker:

    brute-force  per row of d_vocab sequences (those sharing their first n_ctx - 1 tokens,
                 row-major) the number the certificate marks correct; `check_tbf_accuracy`
                 (coq/theories/CheckTransformer.v) counts each row's sequences it proves
                 correct itself and compares.
    cubic        the claimed pure cases as bit masks `cert_tab[m][c][q]` (bit k: case
                 (q, m, k, c); bit m for c = 0); `check_cubic_accuracy`
                 (coq/theories/CheckCubic.v) re-derives every claimed case and counts the
                 sequences the claims cover.

Only values produced here reach the file: ints, identifiers, hex digests, float literals, Z
literals. Other strategies, and data too large to be read by one `coqc`, raise
`UnsupportedCertificate`.
"""

from __future__ import annotations

import re

import numpy as np

from pyexport import certificate as cert
from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_k_transformer.model import (
    WEIGHT_KEYS,
    config_from_json,
    weight_shapes,
)
from pyexport.kernels.coq_literals import coq_float
from pyexport.kernels.render_checks import checked_weights, identifier

THEOREM_NAME = "cert_accuracy_bound"
CHECKERS = {("brute-force", "accuracy"): "check_tbf_accuracy_correct",
            ("cubic", "accuracy"): "check_cubic_accuracy_correct"}
MAX_LITERALS = 1 << 18  # one coqc reads this many literals in about 1 GB (coq/README.md)
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _rows(matrix) -> list[list[str]]:
    return [[coq_float(v) for v in row] for row in np.asarray(matrix, dtype=np.float64).tolist()]


def _vector(vector) -> list[str]:
    return [coq_float(v) for v in np.asarray(vector, dtype=np.float64).tolist()]


def coq_context(doc: dict) -> dict:
    """The context of a structurally valid certificate (see the module docstring)."""
    strategy, quantity = doc["strategy"]["name"], doc["claim"]["quantity"]
    if (strategy, quantity) not in CHECKERS:
        raise UnsupportedCertificate(f"no Coq checker for {strategy} {quantity} of the "
                                     "max-of-k-transformer family yet (brute-force and cubic "
                                     "accuracy only)")
    if doc["claim"]["relation"] != ">=":
        raise ValueError("accuracy must be claimed with >=")
    config, weights, model_sha = checked_weights(doc, config_from_json, weight_shapes,
                                                 WEIGHT_KEYS)
    d, n = config.d_vocab, config.n_ctx
    trace = _cubic_trace(doc, d, n) if strategy == "cubic" else _brute_force_trace(doc, d, n)
    literals = sum(np.asarray(w).size for w in weights.values()) + trace["literals"]
    if literals > MAX_LITERALS:
        raise UnsupportedCertificate(f"{literals} literals: the transformer's Coq checker reads "
                                     f"its data in one file, at most {MAX_LITERALS}")
    bound = cert.parse_rational(doc["claim"]["bound"], "claim.bound")
    if bound < 0:
        raise ValueError("claim.bound must be non-negative")
    content_sha = cert.content_sha256(doc)
    assert HEX_DIGEST.fullmatch(model_sha) and HEX_DIGEST.fullmatch(content_sha)
    ident = identifier(config.name)
    w = {key: np.asarray(weights[key]) for key in WEIGHT_KEYS}
    return {
        "module_name": f"cert_{ident}_{identifier(strategy)}_accuracy_{content_sha[:16]}",
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": ["CertData.cert_w", f"CertData.{trace['name']}"],
        "strategy": strategy,
        "checker": CHECKERS[(strategy, quantity)],
        "model_ident": ident,
        "model_sha256": model_sha,
        "content_sha256": content_sha,
        "n_ctx": n, "d_vocab": d, "d_model": config.d_model, "d_head": config.d_head,
        "claim_p": int(bound.numerator), "claim_q": int(bound.denominator),
        "W_E": _rows(w["embed.W_E"]), "W_pos": _rows(w["pos_embed.W_pos"]),
        "W_Q": _rows(w["blocks.0.attn.W_Q"][0]), "W_K": _rows(w["blocks.0.attn.W_K"][0]),
        "W_V": _rows(w["blocks.0.attn.W_V"][0]), "W_O": _rows(w["blocks.0.attn.W_O"][0]),
        "b_Q": _vector(w["blocks.0.attn.b_Q"][0]), "b_K": _vector(w["blocks.0.attn.b_K"][0]),
        "b_V": _vector(w["blocks.0.attn.b_V"][0]), "b_O": _vector(w["blocks.0.attn.b_O"]),
        "W_U": _rows(w["unembed.W_U"]), "b_U": _vector(w["unembed.b_U"]),
        **{key: value for key, value in trace.items() if key in ("row_counts", "case_masks")},
    }


def _bits(doc: dict, name: str, shape: tuple[int, ...]) -> np.ndarray:
    arrays = doc["trace"]["arrays"]
    if set(arrays) != {name}:
        raise ValueError(f"trace must hold exactly the array {name!r}")
    bits = cert.decode_array(arrays[name], f"trace.{name}")
    if (tuple(bits.shape), arrays[name]["dtype"]) != (shape, "bits"):
        raise ValueError(f"trace.{name}: expected bits of shape {shape}")
    return bits


def _brute_force_trace(doc: dict, d: int, n: int) -> dict:
    counts = _bits(doc, "correct", (d,) * n).reshape(-1, d).sum(axis=1)
    return {"name": "cert_rows", "literals": counts.size,
            "row_counts": [f"{int(c)}%Z" for c in counts.tolist()]}


def _cubic_trace(doc: dict, d: int, n: int) -> dict:
    """`case_masks[m][c][q]` for q <= m: the integer whose bit k is the verdict of the pure
    case (q, m, k, c), verdict[q, m, k, c] of the trace."""
    verdict = _bits(doc, "pure_correct", (d, d, d, n))
    weights = 1 << np.arange(d, dtype=object)  # exact: d may exceed 63
    masks = [[[f"{int((verdict[q, m, :, c].astype(object) * weights).sum())}%Z"
               for q in range(m + 1)] for c in range(n)] for m in range(d)]
    return {"name": "cert_tab", "literals": d * n * (d + 1) // 2, "case_masks": masks}
