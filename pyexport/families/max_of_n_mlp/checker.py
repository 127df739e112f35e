"""The max-of-n MLP's part of the independent checker (frame: pyexport.checker).

It shares no numeric code with the strategies. The logit table W = U H E of the certificate's
weights is held two ways (`LogitTable`): a binary64 product with a proved elementwise error
bound, from which every bound is computed vectorised (`pyexport.checker_bounds`: upward
products, exp upper bounds), and exact integers (python-flint `fmpz`; every float32 weight is
an integer times a power of two), computed only for the decisions the enclosure leaves open.
A trace value is accepted only if a sound test proves it:

    loss upper bound u of an input   <=>  sum_j exp(z_j - s) * exp(s - z_y - u) <= 1, with the
                                          sum and the exp bounded from above (s: any shift)
    LSE upper bound l of a vector    <=>  sum_j exp(z_j - s) * exp(s - l) <= 1, likewise
    "input is correct"               <=>  z_y > z_j for all j != y: by the enclosure where its
                                          margin is clear of 0, else exactly
    competitor hints (top2, runner_up)    verified to be the claimed maxima, the same way

then the claim is recomputed from the verified values by the strategy's theorem (with the term
counts derived here in closed form), in exact rationals.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
from tqdm import tqdm

from pyexport.checker import Rejected, TraceReader, grid
from pyexport.checker_bounds import down, exp_upper, product_enclosure, up, upper_nonneg_product
from pyexport.dyadic import dyadic_matrix

WEIGHT_ORDER = ("unembedding.weight", "linear.weight", "embedding.weight")  # W = U H E


def check(strategy: str, quantity: str, config, weights: dict, trace, parameters: dict):
    """The bound re-derived from the weights and the trace (raises `Rejected`)."""
    trace.grid = grid(parameters)
    return CHECKS[(strategy, quantity)](LogitTable(config, weights), trace)


class LogitTable:
    """W[j, t] = logit j of token t, W = U H E: |mid - W| <= err and `lower <= W <= upper`
    elementwise in binary64, and exact entries (integers times 2^scale) on demand."""

    def __init__(self, config, weights: dict[str, np.ndarray]):
        self.d, self.n = config.d_vocab, config.n_ctx
        self._weights = [np.asarray(weights[key]) for key in WEIGHT_ORDER]
        self.mid, self.err = product_enclosure(*(w.astype(np.float64) for w in self._weights))
        self.lower, self.upper = down(self.mid - self.err), up(self.mid + self.err)
        self._factors = None

    def factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Exact integer matrices P = U H (d x m) and E (m x d), object arrays, with
        W = P E * 2^scale (built on first use)."""
        if self._factors is None:
            (U, Ku), (H, Kh), (E, Ke) = (dyadic_matrix(w) for w in self._weights)
            P = flint.fmpz_mat(U) * flint.fmpz_mat(H)
            self._factors = (np.array(P.entries(), dtype=object).reshape(self.d, -1),
                             np.array(E, dtype=object))
            self.scale = -(Ku + Kh + Ke)
        return self._factors

    def entries(self, rows, cols) -> np.ndarray:
        """Exact W[rows[i], cols[i]] (integers, units 2^scale)."""
        P, E = self.factors()
        return (P[np.asarray(rows)] * E[:, np.asarray(cols)].T).sum(axis=1)

    def logits(self, tokens) -> np.ndarray:
        """Exact integer logits (units 2^scale) of one input: P (sum_k E[:, t_k])."""
        P, E = self.factors()
        return P.dot(sum(E[:, t] for t in tokens))

    def value(self, integer) -> Fraction:
        self.factors()
        return Fraction(int(integer)) * Fraction(2) ** self.scale

    def shifted_exp_upper(self, factor: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Shifts s_t (binary64, so exact) and upper bounds B[j, t] of
        exp(factor (W[j, t] - s_t)); s_t = max_j upper[j, t] keeps every entry at most 1
        (times the exp bound's 1 + 2^-45)."""
        shifts = self.upper.max(axis=0)
        return shifts, exp_upper(factor * up(self.upper - shifts))


# --- loss ---------------------------------------------------------------------------------


def _grid_lower(values: np.ndarray, grid_step: Fraction) -> np.ndarray:
    """Binary64 lower bounds of values * grid_step (integers times a power of two)."""
    bits = grid_step.denominator.bit_length() - 1
    return down(np.ldexp(down(values.astype(np.float64)), -bits))


def _confirm_below_one(sums: np.ndarray, exponents: np.ndarray) -> np.ndarray:
    """Which sums * exp(exponents) are proved <= 1 (both arguments upper bounds)."""
    return up(sums * exp_upper(exponents)) <= 1


def _verify_case_uppers(model: LogitTable, cases: np.ndarray, upper: np.ndarray, grid) -> None:
    """Every upper[i] * grid must bound the loss of input cases[i] from above:
    LSE(z) - z_y = log(sum_j prod_k exp(W[j, t_k] - s_k)) + sum_k s_k - z_y. The sum is
    bounded from above (`upper_nonneg_product` of the shifted exponentials), and the test is
    sum * exp(sum_k s_k - z_y - u) <= 1 with the exponent bounded from above."""
    shifts, B = model.shifted_exp_upper()
    n = cases.shape[1]
    labels = cases.max(axis=1)
    offsets = np.zeros(len(cases))  # upper bounds of sum_k s_k - z_y - u
    for k in range(n):
        offsets = up(offsets + shifts[cases[:, k]])
    for k in range(n):
        offsets = up(offsets - model.lower[labels, cases[:, k]])
    offsets = up(offsets - _grid_lower(upper, grid))
    groups = {None: np.arange(len(cases))} if n == 2 else {
        last: np.flatnonzero(cases[:, -1] == last) for last in np.unique(cases[:, -1]).tolist()}
    for last, indices in tqdm(groups.items(), desc="check losses", disable=None, leave=False):
        if n == 2:
            gram = upper_nonneg_product(B.T, B)
        else:  # products of two upper bounds, rounded to nearest then moved one step up
            gram = upper_nonneg_product(up(B * B[:, [last]]).T, B)
        sums = gram[cases[indices, 0], cases[indices, 1]]
        ok = _confirm_below_one(sums, offsets[indices])
        if not ok.all():
            i = indices[np.flatnonzero(~ok)[0]]
            about = float(np.log(sums[np.flatnonzero(~ok)[0]]) + offsets[i]
                          + float(upper[i] * grid))
            raise Rejected(f"trace.case_upper[{_fmt(cases[i])}]",
                           f"{float(upper[i] * grid):.12g} is not an upper bound of "
                           f"the loss (about {about:.12g})")


def _fmt(case) -> str:
    return ",".join(str(int(t)) for t in case)


def _all_cases(d: int, n: int) -> np.ndarray:
    return np.array(np.unravel_index(np.arange(d**n), (d,) * n)).T


def _sorted_cases(d: int, n: int) -> np.ndarray:
    """Sorted inputs ordered by the last token, then the first, then the second."""
    if n == 2:
        return np.array([(a, c) for c in range(d) for a in range(c + 1)])
    return np.array([(a, b, c) for c in range(d) for a in range(c + 1) for b in range(a, c + 1)])


def _multiplicities(cases: np.ndarray) -> np.ndarray:
    """How many inputs each sorted input stands for: 2/1 (two tokens), 6/3/1 (three)."""
    if cases.shape[1] == 2:
        return np.where(cases[:, 0] == cases[:, 1], 1, 2)
    distinct = 1 + (cases[:, 0] != cases[:, 1]) + (cases[:, 1] != cases[:, 2])
    return np.array([0, 1, 3, 6])[distinct]


def check_brute_force_loss(model: LogitTable, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    upper = trace.get("case_upper", (d,) * n, "int64").reshape(-1)
    cases = _all_cases(d, n)
    _verify_case_uppers(model, cases, upper, trace.grid)
    return Fraction(sum(int(u) for u in upper)) * trace.grid / d**n


def check_symmetry_loss(model: LogitTable, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    cases = _sorted_cases(d, n)
    upper = trace.get("case_upper", (len(cases),), "int64")
    _verify_case_uppers(model, cases, upper, trace.grid)
    total = sum(m * u for m, u in zip(_multiplicities(cases).tolist(), upper.tolist()))
    return Fraction(total) * trace.grid / d**n


def check_convexity_loss(model: LogitTable, trace: TraceReader) -> Fraction:
    d = model.d
    if model.n == 2:
        lse = trace.get("lse_upper", (d,), "int64")
        # LSE(z(t,t)) <= l_t  <=  sum_j exp(2 (W[j,t] - s_t)) * exp(2 s_t - l_t) <= 1
        shifts, B = model.shifted_exp_upper(factor=2)
        totals = upper_nonneg_product(np.ones((1, d)), B)[0]
        ok = _confirm_below_one(totals, up(2 * shifts - _grid_lower(lse, trace.grid)))
        if not ok.all():
            raise Rejected(f"trace.lse_upper[{np.flatnonzero(~ok)[0]}]",
                           "not an upper bound of LSE(z(t,t))")
        # Each LSE(z(s,s)) appears d times: (1 + s) times with label s, once per label y > s.
        # The label terms: z(s,s)_s (1 + s) times, z(s,s)_y once for y > s; z(s,s)_y = 2 W[y,s],
        # summed exactly from the factors: sum_t (1 + t) W[t,t] + sum_{y > t} W[y,t]
        # = sum_{t,k} (1 + t) P[t,k] E[k,t] + sum_{y,k} P[y,k] sum_{t < y} E[k,t].
        P, E = model.factors()
        before = np.cumsum(E, axis=1) - E  # before[k, y] = sum_{t < y} E[k, t]
        labels = 2 * ((P * E.T).sum(axis=1) * np.arange(1, d + 1)).sum() + 2 * (P * before.T).sum()
        value = d * sum(int(x) for x in lse) * trace.grid - model.value(labels)
        return value / d**2
    pairs = _sorted_cases(d, 2)
    upper = trace.get("pair_upper", (len(pairs),), "int64")
    mixed = np.stack([pairs[:, 0], pairs[:, 0], pairs[:, 1]], axis=1)
    _verify_case_uppers(model, mixed, upper, trace.grid)
    # Twice the coefficient of f(t,t,c) in sum_{a<=b<=c} mult(a,b,c) (f(a,a,c) + f(b,b,c)) / 2:
    # 6c + 3 for t < c and 3c + 2 for t = c (count the sorted triples with a = t or b = t).
    twice = sum((6 * c + 3 if t < c else 3 * c + 2) * int(u)
                for (t, c), u in zip(pairs.tolist(), upper))
    return Fraction(twice) * trace.grid / (2 * d**3)


# --- accuracy -----------------------------------------------------------------------------


def _correct_inputs(model: LogitTable, cases: np.ndarray) -> np.ndarray:
    """Exact verdict per input: z_y > z_j for all j != y.

    The enclosure decides inputs whose margin is clear of 0: the computed margin
    fl(z_y - z_j), z = fl(sum_k mid[:, t_k]), is within 2 sum_k max_j err[j, t_k] of the one
    of mid, which it misses by at most (n + 1) ulps of sum_k max_j |mid[j, t_k]|; the slack
    below doubles that. The rest are decided in exact integers.
    """
    col_max, err_max = np.abs(model.mid).max(axis=0), model.err.max(axis=0)
    n = cases.shape[1]
    verdict = np.zeros(len(cases), dtype=bool)
    step = max(1, (1 << 21) // model.d)
    for start in tqdm(range(0, len(cases), step), desc="check verdicts", disable=None,
                      leave=False):
        part = cases[start : start + step]
        z = sum(model.mid[:, part[:, k]] for k in range(n))
        cols = np.arange(len(part))
        y = part.max(axis=1)
        margin = z[y, cols][None, :] - z
        margin[y, cols] = np.inf
        slack = (1 + 2.0**-40) * sum(2 * err_max[part[:, k]] + 4 * (n + 2) * 2.0**-52
                                     * col_max[part[:, k]] for k in range(n))
        worst = margin.min(axis=0)
        verdict[start : start + step] = worst > slack
        for i in np.flatnonzero(np.abs(worst) <= slack):
            case = part[i].tolist()
            exact = model.logits(case)
            yy = max(case)
            verdict[start + i] = all(exact[yy] > exact[j] for j in range(model.d) if j != yy)
    return verdict


def _check_correct_claims(model: LogitTable, cases: np.ndarray, claimed: np.ndarray) -> None:
    verdict = _correct_inputs(model, cases)
    wrong = np.flatnonzero(claimed & ~verdict)
    if len(wrong):
        case = cases[wrong[0]].tolist()
        raise Rejected(f"trace.correct[{_fmt(case)}]", "the input is not classified correctly")


def check_brute_force_accuracy(model: LogitTable, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    claimed = trace.get("correct", (d,) * n, "bits").reshape(-1)
    _check_correct_claims(model, _all_cases(d, n), claimed)
    return Fraction(int(claimed.sum()), d**n)


def check_symmetry_accuracy(model: LogitTable, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    cases = _sorted_cases(d, n)
    claimed = trace.get("correct", (len(cases),), "bits")
    _check_correct_claims(model, cases, claimed)
    return Fraction(int(_multiplicities(cases[claimed]).sum()), d**n)


def check_convexity_accuracy(model: LogitTable, trace: TraceReader) -> Fraction:
    d = model.d
    if model.n == 2:
        top2 = trace.get("top2", (d, 2), "int64", counts=d)
        first, second = top2[:, 0], top2[:, 1]
        bad = (first < 0) | (first >= d) | (second < 0) | (second >= d) | (first == second)
        if bad.any():
            raise Rejected(f"trace.top2[{np.flatnonzero(bad)[0]}]", "indices out of range or equal")
        _verify_top2(model, first, second)
        count = _count_convex_pairs(model, first, second)
        return Fraction(count, d * d)
    pairs = _sorted_cases(d, 2)
    runner_up = trace.get("runner_up", (len(pairs),), "int64")
    bad = (runner_up < 0) | (runner_up >= d) | (runner_up == pairs[:, 1])
    if bad.any():
        t, c = pairs[np.flatnonzero(bad)[0]].tolist()
        raise Rejected(f"trace.runner_up[{t},{c}]", "not the strongest competitor of c")
    count = 0
    for c in range(d):  # the pairs (t, c), t <= c, are consecutive, in the order of t
        count += _count_convex_triples(model, c, runner_up[c * (c + 1) // 2:][: c + 1])
    return Fraction(count, d**3)


def _count_convex_triples(model: LogitTable, c: int, runner_up: np.ndarray) -> int:
    """Inputs with maximum c the convexity theorem proves correct (three tokens), once each
    runner_up[t] is verified as a strongest competitor j != c in z(t,t,c) = 2 W[:, t] +
    W[:, c]: sorted (a, b, c) counts with its multiplicity if m_a + m_b > 0, where
    m_t = z(t,t,c)_c - z(t,t,c)_j. The enclosure decides what it can, exact integers the rest."""
    d, ts, js = model.d, np.arange(c + 1), runner_up
    z_lo = down(2 * model.lower[:, ts] + model.lower[:, [c]])  # d x (c + 1)
    z_hi = up(2 * model.upper[:, ts] + model.upper[:, [c]])
    others = z_hi.copy()
    others[c] = -np.inf
    others[js, ts] = -np.inf
    exact_z = {}

    def exact(t: int) -> np.ndarray:  # z(t,t,c), exact
        if t not in exact_z:
            rows = np.arange(d)
            exact_z[t] = 2 * model.entries(rows, np.full(d, t)) + model.entries(rows, np.full(d, c))
        return exact_z[t]

    for t in np.flatnonzero(z_lo[js, ts] < others.max(axis=0)).tolist():
        z = exact(t)
        if (np.delete(z, [c]) > z[js[t]]).any():
            raise Rejected(f"trace.runner_up[{t},{c}]", "not the strongest competitor of c")
    m_lo, m_hi = down(z_lo[c] - z_hi[js, ts]), up(z_hi[c] - z_lo[js, ts])
    a, b = np.triu_indices(c + 1)
    s_lo, s_hi = down(m_lo[a] + m_lo[b]), up(m_hi[a] + m_hi[b])
    good = s_lo > 0
    for i in np.flatnonzero((s_lo <= 0) & (s_hi > 0)).tolist():
        za, zb = exact(int(a[i])), exact(int(b[i]))
        good[i] = za[c] - za[js[a[i]]] + zb[c] - zb[js[b[i]]] > 0
    return int(_multiplicities(np.stack([a, b, np.full_like(a, c)], axis=1)[good]).sum())


def _verify_top2(model: LogitTable, first: np.ndarray, second: np.ndarray) -> None:
    """W[first_s, s] >= W[second_s, s] >= W[j, s] for every other j, per column s (column s
    holds the logits of input (s, s), halved): by the enclosure, or exactly where it cannot
    tell."""
    d, cols = model.d, np.arange(model.d)
    others = model.upper.copy()
    others[first, cols] = others[second, cols] = -np.inf
    certain = ((model.lower[first, cols] >= model.upper[second, cols])
               & (model.lower[second, cols] >= others.max(axis=0)))
    for s in np.flatnonzero(~certain).tolist():
        column = model.entries(cols, np.full(d, s))
        rest = np.delete(column, [first[s], second[s]])
        if column[first[s]] < column[second[s]] or (len(rest) and column[second[s]] < rest.max()):
            raise Rejected(f"trace.top2[{s}]", "not the two largest logits of z(s,s)")


def _count_convex_pairs(model: LogitTable, first: np.ndarray, second: np.ndarray) -> int:
    """How many inputs (s, y) the convexity theorem proves correct, given verified top2.

    With half[s, y] = W[y, s] - W[first_s, s] (y != first_s), W[first_s, s] - W[second_s, s]
    (y = first_s) -- half the margin of label y in z(s, s) -- input (s, s) counts once if
    half[s, s] > 0 and inputs (s, y), (y, s) with s < y count twice if half[s, y] +
    half[y, y] > 0. Signs come from the enclosure where it decides them, else exactly."""
    d, cols = model.d, np.arange(model.d)
    lo, hi = model.lower, model.upper
    half_lo = down(lo.T - hi[first, cols][:, None])
    half_hi = up(hi.T - lo[first, cols][:, None])
    half_lo[cols, first] = down(lo[first, cols] - hi[second, cols])
    half_hi[cols, first] = up(hi[first, cols] - lo[second, cols])
    diag_lo, diag_hi = np.diagonal(half_lo), np.diagonal(half_hi)
    pair_lo, pair_hi = down(half_lo + diag_lo[None, :]), up(half_hi + diag_hi[None, :])

    def exact_half(s: np.ndarray, y: np.ndarray) -> np.ndarray:
        own = y == first[s]
        minuend = np.where(own, first[s], y)
        subtrahend = np.where(own, second[s], first[s])
        return model.entries(minuend, s) - model.entries(subtrahend, s)

    diagonal = diag_lo > 0
    open_diagonal = np.flatnonzero((diag_lo <= 0) & (diag_hi > 0))
    diagonal[open_diagonal] = exact_half(open_diagonal, open_diagonal) > 0
    upper_triangle = np.triu(np.ones((d, d), dtype=bool), 1)
    pairs = int((upper_triangle & (pair_lo > 0)).sum())
    s, y = np.nonzero(upper_triangle & (pair_lo <= 0) & (pair_hi > 0))
    if len(s):
        pairs += int(((exact_half(s, y) + exact_half(y, y)) > 0).sum())
    return int(diagonal.sum()) + 2 * pairs


CHECKS = {
    ("brute-force", "expected_loss"): check_brute_force_loss,
    ("symmetry", "expected_loss"): check_symmetry_loss,
    ("convexity", "expected_loss"): check_convexity_loss,
    ("brute-force", "accuracy"): check_brute_force_accuracy,
    ("symmetry", "accuracy"): check_symmetry_accuracy,
    ("convexity", "accuracy"): check_convexity_accuracy,
}
