"""Sound enclosures of the max-of-n model's logits, per-input losses and margins.

The exact model is z(t1..tn) = sum_k W[:, t_k] with W = U H E (d_vocab x d_vocab), evaluated in
real arithmetic on the exact dyadic weights. Everything here is an `Interval` (pyexport.interval)
that encloses the exact value. The loss of an input factorises through exp:

    sum_j exp(z_j) = exp(sum_k c_{t_k}) * sum_j prod_k A[j, t_k],   A[j, t] = exp(W[j, t] - c_t),

for any column shifts c_t (we use the column maxima, so A <= 1 and nothing overflows). For two
tokens the sum over j is the Gram matrix A^T A: one BLAS product encloses all d^2 partition
functions with d^2 exponentials instead of d^3.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from tqdm import tqdm

from pyexport import flops
from pyexport import interval as iv
from pyexport.families.max_of_n_mlp.model import Model
from pyexport.grid import (  # noqa: F401
    GRID_BITS, KERNEL_SLACK, KERNEL_SLACK_BITS, exact_sum, grid_fraction, grid_lower, grid_upper,
    kernel_upper)
from pyexport.interval import Interval

CHUNK = 1 << 22  # elements per block of work, to bound memory
PROGRESS = {"disable": None, "leave": False}  # progress bars on terminals only


def logit_table(model: Model) -> Interval:
    """Enclosure of W = U H E: W[j, t] is logit j of the one-hot input of token t."""
    U, H, E = (np.asarray(a, dtype=np.float64) for a in (model.U, model.H, model.E))
    return iv.matmul_interval_left(iv.matmul_exact_inputs(U, H), E)


def shifted_exp_table(W: Interval) -> tuple[np.ndarray, Interval]:
    """Column shifts c (exact floats) and the enclosure of A[j, t] = exp(W[j, t] - c_t)."""
    shift = W.hi.max(axis=0)
    return shift, iv.exp(W - shift[None, :])


def case_losses(W: Interval, cases: np.ndarray) -> Interval:
    """Enclosure of the loss LSE(z) - z_y of each input (rows of `cases`), y = max of the row."""
    n = cases.shape[1]
    shift, A = shifted_exp_table(W)
    partition = _partition_functions(A, cases)
    labels = cases.max(axis=1)
    label_logit = Interval.point(np.zeros(len(cases)))
    total_shift = Interval.point(np.zeros(len(cases)))
    for k in range(n):
        label_logit = label_logit + W[labels, cases[:, k]]
        total_shift = total_shift + Interval.point(shift[cases[:, k]])
    return iv.log(partition) + total_shift - label_logit


def _partition_functions(A: Interval, cases: np.ndarray) -> Interval:
    """Enclosure of sum_j prod_k A[j, t_k] for each input, by BLAS products over blocks.

    Two tokens: blocks of the Gram matrix A^T A, computed only where an input needs them (the
    symmetric strategy needs the upper triangle, half the work). Three tokens: for each last
    token c, (A * A[:, c])^T A, restricted to the columns the inputs use.
    """
    n = cases.shape[1]
    lo = np.empty(len(cases))
    hi = np.empty(len(cases))
    if n == 2:
        block = 256
        bi, bj = cases[:, 0] // block, cases[:, 1] // block
        for key in tqdm(np.unique(bi * (1 << 20) + bj), desc="partition blocks", **PROGRESS):
            rows = np.flatnonzero((bi == key >> 20) & (bj == key & ((1 << 20) - 1)))
            r0, c0 = (key >> 20) * block, (key & ((1 << 20) - 1)) * block
            left, right = A[:, r0 : r0 + block], A[:, c0 : c0 + block]
            gram = iv.nonneg_matmul(left.T, right)
            lo[rows] = gram.lo[cases[rows, 0] - r0, cases[rows, 1] - c0]
            hi[rows] = gram.hi[cases[rows, 0] - r0, cases[rows, 1] - c0]
        return Interval(lo, hi)
    if n == 3:
        last = cases[:, 2]
        for c in tqdm(np.unique(last), desc="partition by last token", **PROGRESS):
            rows = np.flatnonzero(last == c)
            width = int(max(cases[rows, 0].max(), cases[rows, 1].max())) + 1
            weighted = A[:, :width].mul_nonneg(A[:, c : c + 1])
            gram = iv.nonneg_matmul(weighted.T, A[:, :width])
            lo[rows] = gram.lo[cases[rows, 0], cases[rows, 1]]
            hi[rows] = gram.hi[cases[rows, 0], cases[rows, 1]]
        return Interval(lo, hi)
    raise ValueError(f"n_ctx {n} is not supported")


def diagonal_lse(W: Interval, scale_log2: int) -> Interval:
    """Enclosure of LSE(2^scale_log2 * W[:, t]) for every token t (the diagonal inputs' LSE)."""
    scaled = W.scale(scale_log2)
    shift = scaled.hi.max(axis=0)
    sums = iv.nonneg_sum(iv.exp(scaled - shift[None, :]), axis=0)
    return iv.log(sums) + Interval.point(shift)


def certify_correct(model: Model, W: Interval, cases: np.ndarray,
                    clearance: float = 0.0) -> np.ndarray:
    """Boolean per input: True iff z_y - z_j > clearance for all j != y, decided exactly.

    The interval enclosure decides almost every input; the few it cannot (near-ties) are decided
    by exact integer arithmetic on the dyadic weights (`ExactLogits`). For speed the sums of
    endpoints are rounded to nearest and only their maxima are moved outward: `up` of a rounded
    sum bounds the exact sum, and `up` commutes with `max` (both are monotone). The provers
    pass clearance KERNEL_SLACK (2^-32): a binary64 kernel confirms every input so marked.
    """
    d, n = W.shape[0], cases.shape[1]
    verdict = np.zeros(len(cases), dtype=bool)
    undecided: list[int] = []
    step = max(1, CHUNK // d)
    for start in tqdm(range(0, len(cases), step), desc="margins", **PROGRESS):
        part = cases[start : start + step]
        cols, labels = np.arange(len(part)), part.max(axis=1)
        label = Interval.point(np.zeros(len(part)))
        for k in range(n):
            label = label + W[labels, part[:, k]]
        rivals_hi = _endpoint_sums(W.hi, part, iv.up)
        rivals_hi[labels, cols] = -np.inf
        # z_y - z_j > clearance for every j != y
        sure = label.lo > iv.up(iv.up(rivals_hi.max(axis=0)) + clearance)
        unsure = np.flatnonzero(~sure)
        rivals_lo = _endpoint_sums(W.lo, part[unsure], iv.down)
        rivals_lo[labels[unsure], np.arange(len(unsure))] = -np.inf
        refuted = iv.down(rivals_lo.max(axis=0, initial=-np.inf)) >= label.hi[unsure]
        flops.add(2 * n * W.lo.shape[0] * (len(part) + len(unsure)))
        verdict[start : start + step] = sure
        undecided.extend((start + unsure[~refuted]).tolist())
    if undecided:
        table = ExactLogits(model)
        for i in undecided:
            z = table.logits(cases[i])
            y = int(cases[i].max())
            verdict[i] = all(z[y] - z[j] > Fraction(clearance) for j in range(d) if j != y)
    return verdict


def _endpoint_sums(endpoint: np.ndarray, cases: np.ndarray, outward) -> np.ndarray:
    """sum_k endpoint[:, t_k] per input (columns).

    Every addition but the last is moved `outward`; the last is rounded to nearest, and the
    caller moves the maximum outward instead (one `nextafter` per input, not per entry).
    """
    total = endpoint[:, cases[:, 0]]
    for k in range(1, cases.shape[1]):
        if k > 1:
            total = outward(total)
        total += endpoint[:, cases[:, k]]
    return total


class ExactLogits:
    """Exact logits on demand, in integer arithmetic on the dyadic weights (for near-ties)."""

    def __init__(self, model: Model):
        self.U, self.eu = _to_scaled_ints(model.U)
        self.H, self.eh = _to_scaled_ints(model.H)
        self.E, self.ee = _to_scaled_ints(model.E)
        self.d = model.config.d_vocab

    def logits(self, tokens) -> list[Fraction]:
        v = [sum(self.E[i][t] for t in tokens) for i in range(len(self.E))]
        hv = [sum(h * x for h, x in zip(row, v)) for row in self.H]
        scale = Fraction(2) ** (self.eu + self.eh + self.ee)
        return [sum(u * x for u, x in zip(row, hv)) * scale for row in self.U]


def _to_scaled_ints(a: np.ndarray) -> tuple[list[list[int]], int]:
    """Integers M and exponent e with a == M * 2^e exactly (a: float32 matrix)."""
    mant, expo = np.frexp(a.astype(np.float64))
    ints = (mant * 2.0**24).astype(np.int64)
    expo = expo.astype(np.int64) - 24
    base = int(expo[ints != 0].min()) if (ints != 0).any() else 0
    return [[int(m) << int(e - base) if m else 0 for m, e in zip(r1, r2)]
            for r1, r2 in zip(ints, expo)], base

