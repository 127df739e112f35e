"""The Max-of-K transformer's part of the independent checker (frame: pyexport.checker).

It shares no numeric code with the strategies. Every table of the decomposition (EQKE, EQKP,
EVOU, PVOU, EUPU, with the biases folded in as decomposition.py explains) is computed exactly,
as integers over a power of two, from the float32 weights; exponentials are python-flint arb
balls (ARB_PRECISION bits); every comparison is exact or certain on balls. The theorems are the
ones the strategy modules prove (brute_force.py, cubic.py, subcubic.py); this module re-derives
each claimed step:

    brute force   each sequence claimed correct: logit[m] - logit[x] > 0 for all x != m, by a
                  float64 filter with its own error bound, and arb where the filter is unsure;
                  each loss bound: arb enclosure of the sequence's loss
    cubic         each pure case claimed: the sign condition of cubic.py's steps 1-2 on the
                  range of every arrangement's positional weight (subsets enumerated here,
                  not sorted); the count by closed form, C(n-1, c) |G|^c
    subcubic      each case claimed, at its stated gap: delta (exact), A_lo (arb), the chord
                  bound of step 3 with a_m re-derived here; the count by closed form
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from itertools import combinations
from math import comb

import flint
import numpy as np
from tqdm import tqdm

from pyexport.checker import Rejected, TraceReader, grid

ARB_PRECISION = 256
CHUNK = 1 << 14


def check(strategy: str, quantity: str, config, weights: dict, trace: TraceReader,
          parameters: dict) -> Fraction:
    flint.ctx.prec = ARB_PRECISION
    model = ExactModel(config, weights)
    if strategy == "brute-force":
        if quantity == "expected_loss":
            return check_brute_force_loss(model, trace, grid(parameters))
        return check_brute_force_accuracy(model, trace)
    if strategy == "cubic":
        return check_cubic(model, trace)
    return check_subcubic(model, trace, strategy.removeprefix("subcubic-"))


# --- exact tables -------------------------------------------------------------------------


def _exact(a) -> flint.fmpq_mat:
    """A float array (1-D as a row) as an exact rational matrix."""
    rows = np.atleast_2d(np.asarray(a, dtype=np.float64)).tolist()
    return flint.fmpq_mat([[flint.fmpq(*float(v).as_integer_ratio()) for v in r] for r in rows])


def _ones(rows: int) -> flint.fmpq_mat:
    return flint.fmpq_mat([[1] for _ in range(rows)])


def _lists(M: flint.fmpq_mat) -> list[list]:
    return [[M[i, j] for j in range(M.ncols())] for i in range(M.nrows())]


class ExactModel:
    """The decomposition's tables as exact rationals (fmpq), each computed on first use."""

    def __init__(self, config, weights: dict):
        self.d, self.n, self.h = config.d_vocab, config.n_ctx, config.d_head
        w = {k: np.asarray(v) for k, v in weights.items()}
        self.W_E, self.W_pos = _exact(w["embed.W_E"]), _exact(w["pos_embed.W_pos"])
        self.W_Q, self.W_K = _exact(w["blocks.0.attn.W_Q"][0]), _exact(w["blocks.0.attn.W_K"][0])
        self.W_V, self.W_O = _exact(w["blocks.0.attn.W_V"][0]), _exact(w["blocks.0.attn.W_O"][0])
        self.b_Q, self.b_V = _exact(w["blocks.0.attn.b_Q"][0]), _exact(w["blocks.0.attn.b_V"][0])
        self.b_O, self.b_U = _exact(w["blocks.0.attn.b_O"]), _exact(w["unembed.b_U"])
        self.W_U = _exact(w["unembed.W_U"])
        self.scale = 1 / flint.arb(self.h).sqrt()  # b_K cancels in the softmax

    @cached_property
    def residual_query(self) -> flint.fmpq_mat:  # W_E + W_pos[n-1]
        last = flint.fmpq_mat([[self.W_pos[self.n - 1, j] for j in range(self.W_pos.ncols())]])
        return self.W_E + _ones(self.d) * last

    @cached_property
    def query(self) -> flint.fmpq_mat:  # (d, h)
        return self.residual_query * self.W_Q + _ones(self.d) * self.b_Q

    @cached_property
    def key_tokens(self) -> flint.fmpq_mat:  # (d, h)
        return self.W_E * self.W_K

    @cached_property
    def EQKE(self) -> list[list]:
        return _lists(self.query * self.key_tokens.transpose())

    @cached_property
    def EQKP(self) -> list[list]:
        return _lists(self.query * (self.W_pos * self.W_K).transpose())

    @cached_property
    def _OVU(self) -> flint.fmpq_mat:
        return self.W_V * self.W_O * self.W_U

    @cached_property
    def EVOU(self) -> list[list]:
        return _lists(self.W_E * self._OVU)

    @cached_property
    def PVOU(self) -> list[list]:
        return _lists(self.W_pos * self._OVU)

    @cached_property
    def constant(self) -> flint.fmpq_mat:  # (1, d)
        return (self.b_V * self.W_O + self.b_O) * self.W_U + self.b_U

    @cached_property
    def EUPU(self) -> list[list]:
        return _lists(self.residual_query * self.W_U + _ones(self.d) * self.constant)

    def score_exp(self, value) -> flint.arb:
        """exp(value / sqrt(d_head)) for an exact score."""
        return (flint.arb(value) * self.scale).exp()

    @cached_property
    def alpha(self) -> list[list]:
        """exp(EQKE[q, t] / sqrt(d_head)), arb."""
        return [[self.score_exp(v) for v in row] for row in self.EQKE]

    @cached_property
    def pi(self) -> list[list]:
        """exp(EQKP[q, i] / sqrt(d_head)), arb."""
        return [[self.score_exp(v) for v in row] for row in self.EQKP]


