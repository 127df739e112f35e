"""Template context of a Max-of-K brute-force accuracy certificate for Lean 4.

The template (templates/lean/max_of_k_transformer/certificate.lean.j2) writes the weights as
integer numerators over one power of two `2^e` (every float32 weight is such a dyadic
rational), the per-row counts of sequences the certificate marks correct, the enclosure of the
attention scale and the exp-enclosure parameters into a `TCertData`, and proves
`cert_data.transformer.accuracy ≥ p / q` with `checkTbfAccuracy_sound`
(lean/PyExport/MaxOfK/CheckTransformer.lean) by kernel evaluation (`decide +kernel`;
`native_decide` only when `native` is true).

Rows. Lean numbers sequence `a` by its tokens `a / d^i % d` (position `i`), so its row `r`
(`d` sequences `r d + t`) is the sequences sharing every token but the first; the counts are
the certificate's verdicts regrouped that way (Coq's rows share every token but the last).

Parameters. `r`, `sLo`, `sHi` enclose the attention scale, `sLo / 2^r <= 1/sqrt(d_head) <=
sHi / 2^r` (`sLo = isqrt(4^r // d_head)`, `sHi = sLo + 1`; the checker re-verifies
`sLo^2 d_head <= 4^r <= sHi^2 d_head`). `prec` is the first of PRECISIONS for which
`mirror_check`, a Python mirror of the Lean checker (same integers, same rounding), accepts the
certificate (else the largest, and the kernel will reject); `terms` makes the Taylor truncation
negligible at arguments <= 1/8 and `halvings` makes every exp argument <= 2^(halvings - 3).
The mirror is evidence about the algorithm and the data, not part of the trusted base.

Only brute-force accuracy certificates render (other strategies and quantities raise
`UnsupportedCertificate`), and only up to MAX_SEQUENCES sequences: the kernel decides every one.
"""

from __future__ import annotations

from math import isqrt

import numpy as np

from pyexport import certificate as cert
from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_k_transformer.kernels.render_input import accuracy_claim
from pyexport.kernels.lean_exp import exp_lo_int, exp_up_neg, taylor_terms

THEOREM_NAME = "certificate"
# context key -> (weight key, drop the head axis): matrices, then vectors, in TCertData's order
MATRICES = {"WE": ("embed.W_E", False), "Wpos": ("pos_embed.W_pos", False),
            "WQ": ("blocks.0.attn.W_Q", True), "WK": ("blocks.0.attn.W_K", True),
            "WV": ("blocks.0.attn.W_V", True), "WO": ("blocks.0.attn.W_O", True),
            "WU": ("unembed.W_U", False)}
VECTORS = {"bQ": ("blocks.0.attn.b_Q", True), "bK": ("blocks.0.attn.b_K", True),
           "bV": ("blocks.0.attn.b_V", True), "bO": ("blocks.0.attn.b_O", False),
           "bU": ("unembed.b_U", False)}
DATA_NAMES = tuple(f"cert_{k}" for k in (*MATRICES, *VECTORS)) + ("cert_rows", "cert_data")
PRECISIONS = (64, 96, 128, 192, 256, 384, 512)
MAX_SEQUENCES = 1 << 16  # d_vocab^n_ctx; a guess at what a kernel decides in reasonable time
SUPPORTED = "Lean renders brute-force accuracy certificates only"


