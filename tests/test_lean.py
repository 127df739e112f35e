"""Lean renderings: golden files for tiny models, determinism, and (with lake) kernel checks.

Two-token certificates render for all six strategy × quantity pairs; three-token certificates
for accuracy only (the n_ctx 3 loss certificates are refused).

No Lean toolchain exists on the development machines, so the kernel tests skip there; the
golden files pin what users with Lean will check. Regenerate them after an intended change
with `PYEXPORT_ACCEPT=1 make test` and review the diff.
"""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_n_mlp.kernels.lean_context import mirror_check
from pyexport.render import render_text
from tests.conftest import certificate_of, edit_array, random_model

GOLDEN = Path(__file__).parent / "expect" / "lean"
PAIRS = [(s, q) for s in ("brute-force", "symmetry", "convexity") for q in ("loss", "accuracy")]
TINY = random_model(4, 2, n=2, seed=0, scale=2.0)
STRATEGIES = ("brute-force", "symmetry", "convexity")
TINY3 = random_model(4, 3, n=3, seed=7, scale=1.5)  # accuracy 11/32 (convexity: 19/64)


@pytest.mark.parametrize("strategy,quantity", PAIRS)
def test_lean_rendering_matches_golden_file(strategy, quantity):
    text, _ = render_text(certificate_of(TINY, strategy, quantity), "lean")
    golden = GOLDEN / f"{strategy}.{quantity}.lean"
    if os.environ.get("PYEXPORT_ACCEPT"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_lean_rendering_is_deterministic_and_names_the_claim():
    doc = certificate_of(TINY, "convexity", "loss")
    first, ctx = render_text(doc, "lean")
    second, _ = render_text(doc, "lean")
    assert first == second
    assert f"({ctx['claim_p']} : ℕ)" in first and "#print axioms certificate" in first
    assert "native_decide" not in first


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_lean_n3_rendering_matches_golden_file(strategy):
    text, _ = render_text(certificate_of(TINY3, strategy, "accuracy"), "lean")
    golden = GOLDEN / f"n3.{strategy}.accuracy.lean"
    if os.environ.get("PYEXPORT_ACCEPT"):
        golden.write_text(text)
    assert text == golden.read_text()


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_lean_n3_states_accuracy3_and_the_mirror_accepts(strategy):
    doc = certificate_of(TINY3, strategy, "accuracy")
    first, ctx = render_text(doc, "lean")
    assert render_text(doc, "lean")[0] == first
    checker = {"brute-force": "checkBruteForceAccuracy3", "symmetry": "checkSymmetryAccuracy3",
               "convexity": "checkConvexityAccuracy3"}[strategy]
    assert (ctx["n_ctx"], ctx["quantity_fn"], ctx["checker"]) == (3, "accuracy3", checker)
    claim = f"accuracy3 cert_data.weights.colTable ≥ (({ctx['claim_p']} : ℕ) : ℝ) / " \
            f"(({ctx['claim_q']} : ℕ) : ℝ)"
    assert claim in first and f"{checker}_sound cert_data cert_trace" in first
    assert ctx["claim_p"] > 0 and mirror_check(ctx)
    # on this model the mirror's count is the strategy's: one more input over d^3 is refused
    raised = cert.Fraction(ctx["claim_p"], ctx["claim_q"]) + cert.Fraction(1, ctx["d_vocab"]**3)
    assert not mirror_check({**ctx, "claim_p": raised.numerator, "claim_q": raised.denominator})


def _tamper3(doc: dict, strategy: str) -> None:
    """Claim an input the model gets wrong (brute force, symmetry), or point a runner-up hint
    at the label itself (convexity)."""
    if strategy == "convexity":
        edit_array(doc, ["trace", "arrays", "runner_up"], lambda a: a.__setitem__(0, 0))
    else:
        edit_array(doc, ["trace", "arrays", "correct"],
                   lambda a: a.reshape(-1).__setitem__(int(np.flatnonzero(~a.reshape(-1))[0]),
                                                        True))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_lean_n3_tampered_certificate_renders_other_data_and_is_rejected(strategy):
    doc = certificate_of(TINY3, strategy, "accuracy")
    honest, _ = render_text(doc, "lean")
    _tamper3(doc, strategy)
    tampered, ctx = render_text(doc, "lean")
    trace = lambda text: text[text.index("def cert_trace"):text.index("def cert_data")]  # noqa: E731
    assert trace(tampered) != trace(honest)
    assert not mirror_check(ctx)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_lean_refuses_n3_loss_certificates(strategy):
    with pytest.raises(UnsupportedCertificate, match="accuracy only"):
        render_text(certificate_of(TINY3, strategy, "loss"), "lean")


@pytest.mark.skipif(shutil.which("lake") is None,
                    reason="no Lean toolchain (lake) on this machine: Lean kernel checks skipped")
@pytest.mark.parametrize("model,strategy,quantity",
                         [(TINY, s, q) for s, q in PAIRS]
                         + [(TINY3, s, "accuracy") for s in STRATEGIES])
def test_lean_kernel_accepts_tiny_certificates(tmp_path, model, strategy, quantity):
    from pyexport.verify import verify

    (result,) = verify(certificate_of(model, strategy, quantity), ["lean"], keep=tmp_path)
    assert result.verdict == "accepted", result.message
