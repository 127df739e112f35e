"""Convexity: bound each input by mixtures of a few inputs, using convexity of the loss.

z is linear in the summed embedding v and L(z, y) = LSE(z) - z_y is convex in z, so for
v = (v1 + v2)/2 we get L(z(v), y) <= (L(z(v1), y) + L(z(v2), y))/2.

Two tokens (design.md section 3): for t1 < t2, v = (2E_t1 + 2E_t2)/2, so
    f(t1, t2) <= L(z(t1,t1), t2)/2 + L(z(t2,t2), t2)/2,
and summing with the symmetry theorem,
    d^2 E[f] <= sum_t L(z(t,t), t) + sum_{t1<t2} [L(z(t1,t1), t2) + L(z(t2,t2), t2)].
Only the d diagonal LSE values are transcendental; the trace holds their upper bounds.

Three tokens: for sorted a <= b <= c, E_a + E_b + E_c = (2E_a + E_c)/2 + (2E_b + E_c)/2 and both
halves are inputs with maximum c, so f(a,b,c) <= f(a,a,c)/2 + f(b,b,c)/2; summed over sorted
inputs with multiplicities. The trace holds upper bounds of the d(d+1)/2 values f(t,t,c), t <= c.

Accuracy: the margin min_{j != y} (z_y - z_j) is concave in z, so an input is correct when the
two halves' margins sum to a positive number. Traces hold the competitor indices (argmax and
runner-up of each diagonal logit vector; for three tokens, the strongest j != c of z(t,t,c)).
Two tokens count only margin sums above KERNEL_SLACK (2^-32): Coq re-derives them in binary64
intervals (coq/theories/MaxOfN/CheckFloat2.v), whose error (about 1e-11 here) that slack covers.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from pyexport.families.max_of_n_mlp import evaluation as ev
from pyexport.families.max_of_n_mlp.cases import multiplicities, sorted_cases
from pyexport.families.max_of_n_mlp.model import Model
from pyexport.interval import Interval
from pyexport.proof import Proof


def two_token_term_counts(d: int) -> np.ndarray:
    """counts[s, y]: how often L(z(s,s), y) appears in the two-token convexity theorem."""
    counts = np.zeros((d, d), dtype=np.int64)
    diag = np.arange(d)
    np.add.at(counts, (diag, diag), 1)  # sum_t L(z(t,t), t)
    t1, t2 = np.triu_indices(d, 1)
    np.add.at(counts, (t1, t2), 1)  # L(z(t1,t1), t2) for t1 < t2
    np.add.at(counts, (t2, t2), 1)  # L(z(t2,t2), t2) for t1 < t2
    return counts


def pair_index(t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Position of the pair (t, c), t <= c, in `sorted_cases(d, 2)` order (by c, then t)."""
    return c * (c + 1) // 2 + t


