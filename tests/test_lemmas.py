"""The lemmas the strategies rest on, checked numerically with exact or ball arithmetic."""

from fractions import Fraction

import flint
from hypothesis import given, settings
from hypothesis import strategies as st

from pyexport.families.max_of_n_mlp.evaluation import ExactLogits
from tests.conftest import random_model

flint.ctx.prec = 200
rationals = st.fractions(min_value=-30, max_value=30, max_denominator=1000)


def _arb(q: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def _loss(z: list[Fraction], y: int) -> flint.arb:
    return sum((_arb(v).exp() for v in z), flint.arb(0)).log() - _arb(z[y])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 7), st.integers(0, 7), st.integers(0, 10))
def test_symmetry_lemma_logits_are_permutation_invariant(t1, t2, seed):
    exact = ExactLogits(random_model(8, 3, seed=seed))
    assert exact.logits([t1, t2]) == exact.logits([t2, t1])
    assert exact.logits([t1, t2, 5]) == exact.logits([5, t2, t1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(rationals, rationals), min_size=1, max_size=8), st.data())
def test_loss_is_midpoint_convex_in_the_logits(pairs, data):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    y = data.draw(st.integers(0, len(pairs) - 1))
    mid = [(p + q) / 2 for p, q in pairs]
    lhs = _loss(mid, y)
    rhs = (_loss(a, y) + _loss(b, y)) / 2
    assert not (lhs > rhs)  # lhs <= rhs up to the balls' radii (never certainly greater)
    assert lhs.mid() <= rhs.mid() + flint.arb(2) ** -150 + lhs.rad() + rhs.rad()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 10))
def test_logits_are_linear_in_the_summed_embedding(a, b, c, seed):
    exact = ExactLogits(random_model(6, 3, seed=seed))
    lhs = exact.logits([a, b, c])
    left, right = exact.logits([a, a, c]), exact.logits([b, b, c])
    assert lhs == [(p + q) / 2 for p, q in zip(left, right)]
