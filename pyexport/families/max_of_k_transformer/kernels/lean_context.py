"""Template context of a Max-of-K accuracy certificate for Lean 4 (brute force, cubic,
subcubic).

The template (templates/lean/max_of_k_transformer/certificate.lean.j2) writes the weights as
integer numerators over one power of two `2^e` (every float32 weight is such a dyadic
rational), the strategy's trace, the enclosure of the attention scale and the exp-enclosure
parameters into a `TCertData`, and proves `cert_data.transformer.accuracy ≥ p / q` by kernel
evaluation of the strategy's checker (`decide +kernel`; `native_decide` only when `native` is
true):

    brute-force  `cert_rows`: per row the number of sequences marked correct;
                 `checkTbfAccuracy_sound` (lean/PyExport/MaxOfK/CheckTransformer.lean). Lean
                 numbers sequence `a` by its tokens `a / d^i % d` (position `i`), so its row
                 `r` (`d` sequences `r d + t`) is the sequences sharing every token but the
                 first; the counts are the certificate's verdicts regrouped that way (Coq's
                 rows share every token but the last).
    cubic        `cert_tab[m][c][q]` (q <= m): the bit mask whose bit k claims the pure case
                 (q, m, k, c), bit m for c = 0 (Coq's layout); `checkCubicAccuracy_sound`
                 (lean/PyExport/MaxOfK/CheckCubic.lean) re-derives every claimed case and
                 counts the covered sequences by enumeration.
    subcubic     (both variants) `cert_claims[q][m][c]`: 1 + the gap of a proved case, 0 where
                 it is not proved (Coq's layout); `checkSubcubicAccuracy_sound`
                 (lean/PyExport/MaxOfK/CheckSubcubic.lean) re-derives every claimed case at its
                 gap from the exact EQKE (the rank-one direction is not read) and counts the
                 covered sequences by enumeration.

Parameters. `r`, `sLo`, `sHi` enclose the attention scale, `sLo / 2^r <= 1/sqrt(d_head) <=
sHi / 2^r` (`sLo = isqrt(4^r // d_head)`, `sHi = sLo + 1`; the checker re-verifies
`sLo^2 d_head <= 4^r <= sHi^2 d_head`). `prec` is the first of PRECISIONS for which the Python
mirror of the strategy's Lean checker (`mirror_check`, `mirror_cubic`, `mirror_subcubic`:
same integers, same rounding) accepts the certificate (else the largest, and the kernel will reject); `terms` makes
the Taylor truncation negligible at arguments <= 1/8 and `halvings` makes every exp argument
<= 2^(halvings - 3). The mirrors are evidence about the algorithm and the data, not part of
the trusted base.

Other strategies and quantities raise `UnsupportedCertificate`, and so do models with more than
MAX_SEQUENCES sequences: every checker enumerates every sequence in the kernel.
"""

from __future__ import annotations

from math import isqrt

import numpy as np

from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_k_transformer.kernels.render_input import (
    accuracy_claim, cubic_masks, subcubic_claims, trace_arrays)
from pyexport.kernels.lean_exp import exp_lo_int, exp_up_neg, taylor_terms
from pyexport.kernels.render_checks import identifier

THEOREM_NAME = "certificate"
# context key -> (weight key, drop the head axis): matrices, then vectors, in TCertData's order
MATRICES = {"WE": ("embed.W_E", False), "Wpos": ("pos_embed.W_pos", False),
            "WQ": ("blocks.0.attn.W_Q", True), "WK": ("blocks.0.attn.W_K", True),
            "WV": ("blocks.0.attn.W_V", True), "WO": ("blocks.0.attn.W_O", True),
            "WU": ("unembed.W_U", False)}
VECTORS = {"bQ": ("blocks.0.attn.b_Q", True), "bK": ("blocks.0.attn.b_K", True),
           "bV": ("blocks.0.attn.b_V", True), "bO": ("blocks.0.attn.b_O", False),
           "bU": ("unembed.b_U", False)}
WEIGHT_NAMES = tuple(f"cert_{k}" for k in (*MATRICES, *VECTORS))
PRECISIONS = (64, 96, 128, 192, 256, 384, 512)
MAX_SEQUENCES = 1 << 16  # d_vocab^n_ctx; a guess at what a kernel decides in reasonable time
SUPPORTED = "Lean renders brute-force, cubic and subcubic accuracy certificates only"


