"""The max-of-n MLP's part of the independent checker (frame: pyexport.checker).

It shares no numeric code with the strategies: logits are computed in exact integer arithmetic
(python-flint `fmpz_mat`; every float32 weight is an integer times a power of two), exp and
log are enclosed with python-flint's `arb` ball arithmetic, and sums of trace values are exact
rationals. The partition sums sum_j exp(z_j) are bounded from above in binary64: upper ends of
arb exponentials, one BLAS product, and the a-priori error bound of any summation order
(`_upper_gram`). A trace value is accepted only if a sound test proves it:

    loss upper bound u of an input   <=>  log(sum_j exp(z_j)) - z_y <= u, tested as arb balls
    LSE upper bound l of a vector    <=>  log(sum_j exp(z_j)) <= l
    "input is correct"               <=>  z_y > z_j for all j != y, decided exactly
    competitor hints (top2, runner_up)    verified to be the claimed maxima, exactly

then the claim is recomputed from the verified values by the strategy's theorem (with the term
counts derived here in closed form).
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
from tqdm import tqdm

from pyexport.checker import Rejected, TraceReader, grid
from pyexport.dyadic import dyadic_matrix

ARB_PRECISION = 160  # bits; trace values carry 2^-40 slack, far above the ball radii
EXP_PRECISION = 64  # bits, for the d^2 exponentials rounded to binary64 bounds anyway


def check(strategy: str, quantity: str, config, weights: dict, trace, parameters: dict):
    """The bound re-derived from the weights and the trace (raises `Rejected`)."""
    flint.ctx.prec = ARB_PRECISION
    trace.grid = grid(parameters)
    return CHECKS[(strategy, quantity)](ExactModel(config, weights), trace)


class ExactModel:
    """Exact logit table W = U H E of the certificate's weights, as integers times 2^scale."""

    def __init__(self, config, weights: dict[str, np.ndarray]):
        self.d, self.n = config.d_vocab, config.n_ctx
        mats, scale = [], 0
        for key in ("unembedding.weight", "linear.weight", "embedding.weight"):
            ints, denominator_bits = dyadic_matrix(weights[key])
            mats.append(flint.fmpz_mat(ints))
            scale -= denominator_bits
        self.table = mats[0] * mats[1] * mats[2]  # fmpz_mat, d x d
        self.scale = scale
        self._W = self._float_w = None
        self._unit = flint.arb(2) ** scale  # exact: a power of two

    @property
    def W(self) -> np.ndarray:
        """The table as a d x d object array of exact integers (fmpz; built on first use)."""
        if self._W is None:
            self._W = np.array(self.table.entries(), dtype=object).reshape(self.d, -1)
        return self._W

    def value(self, integer: int) -> Fraction:
        return Fraction(int(integer)) * Fraction(2) ** self.scale

    def arb(self, integer) -> flint.arb:
        return flint.arb(int(integer)) * self._unit

    def logits(self, tokens) -> np.ndarray:
        """Exact integer logits (times 2^scale) of one input."""
        return sum(self.W[:, t] for t in tokens)

    def column_maxima(self) -> np.ndarray:
        """max_j W[j, t] per column t, exact (fmpz, units 2^scale)."""
        return self.W.max(axis=0)

    def shifted_exp_upper(self, factor: int = 1) -> np.ndarray:
        """Binary64 upper bounds of exp(factor (W[j, t] - max_j W[j, t])) (at most 1): each
        arb ball's exact upper end rounded to a double and moved one step up, and at least
        2^-300 so that products of three entries stay normal numbers (raising an upper bound
        keeps it one). The exps run at EXP_PRECISION: a wider ball only loosens the bound."""
        shifts = flint.fmpz_mat(1, self.d, self.column_maxima().tolist())
        ones = flint.fmpz_mat(self.d, 1, [1] * self.d)
        scaled = (flint.arb_mat(self.table - ones * shifts) * (factor * self._unit)).entries()
        precision, flint.ctx.prec = flint.ctx.prec, EXP_PRECISION
        try:
            upper = [float(x.exp().upper()) for x in scaled]
        finally:
            flint.ctx.prec = precision
        upper = np.array(upper).reshape(self.d, self.d)
        return np.maximum(np.nextafter(upper, np.inf), 2.0 ** -300)

    def float_w(self) -> np.ndarray:
        """W as float64 (each entry the nearest double to the exact value, x 2^-scale)."""
        if self._float_w is None:
            self._float_w = np.array([float(x) for x in self.W.ravel()]).reshape(self.W.shape)
        return self._float_w


# --- loss ---------------------------------------------------------------------------------


