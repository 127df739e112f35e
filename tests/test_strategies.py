"""Strategies against each other and against exact computations on small models."""

from fractions import Fraction

import flint
import pytest

from pyexport.families.max_of_n_mlp.cases import all_cases, multiplicities, sorted_cases
from pyexport.families.max_of_n_mlp.evaluation import ExactLogits
from pyexport.proof import run
from tests.conftest import random_model

flint.ctx.prec = 200
MODELS = [random_model(8, 4, n=2, seed=1), random_model(12, 6, n=2, seed=2, scale=3.0),
          random_model(5, 4, n=3, seed=4)]


def exact_accuracy(model) -> Fraction:
    exact = ExactLogits(model)
    d, n = model.config.d_vocab, model.config.n_ctx
    good = 0
    for case in all_cases(d, n).tolist():
        z, y = exact.logits(case), max(case)
        good += all(z[y] > z[j] for j in range(d) if j != y)
    return Fraction(good, d**n)


def exact_loss_ball(model) -> flint.arb:
    exact = ExactLogits(model)
    d, n = model.config.d_vocab, model.config.n_ctx
    total = flint.arb(0)
    for case in all_cases(d, n).tolist():
        z = [flint.arb(flint.fmpq(q.numerator, q.denominator)) for q in exact.logits(case)]
        total += sum((v.exp() for v in z), flint.arb(0)).log() - z[max(case)]
    return total / d**n


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.config.name)
def test_brute_force_and_symmetry_enclose_the_same_true_loss(model):
    brute, sym = run("brute-force", "loss", model), run("symmetry", "loss", model)
    truth = exact_loss_ball(model)
    for proof in (brute, sym):
        lo, hi = proof.true_value
        assert flint.arb(flint.fmpq(lo.numerator, lo.denominator)) <= truth
        assert truth <= flint.arb(flint.fmpq(hi.numerator, hi.denominator))
        assert hi == proof.bound
        assert (hi - lo) / hi < Fraction(1, 10**9)
    assert abs(brute.bound - sym.bound) / brute.bound < Fraction(1, 10**9)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.config.name)
def test_convexity_bound_is_above_brute_force(model):
    assert run("convexity", "loss", model).bound >= run("brute-force", "loss", model).bound


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.config.name)
def test_accuracy_bounds_are_at_most_exact_accuracy(model):
    truth = exact_accuracy(model)
    assert run("brute-force", "accuracy", model).bound == truth
    assert run("symmetry", "accuracy", model).bound == truth
    assert run("convexity", "accuracy", model).bound <= truth


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.config.name)
def test_trace_length_orders_brute_force_symmetry_convexity(model):
    lengths = [run(s, "loss", model).trace_length for s in ("brute-force", "symmetry", "convexity")]
    assert lengths[0] > lengths[1] > lengths[2]


@pytest.mark.parametrize("n", [2, 3])
def test_sorted_cases_with_multiplicities_cover_every_input(n):
    d = 7
    cases = sorted_cases(d, n)
    assert len({tuple(c) for c in cases.tolist()}) == len(cases)
    assert (cases[:, :-1] <= cases[:, 1:]).all()
    assert multiplicities(cases).sum() == d**n


def test_flops_count_orders_the_strategies():
    model = MODELS[1]
    flops = [run(s, "loss", model).metrics["flops"] for s in ("brute-force", "symmetry", "convexity")]
    assert flops[0] > flops[1] > flops[2] > 0


def test_exact_ties_are_decided_exactly_and_checked():
    """Two equal unembedding rows give exact logit ties: the interval test cannot settle them,
    so the exact fallbacks must (a tie is not a correct prediction)."""
    import numpy as np

    from pyexport.checker import check
    from pyexport.families.max_of_n_mlp.model import model_from_state
    from tests.conftest import certificate_of

    base = random_model(8, 4, n=2, seed=5, scale=2.0)
    state = {k: np.array(v) for k, v in base.state_dict.items()}
    state["unembedding.weight"][6] = state["unembedding.weight"][7]
    model = model_from_state(base.config, state)
    truth = exact_accuracy(model)
    for strategy in ("brute-force", "symmetry", "convexity"):
        proof = run(strategy, "accuracy", model)
        assert proof.bound <= truth
        assert check(certificate_of(model, strategy, "accuracy")).accepted
    assert run("brute-force", "accuracy", model).bound == truth