def lean_context(doc: dict, native: bool = False) -> dict:
    """The context of a structurally valid certificate (see the module docstring)."""
    strategy, quantity = doc["strategy"]["name"], doc["claim"]["quantity"]
    if quantity != "accuracy" or strategy not in STRATEGIES:
        raise UnsupportedCertificate(f"no Lean checker for {strategy} {quantity} of the "
                                     f"max-of-k-transformer family ({SUPPORTED})")
    claim = accuracy_claim(doc)
    config, weights, bound, ident = claim.config, claim.weights, claim.bound, claim.model_ident
    d, n = config.d_vocab, config.n_ctx
    if d ** n > MAX_SEQUENCES:
        raise UnsupportedCertificate(f"{d ** n} sequences: the Lean checkers enumerate every "
                                     f"one in the kernel, at most {MAX_SEQUENCES}")
    trace_name, trace_fn, checker, mirror = STRATEGIES[strategy]
    ctx = {
        "module_name": f"cert_{ident}_{identifier(strategy)}_accuracy_{claim.content_sha256[:16]}",
        "THEOREM_NAME": THEOREM_NAME,
        "DATA_NAMES": [*WEIGHT_NAMES, f"cert_{trace_name}", "cert_data"],
        "strategy": identifier(strategy),
        "checker": checker,
        "trace_name": trace_name,
        "model_ident": ident,
        "model_sha256": claim.model_sha256,
        "content_sha256": claim.content_sha256,
        "native": bool(native),
        "n_ctx": n, "d_vocab": d, "d_model": config.d_model, "d_head": config.d_head,
        "claim_p": int(bound.numerator), "claim_q": int(bound.denominator),
        trace_name: trace_fn(doc, d, n),
        **_dyadic_weights(weights),
    }
    ctx.update(_scale_and_exp(ctx, mirror))
    return ctx


def _rows(doc: dict, d: int, n: int) -> list[int]:
    """Per Lean row (sequences sharing tokens 1 .. n-1), the number marked correct."""
    correct = trace_arrays(doc, {"correct": ((d,) * n, "bits")})["correct"]
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


