"""Max-of-K strategies: soundness against an exact forward pass, the cubic proof's two on-paper
steps checked exhaustively, and the independent checker on honest and tampered certificates.

The models are small (d_vocab 6 to 8) so that every sequence can be evaluated exactly: partly
and well trained ones (many wrong sequences, and few), one with non-zero biases everywhere, and
one perturbed after training.
"""

import copy
from itertools import permutations, product

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.checker import check
from pyexport.families.max_of_k_transformer.decomposition import paths
from pyexport.families.max_of_k_transformer.model import (
    WEIGHT_KEYS,
    TransformerConfig,
    float_logits,
    model_from_state,
)
from pyexport.families.max_of_k_transformer.strategies.brute_force import ArbForward, sequences
from pyexport.families.max_of_k_transformer.train import train
from pyexport.proof import run
from pyexport.weights import weights_sha256
from tests.conftest import edit_array

STRATEGIES = ("brute-force", "cubic", "subcubic-rank1", "subcubic-exact-eqke")


def trained(steps: int, d: int = 8, n: int = 3, seed: int = 3):
    config = TransformerConfig(f"t-d{d}-n{n}-{steps}", n_ctx=n, d_vocab=d, d_model=16, d_head=8,
                               steps=steps, seed=seed)
    return train(config, progress=False)[0]


def with_weights(model, name: str, edit):
    state = {k: np.array(v) for k, v in model.weights.items()}
    edit(state)
    config = TransformerConfig(**{**model.config.to_json(), "name": name,
                                  "betas": tuple(model.config.betas)})
    return model_from_state(config, state)


def _biased(model):
    rng = np.random.default_rng(7)

    def edit(state):
        for key in ("blocks.0.attn.b_Q", "blocks.0.attn.b_K", "blocks.0.attn.b_V",
                    "blocks.0.attn.b_O", "unembed.b_U"):
            state[key] = (rng.standard_normal(state[key].shape) * 0.5).astype(np.float32)

    return with_weights(model, "t-biased", edit)


def _perturbed(model):
    rng = np.random.default_rng(8)

    def edit(state):
        state["unembed.W_U"] += (rng.standard_normal(state["unembed.W_U"].shape) * 0.3).astype(
            np.float32)

    return with_weights(model, "t-perturbed", edit)


@pytest.fixture(scope="module")
def models():
    good = trained(1500)
    return {"partly-trained": trained(150), "trained": trained(400), "well-trained": good,
            "biased": _biased(good), "perturbed": _perturbed(good),
            "n4": trained(600, d=6, n=4, seed=5)}


def exact_correct(model) -> np.ndarray:
    """Per sequence (row-major): the label logit strictly above every other, decided by arb
    balls at 256 bits (an exact tie would leave a ball around 0: the test then fails)."""
    d, n = model.config.d_vocab, model.config.n_ctx
    exact = ArbForward(model)
    verdicts = [exact.correct(t) for t in sequences(d, n, 0, d**n).tolist()]
    assert None not in verdicts
    return np.array(verdicts)


def cubic_coverage(verdict, tokens):
    """Sequences covered by the cubic proof's proved pure cases (cubic.py, "Counting")."""
    q, m = tokens[:, -1], tokens.max(axis=1)
    others = tokens[:, :-1]
    c = (others < m[:, None]).sum(axis=1)
    covered = verdict[q, m, m, 0] & (c == 0)
    rest = c > 0
    ok = np.ones(len(tokens), dtype=bool)
    for j in range(others.shape[1]):
        k = others[:, j]
        ok &= (k == m) | verdict[q, m, np.where(k < m, k, 0), c]
    return covered | (rest & ok)


def subcubic_coverage(proved, gaps, tokens):
    """Sequences covered by the subcubic proof's proved cases at their gaps (subcubic.py)."""
    q, m = tokens[:, -1], tokens.max(axis=1)
    nonmax = tokens < m[:, None]
    c = nonmax.sum(axis=1)
    largest_nonmax = np.where(nonmax, tokens, -1).max(axis=1)
    return proved[q, m, c] & ((c == 0) | (largest_nonmax <= m - gaps[q, m, c]))


@pytest.mark.parametrize("name", ["partly-trained", "trained", "well-trained", "biased",
                                  "perturbed", "n4"])
def test_every_covered_sequence_is_correct(models, name):
    model = models[name]
    d, n = model.config.d_vocab, model.config.n_ctx
    truth = exact_correct(model)
    tokens = sequences(d, n, 0, d**n)
    brute = run("brute-force", "accuracy", model)
    assert np.array_equal(brute.trace["correct"].reshape(-1), truth)
    cubic = run("cubic", "accuracy", model)
    covered = cubic_coverage(cubic.trace["pure_correct"], tokens)
    assert not (covered & ~truth).any()
    assert covered.sum() == cubic.bound * d**n
    for variant in ("subcubic-rank1", "subcubic-exact-eqke"):
        proof = run(variant, "accuracy", model)
        covered = subcubic_coverage(proof.trace["proved"], proof.trace["gap"], tokens)
        assert not (covered & ~truth).any(), variant
        assert covered.sum() == proof.bound * d**n
    assert brute.bound >= cubic.bound


