"""Sound float64 interval arrays, with proved a-priori error bounds.

Every operation here returns arrays `lo`, `hi` with lo <= x <= hi for the exact real result x,
given that the inputs enclose their exact values. Three facts carry the soundness:

1. IEEE-754 binary64 with round-to-nearest: one operation errs by at most half an ulp, so one
   `nextafter` step outward from the rounded result encloses the exact one (also for subnormals).
2. A dot product of k terms, in any order, with or without FMA (Higham, *Accuracy and Stability
   of Numerical Algorithms*, 2nd ed., eq. (3.5) and section 3.1): |fl(a.b) - a.b| <= gamma_k |a|.|b|
   + k * 2^-1021, where gamma_k = k u / (1 - k u), u = 2^-53; the absolute term covers underflow,
   even with flush-to-zero. BLAS (dgemm/dsyrk) computes each entry as such a dot product.
3. `_exp_core` and `_log_core` below: range reduction plus a Taylor/atanh polynomial, each with
   an error analysis in its docstring; the enclosures widen their results by more than the bound.

Inputs to `exp` must be <= 709 (larger values raise `EnclosureOverflow`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pyexport import flops

UNIT_ROUNDOFF = 2.0**-53
UNDERFLOW_SLACK = 2.0**-1021  # bound on the absolute error one product can lose to underflow
# ln 2 split as in fdlibm: LN2_HI has 32 significant bits, so k * LN2_HI is exact for |k| < 2^21.
LN2_HI = float.fromhex("0x1.62e42feep-1")
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")
INV_LN2 = 1.4426950408889634
EXP_REL_ERR = 2.0**-45  # proved bound is 56 u < 2^-47 (see _exp_core); 4x margin
LOG_ERR_SCALE = 2.0**-45  # proved bound is 11 u (1 + |log y|) < 2^-49 (see _log_core)
EXP_TAYLOR_COEFFS = [1.0 / math.factorial(i) for i in range(14)]


class EnclosureOverflow(ArithmeticError):
    """An enclosure would overflow binary64 (exp of an argument above 709)."""


def gamma(k: int) -> float:
    """An upper bound, as a float, on gamma_k = k u / (1 - k u)."""
    return float(np.nextafter(k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF), np.inf))


def down(x):
    return np.nextafter(x, -np.inf)


def up(x):
    return np.nextafter(x, np.inf)


@dataclass
class Interval:
    """Elementwise enclosure lo <= x <= hi of an array of exact reals."""

    lo: np.ndarray
    hi: np.ndarray

    @staticmethod
    def point(x) -> "Interval":
        """An exactly known array (for example float32 weights widened to float64)."""
        x = np.asarray(x, dtype=np.float64)
        return Interval(x, x)

    @staticmethod
    def ball(mid: np.ndarray, rad: np.ndarray) -> "Interval":
        flops.add(2 * mid.size)
        return Interval(down(mid - rad), up(mid + rad))

    @property
    def shape(self):
        return self.lo.shape

    def __getitem__(self, index) -> "Interval":
        return Interval(self.lo[index], self.hi[index])

    def __add__(self, other: "Interval") -> "Interval":
        other = _as_interval(other)
        out = Interval(down(self.lo + other.lo), up(self.hi + other.hi))
        flops.add(2 * out.lo.size)
        return out

    def __sub__(self, other: "Interval") -> "Interval":
        other = _as_interval(other)
        out = Interval(down(self.lo - other.hi), up(self.hi - other.lo))
        flops.add(2 * out.lo.size)
        return out

    def __neg__(self) -> "Interval":
        return Interval(-self.hi, -self.lo)

    def __mul__(self, other) -> "Interval":
        """Elementwise product, any signs (broadcasting): the extremes of the four endpoint
        products, each rounded outward."""
        other = _as_interval(other)
        return _outward_hull([self.lo * other.lo, self.lo * other.hi, self.hi * other.lo,
                              self.hi * other.hi])

    def div_positive(self, other: "Interval") -> "Interval":
        """Elementwise quotient by an array whose enclosure is strictly positive."""
        other = _as_interval(other)
        if not (other.lo > 0).all():
            raise EnclosureOverflow("division by an enclosure that is not strictly positive")
        return _outward_hull([self.lo / other.lo, self.lo / other.hi, self.hi / other.lo,
                              self.hi / other.hi])

    @property
    def mid(self) -> np.ndarray:
        """A float64 array inside the enclosure (not rounded: any value inside will do)."""
        return np.minimum(np.maximum((self.lo + self.hi) / 2, self.lo), self.hi)

    @property
    def rad(self) -> np.ndarray:
        """An array >= the distance from `mid` to either endpoint."""
        mid = self.mid
        return up(np.maximum(up(self.hi - mid), up(mid - self.lo)))

    @property
    def magnitude(self) -> np.ndarray:
        """An array >= |x| elementwise."""
        return np.maximum(np.abs(self.lo), np.abs(self.hi))

    def mean(self, axis: int) -> "Interval":
        """Enclosure of the mean along `axis` (any signs): each endpoint's sum errs by at most
        gamma_k times the sum of magnitudes plus the underflow term (fact 2), then an outward
        division by k."""
        k = self.lo.shape[axis]
        g = gamma(k)
        slack_lo = up(up(g * np.abs(self.lo).sum(axis=axis)) + k * UNDERFLOW_SLACK)
        slack_hi = up(up(g * np.abs(self.hi).sum(axis=axis)) + k * UNDERFLOW_SLACK)
        lo = down(down(self.lo.sum(axis=axis) - slack_lo) / k)
        hi = up(up(self.hi.sum(axis=axis) + slack_hi) / k)
        flops.add(4 * self.lo.size)
        return Interval(lo, hi)

    def mul_nonneg(self, other: "Interval") -> "Interval":
        """Product of two arrays whose enclosures are nonnegative (broadcasting)."""
        out = Interval(np.maximum(down(self.lo * other.lo), 0.0), up(self.hi * other.hi))
        flops.add(2 * out.lo.size)
        return out

    @property
    def T(self) -> "Interval":
        return Interval(self.lo.T, self.hi.T)

    def scale(self, power_of_two: int) -> "Interval":
        """Multiply by 2**power_of_two: exact for normal numbers (no rounding, no flops)."""
        return Interval(np.ldexp(self.lo, power_of_two), np.ldexp(self.hi, power_of_two))


def _outward_hull(candidates: list[np.ndarray]) -> Interval:
    """The smallest and largest of correctly rounded endpoint results, one step outward: the
    exact extremes of a product or quotient of intervals are among the endpoint ones."""
    lo = down(np.minimum(np.minimum(candidates[0], candidates[1]),
                         np.minimum(candidates[2], candidates[3])))
    hi = up(np.maximum(np.maximum(candidates[0], candidates[1]),
                       np.maximum(candidates[2], candidates[3])))
    flops.add(8 * lo.size)
    return Interval(lo, hi)


def _as_interval(x) -> Interval:
    return x if isinstance(x, Interval) else Interval.point(x)


def upper_nonneg_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An array >= the exact product a @ b of nonnegative float64 matrices (fact 2)."""
    k = a.shape[-1]
    flops.add(flops.matmul_cost(a.shape[0], k, b.shape[-1]) + 2 * a.shape[0] * b.shape[-1])
    return up(up((a @ b) * (1 + 2 * gamma(k))) + k * UNDERFLOW_SLACK)


