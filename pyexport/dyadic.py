"""Exact dyadic form of float matrices: integers M and K >= 0 with a == M / 2^K.

Every float32 (and float64) weight is a dyadic rational; Python's `float.as_integer_ratio`
gives it exactly, with a power-of-two denominator. Used by the checker (exact logits) and by
the Lean renderer (integer weights for the kernel); the strategies keep their own conversion.
"""

from __future__ import annotations

import numpy as np


def dyadic_matrix(a: np.ndarray) -> tuple[list[list[int]], int]:
    """Integers M (as nested lists) and K >= 0 with a == M / 2^K exactly."""
    ratios = [[float(x).as_integer_ratio() for x in row] for row in np.asarray(a).tolist()]
    assert all(q & (q - 1) == 0 for row in ratios for _, q in row), "not a dyadic rational"
    K = max((q.bit_length() - 1 for row in ratios for _, q in row), default=0)
    ints = [[p << (K - (q.bit_length() - 1)) for p, q in row] for row in ratios]
    return ints, K