def _upper_gram(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Upper bounds of (A^T B)[s, t] = sum_j A[j, s] B[j, t] for non-negative binary64 A, B
    whose products are normal: any BLAS order of a sum of d products errs by at most
    gamma_d = d u / (1 - d u) of the exact sum (u = 2^-53), so the exact sum is at most
    fl / (1 - gamma_d) <= fl (1 + 2 gamma_d); the last product is moved one step up."""
    d = A.shape[0]
    gamma = d * 2.0**-53 / (1 - d * 2.0**-53)
    return np.nextafter((A.T @ B) * (1 + 2 * gamma), np.inf)


def _verify_case_uppers(model: ExactModel, cases: np.ndarray, upper: np.ndarray, grid) -> None:
    """Every upper[i] * grid must bound the loss of input cases[i] from above:
    LSE(z) - z_y = log(sum_j prod_k exp(W[j, t_k] - s_k)) + sum_k s_k - sum_k W[y, t_k] with
    s_t = max_j W[j, t]. The sum is bounded from above in binary64 (`_upper_gram`, from upper
    bounds of the shifted exponentials), then log, shifts, labels and the comparison are arb
    balls and exact integers."""
    B = model.shifted_exp_upper()
    grid_arb = flint.arb(flint.fmpq(grid.numerator, grid.denominator))
    n = cases.shape[1]
    shifts = model.column_maxima()
    offsets = sum(shifts[cases[:, k]] - model.W[cases.max(axis=1), cases[:, k]]
                  for k in range(n))  # sum_k s_k - z_y, exact (fmpz)
    groups = {None: np.arange(len(cases))} if n == 2 else {
        last: np.flatnonzero(cases[:, -1] == last) for last in np.unique(cases[:, -1]).tolist()}
    for last, indices in tqdm(groups.items(), desc="check losses", disable=None, leave=False):
        if n == 2:
            gram = _upper_gram(B, B)
        else:  # products of two upper bounds, rounded to nearest then moved one step up
            gram = _upper_gram(np.nextafter(B * B[:, [last]], np.inf), B)
        sums = gram[cases[indices, 0], cases[indices, 1]].tolist()
        for i, total, offset, u in zip(indices.tolist(), sums, offsets[indices].tolist(),
                                       upper[indices].tolist()):
            loss = flint.arb(total).log() + model.arb(offset)
            if not loss <= u * grid_arb:
                raise Rejected(f"trace.case_upper[{_fmt(cases[i])}]",
                               f"{float(u * grid):.12g} is not an upper bound of "
                               f"the loss (about {float(loss.mid()):.12g})")


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


def check_brute_force_loss(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    upper = trace.get("case_upper", (d,) * n, "int64").reshape(-1)
    cases = _all_cases(d, n)
    _verify_case_uppers(model, cases, upper, trace.grid)
    return Fraction(sum(int(u) for u in upper)) * trace.grid / d**n


def check_symmetry_loss(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    cases = _sorted_cases(d, n)
    upper = trace.get("case_upper", (len(cases),), "int64")
    _verify_case_uppers(model, cases, upper, trace.grid)
    total = sum(m * u for m, u in zip(_multiplicities(cases).tolist(), upper.tolist()))
    return Fraction(total) * trace.grid / d**n


def check_convexity_loss(model: ExactModel, trace: TraceReader) -> Fraction:
    d = model.d
    if model.n == 2:
        lse = trace.get("lse_upper", (d,), "int64")
        # LSE(z(t,t)) = log(sum_j exp(2 (W[j,t] - s_t))) + 2 s_t, the sum bounded in binary64
        totals = _upper_gram(model.shifted_exp_upper(factor=2), np.ones((d, 1)))[:, 0]
        shifts = model.column_maxima()
        grid_arb = flint.arb(flint.fmpq(trace.grid.numerator, trace.grid.denominator))
        for t in range(d):
            if not flint.arb(totals[t]).log() + model.arb(2 * shifts[t]) <= int(lse[t]) * grid_arb:
                raise Rejected(f"trace.lse_upper[{t}]", "not an upper bound of LSE(z(t,t))")
        # Each LSE(z(s,s)) appears d times: (1 + s) times with label s, once per label y > s.
        # The label terms: z(s,s)_s (1 + s) times, z(s,s)_y once for y > s; z(s,s)_y = 2 W[y,s].
        W = model.W
        labels = 2 * (np.diagonal(W) * np.arange(1, d + 1)).sum() + 2 * np.tril(W, -1).sum()
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


def _correct_inputs(model: ExactModel, cases: np.ndarray) -> np.ndarray:
    """Exact verdict per input: z_y > z_j for all j != y.

    A float filter decides inputs whose margin is far from 0 (W is rounded to doubles with
    relative error 2^-53; n additions and one subtraction add at most (n + 1) ulps of the
    largest magnitude involved); the rest are decided in exact integers.
    """
    Wf = model.float_w()
    col_max = np.abs(Wf).max(axis=0)
    n = cases.shape[1]
    verdict = np.zeros(len(cases), dtype=bool)
    step = max(1, (1 << 21) // model.d)
    for start in tqdm(range(0, len(cases), step), desc="check verdicts", disable=None,
                      leave=False):
        part = cases[start : start + step]
        z = sum(Wf[:, part[:, k]] for k in range(n))
        cols = np.arange(len(part))
        y = part.max(axis=1)
        margin = z[y, cols][None, :] - z
        margin[y, cols] = np.inf
        slack = 4 * (n + 2) * 2.0**-52 * sum(col_max[part[:, k]] for k in range(n))
        worst = margin.min(axis=0)
        verdict[start : start + step] = worst > slack
        for i in np.flatnonzero(np.abs(worst) <= slack):
            case = part[i].tolist()
            exact = model.logits(case)
            yy = max(case)
            verdict[start + i] = all(exact[yy] > exact[j] for j in range(model.d) if j != yy)
    return verdict


def _check_correct_claims(model: ExactModel, cases: np.ndarray, claimed: np.ndarray) -> None:
    verdict = _correct_inputs(model, cases)
    wrong = np.flatnonzero(claimed & ~verdict)
    if len(wrong):
        case = cases[wrong[0]].tolist()
        raise Rejected(f"trace.correct[{_fmt(case)}]", "the input is not classified correctly")


def check_brute_force_accuracy(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    claimed = trace.get("correct", (d,) * n, "bits").reshape(-1)
    _check_correct_claims(model, _all_cases(d, n), claimed)
    return Fraction(int(claimed.sum()), d**n)


def check_symmetry_accuracy(model: ExactModel, trace: TraceReader) -> Fraction:
    d, n = model.d, model.n
    cases = _sorted_cases(d, n)
    claimed = trace.get("correct", (len(cases),), "bits")
    _check_correct_claims(model, cases, claimed)
    return Fraction(int(_multiplicities(cases[claimed]).sum()), d**n)


def check_convexity_accuracy(model: ExactModel, trace: TraceReader) -> Fraction:
    d = model.d
    if model.n == 2:
        top2 = trace.get("top2", (d, 2), "int64", counts=d)
        first, second, cols = top2[:, 0], top2[:, 1], np.arange(d)
        bad = (first < 0) | (first >= d) | (second < 0) | (second >= d) | (first == second)
        if bad.any():
            raise Rejected(f"trace.top2[{np.flatnonzero(bad)[0]}]", "indices out of range or equal")
        W = model.W  # column s holds the logits of input (s, s), halved
        top, runner = W[first, cols], W[second, cols]
        others = W.copy()
        others[first, cols] = W.min() - 1  # every column without its claimed argmax
        bad = (top < runner) | (runner < others.max(axis=0))
        if bad.any():
            raise Rejected(f"trace.top2[{np.flatnonzero(bad)[0]}]",
                           "not the two largest logits of z(s,s)")
        margin = 2 * (W.T - top[:, None])  # margin[s, y] of input (s, s) with label y
        margin[cols, first] = 2 * (top - runner)
        diagonal = np.diagonal(margin)
        count = int((diagonal > 0).sum())
        count += 2 * int(np.triu((margin + diagonal[None, :]) > 0, 1).sum())
        return Fraction(count, d * d)
    pairs = _sorted_cases(d, 2)
    runner_up = trace.get("runner_up", (len(pairs),), "int64")
    margin = {}
    for (t, c), j in zip(pairs.tolist(), runner_up.tolist()):
        z = 2 * model.W[:, t] + model.W[:, c]
        if not 0 <= j < d or j == c or any(np.delete(z, [c]) > z[j]):
            raise Rejected(f"trace.runner_up[{t},{c}]", "not the strongest competitor of c")
        margin[t, c] = z[c] - z[j]
    count = 0
    for c in range(d):  # sorted inputs (a, b, c), a <= b <= c, with margin sum > 0
        m = np.array([margin[a, c] for a in range(c + 1)], dtype=object)
        a, b = np.triu_indices(c + 1)
        good = m[a] + m[b] > 0
        count += int(_multiplicities(np.stack([a, b, np.full_like(a, c)], axis=1)[good]).sum())
    return Fraction(count, d**3)


CHECKS = {
    ("brute-force", "expected_loss"): check_brute_force_loss,
    ("symmetry", "expected_loss"): check_symmetry_loss,
    ("convexity", "expected_loss"): check_convexity_loss,
    ("brute-force", "accuracy"): check_brute_force_accuracy,
    ("symmetry", "accuracy"): check_symmetry_accuracy,
    ("convexity", "accuracy"): check_convexity_accuracy,
}
