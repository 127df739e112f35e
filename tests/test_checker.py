"""The checker accepts honest certificates and rejects tampered ones, naming the failing step."""

import copy

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.checker import check
from pyexport.families.max_of_n_mlp.model import WEIGHT_KEYS
from pyexport.weights import weights_sha256
from tests.conftest import certificate_of, edit_array, random_model

CASES = [(s, q) for q in ("loss", "accuracy") for s in ("brute-force", "symmetry", "convexity")]
MODEL2 = random_model(8, 4, n=2, seed=1)
MODEL3 = random_model(5, 4, n=3, seed=4)


@pytest.fixture(scope="module")
def certificates():
    return {(m.config.n_ctx, s, q): certificate_of(m, s, q) for m in (MODEL2, MODEL3)
            for s, q in CASES}


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("strategy,quantity", CASES)
def test_honest_certificates_are_accepted(certificates, n, strategy, quantity):
    verdict = check(certificates[(n, strategy, quantity)])
    assert verdict.accepted, verdict


@pytest.mark.parametrize("strategy,quantity", CASES)
def test_changed_weight_is_rejected(certificates, strategy, quantity):
    doc = copy.deepcopy(certificates[(2, strategy, quantity)])
    edit_array(doc, ["model", "weights", "unembedding.weight"],
                lambda a: a.__setitem__((3, 1), a[3, 1] * 1.5))
    assert check(doc).step == "model.sha256"


def test_changed_weight_with_matching_hash_fails_in_the_trace(certificates):
    doc = copy.deepcopy(certificates[(2, "brute-force", "loss")])
    edit_array(doc, ["model", "weights", "unembedding.weight"], lambda a: a.__imul__(0.5))
    weights = {k: cert.decode_array(v, k) for k, v in doc['model']['weights'].items()}
    doc["model"]["sha256"] = weights_sha256(weights, WEIGHT_KEYS)
    verdict = check(doc)
    assert not verdict.accepted and verdict.step.startswith("trace.case_upper")


@pytest.mark.parametrize("strategy,quantity", CASES)
def test_improved_bound_is_rejected(certificates, strategy, quantity):
    doc = copy.deepcopy(certificates[(2, strategy, quantity)])
    bound = cert.parse_rational(doc["claim"]["bound"], "")
    # the random model is far from perfect, so claiming full accuracy overstates it
    better = bound * (1 - cert.Fraction(1, 10**6)) if quantity == "loss" else cert.Fraction(1)
    doc["claim"]["bound"] = cert.rational_str(better)
    verdict = check(doc)
    assert not verdict.accepted and verdict.step == "claim.bound"


