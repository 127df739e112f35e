"""Exact sums of outward-rounded values: integers over 2^GRID_BITS.

Strategies round per-input bounds outward to the grid 2^-GRID_BITS (exact: scaling by a power of
two is exact) and sum the integers exactly, so the claimed bound is an exact rational.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from pyexport import flops
from pyexport.interval import EnclosureOverflow

GRID_BITS = 40  # trace values are integers over 2^GRID_BITS, rounded outward


def grid_upper(x: np.ndarray) -> np.ndarray:
    """Integers k with k / 2^GRID_BITS >= x (exact: scaling by 2^GRID_BITS is exact).

    |k| < 2^53, so k / 2^GRID_BITS is also exactly a binary64 number.
    """
    scaled = np.ldexp(x, GRID_BITS)
    if not np.isfinite(scaled).all() or np.abs(scaled).max(initial=0) >= 2.0**53:
        raise EnclosureOverflow("a trace value exceeds 2^13 and does not fit the 2^-40 grid")
    flops.add(x.size)
    return np.ceil(scaled).astype(np.int64)


KERNEL_SLACK_BITS = 32  # loss bounds and counted margins clear the prover's enclosure by 2^-32
KERNEL_SLACK = 2.0**-KERNEL_SLACK_BITS


def kernel_upper(x: np.ndarray) -> np.ndarray:
    """`grid_upper` of x + 2^-KERNEL_SLACK_BITS: a loss bound a binary64 kernel can confirm.

    Coq checks log-sum-exp bounds as sum_j exp(z_j - L) <= 1 in outward-rounded binary64
    (coq/theories/MaxOfN/FastExp.v), which needs L to clear LSE(z) by more than its rounding error
    (relative 1e-12). The slack costs the claimed bound at most 2^-32 per input.
    """
    return grid_upper(x + KERNEL_SLACK)


def grid_lower(x: np.ndarray) -> np.ndarray:
    """Integers k with k / 2^GRID_BITS <= x."""
    return -grid_upper(-x)


LIMB_BITS = 21  # 21-bit limbs times weights below 2^21, summed 2^20 at a time, fit in int64


def exact_sum(numerators: np.ndarray, weights: np.ndarray | None = None) -> int:
    """The exact integer sum of int64 numerators, optionally weighted by int64 weights.

    Values are split into 21-bit limbs so that every partial sum fits in int64.
    """
    values = numerators.astype(np.int64).ravel()
    w = np.ones(1, dtype=np.int64) if weights is None else weights.astype(np.int64).ravel()
    flops.add((1 if weights is None else 2) * values.size)
    if np.abs(w).max(initial=0) >= 1 << LIMB_BITS:
        return int(np.dot(values.astype(object), np.broadcast_to(w, values.shape).astype(object)))
    total = 0
    for start in range(0, len(values), 1 << 20):
        part = values[start : start + (1 << 20)]
        wpart = w if weights is None else w[start : start + (1 << 20)]
        for shift in (0, LIMB_BITS, 2 * LIMB_BITS):
            top = shift == 2 * LIMB_BITS  # the signed high limb
            limb = part >> shift if top else (part >> shift) & ((1 << LIMB_BITS) - 1)
            total += int((limb * wpart).sum()) << shift
    return total


def grid_fraction(total_numerator: int, count: int) -> Fraction:
    """total / (2^GRID_BITS * count) as an exact fraction."""
    return Fraction(total_numerator, count << GRID_BITS)


