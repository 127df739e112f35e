"""Python mirror of lean/PyExport/ExpBound.lean: fixed-point `Nat` enclosures of exp.

The functions compute exactly what the Lean definitions of the same names compute (`//` is
`Nat.div`), so the renderers can choose exp-enclosure parameters for which the Lean checker
will succeed. They are not part of the trusted base: the Lean kernel recomputes everything.
"""

from __future__ import annotations

import numpy as np


def taylor_terms(prec: int) -> int:
    """Terms n with (1/8)^n / n! < 2^-(prec + 8): the truncation at reduced arguments <= 1/8."""
    n, log2_fact = 1, 0.0
    while 3 * n + log2_fact < prec + 8:
        n += 1
        log2_fact += np.log2(n)
    return n


def _horner(P: int, K: int, m: int, i: int, R: int, up: bool) -> int:
    while i > 0:
        R = (1 << P) + (m * R) // (i << K) + (1 if up else 0)
        i -= 1
    return R


def exp_lo_nat(P: int, n: int, m: int, s: int, k: int) -> int:
    if s == 0:
        return _horner(P, k, m, n, 0, up=False)
    L = exp_lo_nat(P, n, m, s - 1, k + 1)
    return (L * L) >> P


def exp_hi_nat(P: int, n: int, m: int, s: int, k: int) -> int:
    if s == 0:
        tail = ((n + 1) << P) // n + 1 if n > 0 else 1
        return _horner(P, k, m, n, tail, up=True)
    U = exp_hi_nat(P, n, m, s - 1, k + 1)
    return ((U * U) >> P) + 1


def exp_up_neg(P: int, n: int, s: int, b: int, k: int) -> int:
    return (1 << (2 * P)) // max(exp_lo_nat(P, n, b, s, k), 1 << P) + 1


def exp_lo_int(P: int, n: int, s: int, a: int, k: int) -> int:
    if a >= 0:
        return exp_lo_nat(P, n, a, s, k)
    if -a <= 1 << (k + s):
        U = exp_hi_nat(P, n, -a, s, k)
        return (1 << (2 * P)) // U if U > 0 else 0
    return 0
