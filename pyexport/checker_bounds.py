"""Binary64 upper bounds for the independent checker: matrix products, logit tables, exp.

The checker shares no numeric code with the strategies (they use `pyexport.interval`); this is
its own small set of vectorised bounds, each resting on one of three facts:

1. IEEE-754 binary64 with round-to-nearest errs by at most half an ulp per operation, also in
   the subnormal range, so one `nextafter` step up from a rounded result bounds the exact
   result from above (`up`), one step down from below (`down`); inf stays a valid upper bound.
2. Any dot product of k terms, in any summation order, with or without FMA, errs by at most
   gamma_k sum |a_i b_i| + k 2^-1021 (Higham, Accuracy and Stability of Numerical Algorithms,
   2nd ed., section 3.1 and eq. (3.5); the absolute term covers underflow), where
   gamma_k = k u / (1 - k u), u = 2^-53. BLAS computes each entry of a product as one.
3. Horner's rule on a polynomial with non-negative coefficients at a non-negative point errs
   by at most gamma_2n times its value (Higham, eq. (5.3)), n the degree.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np

UNIT_ROUNDOFF = 2.0**-53
UNDERFLOW = 2.0**-1021  # per product of a dot product, fact 2


def up(x):
    return np.nextafter(x, np.inf)


def down(x):
    return np.nextafter(x, -np.inf)


def gamma(k: int) -> float:
    """A binary64 number >= gamma_k = k u / (1 - k u)."""
    return float(up(k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF)))


def upper_nonneg_product(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Upper bounds of the exact A @ B for non-negative A, B (fact 2): the exact entry is at
    most (fl + k 2^-1021) / (1 - gamma_k) <= (fl + k 2^-1021) (1 + 2 gamma_k)."""
    k = A.shape[1]
    return up(up((A @ B) + k * UNDERFLOW) * (1 + 2 * gamma(k)))


def product_enclosure(U: np.ndarray, H: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """W = fl(fl(U H) E) and err >= |W - U H E| elementwise, for binary64 matrices holding the
    exact weights. With P = fl(U H): |P - U H| <= gamma_m |U||H| + m 2^-1021 and
    |fl(P E) - P E| <= gamma_m |P||E| + m 2^-1021 (fact 2, m = inner dimension), so
    |W - U H E| <= gamma_m (|P||E| + |U||H||E|) + m 2^-1021 (1 + sum_k |E[k, t]|)."""
    m = H.shape[0]  # the inner dimension of both products: H is d_model x d_model
    P = U @ H
    W = P @ E
    absE = np.abs(E)
    propagated = upper_nonneg_product(upper_nonneg_product(np.abs(U), np.abs(H)), absE)
    rounded = upper_nonneg_product(np.abs(P), absE)
    tiny = up(m * UNDERFLOW * up(1 + up(absE.sum(axis=0).max(initial=0) * (1 + 2 * gamma(m)))))
    return W, up(up(gamma(m) * up(propagated + rounded)) + tiny)


# --- exp ----------------------------------------------------------------------------------
# exp x = 2^n exp(r), r = x - n ln 2, n = floor(x / ln 2); r is bounded from above in binary64
# with ln 2 = LN2_HI + delta, LN2_HI of 32 bits (so n LN2_HI is exact for |n| < 2^21) and delta
# enclosed; exp(h) for h = r clamped to [2^-60, 3/4] is bounded by its Taylor polynomial of
# degree EXP_DEGREE (Horner, fact 3) plus the Lagrange remainder h^(N+1) e^h / (N+1)!.

EXP_DEGREE = 17
EXP_ARG_MIN, EXP_ARG_MAX = -700.0, 710.0  # exp(-700) > 2^-1010 is normal; exp(710) overflows
H_MIN, H_MAX = 2.0**-60, 0.75


def _float_up(q: Fraction) -> float:
    """The least binary64 number >= q (float(q) is correctly rounded)."""
    f = float(q)
    return f if Fraction(f) >= q else float(up(f))


def _exp_constants():
    precision, flint.ctx.prec = flint.ctx.prec, 256
    try:
        ln2 = flint.arb(2).log()
        ln2_hi = math.floor(Fraction(float(ln2.mid())) * 2**32) / 2**32
        delta = ln2 - flint.arb(flint.fmpq(*Fraction(ln2_hi).as_integer_ratio()))
        delta_lo, delta_hi = float(down(float(delta.lower()))), float(up(float(delta.upper())))
        coefficients = np.array([_float_up(Fraction(1, math.factorial(i)))
                                 for i in range(EXP_DEGREE + 1)])
        n = EXP_DEGREE + 1
        remainder = (flint.arb(H_MAX) ** n * flint.arb(H_MAX).exp()
                     / flint.arb(math.factorial(n)))
        return (ln2_hi, delta_lo, delta_hi, float((1 / ln2).mid()), coefficients,
                float(up(float(remainder.upper()))))
    finally:
        flint.ctx.prec = precision


LN2_HI, LN2_DELTA_LO, LN2_DELTA_HI, INV_LN2, EXP_COEFFICIENTS, EXP_REMAINDER = _exp_constants()


def _reduced_upper(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Upper bounds of r = x - n ln 2 = x - n LN2_HI - n delta: n LN2_HI is exact, and
    -n delta <= max(-n delta_lo, -n delta_hi)."""
    return up(up(x - n * LN2_HI) + up(np.maximum(-n * LN2_DELTA_LO, -n * LN2_DELTA_HI)))


def exp_upper(x: np.ndarray) -> np.ndarray:
    """Upper bounds of exp(x) elementwise (relative excess below 2^-45; inf above 709.7).

    Raising the argument keeps an upper bound, so x is first clamped up to EXP_ARG_MIN (the
    result stays normal and 2^n scales it exactly) and r up to H_MIN (no underflow in Horner).
    """
    x = np.clip(np.asarray(x, dtype=np.float64), EXP_ARG_MIN, EXP_ARG_MAX)
    n = np.floor(x * INV_LN2)  # any integer n is sound; this one makes r >= 0 but for a few ulps
    r = _reduced_upper(x, n)
    n = np.where(r < 0, n - 1, n)  # r < 0 would be clamped up to H_MIN: a loose bound
    r = _reduced_upper(x, n)
    h = np.maximum(r, H_MIN)
    if not (h <= H_MAX).all():  # cannot happen: r < ln 2 + 2^-20
        raise ArithmeticError("exp_upper: argument reduction left [0, 3/4]")
    p = np.full_like(h, EXP_COEFFICIENTS[-1])
    for c in EXP_COEFFICIENTS[-2::-1]:
        p = p * h + c
    p = up(up(p * (1 + 2 * gamma(2 * EXP_DEGREE))) + EXP_REMAINDER)
    with np.errstate(over="ignore"):
        return np.ldexp(p, n.astype(np.int64))