TRACE_EDITS = {
    "case_upper": lambda a: a.reshape(-1).__setitem__(5, a.reshape(-1)[5] // 2),
    "lse_upper": lambda a: a.__setitem__(2, a[2] - 2**30),
    "pair_upper": lambda a: a.__setitem__(4, a[4] // 2),
    "top2": lambda a: a.__setitem__((1, slice(None)), a[1, ::-1].copy()),
    "runner_up": lambda a: a.__setitem__(3, (a[3] + 1) % 5 if (a[3] + 1) % 5 != 2 else (a[3] + 2) % 5),
}


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("strategy,quantity", CASES)
def test_altered_trace_entry_is_rejected(certificates, n, strategy, quantity):
    doc = copy.deepcopy(certificates[(n, strategy, quantity)])
    (name,) = doc["trace"]["arrays"]
    if name == "correct":
        claimed = np.array(cert.decode_array(doc["trace"]["arrays"][name], "")).reshape(-1)
        wrong = np.flatnonzero(~claimed)
        if len(wrong) == 0:
            pytest.skip("every input is correct: no verdict can be flipped to a false claim")
        edit_array(doc, ["trace", "arrays", name],
                    lambda a: a.reshape(-1).__setitem__(wrong[0], True))
    else:
        edit_array(doc, ["trace", "arrays", name], TRACE_EDITS[name])
    verdict = check(doc)
    assert not verdict.accepted and verdict.step.startswith("trace."), verdict


def test_trace_of_wrong_shape_is_rejected(certificates):
    doc = copy.deepcopy(certificates[(2, "symmetry", "loss")])
    edit_array(doc, ["trace", "arrays", "case_upper"], lambda a: None)
    doc["trace"]["arrays"]["case_upper"] = cert.encode_array(np.zeros(3, dtype=np.int64))
    assert check(doc).step == "trace.case_upper"


def test_nan_weights_are_unusable(certificates):
    doc = copy.deepcopy(certificates[(2, "convexity", "loss")])
    edit_array(doc, ["model", "weights", "linear.weight"], lambda a: a.__setitem__((0, 0), np.nan))
    with pytest.raises(cert.CertificateError, match="NaN"):
        check(doc)


def _exact_logits(model, case) -> "flint.arb_mat":
    """The logits of one input from the float32 weights, as 200-bit arb balls (independent of
    the checker's table and of its binary64 sums)."""
    import flint

    flint.ctx.prec = 200
    E, H, U = (flint.arb_mat([[flint.arb(float(x)) for x in row] for row in m.tolist()])
               for m in (model.E, model.H, model.U))
    counts = flint.arb_mat([[case.count(s)] for s in range(model.config.d_vocab)])
    return U * (H * (E * counts))


def _lse(z) -> "flint.arb":
    import flint

    return sum((z[j, 0].exp() for j in range(z.nrows())), flint.arb(0)).log()


def _entries_around(value, index, name, doc):
    """Copies of doc whose trace entry `index` is 2^-36 above (first) or below value."""
    for offset, above in ((2.0**-36, True), (-(2.0**-36), False)):
        copied = copy.deepcopy(doc)
        entry = int(((value + offset) * 2**40).floor().unique_fmpz()) + (1 if above else 0)
        edit_array(copied, ["trace", "arrays", name],
                   lambda a: a.reshape(-1).__setitem__(index, entry))
        yield copied, above


@pytest.mark.parametrize("n", [2, 3])
def test_loss_entries_are_checked_to_within_2_to_the_minus_36(certificates, n):
    """A brute-force loss entry 2^-36 above an input's exact loss is accepted, one 2^-36
    below it is rejected: the binary64 sums cannot let a false entry through, nor reject a
    true one with that much room."""
    model = MODEL2 if n == 2 else MODEL3
    index = 7
    case = tuple(int(t) for t in np.unravel_index(index, (model.config.d_vocab,) * n))
    z = _exact_logits(model, case)
    loss = _lse(z) - z[max(case), 0]
    for doc, accepted in _entries_around(loss, index, "case_upper",
                                         certificates[(n, "brute-force", "loss")]):
        verdict = check(doc)
        assert verdict.accepted == accepted, verdict
        if not accepted:
            assert verdict.step == f"trace.case_upper[{','.join(map(str, case))}]"


def test_lse_entries_are_checked_to_within_2_to_the_minus_36(certificates):
    """The same for the convexity certificate's LSE(z(t,t)) entries (two tokens)."""
    t = 3
    lse = _lse(_exact_logits(MODEL2, (t, t)))
    for doc, accepted in _entries_around(lse, t, "lse_upper",
                                         certificates[(2, "convexity", "loss")]):
        verdict = check(doc)
        assert verdict.accepted == accepted, verdict
        if not accepted:
            assert verdict.step == f"trace.lse_upper[{t}]"


def _tied_model(n: int):
    """MODEL2's or MODEL3's weights with the unembedding row of the largest token copied to
    another: every input with that label ties its label logit, which only exact arithmetic
    can see (the binary64 enclosure cannot decide a zero margin)."""
    from pyexport.families.max_of_n_mlp.model import model_from_state

    base = MODEL2 if n == 2 else MODEL3
    U = base.U.copy()
    U[1] = U[-1]
    return model_from_state(base.config, {"embedding.weight": base.E,
                                          "linear.weight": base.H, "unembedding.weight": U})


@pytest.mark.parametrize("n,strategy", [(2, "brute-force"), (3, "symmetry"), (2, "convexity"),
                                        (3, "convexity")])
def test_exact_ties_are_decided_exactly(monkeypatch, n, strategy):
    """Accuracy certificates of a model with exact logit ties are accepted (the re-derived
    count matches the strategy's exactly), and the exact path was what decided them."""
    from pyexport.families.max_of_n_mlp.checker import LogitTable

    calls = []
    for name in ("entries", "logits"):
        original = getattr(LogitTable, name)
        monkeypatch.setattr(LogitTable, name, lambda self, *a, _f=original, _n=name:
                            calls.append(_n) or _f(self, *a))
    verdict = check(certificate_of(_tied_model(n), strategy, "accuracy"))
    assert verdict.accepted, verdict
    assert calls


def test_a_tied_input_claimed_correct_is_rejected():
    """Input (0, 7) of the tied model has z_7 = z_1 exactly: claiming it correct must fail."""
    doc = certificate_of(_tied_model(2), "brute-force", "accuracy")
    edit_array(doc, ["trace", "arrays", "correct"], lambda a: a.__setitem__((0, 7), True))
    verdict = check(doc)
    assert not verdict.accepted and verdict.step == "trace.correct[0,7]", verdict


def test_a_loss_just_below_a_multiple_of_ln2_is_accepted():
    """A two-token model whose input (0, 1) has -log(sum_j exp(z_j - s)) just below 20 ln 2
    (found in review: the exp bound's reduction then clamped a negative remainder, and the
    honest certificates, 2^-32 above the loss, were rejected)."""
    import math

    import flint

    from pyexport.families.max_of_n_mlp.model import ModelConfig, model_from_state

    flint.ctx.prec = 300
    target = 20 * flint.arb(2).log()
    a = np.float32(float(target.mid()))
    while float(a) < float(target.mid()):
        a = np.nextafter(a, np.float32(np.inf))
    b = np.float32(float(a) - math.log(float((flint.arb(float(a)) - target).mid()) + 2e-9))
    eye = np.eye(2, dtype=np.float32)
    model = model_from_state(ModelConfig("ln2-edge", n_ctx=2, d_vocab=2, d_model=2), {
        "embedding.weight": np.array([[0, -b], [-a, 0]], dtype=np.float32),
        "linear.weight": eye, "unembedding.weight": eye})
    for strategy in ("brute-force", "symmetry"):
        verdict = check(certificate_of(model, strategy, "loss"))
        assert verdict.accepted, verdict