def lean_context(doc: dict, native: bool = False) -> dict:
    """The context of a structurally valid certificate (see the module docstring)."""
    strategy, quantity = doc["strategy"]["name"], doc["claim"]["quantity"]
    if (strategy, quantity) != ("brute-force", "accuracy"):
        raise UnsupportedCertificate(f"no Lean checker for {strategy} {quantity} of the "
                                     f"max-of-k-transformer family ({SUPPORTED})")
    claim = accuracy_claim(doc)
    config, weights, bound, ident = claim.config, claim.weights, claim.bound, claim.model_ident
    d, n = config.d_vocab, config.n_ctx
    if d ** n > MAX_SEQUENCES:
        raise UnsupportedCertificate(f"{d ** n} sequences: the Lean brute-force checker decides "
                                     f"every one in the kernel, at most {MAX_SEQUENCES}")
    ctx = {
        "module_name": f"cert_{ident}_brute_force_accuracy_{claim.content_sha256[:16]}",
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": list(DATA_NAMES),
        "strategy": "brute_force",
        "model_ident": ident,
        "model_sha256": claim.model_sha256,
        "content_sha256": claim.content_sha256,
        "native": bool(native),
        "n_ctx": n, "d_vocab": d, "d_model": config.d_model, "d_head": config.d_head,
        "claim_p": int(bound.numerator), "claim_q": int(bound.denominator),
        "rows": _rows(doc, d, n),
        **_dyadic_weights(weights),
    }
    ctx.update(_scale_and_exp(ctx))
    return ctx


def _rows(doc: dict, d: int, n: int) -> list[int]:
    """Per Lean row (sequences sharing tokens 1 .. n-1), the number marked correct."""
    arrays = doc["trace"]["arrays"]
    if set(arrays) != {"correct"}:
        raise ValueError("trace must hold the array correct")
    correct = cert.decode_array(arrays["correct"], "trace.correct")
    if (tuple(correct.shape), arrays["correct"]["dtype"]) != ((d,) * n, "bits"):
        raise ValueError(f"trace.correct: expected bits of shape {(d,) * n}")
    # transposed, the row-major index of (t_{n-1}, ..., t_0) is sum_i t_i d^i: Lean's numbering
    return [int(c) for c in np.transpose(correct).reshape(-1, d).sum(axis=1).tolist()]


def _dyadic_weights(weights: dict) -> dict:
    """Every weight as an integer over 2^e, one exponent e for all twelve arrays."""
    arrays = {key: np.asarray(weights[w])[0] if drop else np.asarray(weights[w])
              for key, (w, drop) in {**MATRICES, **VECTORS}.items()}
    ratios = {key: [float(x).as_integer_ratio() for x in a.reshape(-1).tolist()]
              for key, a in arrays.items()}
    assert all(q & (q - 1) == 0 for rs in ratios.values() for _, q in rs), "not dyadic"
    e = max((q.bit_length() - 1 for rs in ratios.values() for _, q in rs), default=0)
    out: dict = {"e": e}
    for key, rs in ratios.items():
        flat = [p << (e - (q.bit_length() - 1)) for p, q in rs]
        cols = arrays[key].shape[1] if key in MATRICES else len(flat)
        rows = [flat[i:i + cols] for i in range(0, len(flat), cols)]
        out[key] = rows if key in MATRICES else flat
    return out