def _centred(table: list[list], m: int) -> list[list]:
    """table[r][x] - table[r][m]."""
    return [[v - row[m] for v in row] for row in table]


def _max_except(values: list, m: int):
    return max(v for x, v in enumerate(values) if x != m)


# --- brute force --------------------------------------------------------------------------


class FloatFilter:
    """Float64 logit gaps of many sequences at once, with a rigorous error bound.

    With L_i = EUPU[q] + EVOU[t_i] + PVOU[i] (every table the float nearest its exact value, so
    off by <= u |entry|) and weights w_i = exp(score_i) / max_j exp(score_j) of the query's row
    (float midpoints of arb balls, off by <= their radius), the computed
    g[x] = sum_i w_i (L_i[m] - L_i[x]) differs from the exact one by at most

        sum_i (2^-40 w_i + rad_i) 2 Lam_i,   Lam_i = max|EUPU[q]| + max|EVOU[t_i]| + max|PVOU[i]|,

    since |L_i[x]| <= Lam_i, each L_i[x] errs by <= 3u Lam_i, each difference and product adds
    O(u) relative errors, and the n-term sum gamma_n (n <= 10: all far below 2^-40).
    """

    def __init__(self, model: ExactModel):
        d, n = model.d, model.n
        self.EU = np.array([[float(v) for v in row] for row in model.EUPU])
        self.EV = np.array([[float(v) for v in row] for row in model.EVOU])
        self.PV = np.array([[float(v) for v in row] for row in model.PVOU])
        weights = [[[model.alpha[q][t] * model.pi[q][i] for i in range(n)] for t in range(d)]
                   for q in range(d)]
        top = [max(max(w.mid() for w in row) for row in weights[q]) for q in range(d)]
        self.w = np.array([[[float((w / top[q]).mid()) for w in row] for row in weights[q]]
                           for q in range(d)])
        self.rad = np.array([[[float((w / top[q]).rad()) * 2 + 2.0**-1070 for w in row]
                              for row in weights[q]] for q in range(d)])
        lam = np.abs(self.EU).max(axis=1)[:, None, None] + np.abs(self.EV).max(axis=1)[
            None, :, None] + np.abs(self.PV).max(axis=1)[None, None, :]
        self.slack = 2 * lam * (2.0**-40 * self.w * (1 + 2.0**-30) + self.rad)

    def gaps(self, tokens: np.ndarray):
        """Per sequence: min over x != m of the computed g[x], and its error bound."""
        B, n = tokens.shape
        q, m, rows, pos = tokens[:, -1], tokens.max(axis=1), np.arange(len(tokens)), np.arange(n)
        g = np.zeros((B, self.EU.shape[1]))
        for i in range(n):
            L = self.EU[q] + self.EV[tokens[:, i]] + self.PV[i]
            g += self.w[q, tokens[:, i], i][:, None] * (L[rows, m][:, None] - L)
        g[rows, m] = np.inf
        # + 2^-1000: underflowing products and sums lose up to 2^-1075 each, absolutely
        return g.min(axis=1), self.slack[q[:, None], tokens, pos].sum(axis=1) * 1.01 + 2.0**-1000