def lower_nonneg_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An array <= the exact product a @ b of nonnegative float64 matrices (fact 2)."""
    k = a.shape[-1]
    flops.add(flops.matmul_cost(a.shape[0], k, b.shape[-1]) + 2 * a.shape[0] * b.shape[-1])
    return np.maximum(down(down((a @ b) * (1 - 2 * gamma(k))) - k * UNDERFLOW_SLACK), 0.0)


def nonneg_matmul(a: Interval, b: Interval) -> Interval:
    """Enclosure of a @ b for matrices whose enclosures are nonnegative (monotone in each entry)."""
    return Interval(lower_nonneg_matmul(a.lo, b.lo), upper_nonneg_matmul(a.hi, b.hi))


def nonneg_sum(a: Interval, axis: int) -> Interval:
    """Enclosure of the sum along `axis` of an array whose enclosure is nonnegative."""
    k = a.lo.shape[axis]
    flops.add(2 * a.lo.size)
    g = 2 * gamma(k)
    lo = np.maximum(down(down(a.lo.sum(axis=axis) * (1 - g)) - k * UNDERFLOW_SLACK), 0.0)
    hi = up(up(a.hi.sum(axis=axis) * (1 + g)) + k * UNDERFLOW_SLACK)
    return Interval(lo, hi)


def matmul_exact_inputs(a: np.ndarray, b: np.ndarray) -> Interval:
    """Enclosure of a @ b for exactly known float64 matrices of either sign (fact 2)."""
    mid = a @ b
    flops.add(flops.matmul_cost(a.shape[0], a.shape[1], b.shape[1]))
    k = a.shape[1]
    rad = up(up(upper_nonneg_matmul(np.abs(a), np.abs(b)) * gamma(k)) + k * UNDERFLOW_SLACK)
    return Interval.ball(mid, rad)


def matmul_interval_left(a: Interval, b: np.ndarray) -> Interval:
    """Enclosure of A @ b for A enclosed by `a` and b exactly known (midpoint-radius form)."""
    mid = (a.lo + a.hi) / 2  # any float64 matrix works as midpoint; the radius covers the rest
    rad_a = up(np.maximum(up(a.hi - mid), up(mid - a.lo)))
    prod = mid @ b
    k = b.shape[0]
    flops.add(flops.matmul_cost(mid.shape[0], k, b.shape[1]) + 6 * mid.size)
    abs_b = np.abs(b)
    rounding = up(up(upper_nonneg_matmul(np.abs(mid), abs_b) * gamma(k)) + k * UNDERFLOW_SLACK)
    return Interval.ball(prod, up(rounding + upper_nonneg_matmul(rad_a, abs_b)))


def matmul(a: Interval, b: Interval) -> Interval:
    """Enclosure of A @ B for A and B both enclosed (midpoint-radius form):
    |A B - Am Bm| <= |Am| Br + Ar |Bm| + Ar Br, plus the rounding of Am Bm (fact 2)."""
    am, ar, bm, br = a.mid, a.rad, b.mid, b.rad
    prod = am @ bm
    k = am.shape[-1]
    flops.add(flops.matmul_cost(am.shape[0], k, bm.shape[-1]) + 8 * am.size + 8 * bm.size)
    abs_a, abs_b = np.abs(am), np.abs(bm)
    rounding = up(up(upper_nonneg_matmul(abs_a, abs_b) * gamma(k)) + k * UNDERFLOW_SLACK)
    spread = up(up(upper_nonneg_matmul(abs_a, br) + upper_nonneg_matmul(ar, abs_b))
                + upper_nonneg_matmul(ar, br))
    return Interval.ball(prod, up(rounding + spread))


def _exp_core(x: np.ndarray) -> np.ndarray:
    """exp(x) for -707 <= x <= 709 with relative error below 56 u < 2^-47.

    Analysis. k = rint(x / ln2); r = (x - k LN2_HI) - k LN2_LO. Here k LN2_HI is exact, the two
    roundings and the product k LN2_LO err by at most u (0.35 + 0.36 + 2.2e-7), and the split
    of ln 2 errs by |k| 2e-26 < 3e-23; so |r - (x - k ln2)| <= 0.72 u, a relative error
    <= 0.73 u in exp(r), and |r| <= 0.35. The Taylor polynomial of degree 13 leaves a remainder
    <= 0.35^14 / 14! e^0.35 < 0.06 u relative. Horner's rule with coefficients rounded to binary64
    errs by <= (gamma_26 + u) e^|r| <= 38.3 u absolutely (Higham eq. (5.3)), <= 54.4 u relative
    to e^r >= e^-0.35. Scaling by 2^k (ldexp) is exact because the result is normal
    (k >= -1020 and p(r) >= 0.7). In total (1 + 0.73u)(1 + 54.4u)(1 + 0.06u) - 1 < 56 u.
    """
    k = np.rint(x * INV_LN2)
    r = (x - k * LN2_HI) - k * LN2_LO
    p = np.full_like(r, EXP_TAYLOR_COEFFS[13])
    for c in EXP_TAYLOR_COEFFS[12::-1]:
        p = p * r + c
    flops.add(32 * x.size)
    return np.ldexp(p, k.astype(np.int64))


def exp_lower(x: np.ndarray) -> np.ndarray:
    """A float64 array <= exp(x) elementwise."""
    x = np.asarray(x, dtype=np.float64)
    _check_exp_range(x)
    safe = np.clip(x, -707.0, 709.0)
    lo = down(_exp_core(safe) * (1 - EXP_REL_ERR))
    return np.where(x < -707.0, 0.0, lo)


def exp_upper(x: np.ndarray) -> np.ndarray:
    """A float64 array >= exp(x) elementwise."""
    x = np.asarray(x, dtype=np.float64)
    _check_exp_range(x)
    safe = np.clip(x, -707.0, 709.0)
    hi = up(_exp_core(safe) * (1 + EXP_REL_ERR))
    # exp(-707) < 9.0e-308, so 1e-307 bounds exp(x) for every x < -707.
    return np.where(x < -707.0, 1e-307, hi)


def _check_exp_range(x: np.ndarray) -> None:
    if np.isnan(x).any() or (x > 709.0).any():
        raise EnclosureOverflow("exp argument above 709 (or NaN): no binary64 enclosure")


def exp(a: Interval) -> Interval:
    """Enclosure of exp, which is increasing."""
    return Interval(exp_lower(a.lo), exp_upper(a.hi))


ATANH_COEFFS = [1.0 / (2 * i + 1) for i in range(11)]


def _log_core(y: np.ndarray) -> np.ndarray:
    """log(y) for positive finite y (normal or subnormal), with |error| <= 11 u (1 + |log y|).

    Analysis. y = m 2^e exactly with m in [1/sqrt2, sqrt2) (frexp, then an exact doubling).
    s = (m - 1)/(m + 1): m - 1 is exact (Sterbenz), so s has relative error <= gamma_2 and
    |s| <= 0.1716. log m = 2 atanh(s) = 2 s P(s^2) with P(w) = sum_{i<=10} w^i/(2i+1) plus a
    remainder < 1e-18 relative. P has positive terms and P(s^2) in [1, 1.011], so Horner's rule
    (coefficients rounded) errs by <= (gamma_20 + u) relative; s^2 adds <= 5u * 0.011. With the
    final product, |L - log m| <= 26 u |log m| <= 9.1 u. Then log y = e LN2_HI + (e LN2_LO + L):
    e LN2_HI is exact (|e| <= 1075), the inner sum errs by <= u (2.1e-7 + 0.35 + 9.1u) and the outer
    by <= u |result|; the split of ln 2 adds |e| 2e-26 < 3e-23. Total <= 10 u + 1.01 u |result|.
    """
    m, e = np.frexp(y)
    small = m < np.sqrt(0.5)
    m = np.where(small, 2 * m, m)
    e = np.where(small, e - 1, e).astype(np.float64)
    s = (m - 1) / (m + 1)
    w = s * s
    p = np.full_like(w, ATANH_COEFFS[10])
    for c in ATANH_COEFFS[9::-1]:
        p = p * w + c
    flops.add(30 * y.size)
    return e * LN2_HI + (e * LN2_LO + 2 * (s * p))


def log_lower(y: np.ndarray) -> np.ndarray:
    """A float64 array <= log(y) elementwise, for y >= 0 (log 0 = -inf)."""
    y = np.asarray(y, dtype=np.float64)
    _check_log_domain(y)
    safe = np.where(y > 0, y, 1.0)
    res = _log_core(safe)
    lo = down(res - up(LOG_ERR_SCALE * (1 + np.abs(res))))
    return np.where(y > 0, lo, -np.inf)


def log_upper(y: np.ndarray) -> np.ndarray:
    """A float64 array >= log(y) elementwise, for y > 0."""
    y = np.asarray(y, dtype=np.float64)
    _check_log_domain(y)
    if (y <= 0).any():
        raise EnclosureOverflow("upper bound of log requested at 0")
    res = _log_core(y)
    return up(res + up(LOG_ERR_SCALE * (1 + np.abs(res))))


def _check_log_domain(y: np.ndarray) -> None:
    if np.isnan(y).any() or (y < 0).any() or np.isinf(y).any():
        raise EnclosureOverflow("log of a negative, infinite or NaN value")


def log(a: Interval) -> Interval:
    """Enclosure of log, which is increasing (requires a.hi > 0)."""
    return Interval(log_lower(a.lo), log_upper(a.hi))
