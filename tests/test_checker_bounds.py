"""The checker's binary64 upper bounds, tested against python-flint balls and exact integers."""

import flint
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pyexport import checker_bounds as cb
from pyexport.dyadic import dyadic_matrix

arguments = st.floats(min_value=-800.0, max_value=800.0, allow_nan=False)


def _ball(x: float) -> flint.arb:
    return flint.arb(float(x))


@settings(max_examples=300, deadline=None)
@given(st.lists(arguments, min_size=1, max_size=30))
def test_exp_upper_bounds_exp_tightly(xs):
    flint.ctx.prec = 200
    for x, bound in zip(xs, cb.exp_upper(np.array(xs))):
        exact = _ball(x).exp()
        if x > 709.79:  # exp(x) exceeds the largest double
            assert bound == np.inf
            continue
        assert exact <= _ball(bound), (x, bound)
        if x >= cb.EXP_ARG_MIN:  # below it the bound is exp(-700) on purpose
            assert _ball(bound) / exact - 1 < flint.arb(2.0**-45), (x, bound)


def test_exp_upper_at_the_edges_of_its_reduction():
    flint.ctx.prec = 200
    # multiples of ln 2 (the reduction's boundaries), 0, subnormal and huge arguments
    xs = np.array([k * 0.6931471805599453 for k in range(-1000, 1024, 37)]
                  + [0.0, -0.0, 5e-324, -5e-324, 2.0**-60, -1e300, 1e300])
    bounds = cb.exp_upper(xs)
    for x, bound in zip(xs.tolist(), bounds.tolist()):
        assert bound == np.inf or _ball(x).exp() <= _ball(bound), (x, bound)
    # just below k ln 2, where a reduction with a rounded ln 2 can leave r < 0 (found in
    # review: clamping r to 0 there cost up to 2^-23 relative)
    below = np.array([k * 0.6931471805599453 - k * 1e-10 for k in range(1, 1024)])
    for x, bound in zip(below.tolist(), cb.exp_upper(below).tolist()):
        exact = _ball(x).exp()
        assert exact <= _ball(bound) and _ball(bound) / exact - 1 < flint.arb(2.0**-45), x
    assert cb.exp_upper(np.array([-1e300]))[0] > 0
    assert cb.exp_upper(np.array([1e300]))[0] == np.inf


def _fraction(x: float) -> flint.fmpq:
    return flint.fmpq(*float(x).as_integer_ratio())


def _random_weights(rng, shape, spread):
    """float32 matrices whose entries span 2^-spread .. 1 in magnitude, with both signs."""
    magnitude = 2.0 ** rng.uniform(-spread, 0, shape)
    return (magnitude * rng.choice([-1, 1], shape)).astype(np.float32)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_product_enclosure_contains_the_exact_product(seed, spread):
    rng = np.random.default_rng(seed)
    U, H, E = (_random_weights(rng, shape, spread) for shape in ((7, 5), (5, 5), (5, 6)))
    mid, err = cb.product_enclosure(*(m.astype(np.float64) for m in (U, H, E)))
    (u, ku), (h, kh), (e, ke) = (dyadic_matrix(m) for m in (U, H, E))
    exact = flint.fmpz_mat(u) * flint.fmpz_mat(h) * flint.fmpz_mat(e)
    scale = flint.fmpq(1, 2 ** (ku + kh + ke))
    lower, upper = cb.down(mid - err), cb.up(mid + err)  # as the checker's LogitTable
    for j in range(7):
        for t in range(6):
            assert _fraction(lower[j, t]) <= exact[j, t] * scale <= _fraction(upper[j, t])
    assert err.max() < 2.0**-40 * np.abs(U).sum() * np.abs(H).sum() * np.abs(E).sum()


def test_upper_nonneg_product_bounds_the_exact_product():
    rng = np.random.default_rng(5)
    A, B = rng.random((9, 300)) * 2.0**-500, rng.random((300, 4)) * 2.0**-560  # underflows
    bound = cb.upper_nonneg_product(A, B)
    for i in range(9):
        for k in range(4):
            exact = sum(_fraction(a) * _fraction(b) for a, b in zip(A[i], B[:, k]))
            assert exact <= _fraction(bound[i, k])