def test_bounds_are_informative_on_the_well_trained_model(models):
    bounds = {s: run(s, "accuracy", models["well-trained"]).bound for s in STRATEGIES}
    assert bounds["brute-force"] == 1 and bounds["cubic"] > 0.9
    assert bounds["subcubic-exact-eqke"] > 0.9 and bounds["subcubic-rank1"] > 0.5


def test_float_reference_matches_the_exact_forward_pass(models):
    model = models["biased"]
    tokens = sequences(8, 3, 0, 40)
    exact = ArbForward(model)
    reference = float_logits(model, tokens)
    for row, t in zip(reference, tokens.tolist()):
        assert np.allclose(row, [float(z.mid()) for z in exact.logits(t)], atol=1e-9)


def _position_weights(model, q):
    """exp(score / sqrt(d_head)) factors of cubic.py (float64; a test oracle)."""
    p = paths(model)
    scale = float(p.scale.mid)
    return np.exp(p.EQKE.mid[q] * scale), np.exp(p.EQKP.mid[q] * scale)


@pytest.mark.parametrize("name", ["partly-trained", "well-trained", "biased", "n4"])
def test_the_two_sorted_orderings_are_the_extremes_of_the_sign_condition(models, name):
    """cubic.py step 2, exhaustively: over every arrangement of a pure case, the largest value
    of sum_i e^(s_i) u_i is taken at one of the two sorted arrangements."""
    model = models[name]
    d, n = model.config.d_vocab, model.config.n_ctx
    rng = np.random.default_rng(0)
    for q, m in [(q, m) for m in range(1, d) for q in range(m + 1)]:
        alpha, pi = _position_weights(model, q)
        order = np.argsort(pi[: n - 1])
        u = rng.standard_normal(d)  # any values of u_t: the claim is about positions only
        for k in range(m):
            for c in range(1, n if q == m else n - 1):
                r = n - 1 - c

                def lhs(max_slots):
                    w = [alpha[m] * pi[i] if i in max_slots else alpha[k] * pi[i]
                         for i in range(n - 1)]
                    return sum(wi * (u[m] if i in max_slots else u[k])
                               for i, wi in enumerate(w)) + alpha[q] * pi[n - 1] * u[q]

                every = max(lhs(set(s)) for s in permutations(range(n - 1), r))
                sorted_ends = max(lhs(set(order[:r])), lhs(set(order[n - 1 - r:])))
                assert every <= sorted_ends + 1e-9 * (1 + abs(every))


@pytest.mark.parametrize("name", ["partly-trained", "well-trained", "biased", "n4"])
def test_mixed_sequences_are_no_worse_than_their_pure_cases(models, name):
    """cubic.py step 3, exhaustively: the sign condition of a sequence with mixed non-max
    tokens is at most the largest over its pure cases with the same max positions."""
    model = models[name]
    d, n = model.config.d_vocab, model.config.n_ctx
    rng = np.random.default_rng(1)
    u = rng.standard_normal(d)
    for tokens in product(range(d), repeat=n):
        q, m = tokens[-1], max(tokens)
        nonmax = [i for i in range(n - 1) if tokens[i] < m]
        if len({tokens[i] for i in nonmax}) < 2:
            continue
        alpha, pi = _position_weights(model, q)

        def lhs(seq):
            return sum(alpha[t] * pi[i] * u[t] for i, t in enumerate(seq))

        pure = [lhs([tokens[k] if i in nonmax else t for i, t in enumerate(tokens)])
                for k in nonmax]
        assert lhs(tokens) <= max(pure) + 1e-9 * (1 + abs(lhs(tokens)))


# --- checker ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(models):
    model = models["trained"]
    return {s: cert.build(model, run(s, "accuracy", model)) for s in STRATEGIES}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_checker_accepts_honest_certificates(certificates, strategy):
    verdict = check(certificates[strategy])
    assert verdict.accepted, verdict


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_checker_rejects_a_changed_weight_and_a_raised_bound(certificates, strategy):
    doc = copy.deepcopy(certificates[strategy])
    edit_array(doc, ["model", "weights", "unembed.W_U"],
               lambda a: a.__setitem__((0, 1), 2 * a[0, 1]))
    assert check(doc).step == "model.sha256"
    doc = copy.deepcopy(certificates[strategy])
    doc["claim"]["bound"] = cert.rational_str(cert.parse_rational(doc["claim"]["bound"], "")
                                              + cert.Fraction(1, 10**6))
    assert check(doc).step == "claim.bound"


def _flip_first_false(name, mask=None):
    def edit(a):
        flat = a.reshape(-1)
        candidates = np.flatnonzero(~flat if mask is None else (~flat & mask.reshape(-1)))
        flat[candidates[0]] = True
    return edit