def _scale_and_exp(ctx: dict, mirror) -> dict:
    """r, sLo, sHi, prec, terms, halvings: the first precision `mirror` accepts."""
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
        if prec == candidates[-1] or mirror({**ctx, **params}, tables):
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
        self.eqke = [[_dot(qv[tq], ke[t]) for t in range(d)] for tq in range(d)]
        self.qk = [[[self.eqke[tq][t] + _dot(qv[tq], kp[i]) for t in range(d)]
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
        self.ev = [ovu(WE[t]) for t in range(d)]
        self.pv = [ovu(Wpos[i]) for i in range(n)]
        self.vu = [[[a + b for a, b in zip(self.ev[t], pv)] for t in range(d)] for pv in self.pv]


def _term(g: int, lo: int, hi: int) -> int:
    return lo * g if g >= 0 else hi * g


class Weights:
    """`preOk` and the weight enclosures `wLo`, `wHi` of CheckTransformer.lean; `ok` is False
    when `preOk` fails."""

    def __init__(self, ctx: dict, tables: Tables):
        d, dh = ctx["d_vocab"], ctx["d_head"]
        P, terms, s, r = ctx["prec"], ctx["terms"], ctx["halvings"], ctx["r"]
        s_lo, s_hi, k = ctx["sLo"], ctx["sHi"], 4 * ctx["e"] + ctx["r"]
        self.ok = dh > 0 and s_lo * s_lo * dh <= 1 << (2 * r) <= s_hi * s_hi * dh and terms > 0
        if self.ok:
            self.lo = [[[exp_lo_int(P, terms, s, -(g * s_hi), k) for g in row]
                        for row in tables.gap[tq]] for tq in range(d)]
            self.hi = [[[exp_up_neg(P, terms, s, g * s_lo, k) for g in row]
                        for row in tables.gap[tq]] for tq in range(d)]


def _seq_ok(T: Tables, W: Weights, toks: list[int]) -> bool:
    """`seqOk`: every other logit of the sequence is proved below the label's."""
    tq, y = toks[-1], max(toks)
    du = T.du[tq]
    for j in range(len(du)):
        if j == y:
            continue
        total = sum(_term(du[y] - du[j] + T.vu[i][t][y] - T.vu[i][t][j], W.lo[tq][i][t],
                          W.hi[tq][i][t]) for i, t in enumerate(toks))
        if total <= 0:
            return False
    return True


def _claim_ok(ctx: dict, count: int) -> bool:
    """`claimOk`: p / q <= count / d^n, q > 0."""
    p, q, N = ctx["claim_p"], ctx["claim_q"], ctx["d_vocab"] ** ctx["n_ctx"]
    return q > 0 and N > 0 and p * N <= count * q


def mirror_check(ctx: dict, tables: Tables | None = None) -> bool:
    """The verdict `checkTbfAccuracy` computes on the rendered data."""
    T = Tables(ctx) if tables is None else tables
    W = Weights(ctx, T)
    if not W.ok:
        return False
    d, n = ctx["d_vocab"], ctx["n_ctx"]

    def proved(a: int) -> bool:
        return _seq_ok(T, W, [a // d ** i % d for i in range(n)])

    rows = ctx["rows"]
    for row in range(d ** (n - 1)):
        if rows[row] > sum(proved(row * d + t) for t in range(d)):
            return False
    return _claim_ok(ctx, sum(rows))


def _skip(m: int, x: int) -> int:
    """`skip`: a wrong answer other than the label m (x = m stands for 1, or 0 when m = 0)."""
    return (1 if m == 0 else 0) if x == m else x


def _at(row: list, x: int) -> int:
    """`nth 0`: row[x], 0 past the end."""
    return row[x] if x < len(row) else 0


def _claimed(tab: list, m: int, c: int, q: int, k: int) -> bool:
    """Bit k of tab[m][c][q] (0 past the ends, as `nth`)."""
    try:
        return bool(tab[m][c][q] >> k & 1)
    except IndexError:
        return False


def mirror_cubic(ctx: dict, tables: Tables | None = None) -> bool:
    """The verdict `checkCubicAccuracy` (CheckCubic.lean) computes on the rendered data."""
    T = Tables(ctx) if tables is None else tables
    W = Weights(ctx, T)
    if not W.ok:
        return False
    d, n, tab = ctx["d_vocab"], ctx["n_ctx"], ctx["tab"]
    last = n - 1  # Lean's c.n: the non-query positions are 0 .. last - 1

    for m in range(d):
        V = [max(_at(T.vu[i][t], _skip(m, x)) - T.vu[i][t][m] for i in range(n) for x in range(d))
             for t in range(d)]
        for q in range(m + 1):
            if _claimed(tab, m, 0, q, m) and not _seq_ok(T, W, [m] * last + [q]):
                return False
            E = max(_at(T.du[q], _skip(m, x)) - T.du[q][m] for x in range(d))
            for k in range(m):
                for b in range(2 ** last):
                    c = bin(b).count("1")
                    if c == 0 or not _claimed(tab, m, c, q, k):
                        continue
                    toks = [k if b >> i & 1 else m for i in range(last)] + [q]
                    total = sum(_term(-(V[t] + E), W.lo[q][i][t], W.hi[q][i][t])
                                for i, t in enumerate(toks))
                    if total <= 0:
                        return False

    def covered(a: int) -> bool:
        toks = [a // d ** i % d for i in range(n)]
        m, q = max(toks), toks[-1]
        nonmax = [t for t in toks[:last] if t != m]
        if not nonmax:
            return _claimed(tab, m, 0, q, m)
        return all(_claimed(tab, m, len(nonmax), q, t) for t in nonmax)

    return _claim_ok(ctx, sum(covered(a) for a in range(d ** n)))


def _claims(doc: dict, d: int, n: int) -> list[list[list[int]]]:
    """`claims[q][m][c]`: 1 + the gap of a proved case (q, m, c), 0 where it is not proved
    (Coq's `cert_claims`)."""
    return [[[int(v) for v in row] for row in by_m] for by_m in subcubic_claims(doc, d, n)]


def mirror_subcubic(ctx: dict, tables: Tables | None = None) -> bool:
    """The verdict `checkSubcubicAccuracy` (CheckSubcubic.lean) computes on the rendered data."""
    T = Tables(ctx) if tables is None else tables
    W = Weights(ctx, T)
    if not W.ok:
        return False
    d, n, claims, qp = ctx["d_vocab"], ctx["n_ctx"], ctx["claims"], 1 << ctx["prec"]
    last = n - 1  # Lean's c.n: the query's position

    def claim(q, m, c):  # `claimV`
        try:
            return claims[q][m][c]
        except IndexError:
            return 0

    mu = [sum(_at(T.du[t], x) for t in range(d)) for x in range(d + 1)]
    nu = [[T.du[q][x] * d - mu[x] for x in range(d)] for q in range(d)]
    G = [max(row) + max(-v for v in row) for row in nu]

    def gap_j(q, m, c):
        return max(0, m - max(0, claim(q, m, c) - 1))

    def t_star(q, j):  # `argmaxZ`: the first largest
        best = 0
        for t in range(1, j + 1):
            if T.eqke[q][best] < T.eqke[q][t]:
                best = t
        return best

    def max_pos(q, m, b, i):
        return q == m if i == last else (b >> i) & 1 == 0

    def arr_count(q, m, b):
        return bin(b).count("1") + (0 if q == m else 1)

    def s_lo(q, m, b):
        return sum(W.lo[q][i][m] for i in range(n) if max_pos(q, m, b, i))

    def n_hi(q, m, b, t):
        return sum(W.hi[q][i][t] for i in range(n) if not max_pos(q, m, b, i))

    def b_z(q, m, b, t):
        sl, nh = s_lo(q, m, b), n_hi(q, m, b, t)
        return sl * qp // (sl + nh) if sl + nh else 0

    def cases(m):  # the claimed (q, c, j, t*) with c >= 1 of label m
        return [(q, c, gap_j(q, m, c), t_star(q, gap_j(q, m, c)))
                for q in range(m + 1) for c in range(1, n) if claim(q, m, c)]

    for m in range(d):
        # every table read at `skip m x` (the wrong answers), except omega's rows (all x)
        ev = [(_at(T.ev[m], _skip(m, x)) - T.ev[m][m]) * d for x in range(d)]
        pm = [max((_at(T.pv[i], _skip(m, x)) - T.pv[i][m]) * d for i in range(n))
              for x in range(d)]
        mux = [mu[_skip(m, x)] - mu[m] for x in range(d)]
        rows = [max((T.ev[k][x] - T.ev[k][m]) * d for x in range(d)) for k in range(d)]
        omega = [max(rows[:j + 1]) for j in range(d)]
        f1 = max(mux[x] + pm[x] + ev[x] for x in range(d))
        m_cases = cases(m)
        a = min([qp] + [b_z(q, m, b, t) for q, c, _, t in m_cases
                        for b in range(2 ** last) if arr_count(q, m, b) == c])
        fa = max(qp * (mux[x] + pm[x]) + a * ev[x] for x in range(d))
        for q in range(m + 1):
            if any(claim(q, m, c) for c in range(n)) and G[q] + f1 >= 0:
                return False
        if m_cases and a >= qp:
            return False
        for q, c, j, t in m_cases:
            for b in range(2 ** last):
                if arr_count(q, m, b) != c:
                    continue
                B, sl, nh = b_z(q, m, b, t), s_lo(q, m, b), n_hi(q, m, b, t)
                chord = ((qp - a) * qp * G[q] + (qp - B) * fa + (B - a) * qp * f1
                         + (qp - a) * (qp - B) * omega[j])
                if not (0 <= B <= qp and B * (sl + nh) <= sl * qp and a <= B and chord < 0):
                    return False

    def covered(a: int) -> bool:
        toks = [a // d ** i % d for i in range(n)]
        m, q = max(toks), toks[-1]
        c = sum(t != m for t in toks)
        return claim(q, m, c) != 0 and all(t == m or t <= gap_j(q, m, c) for t in toks)

    return _claim_ok(ctx, sum(covered(a) for a in range(d ** n)))


STRATEGIES = {  # strategy -> (trace name, trace builder, Lean soundness theorem, mirror)
    "brute-force": ("rows", _rows, "checkTbfAccuracy_sound", mirror_check),
    "cubic": ("tab", cubic_masks, "checkCubicAccuracy_sound", mirror_cubic),
    "subcubic-rank1": ("claims", _claims, "checkSubcubicAccuracy_sound", mirror_subcubic),
    "subcubic-exact-eqke": ("claims", _claims, "checkSubcubicAccuracy_sound", mirror_subcubic),
}
