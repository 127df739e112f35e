"""Subcubic proofs (the paper's `subcubic.py`/`quadratic.py` family), each step proved.

Cases (q, m, c): query token q, max m >= q, and c = the number of positions (the query included)
whose token is not m; c >= 1 when q < m, c <= n-1. A *gap* g >= 1 per case restricts it to the
sequences whose non-max tokens are all <= m - g (for q < m the query too: q <= m - g); the
others are left behind (not counted). Cost O(d^2 (d_model + n log d) + d d_model^2): no table
indexed by three tokens is ever formed.

Step 1, scores. delta[q, m, g] <= EQKE[q, m] - EQKE[q, k] for every k <= m - g:
  * exact-eqke: EQKE itself (d^2 d_head) and row prefix maxima: delta = EQKE[q,m] -
    max_{k <= m-g} EQKE[q,k].
  * rank1: EQKE = A B^T with A = (W_E + W_pos[n-1]) W_Q + b_Q, B = W_E W_K. For a direction a
    (the certificate's `eqke_direction`; any vector works, a good one makes the bound tight) let
    P = a a^T / a.a, u = A a, v = B a / a.a. Then EQKE = u v^T + R with R = A (I-P) B^T =
    A' B'^T, A' = A (I-P), B' = B (I-P) (as (I-P)^2 = I-P), and for every row
    R[q,k1] - R[q,k2] = sum_j A'[q,j] (B'[k1,j] - B'[k2,j]) <= eps_q := sum_j |A'[q,j]|
    (max_k B'[k,j] - min_k B'[k,j]). So delta = min_{k <= m-g} u_q (v_m - v_k) - eps_q, where
    the minimum is u_q times (v_m - the prefix max or min of v, by the sign of u_q).
    O(d d_model d_head); the error term is bounded rigorously, not estimated.

Step 2, attention on the max. Let pi_i = exp(EQKP[q,i] / sqrt(d_head)), S_M the sum of pi over
the max positions M and W the sum over all positions. Every non-max position's score is at
most its positional score plus EQKE[q,m] - delta, so with rho = exp(-delta / sqrt(d_head)):

    A_max = S_M / (S_M + sum_{i not in M} pi_i e^(EQKE[q,t_i] - EQKE[q,m]))
         >= S_M / (S_M + rho (W - S_M)),

which increases with S_M; M holds n - c positions (the query if q = m), so S_M is at least the
query's pi (when q = m) plus the smallest sums of pi over the non-query positions: A_lo.

Step 3, logits. For x != m (' = minus column m): the positional part sum_i a_i PVOU'[i,x] <=
P_m[x] := max_i PVOU'[i,x]; the non-max tokens' part sum_{i not in M} a_i EVOU'[t_i, x] <=
(1 - A_max) omega[m, g], omega = max_{k <= m-g} (max_x EVOU[k,x] - EVOU[k,m]) >= 0; and
EUPU'[q,x] <= mu'[x] + gamma_q for a reference row mu (EUPU[q] - mu ranges over gamma_q):
  * exact-eqke: the exact EUPU, mu its mean row, gamma_q its row ranges;
  * rank1: mu = (mean query residual) W_U + constant, gamma_q = sum_j |x_q - x_mean|_j
    (max_x W_U[j,x] - min_x W_U[j,x]) (O(d d_model), no d^2 table).
Hence max_{x != m} (logit[x] - logit[m]) <= gamma_q + G(A_max), G(A) = F(A) + (1 - A) omega,
F(A) = max_{x != m} (mu'[x] + P_m[x] + A EVOU'[m,x]). F is a maximum of affine functions, hence
convex, and so is G: on [A_lo, 1] it is at most max(G(A_lo), G(1)). To avoid an O(d) maximum
per case, F(A_lo) is bounded by the chord of F between a_m and 1, where a_m <= every A_lo of
max m (convexity again): F(A) <= F(a_m) + (A - a_m)/(1 - a_m) (F(1) - F(a_m)). The case is
proved when gamma_q + max(F(1), chord(A_lo) + (1 - A_lo) omega[m, g]) < 0. (The paper corrects
a mean-over-queries attention by (A - A_mean) max_x EVOU'[m,x]; when A < A_mean that term is
a lower bound, not an upper bound. The chord replaces it.)

Counting: a proved case (q, m, c) with gap g covers C(n-1, c) (m-g+1)^c sequences when q = m and
C(n-1, c-1) (m-g+1)^(c-1) when q < m (c-1 non-query non-max tokens, each in 0..m-g); c = 0 is
the single all-m sequence (A_max = 1). Gap search: the bound does not increase with g (delta
and A_lo grow, omega shrinks; the maximum with F(1) absorbs the slope), so the smallest g that
proves a case is found by bisection, O(log d) evaluations of O(1) per case.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np

from pyexport import flops
from pyexport import interval as iv
from pyexport.families.max_of_k_transformer.decomposition import Paths, f64, paths
from pyexport.families.max_of_k_transformer.model import Model
from pyexport.interval import Interval, gamma
from pyexport.proof import Proof

VARIANTS = ("rank1", "exact-eqke")


def prove_best(model: Model) -> Proof:
    """Both variants; the certificate of the better bound (the other is in `metrics`)."""
    proofs = {v: prove_accuracy(model, v) for v in VARIANTS}
    best = max(VARIANTS, key=lambda v: proofs[v].bound)
    other = next(v for v in VARIANTS if v != best)
    proofs[best].metrics["other_variant"] = {"strategy": f"subcubic-{other}",
                                             "bound": str(proofs[other].bound)}
    return proofs[best]


def prove_accuracy(model: Model, variant: str) -> Proof:
    if variant not in VARIANTS:
        raise ValueError(f"unknown subcubic variant {variant!r}; choose from {VARIANTS}")
    d, n = model.config.d_vocab, model.config.n_ctx
    p = paths(model)
    trace = {}
    if variant == "rank1":
        with flops.counting() as search:
            direction = choose_direction(p)
        trace["eqke_direction"] = direction
        gap_bound = rank1_score_gaps(p, direction)
    else:
        search = [0]
        gap_bound = exact_score_gaps(p)
    evaluate = CaseEvaluator(p, gap_bound, factored_eupu=variant == "rank1")
    with flops.counting() as searching:
        gaps = evaluate.search_gaps()
    proved = evaluate.verdicts(gaps)
    gaps = np.where(proved, gaps, 0)
    count = count_covered(proved, gaps, d, n)
    trace.update({"gap": gaps.astype(np.int64), "proved": proved})
    proof = Proof(f"subcubic-{variant}", "accuracy", ">=", Fraction(count, d**n), trace,
                  case_count(d, n) + len(trace.get("eqke_direction", ())))
    proof.metrics.update({"search_flops": search[0] + searching[0],
                          "left_behind": left_behind(proved, gaps, d, n)})
    return proof


# --- step 1: score gaps ------------------------------------------------------------------


class ScoreGaps:
    """delta(q, m, g): lower bounds of EQKE[q,m] - EQKE[q,k] over k <= m - g (elementwise over
    index arrays)."""

    def __init__(self, top: Interval, prefix_low: np.ndarray, prefix_high: np.ndarray,
                 u: Interval | None, eps: np.ndarray | None):
        self.top, self.prefix_low, self.prefix_high, self.u, self.eps = \
            top, prefix_low, prefix_high, u, eps

    def __call__(self, q, m, g) -> np.ndarray:
        j = m - g
        if self.u is None:  # exact EQKE: top = EQKE, prefix_high = row prefix maxima
            return iv.down(self.top.lo[q, m] - self.prefix_high[q, j])
        others = Interval(self.prefix_low[j], self.prefix_high[j])  # the v_k, k <= m - g
        spread = Interval(iv.down(self.top.lo[m] - others.hi), iv.up(self.top.hi[m] - others.lo))
        return iv.down((self.u[q] * spread).lo - self.eps[q])


def exact_score_gaps(p: Paths) -> ScoreGaps:
    return ScoreGaps(p.EQKE, None, np.maximum.accumulate(p.EQKE.hi, axis=1), None, None)


def rank1_score_gaps(p: Paths, direction: np.ndarray) -> ScoreGaps:
    A, B = p.query, p.key_tokens  # (d, h) each; EQKE = A B^T
    a = Interval.point(direction[:, None])  # (h, 1)
    norm2 = iv.matmul(a.T, a)[0, 0]  # a.a > 0
    u = iv.matmul(A, a)[:, 0]  # (d,)
    v = iv.matmul(B, a)[:, 0].div_positive(norm2)  # (d,)
    a_over = a.T.div_positive(norm2)  # a^T / a.a, (1, h)
    A_perp = A - iv.Interval(u.lo[:, None], u.hi[:, None]) * a_over
    B_perp = B - iv.matmul(B, a) * a_over
    ranges = iv.up(B_perp.hi.max(axis=0) - B_perp.lo.min(axis=0))  # (h,)
    eps = iv.upper_nonneg_matmul(A_perp.magnitude, ranges[:, None])[:, 0]
    return ScoreGaps(v, np.minimum.accumulate(v.lo), np.maximum.accumulate(v.hi), u, eps)


def choose_direction(p: Paths) -> np.ndarray:
    """The direction a (step 1, rank1) with the smallest largest error bound eps_q among a few
    candidates from singular vectors of A and B (float arithmetic: this only *finds* a; the
    proof is sound for any a)."""
    A, B = p.query.mid, p.key_tokens.mid
    candidates = []
    for M in (A, B):
        _, _, vt = np.linalg.svd(M, full_matrices=False)
        candidates.extend(vt[:2])
    _, _, va = np.linalg.svd(A, full_matrices=False)
    _, _, vb = np.linalg.svd(B, full_matrices=False)
    candidates.append(va[0] + np.sign(va[0] @ vb[0]) * vb[0])

    def worst_error(a):
        a = a / np.linalg.norm(a)
        A_perp = A - np.outer(A @ a, a)
        B_perp = B - np.outer(B @ a, a)
        return (np.abs(A_perp) @ (B_perp.max(axis=0) - B_perp.min(axis=0))).max()

    flops.add(len(candidates) * 8 * A.size + 4 * (A.size + B.size) * min(A.shape))
    best = min(candidates, key=worst_error)
    return (best / np.abs(best).max()).astype(np.float64)


# --- steps 2 and 3: a case's verdict -----------------------------------------------------


class CaseEvaluator:
    """Tables of steps 2 and 3, and the verdict of every case at given gaps."""

    def __init__(self, p: Paths, delta: ScoreGaps, factored_eupu: bool):
        model = p.model
        self.d, self.n = d, n = model.config.d_vocab, model.config.n_ctx
        self.delta, self.scale = delta, p.scale
        scores = p.EQKP * p.scale
        self.pi = iv.exp(scores - Interval.point(scores.hi.max(axis=1)[:, None]))  # (q, n)
        lows = np.sort(self.pi.lo[:, : n - 1], axis=1)
        zero = np.zeros((d, 1))
        self.smallest_sums = np.maximum(iv.down(
            np.concatenate([zero, np.cumsum(lows, axis=1)], axis=1) * (1 - gamma(n))), 0.0)
        self.total = iv.nonneg_sum(self.pi, axis=1).hi  # (q,)
        # omega[m, j] = max_{k <= j} (max_x EVOU[k,x] - EVOU[k,m]), j = m - g
        EVOU = p.EVOU
        row_max = EVOU.hi.max(axis=1)
        excess = iv.up(row_max[:, None] - EVOU.lo)  # (k, m)
        self.omega = np.maximum.accumulate(excess, axis=0).T  # (m, j)
        self.mu, self.gamma_q = eupu_split(p, factored_eupu)
        self.P_hat = np.stack([(p.PVOU - p.PVOU[:, [m]]).hi.max(axis=0) for m in range(d)])
        self.EVOU_c = [EVOU[m] - EVOU[m, m] for m in range(d)]  # EVOU'[m, x], per m
        flops.add(2 * d * d)
        self.a = self._reference_attention()
        self.F1 = np.array([self._F(m, np.float64(1.0)) for m in range(d)])
        self.Fa = np.array([self._F(m, self.a[m]) for m in range(d)])

    def _F(self, m: int, A: np.float64) -> float:
        """Upper bound of F_m(A) = max_{x != m} (mu'[x] + P_m[x] + A EVOU'[m,x])."""
        mu_c = self.mu - self.mu[m]
        values = mu_c + Interval.point(self.P_hat[m]) + self.EVOU_c[m] * Interval.point(A)
        others = np.arange(self.d) != m
        return float(values.hi[others].max(initial=-np.inf))

    def attention_lower(self, q, m, c, g) -> np.ndarray:
        """A_lo (step 2), elementwise over index arrays; c >= 1."""
        n = self.n
        at_max_query = q == m
        r = np.where(at_max_query, n - 1 - c, n - c)  # max positions among non-query ones
        S = self.smallest_sums[q, r]
        S = np.where(at_max_query, iv.down(S + self.pi.lo[q, n - 1]), S)
        delta = self.delta(q, m, g)
        rho = iv.exp_upper((Interval.point(-delta) * self.scale).hi)
        den = iv.up(S + iv.up(rho * iv.up(self.total[q] - S)))
        flops.add(12 * np.size(S))
        return np.clip(iv.down(S / den), 0.0, 1.0)

    def _reference_attention(self) -> np.ndarray:
        """a_m: a lower bound of every A_lo with max m (A_lo grows with g; so g = 1)."""
        a = np.ones(self.d)
        for m in range(1, self.d):
            q, c = np.meshgrid(np.arange(m + 1), np.arange(1, self.n), indexing="ij")
            valid = (q == m) | (c >= 1)
            low = self.attention_lower(q[valid], np.full(valid.sum(), m), c[valid],
                                       np.ones(valid.sum(), dtype=np.int64))
            a[m] = low.min()
        return a

    def bound_negative(self, q, m, c, g) -> np.ndarray:
        """Step 3's verdict for cases with c >= 1 at gaps g (elementwise)."""
        A = self.attention_lower(q, m, c, g)
        a, F1, Fa = self.a[m], self.F1[m], self.Fa[m]
        # lambda = (A - a) / (1 - a) in [0, 1]; a = 1 (exactly: 1 - a is exact for a >= 1/2)
        # forces A = 1, where the chord is F(1): lambda = 1
        degenerate = a >= 1.0
        span = np.where(degenerate, 1.0, 1.0 - a)
        lam = Interval(iv.down(A - a), iv.up(A - a)).div_positive(
            Interval(iv.down(span), iv.up(span)))
        lam = Interval(np.where(degenerate, 1.0, np.clip(lam.lo, 0.0, 1.0)),
                       np.where(degenerate, 1.0, np.clip(lam.hi, 0.0, 1.0)))
        chord = (Interval.point(Fa) + lam * Interval.point(iv.up(F1 - Fa))).hi
        omega = self.omega[m, m - g]
        at_low = iv.up(chord + iv.up(iv.up(1.0 - A) * omega))
        bound = iv.up(self.gamma_q[q] + np.maximum(F1, at_low))
        flops.add(20 * np.size(A))
        return (bound < 0) & (A >= a)

    def search_gaps(self) -> np.ndarray:
        """The smallest gap proving each case (bisection; 0 where none does)."""
        d, n = self.d, self.n
        q, m, c = np.meshgrid(np.arange(d), np.arange(d), np.arange(n), indexing="ij")
        sel = valid_cases(d, n) & (c >= 1)
        q, m, c = q[sel], m[sel], c[sel]
        high = np.where(q == m, m, m - q)  # the largest gap a case allows
        low = np.ones_like(high)
        ok_high = (high >= 1) & self._safe(q, m, c, high)
        while True:
            active = ok_high & (low < high)
            if not active.any():
                break
            mid = (low + high) // 2
            ok = self._safe(q[active], m[active], c[active], mid[active])
            high[np.flatnonzero(active)[ok]] = mid[active][ok]
            low[np.flatnonzero(active)[~ok]] = mid[active][~ok] + 1
        gaps = np.zeros((d, d, n), dtype=np.int64)
        gaps[q, m, c] = np.where(ok_high, high, 0)
        return gaps

    def _safe(self, q, m, c, g) -> np.ndarray:
        ok = g >= 1
        out = np.zeros(len(q), dtype=bool)
        out[ok] = self.bound_negative(q[ok], m[ok], c[ok], g[ok])
        return out

    def verdicts(self, gaps: np.ndarray) -> np.ndarray:
        """The proof: every case's verdict at its gap; c = 0 (all m) needs no gap."""
        d, n = self.d, self.n
        proved = np.zeros((d, d, n), dtype=bool)
        q, m, c = np.nonzero(gaps)
        proved[q, m, c] = self.bound_negative(q, m, c, gaps[q, m, c])
        ms = np.arange(d)
        proved[ms, ms, 0] = iv.up(self.gamma_q + self.F1) < 0
        return proved


