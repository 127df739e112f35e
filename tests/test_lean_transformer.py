"""Lean renderings of Max-of-K brute-force, cubic and subcubic accuracy certificates.

No Lean toolchain exists on the development machines: the kernel test skips there. The other
tests check the rendering (statement, data sizes, determinism, tampering, refusals) and, with
the Python mirror of the Lean checker and `mpmath`, that the enclosures the renderer chooses are
valid and that the checker's algorithm accepts honest certificates and rejects tampered ones.
This is evidence about the algorithm and the data, not about the Lean code.
"""

import copy
import shutil

import mpmath
import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.families import UnsupportedCertificate
from pyexport.families.max_of_k_transformer.kernels import lean_context as lc
from pyexport.kernels.lean_exp import exp_lo_int, exp_up_neg
from pyexport.render import render_text
from tests.conftest import (certificate_of, edit_array, random_transformer, tamper_transformer,
                            transformer_margin)

MODEL = random_transformer()
N_CTX3 = random_transformer(d=4, n=3, width=6, seed=5)


def _doc(model=MODEL):
    return copy.deepcopy(certificate_of(model, "brute-force", "accuracy"))


def _cubic_doc(model=MODEL):
    return copy.deepcopy(certificate_of(model, "cubic", "accuracy"))


def _tamper(doc, what):
    tamper_transformer(doc, what)
    return doc


def test_rendering_states_the_claim_about_the_real_transformer():
    text, ctx = render_text(_doc(), "lean")
    p, q = ctx["claim_p"], ctx["claim_q"]
    assert f"cert_data.transformer.accuracy ≥ (({p} : ℕ) : ℝ) / (({q} : ℕ) : ℝ)" in text
    assert "checkTbfAccuracy_sound cert_data cert_rows (by decide +kernel)" in text
    assert "#print axioms certificate" in text and "#term_size cert_WE" in text
    assert "native_decide" not in text and "sorry" not in text
    assert render_text(_doc(), "lean")[0] == text  # deterministic
    native, _ = render_text(_doc(), "lean", native=True)
    assert "(by native_decide)" in native


