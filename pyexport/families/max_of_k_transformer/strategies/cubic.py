"""The paper's cubic proof (gbmi `verification/cubic.py`), each step proved, in sound arithmetic.

Cases. A sequence has a query token q (last position), a max m >= q and c = the number of
non-query positions holding a token < m (c <= n-2 when q < m, since m must occur). A *pure* case
(q, m, k, c), k < m, is the set of sequences whose c non-max non-query tokens all equal k (the
rest of the non-query positions hold m), in any arrangement; (q, m, m, 0) is the single sequence
of c = 0.

Step 1 (pessimisation over positions; the paper's `PVOU_pessimized`, `EUPU_per_query_pessimized`
and `EPVOU_per_key_pessimized`). With ' denoting "minus the column m" and
P_m[x] = max_i PVOU'[i, x], E_m[q] = max_{x != m} EUPU'[q, x], V_m[t] = max_{x != m}
(EVOU'[t, x] + P_m[x]): for every sequence of the case and every x != m,

    logit[x] - logit[m] = EUPU'[q,x] + sum_i a_i (EVOU'[t_i,x] + PVOU'[i,x])
                        <= E_m[q] + sum_i a_i V_m[t_i]              (a_i >= 0, sum_i a_i = 1)
                         = sum_i a_i u_i,    u_i = V_m[t_i] + E_m[q].

Multiplying by the softmax denominator, the sequence is correct if

    LHS = sum_i e^(s_i) u_i < 0,    s_i = (EQKE[q, t_i] + EQKP[q, i]) / sqrt(d_head).

Step 2 (the two orderings; the paper sorts EQKP and tries the max copies on the lowest and on
the highest positional scores). Write alpha_t = e^(EQKE[q,t]/sqrt(d_head)) and pi_i =
e^(EQKP[q,i]/sqrt(d_head)). For a pure case with q < m, the max copies occupy a set M of
r = n-1-c non-query positions and k the others, so with P = sum_{i in M} pi_i and W = sum_{i<n-1}
pi_i,

    LHS = (alpha_m u_m - alpha_k u_k) P + alpha_k u_k W + alpha_q pi_{n-1} u_q,

an affine function of P (for q = m the query is a max position: LHS = alpha_m u_m (pi_{n-1}
+ P) + alpha_k u_k (W - P)). An affine function is largest at an end of the range of P, and P
ranges between the sum of the r smallest and the sum of the r largest pi_i: the two sorted
orderings are the extremes, as the paper says. (Proved here for the sign of LHS; the paper's
statement about the attention values follows the same way, since those are ratios of affine
functions of P with positive denominators, hence monotone.) We evaluate LHS on the whole
interval [sum of the r smallest lower bounds, sum of the r largest upper bounds] with interval
arithmetic, which also covers orderings the rounding could leave in doubt.

Step 3 (mixed non-max tokens, the paper's "convexity"). Let a sequence have c non-max non-query
positions K holding tokens k_i < m, not all equal, and max positions M. Then with
P_K = sum_{i in K} pi_i,

    LHS = alpha_m u_m P_M + Q u_q + sum_{i in K} alpha_{k_i} u_{k_i} pi_i
        = sum_{i in K} (pi_i / P_K) [alpha_m u_m P_M + Q u_q + alpha_{k_i} u_{k_i} P_K],

a convex combination of the LHS of the pure cases (q, m, k_i, c) with the same M. So if every
pure case (q, m, k_i, c) is proved for every arrangement, the mixed sequence is correct. The
step holds as the paper states it; it is a convexity of the *sign* condition after clearing the
denominator, not of the bound itself.

Counting. Sequences with exactly c non-max non-query positions whose tokens all lie in
G(q, m, c) = {k < m : case (q, m, k, c) proved}: C(n-1, c) |G|^c of them; the c = 0 case is one
sequence. These families are disjoint and cover every sequence once (q, m, c are functions of
the sequence), so accuracy >= (sum of the counts) / d^n.

The c = 0 cases use the unpessimised logits (the paper's `logits_only_max` and
`logits_only_q_and_max`): correct if, for every x != m, sum_i e^(s_i) (EUPU'[q,x] + P_m[x] +
EVOU'[t_i,x]) < 0.

Cost: O(d^3 n^2) (the tables V_m, E_m for every m are d^3). Trace: the verdict of every pure case.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np
from tqdm import tqdm

from pyexport import interval as iv
from pyexport.families.max_of_k_transformer.decomposition import Paths, paths
from pyexport.families.max_of_k_transformer.model import Model
from pyexport.interval import Interval, gamma
from pyexport.proof import Proof

PROGRESS = {"disable": None, "leave": False}


def attention_factors(p: Paths):
    """alpha[q, t] = exp(EQKE[q,t] scale - shift_q) and pi[q, i] = exp(EQKP[q,i] scale -
    shift'_q): e^(s_i) = alpha[q, t_i] pi[q, i] times a positive constant per query."""
    token_scores = p.EQKE * p.scale
    position_scores = p.EQKP * p.scale
    alpha = iv.exp(token_scores - Interval.point(token_scores.hi.max(axis=1)[:, None]))
    pi = iv.exp(position_scores - Interval.point(position_scores.hi.max(axis=1)[:, None]))
    return alpha, pi


def subset_sum_range(pi: Interval, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For r = 0 .. n-1: lower[q, r] <= every sum of r of pi[q, 0..n-2] <= upper[q, r]."""
    lows = np.sort(pi.lo[:, : n - 1], axis=1)
    highs = np.sort(pi.hi[:, : n - 1], axis=1)[:, ::-1]
    zero = np.zeros((len(lows), 1))
    lower = iv.down(np.concatenate([zero, np.cumsum(lows, axis=1)], axis=1) * (1 - gamma(n)))
    upper = iv.up(np.concatenate([zero, np.cumsum(highs, axis=1)], axis=1) * (1 + gamma(n)))
    return np.maximum(lower, 0.0), upper


def pessimised(p: Paths, m: int):
    """Upper bounds of P_m[x], E_m[q] and V_m[t] (module docstring, step 1), and the centred
    tables EUPU', EVOU' for the c = 0 cases."""
    others = np.arange(p.EVOU.shape[1]) != m
    PVOU_c = p.PVOU - p.PVOU[:, [m]]
    P_hat = PVOU_c.hi.max(axis=0)
    EUPU_c = p.EUPU - p.EUPU[:, [m]]
    EVOU_c = p.EVOU - p.EVOU[:, [m]]
    E_hat = EUPU_c.hi[:, others].max(axis=1)
    V_hat = iv.up(EVOU_c.hi + P_hat[None, :])[:, others].max(axis=1)
    return P_hat, E_hat, V_hat, EUPU_c, EVOU_c


def prove_accuracy(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    p = paths(model)
    alpha, pi = attention_factors(p)
    P_low, P_high = subset_sum_range(pi, n)
    W = iv.nonneg_sum(pi[:, : n - 1], axis=1)  # (q,)
    query_weight = alpha[np.arange(d), np.arange(d)].mul_nonneg(pi[:, n - 1])  # (q,)
    verdict = np.zeros((d, d, d, n), dtype=bool)  # [q, m, k, c]
    for m in tqdm(range(d), desc="cubic", **PROGRESS):
        P_hat, E_hat, V_hat, EUPU_c, EVOU_c = pessimised(p, m)
        qs = np.arange(m + 1)
        verdict[qs, m, m, 0] = _no_copies(m, n, P_hat, EUPU_c, EVOU_c, alpha, pi, W,
                                          query_weight)
        if m == 0:
            continue
        ks = np.arange(m)
        u = Interval.point(iv.up(V_hat[None, : m + 1] + E_hat[: m + 1, None]))  # u[q, t]
        max_term = alpha[qs, m][:, None] * u[qs, m][:, None]  # alpha_m u_m, (q, 1)
        k_term = alpha[: m + 1, :m] * u[:, :m]  # alpha_k u_k, (q, k)
        slope = max_term - k_term
        is_max_query = (qs == m)[:, None]
        # the P-independent part: alpha_k u_k W + (q < m: Q u_q | q = m: alpha_m u_m pi_{n-1})
        fixed_query = Interval(
            np.where(is_max_query, (max_term * pi[qs, n - 1][:, None]).lo,
                     (query_weight[qs] * u[qs, qs])[:, None].lo),
            np.where(is_max_query, (max_term * pi[qs, n - 1][:, None]).hi,
                     (query_weight[qs] * u[qs, qs])[:, None].hi))
        fixed = k_term * W[qs][:, None] + fixed_query
        for c in range(1, n):
            r = n - 1 - c  # max copies among the non-query positions
            P = Interval(P_low[qs, r][:, None] * np.ones((1, m)),
                         P_high[qs, r][:, None] * np.ones((1, m)))
            lhs = slope * P + fixed
            ok = lhs.hi < 0
            if c == n - 1:
                ok[:m] = False  # q < m needs at least one copy of m besides the query
            verdict[qs[:, None], m, ks[None, :], c] = ok
    count = count_correct(verdict, d, n)
    return Proof("cubic", "accuracy", ">=", Fraction(count, d**n), {"pure_correct": verdict},
                 case_count(d, n))


def _no_copies(m, n, P_hat, EUPU_c, EVOU_c, alpha, pi, W, query_weight) -> np.ndarray:
    """Verdicts of the c = 0 sequences with max m, for q = 0 .. m (module docstring)."""
    d = EVOU_c.shape[0]
    others = np.arange(d) != m
    qs = np.arange(m + 1)
    base = EUPU_c[qs] + Interval.point(P_hat[None, :])  # EUPU'[q, x] + P_m[x]
    with_max = base + EVOU_c[[m]]  # attention on m
    with_query = base + EVOU_c[qs]  # attention on the query token
    weight_max = alpha[qs, m].mul_nonneg(W[qs])  # the n-1 max positions
    total = with_max * weight_max[:, None] + with_query * query_weight[qs][:, None]
    ok = total.hi[:, others].max(axis=1, initial=-np.inf) < 0
    ok[m] = with_max.hi[m, others].max(initial=-np.inf) < 0  # all n tokens are m
    return ok


def count_correct(verdict: np.ndarray, d: int, n: int) -> int:
    """Sequences covered by proved cases (module docstring, "Counting")."""
    count = 0
    for m in range(d):
        count += int(verdict[: m + 1, m, m, 0].sum())
        for c in range(1, n):
            good = verdict[: m + 1, m, :m, c].sum(axis=1)  # |G(q, m, c)| per q
            count += comb(n - 1, c) * int(sum(int(g) ** c for g in good))
    return count


def case_count(d: int, n: int) -> int:
    """Number of pure cases: c = 0 for every q <= m, plus (q, m, k < m, c) with c <= n-2 for
    q < m and c <= n-1 for q = m."""
    return sum((m + 1) + m * (m * (n - 2) + (n - 1)) for m in range(d))