def _logit_gaps_arb(model: ExactModel, tokens) -> list:
    """logit[m] - logit[x] for every x != m, arb balls, from the exact tables."""
    q, m, n = int(tokens[-1]), int(max(tokens)), model.n
    w = [model.alpha[q][int(t)] * model.pi[q][i] for i, t in enumerate(tokens)]
    total = sum(w, flint.arb(0))
    rows = [[model.EVOU[int(t)][x] + model.PVOU[i][x] for x in range(model.d)]
            for i, t in enumerate(tokens)]
    out = []
    for x in range(model.d):
        if x == m:
            continue
        gap = model.EUPU[q][m] - model.EUPU[q][x]
        out.append(flint.arb(gap) + sum((w[i] * flint.arb(rows[i][m] - rows[i][x])
                                         for i in range(n)), flint.arb(0)) / total)
    return out


def _sequences(d: int, n: int, index: np.ndarray) -> np.ndarray:
    return np.stack([(index // d ** (n - 1 - k)) % d for k in range(n)], axis=1)


def check_brute_force_accuracy(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    claimed = np.flatnonzero(trace.get("correct", (d,) * n, "bits").reshape(-1))
    filt = FloatFilter(model)
    for start in tqdm(range(0, len(claimed), CHUNK), desc="check sequences", disable=None,
                      leave=False):
        index = claimed[start : start + CHUNK]
        tokens = _sequences(d, n, index)
        worst, slack = filt.gaps(tokens)
        for j in np.flatnonzero(~(worst > slack)):
            if not all(g > 0 for g in _logit_gaps_arb(model, tokens[j].tolist())):
                raise Rejected(f"trace.correct[{','.join(map(str, tokens[j]))}]",
                               "the sequence is not classified correctly")
    return Fraction(len(claimed), d**n)


def check_brute_force_loss(model: ExactModel, trace: TraceReader, step: Fraction) -> Fraction:
    """Each stated per-sequence bound must bound log(1 + sum_{x != m} exp(-gap_x)) from above
    (arb, sequence by sequence: practical to about 10^5 sequences)."""
    d, n = model.d, model.n
    upper = trace.get("loss_upper", (d,) * n, "int64").reshape(-1)
    step_arb = flint.arb(flint.fmpq(step.numerator, step.denominator))
    for index in tqdm(range(d**n), desc="check losses", disable=None, leave=False):
        tokens = _sequences(d, n, np.array([index]))[0].tolist()
        terms = sum(((-g).exp() for g in _logit_gaps_arb(model, tokens)), flint.arb(1))
        if not terms.log() <= int(upper[index]) * step_arb:
            raise Rejected(f"trace.loss_upper[{','.join(map(str, tokens))}]",
                           "is not an upper bound of the sequence's loss")
    return Fraction(sum(int(u) for u in upper)) * step / d**n


# --- cubic --------------------------------------------------------------------------------


def cubic_cases(d: int, n: int) -> np.ndarray:
    """Boolean (q, m, k, c): the pure cases that exist (cubic.py)."""
    q, m, k, c = np.meshgrid(*(np.arange(s) for s in (d, d, d, n)), indexing="ij")
    no_copies = (c == 0) & (k == m) & (q <= m)
    copies = (c >= 1) & (k < m) & (q <= m) & ((q == m) | (c <= n - 2))
    return no_copies | copies


def _subset_sum_ranges(weights: list, size: int) -> flint.arb:
    """A ball containing the sum of every `size`-subset of `weights`."""
    sums = [sum(s, flint.arb(0)) for s in combinations(weights, size)]
    ball = sums[0]
    for s in sums[1:]:
        ball = ball.union(s)
    return ball


def check_cubic(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    exists = cubic_cases(d, n)
    claimed = trace.get("pure_correct", (d, d, d, n), "bits", counts=int(exists.sum()))
    if (claimed & ~exists).any():
        q, m, k, c = np.argwhere(claimed & ~exists)[0]
        raise Rejected(f"trace.pure_correct[{q},{m},{k},{c}]", "no such case")
    ranges = [[_subset_sum_ranges(model.pi[q][: n - 1], r) for r in range(n)] for q in range(d)]
    W = [sum(model.pi[q][: n - 1], flint.arb(0)) for q in range(d)]
    for m in tqdm(range(d), desc="check cubic", disable=None, leave=False):
        PV = _centred(model.PVOU, m)
        P_hat = [max(PV[i][x] for i in range(n)) for x in range(d)]
        EU, EV = _centred(model.EUPU, m), _centred(model.EVOU, m)
        E_hat = [_max_except(EU[q], m) for q in range(m + 1)]
        V_hat = [_max_except([EV[t][x] + P_hat[x] for x in range(d)], m) for t in range(m + 1)]
        for q in np.flatnonzero(claimed[: m + 1, m, m, 0]):
            _check_no_copies(model, int(q), m, EU, EV, P_hat, W)
        for q, k, c in np.argwhere(claimed[: m + 1, m, :, 1:]):
            q, k, c = int(q), int(k), int(c) + 1
            u = {t: flint.arb(V_hat[t] + E_hat[q]) for t in {q, k, m}}
            alpha, pi = model.alpha[q], model.pi[q]
            P = ranges[q][n - 1 - c]
            if q == m:
                lhs = alpha[m] * u[m] * (pi[n - 1] + P) + alpha[k] * u[k] * (W[q] - P)
            else:
                lhs = (alpha[m] * u[m] - alpha[k] * u[k]) * P + alpha[k] * u[k] * W[q] \
                    + alpha[q] * pi[n - 1] * u[q]
            if not lhs < 0:
                raise Rejected(f"trace.pure_correct[{q},{m},{k},{c}]",
                               "the pessimised sign condition is not negative")
    count = 0
    for m in range(d):
        count += int(claimed[: m + 1, m, m, 0].sum())
        for c in range(1, n):
            for q in range(m + 1):
                count += comb(n - 1, c) * int(claimed[q, m, :m, c].sum()) ** c
    return Fraction(count, d**n)


def _check_no_copies(model, q, m, EU, EV, P_hat, W) -> None:
    """The c = 0 sequence of (q, m): every wrong logit below the label's (cubic.py)."""
    d, n = model.d, model.n
    if q == m:
        ok = all(EU[m][x] + EV[m][x] + P_hat[x] < 0 for x in range(d) if x != m)
    else:
        on_max = model.alpha[q][m] * W[q]
        on_query = model.alpha[q][q] * model.pi[q][n - 1]
        ok = all(on_max * flint.arb(EU[q][x] + P_hat[x] + EV[m][x])
                 + on_query * flint.arb(EU[q][x] + P_hat[x] + EV[q][x]) < 0
                 for x in range(d) if x != m)
    if not ok:
        raise Rejected(f"trace.pure_correct[{q},{m},{m},0]", "a wrong logit is not below")


# --- subcubic -----------------------------------------------------------------------------


def subcubic_cases(d: int, n: int) -> np.ndarray:
    q, m, c = np.meshgrid(np.arange(d), np.arange(d), np.arange(n), indexing="ij")
    return (q <= m) & ((q == m) | (c >= 1))


class ScoreGapBound:
    """delta(q, m, g) <= EQKE[q,m] - EQKE[q,k] for all k <= m - g, exactly (subcubic.py)."""

    def __init__(self, model: ExactModel, direction: np.ndarray | None):
        d = model.d
        if direction is None:
            self.EQKE = model.EQKE
            self.prefix = [[max(row[: j + 1]) for j in range(d)] for row in self.EQKE]
            return
        if direction.shape != (model.h,) or not np.isfinite(direction).all() \
                or not direction.any():
            raise Rejected("trace.eqke_direction", "must be a finite non-zero vector")
        a = _exact(direction).transpose()  # (h, 1)
        norm2 = (a.transpose() * a)[0, 0]
        A, B = model.query, model.key_tokens
        Aa, Ba = A * a, B * a
        self.u = [Aa[i, 0] for i in range(d)]
        self.v = [Ba[i, 0] / norm2 for i in range(d)]
        a_row = a.transpose()
        A_perp = A - Aa * a_row / norm2
        B_perp = _lists(B - Ba * a_row / norm2)
        h = model.h
        spread = [max(B_perp[k][j] for k in range(d)) - min(B_perp[k][j] for k in range(d))
                  for j in range(h)]
        self.eps = [sum(abs(A_perp[q, j]) * spread[j] for j in range(h)) for q in range(d)]
        self.v_max = [max(self.v[: j + 1]) for j in range(d)]
        self.v_min = [min(self.v[: j + 1]) for j in range(d)]
        self.EQKE = None

    def __call__(self, q: int, m: int, g: int):
        if self.EQKE is not None:
            return self.EQKE[q][m] - self.prefix[q][m - g]
        u = self.u[q]
        other = self.v_max[m - g] if u >= 0 else self.v_min[m - g]
        return u * (self.v[m] - other) - self.eps[q]


def check_subcubic(model: ExactModel, trace: TraceReader, variant: str) -> Fraction:
    d, n = model.d, model.n
    exists = subcubic_cases(d, n)
    direction = trace.get("eqke_direction", (model.h,), "float64") if variant == "rank1" \
        else None
    gaps = trace.get("gap", (d, d, n), "int64", counts=0)
    proved = trace.get("proved", (d, d, n), "bits", counts=int(exists.sum()))
    q_, m_, c_ = np.meshgrid(np.arange(d), np.arange(d), np.arange(n), indexing="ij")
    allowed = np.where(q_ == m_, m_, m_ - q_)
    needs_gap = proved & (c_ >= 1)
    bad = (proved & ~exists) | (needs_gap & ((gaps < 1) | (gaps > allowed))) \
        | (~needs_gap & (gaps != 0))
    if bad.any():
        q, m, c = np.argwhere(bad)[0]
        raise Rejected(f"trace.gap[{q},{m},{c}]", "no such case, or a gap outside 1..m-q "
                       "(1..m when q = m)")
    delta = ScoreGapBound(model, direction)
    bounds = LogitBounds(model, delta, factored=variant == "rank1")
    for q, m, c in tqdm(np.argwhere(proved), desc="check subcubic", disable=None, leave=False):
        q, m, c = int(q), int(m), int(c)
        if not bounds.case_negative(q, m, c, int(gaps[q, m, c])):
            raise Rejected(f"trace.proved[{q},{m},{c}]", "the case's bound is not negative")
    count = 0
    for q, m, c in np.argwhere(proved):
        q, m, c = int(q), int(m), int(c)
        choices = m - int(gaps[q, m, c]) + 1
        count += 1 if c == 0 else (comb(n - 1, c) * choices**c if q == m
                                   else comb(n - 1, c - 1) * choices ** (c - 1))
    return Fraction(count, d**n)


class LogitBounds:
    """Steps 2 and 3 of subcubic.py, in exact rationals and arb balls."""

    def __init__(self, model: ExactModel, delta: ScoreGapBound, factored: bool):
        d, n = model.d, model.n
        self.model, self.delta, self.d, self.n = model, delta, d, n
        self.smallest = [[min(sum(s, flint.arb(0)).lower() for s in combinations(
            model.pi[q][: n - 1], r)) for r in range(n)] for q in range(d)]
        self.total = [sum(model.pi[q], flint.arb(0)) for q in range(d)]
        EV = model.EVOU
        row_max = [max(row) for row in EV]
        self.omega = [[None] * d for _ in range(d)]  # omega[m][j], j = m - g
        for m in range(d):
            running = None
            for k in range(m + 1):
                excess = row_max[k] - EV[k][m]
                running = excess if running is None else max(running, excess)
                self.omega[m][k] = running
        self.mu, self.gamma = self._eupu_split(factored)
        self.P_hat = [[max(model.PVOU[i][x] - model.PVOU[i][m] for i in range(n))
                       for x in range(d)] for m in range(d)]
        self.a = [self._reference(m) for m in range(d)]
        self.F1 = [self._F(m, 1) for m in range(d)]
        self.Fa = [self._F(m, self.a[m]) for m in range(d)]

    def _eupu_split(self, factored: bool):
        model, d = self.model, self.d
        if not factored:
            EU = model.EUPU
            mu = [sum(EU[q][x] for q in range(d)) / d for x in range(d)]
            nu = [[EU[q][x] - mu[x] for x in range(d)] for q in range(d)]
            return mu, [max(row) - min(row) for row in nu]
        X = _lists(model.residual_query)
        dm = len(X[0])
        x_mean = [sum(X[q][j] for q in range(d)) / d for j in range(dm)]
        mu_row = flint.fmpq_mat([x_mean]) * model.W_U + model.constant
        W_U = _lists(model.W_U)
        spread = [max(r) - min(r) for r in W_U]
        gamma = [sum(abs(X[q][j] - x_mean[j]) * spread[j] for j in range(dm)) for q in range(d)]
        return [mu_row[0, x] for x in range(d)], gamma

    def attention_lower(self, q: int, m: int, c: int, g: int):
        """A point below the attention on the max positions (step 2)."""
        n, pi = self.n, self.model.pi[q]
        S = self.smallest[q][n - 1 - c] + pi[n - 1].lower() if q == m \
            else self.smallest[q][n - c]
        S = S.lower()
        rho = self.model.score_exp(-self.delta(q, m, g))
        return (S / (S + rho * (self.total[q] - S))).lower()

    def _reference(self, m: int):
        if m == 0:
            return flint.arb(1)
        lows = [self.attention_lower(q, m, c, 1) for q in range(m + 1) for c in range(1, self.n)]
        low = lows[0]
        for x in lows[1:]:
            low = x if x < low else low
        return low

    def _F(self, m: int, A) -> flint.arb:
        EV = self.model.EVOU[m]
        values = [flint.arb(self.mu[x] - self.mu[m] + self.P_hat[m][x])
                  + A * flint.arb(EV[x] - EV[m]) for x in range(self.d) if x != m]
        return _ball_max(values)

    def case_negative(self, q: int, m: int, c: int, g: int) -> bool:
        if c == 0:
            return bool(self.gamma[m] + self.F1[m] < 0)
        A = self.attention_lower(q, m, c, g)
        a = self.a[m]
        if A < a:
            return False  # the chord needs a <= A
        lam = flint.arb(1) if a == 1 else (A - a) / (1 - a)
        chord = self.Fa[m] + lam * (self.F1[m] - self.Fa[m])
        at_low = chord + (1 - A) * flint.arb(self.omega[m][m - g])
        return bool(self.gamma[q] + self.F1[m] < 0 and self.gamma[q] + at_low < 0)


def _ball_max(values: list) -> flint.arb:
    """A ball containing the maximum of balls: from the largest lower end to the largest upper
    end."""
    lower = values[0].lower()
    upper = values[0].upper()
    for v in values[1:]:
        lo, hi = v.lower(), v.upper()
        lower = lo if lo > lower else lower
        upper = hi if hi > upper else upper
    return lower.union(upper)
