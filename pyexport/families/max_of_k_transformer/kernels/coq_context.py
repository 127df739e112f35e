"""Template context of a Max-of-K accuracy certificate for Coq (brute force, cubic, subcubic).

The template (templates/coq/max_of_k_transformer/certificate.v.j2) writes the weights as exact
binary64 literals into a `tweights` record, then the strategy's trace, and proves
`accuracy (transformer_of cert_w) >= p / q` by `vm_compute` of the strategy's checker:

    brute-force  per row of d_vocab sequences (those sharing their first n_ctx - 1 tokens,
                 row-major) the number the certificate marks correct; `check_tbf_accuracy`
                 (coq/theories/MaxOfK/CheckTransformer.v) counts each row's sequences it proves
                 correct itself and compares.
    cubic        the claimed pure cases as bit masks `cert_tab[m][c][q]` (bit k: case
                 (q, m, k, c); bit m for c = 0); `check_cubic_accuracy`
                 (coq/theories/MaxOfK/CheckCubic.v) re-derives every claimed case and counts the
                 sequences the claims cover.
    subcubic     (both variants) the claimed cases as `cert_claims[q][m][c]`: 1 + the case's
                 gap, or 0 where the case is not claimed (the c = 0 cases have gap 0);
                 `check_subcubic_accuracy` (coq/theories/MaxOfK/CheckSubcubic.v) re-derives every
                 claim from the exact score gaps (the rank-one variant's direction is not
                 needed: the exact gaps are at least as large) and counts the covered
                 sequences in closed form.

Only values produced here reach the file: ints, identifiers, hex digests, float literals, Z
literals. Other strategies, and data too large to be read by one `coqc`, raise
`UnsupportedCertificate`.
"""

from __future__ import annotations

import numpy as np

from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_k_transformer.kernels.render_input import (
    accuracy_claim, cubic_masks, subcubic_claims, trace_arrays)
from pyexport.families.max_of_k_transformer.model import WEIGHT_KEYS
from pyexport.kernels.coq_literals import coq_float
from pyexport.kernels.render_checks import identifier

THEOREM_NAME = "cert_accuracy_bound"
CHECKERS = {("brute-force", "accuracy"): "check_tbf_accuracy_correct",
            ("cubic", "accuracy"): "check_cubic_accuracy_correct",
            ("subcubic-rank1", "accuracy"): "check_subcubic_accuracy_correct",
            ("subcubic-exact-eqke", "accuracy"): "check_subcubic_accuracy_correct"}
MAX_LITERALS = 1 << 18  # one coqc reads this many literals in about 1 GB (coq/README.md)


def _rows(matrix) -> list[list[str]]:
    return [[coq_float(v) for v in row] for row in np.asarray(matrix, dtype=np.float64).tolist()]


def _vector(vector) -> list[str]:
    return [coq_float(v) for v in np.asarray(vector, dtype=np.float64).tolist()]


def coq_context(doc: dict) -> dict:
    """The context of a structurally valid certificate (see the module docstring)."""
    strategy, quantity = doc["strategy"]["name"], doc["claim"]["quantity"]
    if (strategy, quantity) not in CHECKERS:
        raise UnsupportedCertificate(f"no Coq checker for {strategy} {quantity} of the "
                                     "max-of-k-transformer family yet (accuracy only)")
    claim = accuracy_claim(doc)
    config, weights, bound, ident = claim.config, claim.weights, claim.bound, claim.model_ident
    d, n = config.d_vocab, config.n_ctx
    trace = TRACES[strategy](doc, d, n)
    literals = sum(np.asarray(w).size for w in weights.values()) + trace["literals"]
    if literals > MAX_LITERALS:
        raise UnsupportedCertificate(f"{literals} literals: the transformer's Coq checker reads "
                                     f"its data in one file, at most {MAX_LITERALS}")
    w = {key: np.asarray(weights[key]) for key in WEIGHT_KEYS}
    module = f"cert_{ident}_{identifier(strategy)}_accuracy_{claim.content_sha256[:16]}"
    return {
        "module_name": module,
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": ["CertData.cert_w", f"CertData.{trace['name']}"],
        "strategy": strategy,
        "checker": CHECKERS[(strategy, quantity)],
        "model_ident": ident,
        "model_sha256": claim.model_sha256,
        "content_sha256": claim.content_sha256,
        "n_ctx": n, "d_vocab": d, "d_model": config.d_model, "d_head": config.d_head,
        "claim_p": int(bound.numerator), "claim_q": int(bound.denominator),
        "W_E": _rows(w["embed.W_E"]), "W_pos": _rows(w["pos_embed.W_pos"]),
        "W_Q": _rows(w["blocks.0.attn.W_Q"][0]), "W_K": _rows(w["blocks.0.attn.W_K"][0]),
        "W_V": _rows(w["blocks.0.attn.W_V"][0]), "W_O": _rows(w["blocks.0.attn.W_O"][0]),
        "b_Q": _vector(w["blocks.0.attn.b_Q"][0]), "b_K": _vector(w["blocks.0.attn.b_K"][0]),
        "b_V": _vector(w["blocks.0.attn.b_V"][0]), "b_O": _vector(w["blocks.0.attn.b_O"]),
        "W_U": _rows(w["unembed.W_U"]), "b_U": _vector(w["unembed.b_U"]),
        "trace_name": trace["name"], "trace_rows": trace["rows"],
    }


def _brute_force_trace(doc: dict, d: int, n: int) -> dict:
    """`rows`: per row of d sequences, the number marked correct."""
    correct = trace_arrays(doc, {"correct": ((d,) * n, "bits")})["correct"]
    counts = correct.reshape(-1, d).sum(axis=1)
    return {"name": "cert_rows", "literals": counts.size,
            "rows": [f"{int(c)}%Z" for c in counts.tolist()]}


def _cubic_trace(doc: dict, d: int, n: int) -> dict:
    """`rows[m][c][q]`: `render_input.cubic_masks` as Coq integers."""
    masks = [[[f"{v}%Z" for v in by_c] for by_c in by_m] for by_m in cubic_masks(doc, d, n)]
    return {"name": "cert_tab", "literals": d * n * (d + 1) // 2, "rows": masks}


def _subcubic_trace(doc: dict, d: int, n: int) -> dict:
    """`rows[q][m][c]`: 1 + the gap of a proved case (q, m, c), 0 where it is not proved."""
    claims = subcubic_claims(doc, d, n)
    rows = [[[f"{int(v)}%Z" for v in claims[q, m]] for m in range(d)] for q in range(d)]
    return {"name": "cert_claims", "literals": d * d * n, "rows": rows}


TRACES = {"brute-force": _brute_force_trace, "cubic": _cubic_trace,
          "subcubic-rank1": _subcubic_trace, "subcubic-exact-eqke": _subcubic_trace}