def scale_bounds(d_head: int, r: int) -> tuple[int, int]:
    """sLo, sHi with sLo^2 d_head <= 4^r <= sHi^2 d_head."""
    s_lo = isqrt((1 << (2 * r)) // d_head)
    return s_lo, s_lo + 1


def _scale_and_exp(ctx: dict) -> dict:
    """r, sLo, sHi, prec, terms, halvings: the first precision the mirror accepts."""
    tables = Tables(ctx)
    candidates = PRECISIONS
    for prec in candidates:
        r = prec + 8
        s_lo, s_hi = scale_bounds(ctx["d_head"], r)
        k = 4 * ctx["e"] + r
        largest = max(max(row) for rows in tables.gap for row in rows) * s_hi
        units = -(-largest >> k)  # ceil(largest / 2^k): the largest exp argument, rounded up
        params = {"r": r, "sLo": s_lo, "sHi": s_hi, "prec": prec, "terms": taylor_terms(prec),
                  "halvings": max(units.bit_length(), 1) + 3}
        if prec == candidates[-1] or mirror_check({**ctx, **params}, tables):
            return params
    raise AssertionError("unreachable")


# --- Python mirror of lean/PyExport/MaxOfK/TransformerEval.lean and CheckTransformer.lean -------


def _vecmat(x: list[int], M: list[list[int]]) -> list[int]:
    cols = len(M[0]) if M else 0
    return [sum(x[k] * M[k][j] for k in range(len(M))) for j in range(cols)]


def _dot(u: list[int], v: list[int]) -> int:
    return sum(a * b for a, b in zip(u, v))


class Tables:
    """The integer path tables of TransformerEval.lean and the shifted score gaps."""

    def __init__(self, ctx: dict):
        d, n, e = ctx["d_vocab"], ctx["n_ctx"], ctx["e"]
        WE, Wpos, WU = ctx["WE"], ctx["Wpos"], ctx["WU"]
        last = Wpos[n - 1]
        qv = [[q + (b << e) for q, b in zip(_vecmat([a + p for a, p in zip(WE[t], last)],
                                                      ctx["WQ"]), ctx["bQ"])] for t in range(d)]
        ke = [_vecmat(WE[t], ctx["WK"]) for t in range(d)]
        kp = [_vecmat(Wpos[i], ctx["WK"]) for i in range(n)]
        self.qk = [[[_dot(qv[tq], ke[t]) + _dot(qv[tq], kp[i]) for t in range(d)]
                    for i in range(n)] for tq in range(d)]
        shift = [max(max(row) for row in self.qk[tq]) for tq in range(d)]
        self.gap = [[[shift[tq] - x for x in row] for row in self.qk[tq]] for tq in range(d)]

        def ovu(x):
            return _vecmat(_vecmat(_vecmat(x, ctx["WV"]), ctx["WO"]), WU)

        bvo = [a + (b << e) for a, b in zip(_vecmat(ctx["bV"], ctx["WO"]), ctx["bO"])]
        cu = [a + (b << (2 * e)) for a, b in zip(_vecmat(bvo, WU), ctx["bU"])]
        pu = _vecmat(last, WU)
        self.du = [[(c + ((a + p) << e)) << e for c, a, p in zip(cu, _vecmat(WE[t], WU), pu)]
                   for t in range(d)]
        ev = [ovu(WE[t]) for t in range(d)]
        self.vu = [[[a + b for a, b in zip(ev[t], pv)] for t in range(d)]
                   for pv in (ovu(Wpos[i]) for i in range(n))]


def _term(g: int, lo: int, hi: int) -> int:
    return lo * g if g >= 0 else hi * g


def mirror_check(ctx: dict, tables: Tables | None = None) -> bool:
    """The verdict `checkTbfAccuracy` computes on the rendered data."""
    T = Tables(ctx) if tables is None else tables
    d, n, dh = ctx["d_vocab"], ctx["n_ctx"], ctx["d_head"]
    P, terms, s, r = ctx["prec"], ctx["terms"], ctx["halvings"], ctx["r"]
    s_lo, s_hi, k = ctx["sLo"], ctx["sHi"], 4 * ctx["e"] + ctx["r"]
    if not (dh > 0 and s_lo * s_lo * dh <= 1 << (2 * r) <= s_hi * s_hi * dh and terms > 0):
        return False
    lo = [[[exp_lo_int(P, terms, s, -(g * s_hi), k) for g in row] for row in T.gap[tq]]
          for tq in range(d)]
    hi = [[[exp_up_neg(P, terms, s, g * s_lo, k) for g in row] for row in T.gap[tq]]
          for tq in range(d)]

    def proved(a: int) -> bool:
        toks = [a // d ** i % d for i in range(n)]
        tq, y = toks[-1], max(toks)
        du = T.du[tq]
        for j in range(d):
            if j == y:
                continue
            total = sum(_term(du[y] - du[j] + T.vu[i][t][y] - T.vu[i][t][j], lo[tq][i][t],
                              hi[tq][i][t]) for i, t in enumerate(toks))
            if total <= 0:
                return False
        return True

    rows = ctx["rows"]
    for row in range(d ** (n - 1)):
        if rows[row] > sum(proved(row * d + t) for t in range(d)):
            return False
    p, q, N = ctx["claim_p"], ctx["claim_q"], d ** n
    return q > 0 and N > 0 and p * N <= sum(rows) * q