def test_checker_rejects_a_wrong_sequence_claimed_correct(certificates):
    doc = copy.deepcopy(certificates["brute-force"])
    edit_array(doc, ["trace", "arrays", "correct"], _flip_first_false("correct"))
    verdict = check(doc)
    assert not verdict.accepted and verdict.step.startswith("trace.correct[")


def test_checker_rejects_an_unproved_cubic_case(certificates, models):
    from pyexport.families.max_of_k_transformer.checker import cubic_cases

    doc = copy.deepcopy(certificates["cubic"])
    edit_array(doc, ["trace", "arrays", "pure_correct"],
          _flip_first_false("pure_correct", cubic_cases(8, 3)))
    verdict = check(doc)
    assert not verdict.accepted and verdict.step.startswith("trace.pure_correct[")


def test_checker_rejects_a_case_that_does_not_exist(certificates):
    doc = copy.deepcopy(certificates["cubic"])
    edit_array(doc, ["trace", "arrays", "pure_correct"],
               lambda a: a.__setitem__((5, 2, 3, 1), True))
    assert check(doc).step == "trace.pure_correct[5,2,3,1]"


@pytest.mark.parametrize("variant", ["subcubic-rank1", "subcubic-exact-eqke"])
def test_checker_rejects_a_narrowed_gap_or_an_unproved_subcubic_case(certificates, variant):
    from pyexport.families.max_of_k_transformer.checker import subcubic_cases

    doc = copy.deepcopy(certificates[variant])
    proved = cert.decode_array(doc["trace"]["arrays"]["proved"], "")
    gaps = cert.decode_array(doc["trace"]["arrays"]["gap"], "")
    wide = np.argwhere(proved & (gaps > 1))
    q, m, c = wide[0]
    edit_array(doc, ["trace", "arrays", "gap"], lambda a: a.__setitem__((q, m, c), a[q, m, c] - 1))
    verdict = check(doc)
    assert not verdict.accepted and verdict.step == f"trace.proved[{q},{m},{c}]"
    doc = copy.deepcopy(certificates[variant])
    unproved = np.argwhere(~proved & subcubic_cases(8, 3))
    q, m, c = next(tuple(x) for x in unproved if x[2] >= 1 and x[0] <= x[1] - 1)
    edit_array(doc, ["trace", "arrays", "proved"], lambda a: a.__setitem__((q, m, c), True))
    edit_array(doc, ["trace", "arrays", "gap"], lambda a: a.__setitem__((q, m, c), 1))
    assert not check(doc).accepted


def test_checker_rejects_a_changed_eqke_direction(certificates):
    doc = copy.deepcopy(certificates["subcubic-rank1"])
    edit_array(doc, ["trace", "arrays", "eqke_direction"], lambda a: a.__setitem__(0, a[0] + 3.0))
    assert not check(doc).accepted


def test_checker_rejects_changed_weights_with_a_matching_hash(certificates):
    """The weights change (the hash is made to match), so the trace no longer proves the claim."""
    for strategy in ("brute-force", "cubic", "subcubic-exact-eqke"):
        doc = copy.deepcopy(certificates[strategy])
        edit_array(doc, ["model", "weights", "unembed.W_U"], lambda a: a.__imul__(-1.0))
        weights = {k: cert.decode_array(v, k) for k, v in doc["model"]["weights"].items()}
        doc["model"]["sha256"] = weights_sha256(weights, WEIGHT_KEYS)
        verdict = check(doc)
        assert not verdict.accepted and verdict.step.startswith("trace."), (strategy, verdict)


def test_brute_force_loss_encloses_the_exact_loss_and_checks(models):
    """The expected loss of the n = 4 model (1296 sequences): the strategy's enclosure against
    arb at 256 bits, the certificate accepted, and a lowered per-sequence bound rejected."""
    import flint

    model = models["n4"]
    d, n = model.config.d_vocab, model.config.n_ctx
    exact = ArbForward(model)
    total = flint.arb(0)
    for tokens in sequences(d, n, 0, d**n).tolist():
        z = exact.logits(tokens)
        m = max(tokens)
        total += sum(((zx - z[m]).exp() for zx in z), flint.arb(0)).log()
    truth = total / d**n
    proof = run("brute-force", "loss", model)
    lo, hi = proof.true_value
    assert flint.arb(flint.fmpq(lo.numerator, lo.denominator)) <= truth
    assert truth <= flint.arb(flint.fmpq(hi.numerator, hi.denominator))
    assert (hi - lo) / hi < cert.Fraction(1, 10**8) and hi == proof.bound
    doc = cert.build(model, proof)
    assert check(doc).accepted
    edit_array(doc, ["trace", "arrays", "loss_upper"],
          lambda a: a.reshape(-1).__setitem__(7, a.reshape(-1)[7] - 2**20))
    verdict = check(doc)
    assert not verdict.accepted and verdict.step.startswith("trace.loss_upper[")