def eupu_split(p: Paths, factored: bool) -> tuple[Interval, np.ndarray]:
    """The reference row mu (enclosure, (d,)) and gamma_q >= max_x nu[q,x] - min_x nu[q,x] for
    nu[q] = EUPU[q] - mu (step 3). mu is the exact mean of the rows of EUPU, so the checker
    re-derives the same one."""
    if not factored:
        mu = p.EUPU.mean(axis=0)
        nu = p.EUPU - mu[None, :]
        return mu, iv.up(nu.hi.max(axis=1) - nu.lo.min(axis=1))
    X = p.residual_query  # (d, d_model); mean of its rows: mean row of EUPU through W_U
    x_mean = X.mean(axis=0)[None, :]
    W_U = f64(p.model.W_U)
    mu = iv.matmul_interval_left(x_mean, W_U) + p.constant
    spread = iv.up(W_U.max(axis=1) - W_U.min(axis=1))  # (d_model,)
    gamma_q = iv.upper_nonneg_matmul((X - x_mean).magnitude, spread[:, None])[:, 0]
    return mu[0], gamma_q


# --- counting ----------------------------------------------------------------------------


def valid_cases(d: int, n: int) -> np.ndarray:
    """(q, m, c) that hold sequences: q <= m; c >= 1 if q < m; c = 0 only for q = m."""
    q, m, c = np.meshgrid(np.arange(d), np.arange(d), np.arange(n), indexing="ij")
    return (q <= m) & ((q == m) | (c >= 1))


def case_count(d: int, n: int) -> int:
    return int(valid_cases(d, n).sum())


def count_covered(proved: np.ndarray, gaps: np.ndarray, d: int, n: int,
                  gap_free: bool = False) -> int:
    """Sequences covered by the proved cases (module docstring, "Counting"); with `gap_free`
    every non-max token is allowed (m choices), which must count all d^n sequences."""
    total = 0
    for q, m, c in zip(*np.nonzero(proved)):
        q, m, c = int(q), int(m), int(c)
        choices = m if gap_free else m - int(gaps[q, m, c]) + 1
        if c == 0:
            total += 1
        elif q == m:
            total += comb(n - 1, c) * choices**c
        else:
            total += comb(n - 1, c - 1) * choices ** (c - 1)
    return total


def left_behind(proved: np.ndarray, gaps: np.ndarray, d: int, n: int) -> int:
    """Sequences of proved cases excluded by their gaps (a non-max token in (m - g, m))."""
    return count_covered(proved, gaps, d, n, gap_free=True) - count_covered(proved, gaps, d, n)