def three_token_half_counts(d: int) -> np.ndarray:
    """counts[p]: twice the coefficient of f(t,t,c) (pair p) in the three-token theorem."""
    triples = sorted_cases(d, 3)
    weight = multiplicities(triples)
    counts = np.zeros(d * (d + 1) // 2, dtype=np.int64)
    np.add.at(counts, pair_index(triples[:, 0], triples[:, 2]), weight)
    np.add.at(counts, pair_index(triples[:, 1], triples[:, 2]), weight)
    return counts


def prove_loss(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    W = ev.logit_table(model)
    if n == 2:
        lse_upper = ev.kernel_upper(ev.diagonal_lse(W, 1).hi)
        # term[s, y] = L(z(s,s), y) = LSE(2 W[:, s]) - 2 W[y, s]
        lse = Interval.point(np.ldexp(lse_upper.astype(np.float64), -ev.GRID_BITS))
        term = ev.kernel_upper((lse[:, None] - W.T.scale(1)).hi)
        total = ev.exact_sum(term, two_token_term_counts(d))
        return Proof("convexity", "expected_loss", "<=", ev.grid_fraction(total, d * d),
                     {"lse_upper": lse_upper}, lse_upper.size)
    pairs = sorted_cases(d, 2)
    mixed = np.stack([pairs[:, 0], pairs[:, 0], pairs[:, 1]], axis=1)  # inputs (t, t, c)
    pair_upper = ev.kernel_upper(ev.case_losses(W, mixed).hi)
    total = ev.exact_sum(pair_upper, three_token_half_counts(d))
    return Proof("convexity", "expected_loss", "<=", ev.grid_fraction(total, 2 * d**3),
                 {"pair_upper": pair_upper}, pair_upper.size)


def prove_accuracy(model: Model) -> Proof:
    d, n = model.config.d_vocab, model.config.n_ctx
    W = ev.logit_table(model)
    if n == 2:
        top2 = _top2(model, W.scale(1))
        margin = _two_token_margins(W.scale(1), top2)  # margin[s, y] of input (s, s), label y
        t1, t2 = np.triu_indices(d, 1)
        halves = Interval.point(margin[t1, t2]) + Interval.point(margin[t2, t2])
        # count what a binary64 kernel also settles: margins clearing the kernel slack
        correct = int(2 * (halves.lo > ev.KERNEL_SLACK).sum()
                      + (np.diag(margin) > ev.KERNEL_SLACK).sum())
        return Proof("convexity", "accuracy", ">=", Fraction(correct, d * d),
                     {"top2": top2}, top2.shape[0])
    pairs = sorted_cases(d, 2)
    runner_up, margin = _three_token_margins(model, W, pairs)
    correct = 0
    for c in range(d):
        m = margin[pair_index(np.arange(c + 1), np.full(c + 1, c))]
        a, b = np.triu_indices(c + 1)
        ok = (Interval.point(m[a]) + Interval.point(m[b])).lo > 0
        correct += int(multiplicities(np.stack([a, b, np.full_like(a, c)], 1))[ok].sum())
    return Proof("convexity", "accuracy", ">=", Fraction(correct, d**3),
                 {"runner_up": runner_up}, runner_up.size)


def _top2(model: Model, Z: Interval) -> np.ndarray:
    """(d, 2): per column s of Z, the index of its largest and of its second largest entry.

    Taken from the midpoints; a column whose order the enclosure cannot settle is recomputed
    exactly, so the indices are always right (the checker verifies them).
    """
    mid = (Z.lo + Z.hi) / 2
    order = np.argsort(-mid, axis=0, kind="stable")[:2]
    cols = np.arange(mid.shape[1])
    top2 = order.T.copy()
    rest_hi = Z.hi.copy()
    rest_hi[order[0], cols] = -np.inf
    first_settled = Z.lo[order[0], cols] > rest_hi.max(axis=0)  # beats every other entry
    rest_hi[order[1], cols] = -np.inf
    second_settled = Z.lo[order[1], cols] > rest_hi.max(axis=0, initial=-np.inf)
    unsettled = ~(first_settled & second_settled)
    if unsettled.any():
        exact = ev.ExactLogits(model)
        for s in np.flatnonzero(unsettled):
            z = exact.logits([s, s])
            top2[s] = sorted(range(len(z)), key=lambda j: (-z[j], j))[:2]
    return top2


def _two_token_margins(Z: Interval, top2: np.ndarray) -> np.ndarray:
    """Lower bounds of min_{j != y} (Z[y, s] - Z[j, s]) as margin[s, y]."""
    d = Z.shape[0]
    cols = np.arange(d)
    best = Z.hi[top2[:, 0], cols]
    second = Z.hi[top2[:, 1], cols]
    rival = np.where(np.arange(d)[:, None] == top2[:, 0][None, :], second[None, :], best[None, :])
    return (Z - Interval.point(rival)).lo.T


def _three_token_margins(model: Model, W: Interval, pairs: np.ndarray):
    """Per pair (t, c): runner-up index j* != c of z(t,t,c), and a lower bound of its margin."""
    runner_up = np.empty(len(pairs), dtype=np.int64)
    margin = np.empty(len(pairs))
    exact = None
    for c in np.unique(pairs[:, 1]):
        rows = np.flatnonzero(pairs[:, 1] == c)
        t = pairs[rows, 0]
        z = W[:, t].scale(1) + W[:, np.full(len(t), c)]
        mid = (z.lo + z.hi) / 2
        mid[c] = -np.inf
        best = np.argmax(mid, axis=0)
        cols = np.arange(len(t))
        others = z.hi.copy()
        others[c] = -np.inf
        rival_hi = others.max(axis=0)  # bounds z_j for every j != c
        others[best, cols] = -np.inf
        unsettled = ~(z.lo[best, cols] > others.max(axis=0))  # best beats every j != c exactly
        runner_up[rows] = best
        for k in np.flatnonzero(unsettled):
            exact = exact or ev.ExactLogits(model)
            zz = exact.logits([t[k], t[k], c])
            runner_up[rows[k]] = max((j for j in range(len(zz)) if j != c),
                                     key=lambda j: (zz[j], -j))
        margin[rows] = (z[c] - Interval.point(rival_hi)).lo
    return runner_up, margin