@pytest.mark.parametrize("model", [MODEL, N_CTX3], ids=["n_ctx2", "n_ctx3"])
def test_data_sizes_and_rows(model):
    doc = _doc(model)
    text, ctx = render_text(doc, "lean")
    c = model.config
    d, n, dm, dh = c.d_vocab, c.n_ctx, c.d_model, c.d_head
    shapes = {"WE": (d, dm), "Wpos": (n, dm), "WQ": (dm, dh), "WK": (dm, dh), "WV": (dm, dh),
              "WO": (dh, dm), "WU": (dm, d)}
    for key, shape in shapes.items():
        assert (len(ctx[key]), {len(row) for row in ctx[key]}) == (shape[0], {shape[1]}), key
    assert [len(ctx[k]) for k in ("bQ", "bK", "bV", "bO", "bU")] == [dh, dh, dh, dm, d]
    # every weight is exactly its numerator over 2^e
    e = ctx["e"]
    assert all(x * 2.0 ** -e == w for x, w in zip(ctx["WE"][1], model.W_E[1].tolist()))
    # Lean's row r holds the sequences r d + t: token t first, the others the digits of r
    correct = cert.decode_array(doc["trace"]["arrays"]["correct"], "")
    rows = [sum(bool(correct[tuple((r * d + t) // d ** i % d for i in range(n))])
                for t in range(d)) for r in range(d ** (n - 1))]
    assert ctx["rows"] == rows and sum(rows) == int(correct.sum())
    listed = text.split("def cert_rows : List Int :=\n  [")[1].split("]")[0]
    assert [int(x) for x in listed.split(", ")] == rows
    assert f"  n := {n - 1}\n  d := {d}\n  dm := {dm}\n  dh := {dh}\n  e := {e}\n" in text
    assert lc.mirror_check(ctx)


@pytest.mark.parametrize("what", ["weight", "bound", "verdict"])
def test_tampered_certificate_renders_different_data_the_mirror_rejects(what):
    honest_text, honest = render_text(_doc(), "lean")
    text, ctx = render_text(_tamper(_doc(), what), "lean")
    assert text != honest_text
    changed = {"weight": "WU", "bound": "claim_p", "verdict": "rows"}[what]
    assert ctx[changed] != honest[changed]
    assert not lc.mirror_check(ctx)


def test_other_certificates_are_refused():
    doc = certificate_of(MODEL, "brute-force", "loss")
    with pytest.raises(UnsupportedCertificate, match="Lean renders brute-force, cubic and "
                                                     "subcubic accuracy certificates only"):
        render_text(doc, "lean")


def test_too_many_sequences_are_refused(monkeypatch):
    monkeypatch.setattr(lc, "MAX_SEQUENCES", 16)
    for doc in (_doc(), _cubic_doc(), _subcubic_doc("exact-eqke")):
        with pytest.raises(UnsupportedCertificate, match="25 sequences"):
            render_text(doc, "lean")


@pytest.mark.parametrize("d_head", [1, 2, 3, 5, 8, 17, 32, 100, 512])
@pytest.mark.parametrize("r", [8, 72, 200])
def test_scale_enclosure_is_valid(d_head, r):
    s_lo, s_hi = lc.scale_bounds(d_head, r)
    assert s_lo * s_lo * d_head <= 4 ** r <= s_hi * s_hi * d_head  # what the checker verifies
    with mpmath.workdps(r // 3 + 40):
        inv = 1 / mpmath.sqrt(d_head)
        assert mpmath.mpf(s_lo) / 2 ** r <= inv <= mpmath.mpf(s_hi) / 2 ** r


def test_attention_weight_enclosures_are_valid():
    """Every weight bound of the rendered certificate, against a 300-digit exp."""
    _, ctx = render_text(_doc(N_CTX3), "lean")
    tables = lc.Tables(ctx)
    P, n, s, k = ctx["prec"], ctx["terms"], ctx["halvings"], 4 * ctx["e"] + ctx["r"]
    with mpmath.workdps(300):
        for rows in tables.gap:
            for row in rows:
                for g in row:
                    x = mpmath.mpf(g) / 2 ** (4 * ctx["e"]) / mpmath.sqrt(ctx["d_head"])
                    lo = exp_lo_int(P, n, s, -(g * ctx["sHi"]), k)
                    hi = exp_up_neg(P, n, s, g * ctx["sLo"], k)
                    assert mpmath.mpf(lo) / 2 ** P <= mpmath.exp(-x) <= mpmath.mpf(hi) / 2 ** P


def test_tables_give_the_float_logits():
    """The mirror's exact tables reproduce the float64 forward pass (up to rounding)."""
    from pyexport.families.max_of_k_transformer.model import float_logits

    _, ctx = render_text(_doc(N_CTX3), "lean")
    tables = lc.Tables(ctx)
    d, n, e = ctx["d_vocab"], ctx["n_ctx"], ctx["e"]
    for a in range(d ** n):
        toks = [a // d ** i % d for i in range(n)]
        tq = toks[-1]
        scores = np.array([float(tables.qk[tq][i][t]) for i, t in enumerate(toks)])
        scores = scores / 2.0 ** (4 * e) / np.sqrt(ctx["d_head"])
        w = np.exp(scores - scores.max())
        w /= w.sum()
        z = np.array(tables.du[tq], dtype=float) + sum(
            w[i] * np.array(tables.vu[i][t], dtype=float) for i, t in enumerate(toks))
        expected = float_logits(N_CTX3, np.array([toks]))[0]
        np.testing.assert_allclose(z / 2.0 ** (4 * e), expected, rtol=1e-9, atol=1e-9)


# --- cubic ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    """tests/test_coq.py's briefly trained d_vocab 8, n_ctx 3 model: cubic claims that are
    neither all nor none of the sequences."""
    from tests.test_coq import _trained_d8

    return _trained_d8()


def test_cubic_rendering_states_the_claim_with_the_cubic_checker():
    text, ctx = render_text(_cubic_doc(), "lean")
    p, q = ctx["claim_p"], ctx["claim_q"]
    assert f"cert_data.transformer.accuracy ≥ (({p} : ℕ) : ℝ) / (({q} : ℕ) : ℝ)" in text
    assert "checkCubicAccuracy_sound cert_data cert_tab (by decide +kernel)" in text
    assert "def cert_tab : List (List (List Nat)) := [" in text and "cert_rows" not in text
    assert ctx["module_name"].startswith("cert_") and "_cubic_accuracy_" in ctx["module_name"]
    assert "#term_size cert_WE" in text and "cert_tab cert_data certificate" in text
    assert "native_decide" not in text and "sorry" not in text
    assert render_text(_cubic_doc(), "lean")[0] == text  # deterministic


@pytest.mark.parametrize("model", [MODEL, N_CTX3], ids=["n_ctx2", "n_ctx3"])
def test_cubic_tab_layout(model):
    """`tab[m][c][q]` (q <= m), bit k = the verdict of the pure case (q, m, k, c)."""
    doc = _cubic_doc(model)
    _, ctx = render_text(doc, "lean")
    d, n = model.config.d_vocab, model.config.n_ctx
    verdict = cert.decode_array(doc["trace"]["arrays"]["pure_correct"], "")
    tab = ctx["tab"]
    assert [len(by_c) for by_c in tab] == [n] * d
    assert all(len(row) == m + 1 for m, by_c in enumerate(tab) for row in by_c)
    for q, m, k, c in np.ndindex(d, d, d, n):
        if q <= m:
            assert bool(tab[m][c][q] >> k & 1) == bool(verdict[q, m, k, c])
    assert lc.mirror_cubic(ctx)


def _assert_mirror_proves_exactly_the_claim(doc, mirror):
    """The mirror accepts the certificate's non-trivial claim at the lowest precision, and not
    one sequence more."""
    _, ctx = render_text(doc, "lean")
    bound = cert.parse_rational(doc["claim"]["bound"], "")
    assert 0 < bound < 1 and ctx["prec"] == 64
    assert mirror(ctx)
    N = ctx["d_vocab"] ** ctx["n_ctx"]
    assert (ctx["claim_p"], ctx["claim_q"]) == (bound.numerator, bound.denominator)
    assert not mirror({**ctx, "claim_p": int(bound * N) + 1, "claim_q": N})


def test_cubic_mirror_accepts_a_partly_trained_model_exactly(trained):
    """The mirror proves the trained model's claim and nothing above it: its enumeration counts
    exactly the sequences the strategy's closed form counts."""
    _assert_mirror_proves_exactly_the_claim(_cubic_doc(trained), lc.mirror_cubic)


@pytest.mark.parametrize("what", ["weight", "bound", "case"])
def test_tampered_cubic_certificate_renders_different_data_the_mirror_rejects(trained, what):
    honest_text, honest = render_text(_cubic_doc(trained), "lean")
    doc = _cubic_doc(trained)
    if what == "case":
        from tests.test_coq import _claim_unproved_cubic_case

        _claim_unproved_cubic_case(doc)
    else:
        tamper_transformer(doc, what)
    text, ctx = render_text(doc, "lean")
    assert text != honest_text
    changed = {"weight": "WU", "bound": "claim_p", "case": "tab"}[what]
    assert ctx[changed] != honest[changed]
    assert not lc.mirror_cubic(ctx)


# --- subcubic ---------------------------------------------------------------------------------


VARIANTS = ("exact-eqke", "rank1")


def _subcubic_doc(variant, model=MODEL):
    return copy.deepcopy(certificate_of(model, f"subcubic-{variant}", "accuracy"))


def _claim_false_subcubic_case(doc, model):
    """Claim, at gap 1, the unproved case (q < m) of a sequence the model gets wrong by a wide
    margin: no sound checker accepts it."""
    from pyexport.families.max_of_k_transformer.strategies.brute_force import sequences

    d, n = model.config.d_vocab, model.config.n_ctx
    proved = cert.decode_array(doc["trace"]["arrays"]["proved"], "")
    wrong = [sequences(d, n, s, s + 1)[0] for s in range(d ** n)
             if transformer_margin(model, s) < -0.1]
    case = next(c for c in ((t[-1], t.max(), int((t != t.max()).sum())) for t in wrong
                            if t[-1] < t.max()) if not proved[c])
    edit_array(doc, ["trace", "arrays", "proved"], lambda a: a.__setitem__(case, True))
    edit_array(doc, ["trace", "arrays", "gap"], lambda a: a.__setitem__(case, 1))


@pytest.mark.parametrize("variant", VARIANTS)
def test_subcubic_rendering_states_the_claim_with_the_subcubic_checker(variant):
    text, ctx = render_text(_subcubic_doc(variant), "lean")
    p, q = ctx["claim_p"], ctx["claim_q"]
    assert f"cert_data.transformer.accuracy ≥ (({p} : ℕ) : ℝ) / (({q} : ℕ) : ℝ)" in text
    assert "checkSubcubicAccuracy_sound cert_data cert_claims (by decide +kernel)" in text
    assert "def cert_claims : List (List (List Nat)) := [" in text
    assert "cert_tab" not in text and "cert_rows" not in text
    assert f"_subcubic_{variant.replace('-', '_')}_accuracy_" in ctx["module_name"]
    assert "#term_size cert_WE" in text and "cert_claims cert_data certificate" in text
    assert "native_decide" not in text and "sorry" not in text
    assert render_text(_subcubic_doc(variant), "lean")[0] == text  # deterministic


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("model", [MODEL, N_CTX3], ids=["n_ctx2", "n_ctx3"])
def test_subcubic_claims_layout(model, variant):
    """`claims[q][m][c]` = 1 + the gap of a proved case, 0 otherwise (Coq's `cert_claims`)."""
    doc = _subcubic_doc(variant, model)
    text, ctx = render_text(doc, "lean")
    d, n = model.config.d_vocab, model.config.n_ctx
    gaps = cert.decode_array(doc["trace"]["arrays"]["gap"], "")
    proved = cert.decode_array(doc["trace"]["arrays"]["proved"], "")
    assert np.array(ctx["claims"]).shape == (d, d, n)
    assert ctx["claims"] == np.where(proved, gaps + 1, 0).tolist()
    listed = text.split("def cert_claims : List (List (List Nat)) := [")[1].split("\n\n")[0]
    assert listed.count("[") == d * d + d
    assert lc.mirror_subcubic(ctx)


@pytest.mark.parametrize("variant", VARIANTS)
def test_subcubic_mirror_accepts_a_partly_trained_model_exactly(trained, variant):
    """The mirror re-derives the trained model's claimed cases and counts exactly the
    sequences the strategy's closed form counts: its claim passes, nothing above it."""
    _assert_mirror_proves_exactly_the_claim(_subcubic_doc(variant, trained), lc.mirror_subcubic)


@pytest.mark.parametrize("what", ["weight", "bound", "gap", "case"])
def test_tampered_subcubic_certificate_renders_different_data_the_mirror_rejects(trained, what):
    """A flipped unembedding (hash updated), a raised bound, a proved gap widened to 1 and a
    falsely claimed case are all rejected: every claimed case is re-derived at its gap."""
    from tests.test_coq import _subcubic_tamper

    honest_text, honest = render_text(_subcubic_doc("exact-eqke", trained), "lean")
    doc = _subcubic_doc("exact-eqke", trained)
    if what == "gap":
        _subcubic_tamper(doc, "gap")
    elif what == "case":
        _claim_false_subcubic_case(doc, trained)
    else:
        tamper_transformer(doc, what)
    text, ctx = render_text(doc, "lean")
    assert text != honest_text
    changed = {"weight": "WU", "bound": "claim_p", "gap": "claims", "case": "claims"}[what]
    assert ctx[changed] != honest[changed]
    assert not lc.mirror_subcubic(ctx)


@pytest.mark.skipif(shutil.which("lake") is None,
                    reason="no Lean toolchain (lake) on this machine: Lean kernel check skipped")
@pytest.mark.parametrize("strategy,tamper", [("brute-force", None), ("brute-force", "verdict"),
                                             ("cubic", None), ("cubic", "bound"),
                                             ("subcubic", None), ("subcubic", "bound")])
def test_lean_kernel_checks_transformer_certificates(tmp_path, strategy, tamper):
    from pyexport.verify import verify

    doc = {"brute-force": _doc, "cubic": _cubic_doc,
           "subcubic": lambda: _subcubic_doc("exact-eqke")}[strategy]()
    if tamper is not None:
        _tamper(doc, tamper)
    (result,) = verify(doc, ["lean"], keep=tmp_path)
    assert result.verdict == ("accepted" if tamper is None else "rejected"), result.message


def test_library_audit_reads_the_family_folders():
    """A kernel run first audits every library file for escape hatches, the subfolders too."""
    from pyexport.verify import audit_sources, lean_sources

    names = {p.name for p in lean_sources()}
    assert {"CheckTransformer.lean", "CheckCubic.lean", "CheckSubcubic.lean",
            "TransformerEval.lean", "Check.lean"} <= names
    assert audit_sources(lean_sources(), "lean", native=False) == []
