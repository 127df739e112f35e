"""Soundness of the float64 enclosures, tested against python-flint balls and exact fractions."""

from fractions import Fraction

import flint
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pyexport import interval as iv
from pyexport.families.max_of_n_mlp.evaluation import ExactLogits, logit_table
from tests.conftest import random_model

flint.ctx.prec = 200
floats = st.floats(min_value=-745.0, max_value=709.0, allow_nan=False)


def _contains(lo: float, hi: float, ball: flint.arb) -> bool:
    return bool(flint.arb(lo) <= ball and ball <= flint.arb(hi))


@settings(max_examples=400, deadline=None)
@given(st.lists(floats, min_size=1, max_size=20))
def test_exp_enclosure_contains_exp(xs):
    x = np.array(xs)
    for v, lo, hi in zip(xs, iv.exp_lower(x), iv.exp_upper(x)):
        assert _contains(lo, hi, flint.arb(v).exp())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.floats(min_value=5e-324, max_value=1.7e308), min_size=1, max_size=20))
def test_log_enclosure_contains_log(ys):
    y = np.array(ys)
    for v, lo, hi in zip(ys, iv.log_lower(y), iv.log_upper(y)):
        assert _contains(lo, hi, flint.arb(v).log())


def test_exp_is_tight_and_edges_are_sound():
    x = np.array([-707.5, -707.0, 0.0, 1e-300, 0.34657359027997264, 709.0])
    lo, hi = iv.exp_lower(x), iv.exp_upper(x)
    for v, a, b in zip(x, lo, hi):
        assert _contains(a, b, flint.arb(v).exp())
    assert np.all((hi[1:] - lo[1:]) <= 2.0**-43 * hi[1:])  # narrow where the result is normal


def test_exp_refuses_overflow():
    import pytest

    with pytest.raises(iv.EnclosureOverflow):
        iv.exp_upper(np.array([710.0]))


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=40),
       st.integers(0, 2**32 - 1))
def test_nonneg_matmul_encloses_exact_product(m, k, seed):
    rng = np.random.default_rng(seed)
    a = rng.exponential(size=(m, k)) ** 3
    b = rng.exponential(size=(k, m)) ** 3
    lo, hi = iv.lower_nonneg_matmul(a, b), iv.upper_nonneg_matmul(a, b)
    for i in range(m):
        for j in range(m):
            exact = sum(Fraction(a[i, t]) * Fraction(b[t, j]) for t in range(k))
            assert Fraction(lo[i, j]) <= exact <= Fraction(hi[i, j])


def test_logit_table_encloses_exact_logits():
    model = random_model(6, 5, seed=3)
    W = logit_table(model)
    exact = ExactLogits(model)
    for t in range(6):
        z = exact.logits([t])
        for j in range(6):
            assert Fraction(W.lo[j, t]) <= z[j] <= Fraction(W.hi[j, t])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(-2**53, 2**53), st.integers(0, 2**21 + 5)), max_size=50))
def test_exact_sum_is_exact(pairs):
    from pyexport.families.max_of_n_mlp.evaluation import exact_sum

    values = np.array([p[0] for p in pairs], dtype=np.int64)
    weights = np.array([p[1] for p in pairs], dtype=np.int64)
    assert exact_sum(values) == sum(p[0] for p in pairs)
    assert exact_sum(values, weights) == sum(p[0] * p[1] for p in pairs)
