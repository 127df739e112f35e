"""Coq kernel checks: the demo's certificates are accepted, tampered ones rejected.

Coq is the kernel that runs on these machines (`make coq-deps` installs it); outside CI the
tests skip with a reason when coqc is absent, in CI (CI=true) they fail instead.
"""

import copy
import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.checker import check
from pyexport.families.max_of_n_mlp.kernels import coq_context
from pyexport.families.max_of_n_mlp.model import WEIGHT_KEYS
from pyexport.render import render_text
from pyexport import coq_library
from pyexport.verify import coq_allowed, verify
from pyexport.weights import weights_sha256
from tests.conftest import (certificate_of, edit_array, random_model, random_transformer,
                            tamper_transformer, transformer_margin)

if shutil.which("coqc") is None and not os.environ.get("CI"):
    pytest.skip("coqc not installed (run `make coq-deps`): Coq kernel tests skipped",
                allow_module_level=True)

PAIRS = [(s, q) for q in ("loss", "accuracy") for s in ("brute-force", "symmetry", "convexity")]
SMALL = random_model(8, 4, n=2, seed=1)
SMALL3 = random_model(6, 4, n=3, seed=3)
ARCHIVED_CONVEXITY_LOSS = (Path(__file__).parent.parent / "certificates"
                           / "max2-d64.convexity.expected_loss.e23a8b25a5968160.json")


@pytest.fixture(scope="module")
def demo_results(default_model, tmp_path_factory):
    work = tmp_path_factory.mktemp("coq")
    results = {}
    for strategy, quantity in PAIRS:
        (result,) = verify(certificate_of(default_model, strategy, quantity), ["coq"],
                           keep=work / f"{strategy}-{quantity}")
        results[(strategy, quantity)] = result
    return results


@pytest.mark.parametrize("strategy,quantity", PAIRS)
def test_coq_accepts_the_demo_certificates(demo_results, strategy, quantity):
    result = demo_results[(strategy, quantity)]
    assert result.verdict == "accepted", result.message
    assert result.axioms and all(coq_allowed(a) for a in result.axioms)
    assert result.term_size_dag > 0 and result.term_size_tree >= result.term_size_dag
    assert result.command.startswith("coqc ")


def test_term_size_orders_the_loss_strategies(demo_results):
    sizes = [demo_results[(s, "loss")] for s in ("brute-force", "symmetry", "convexity")]
    assert sizes[0].term_size_dag > sizes[1].term_size_dag > sizes[2].term_size_dag
    assert sizes[0].term_size_tree > sizes[1].term_size_tree > sizes[2].term_size_tree


def _force(monkeypatch, checker: str) -> None:
    """Use the exact or the binary64 checkers, whatever the size at which each pays off."""
    monkeypatch.setattr(coq_context, "FLOAT_CHECKERS",
                        dict.fromkeys(coq_context.FLOAT_CHECKERS, 1) if checker == "float" else {})


def _assert_honest_accepted_tampered_rejected(doc, tamper, tmp_path):
    (honest,) = verify(doc, ["coq"], keep=tmp_path / "honest")
    assert honest.verdict == "accepted", honest.message
    tamper(doc)
    assert not check(doc).accepted  # the tampered claim is false, so Coq must refuse it
    (result,) = verify(doc, ["coq"], keep=tmp_path / "tampered")
    assert result.verdict == "rejected"


def _tamper_weight(doc):
    """Turn the unembedding row of label 5 around: inputs with maximum 5 change prediction
    and loss, so the trace no longer proves the claim (the hash is made to match)."""
    weights = {k: cert.decode_array(v, k) for k, v in doc['model']['weights'].items()}
    u = np.array(weights["unembedding.weight"])
    u[5] *= -4.0
    doc["model"]["weights"]["unembedding.weight"] = cert.encode_array(u)
    doc["model"]["sha256"] = weights_sha256({**weights, "unembedding.weight": u}, WEIGHT_KEYS)


def _tamper_bound(doc):
    bound = cert.parse_rational(doc["claim"]["bound"], "")
    better = bound / 2 if doc["claim"]["quantity"] == "expected_loss" else cert.Fraction(1)
    doc["claim"]["bound"] = cert.rational_str(better)
    doc["claim"]["bound_float"] = float(better)


def _tamper_trace(doc):
    (name,) = doc["trace"]["arrays"]
    a = np.array(cert.decode_array(doc["trace"]["arrays"][name], "")).reshape(-1)
    if name == "correct":
        a[np.flatnonzero(~a)[0]] = True
    elif name == "top2":
        a[[0, 1]] = a[[1, 0]]
    else:
        a[3] = a[3] // 2
    shape = doc["trace"]["arrays"][name]["shape"]
    doc["trace"]["arrays"][name] = cert.encode_array(a.reshape(shape))


@pytest.mark.parametrize("tamper", [_tamper_weight, _tamper_bound, _tamper_trace],
                         ids=["weight", "bound", "trace"])
@pytest.mark.parametrize("strategy,quantity,checker", [
    ("brute-force", "loss", "exact"), ("brute-force", "loss", "float"),
    ("brute-force", "accuracy", "float"), ("convexity", "loss", "float"), ("symmetry", "accuracy", "exact"),
    ("symmetry", "accuracy", "float"), ("convexity", "accuracy", "exact"),
    ("convexity", "accuracy", "float")])
def test_coq_rejects_tampered_certificates(tmp_path, monkeypatch, tamper, strategy, quantity,
                                           checker):
    _force(monkeypatch, checker)
    doc = copy.deepcopy(certificate_of(SMALL, strategy, quantity))
    text = render_text(doc, "coq")[0]
    assert ("loss2f_correct" in text or "accuracy2f_correct" in text) == (checker == "float")
    _assert_honest_accepted_tampered_rejected(doc, tamper, tmp_path)


@pytest.mark.parametrize("tamper", [None, _tamper_trace, _tamper_bound],
                         ids=["honest", "trace", "bound"])
@pytest.mark.parametrize("model,quantity", [(SMALL, "loss"), (SMALL, "accuracy"),
                                            (SMALL3, "loss"), (SMALL3, "accuracy")])
def test_coq_brute_force_on_row_totals(tmp_path, monkeypatch, model, quantity, tamper):
    """Brute force too large for a per-input trace (forced here) is checked against one integer
    per row of inputs: honest certificates are accepted, a halved loss bound or a wrongly
    claimed verdict (which lowers, resp. raises, its row's number) and an overstated claim are
    rejected."""
    _force(monkeypatch, "float")
    monkeypatch.setattr(coq_context, "ROW_TOTALS_ABOVE", 1)
    doc = copy.deepcopy(certificate_of(model, "brute-force", quantity))
    if tamper:
        tamper(doc)
        assert not check(doc).accepted
    text = render_text(doc, "coq")[0]
    assert "r_correct" in text and "list Z" in text
    (result,) = verify(doc, ["coq"], keep=tmp_path, term_size=False)
    assert result.verdict == ("rejected" if tamper else "accepted"), result.message


@pytest.mark.parametrize("checker", ["exact", "float"])
@pytest.mark.parametrize("strategy,quantity", PAIRS)
def test_coq_accepts_three_token_certificates(tmp_path, monkeypatch, strategy, quantity,
                                              checker):
    """n_ctx 3, each checker (convexity has only the exact one)."""
    _force(monkeypatch, checker)
    doc = certificate_of(SMALL3, strategy, quantity)
    text = render_text(doc, "coq")[0]
    assert ("3f_correct" in text) == (checker == "float" and strategy != "convexity")
    (result,) = verify(doc, ["coq"], keep=tmp_path)
    assert result.verdict == "accepted", result.message


@pytest.mark.parametrize("tamper", [_tamper_weight, _tamper_bound, _tamper_trace],
                         ids=["weight", "bound", "trace"])
@pytest.mark.parametrize("strategy,quantity", [("brute-force", "loss"), ("symmetry", "loss"),
                                               ("brute-force", "accuracy"),
                                               ("symmetry", "accuracy")])
def test_coq_rejects_tampered_three_token_certificates(tmp_path, monkeypatch, tamper, strategy,
                                                       quantity):
    _force(monkeypatch, "float")
    doc = copy.deepcopy(certificate_of(SMALL3, strategy, quantity))
    assert "3f_correct" in render_text(doc, "coq")[0]
    _assert_honest_accepted_tampered_rejected(doc, tamper, tmp_path)


def test_coq_library_audit_passes():
    """`make audit` in the library the kernel checks use (the per-user build)."""
    out = subprocess.run(["make", "-C", str(coq_library.built()), "audit"], capture_output=True,
                         text=True)
    assert out.returncode == 0 and "AUDIT OK" in out.stdout, out.stdout + out.stderr


def test_library_fixed_cost_is_measured():
    size = coq_library.library_size()
    assert size["term_size_tree"] >= size["term_size_dag"] > 10_000
    assert {"PyExport.MaxOfN.CheckLoss", "PyExport.MaxOfK.CheckSubcubic", "PyExport.Sums"} <= \
        set(size["modules"])


def test_convexity_loss_uses_the_float_checker_only_with_kernel_slack(tmp_path, default_model):
    """New convexity loss certificates leave kernel slack and are checked in binary64; the
    archived one (no slack) keeps the exact checker, and Coq still accepts it."""
    fresh = certificate_of(default_model, "convexity", "loss")
    assert fresh["strategy"]["parameters"]["kernel_slack_bits"] == 32
    assert "check_convexity_loss2f_correct" in render_text(fresh, "coq")[0]
    archived = cert.read(ARCHIVED_CONVEXITY_LOSS)
    assert "kernel_slack_bits" not in archived["strategy"]["parameters"]
    text = render_text(archived, "coq")[0]
    assert "check_convexity_loss2_correct" in text and "loss2f" not in text
    (result,) = verify(archived, ["coq"], keep=tmp_path)
    assert result.verdict == "accepted", result.message


def test_term_size_can_be_skipped(tmp_path):
    (result,) = verify(certificate_of(SMALL, "convexity", "loss"), ["coq"], keep=tmp_path,
                       term_size=False)
    assert result.verdict == "accepted", result.message
    assert result.term_size_dag is None and result.term_size_tree is None


@pytest.mark.parametrize("trace", ["per_input", "row_totals"])
def test_data_over_the_module_limit_is_compiled_apart(tmp_path, monkeypatch, trace):
    """Small data sits in the check file (one file); data over DATA_MODULE_LITERALS (forced
    small here) is split into data modules, each compiled by its own coqc, and Coq accepts
    both renderings of the same certificate, whether its trace is binary64 per input or
    integer row totals (forced here too)."""
    if trace == "row_totals":
        _force(monkeypatch, "float")
        monkeypatch.setattr(coq_context, "ROW_TOTALS_ABOVE", 1)
    doc = certificate_of(SMALL3, "brute-force", "loss")

    def rendered(work):
        return sorted(p.name for p in (work / "coq").glob("*.v") if p.name.startswith("cert_"))

    (inline,) = verify(doc, ["coq"], keep=tmp_path / "inline", term_size=False)
    monkeypatch.setattr(coq_context, "DATA_MODULE_LITERALS", 64)
    (split,) = verify(doc, ["coq"], keep=tmp_path / "split", term_size=False)
    assert inline.verdict == split.verdict == "accepted", (inline.message, split.message)
    assert len(rendered(tmp_path / "inline")) == 1
    modules = [name for name in rendered(tmp_path / "split") if "_data" in name]
    assert len(modules) >= 2 and len(rendered(tmp_path / "split")) == len(modules) + 1
    data = "".join((tmp_path / "split" / "coq" / name).read_text() for name in modules)
    assert bool(re.search(r"[0-9]%Z", data)) == (trace == "row_totals")


TRANSFORMER_DEMO = """From Coq Require Import Reals List ZArith Floats.
From PyExport Require Import Transformer CheckTransformer.
Import ListNotations.
Definition w0 := MkTWeights 2 2 1 1 [[1%float];[2%float]] [[1%float];[1%float]] [[1%float]]
  [[2%float]] [[1%float]] [[1%float]] [1%float] [1%float] [1%float] [1%float]
  [[1%float; 2%float]] [1%float; 1%float].
Lemma demo : accuracy (transformer_of w0) >= IZR {p} / IZR {q}.
Proof. apply (check_tbf_accuracy_correct w0 {rows} {p} {q}). vm_compute. reflexivity. Qed.
"""


@pytest.mark.parametrize("rows,p,q,accepted", [
    ("[1%Z; 2%Z]", 3, 4, True),   # the model predicts token 1 for every input: row t0 = 0 has
                                  # (0, 1) correct, row t0 = 1 both
    ("[2%Z; 2%Z]", 1, 1, False),  # (0, 0) claimed correct too: its label logit is lower
    ("[1%Z; 2%Z]", 4, 5, False),  # the claim exceeds the counts' 3/4
])
def test_transformer_brute_force_checker(tmp_path, rows, p, q, accepted):
    """The Max-of-K brute-force accuracy checker on a hand-sized transformer (d_vocab 2,
    n_ctx 2, d_model = d_head = 1; logits of (t0, t1) computed by hand in the commit that
    added it): honest claims are proved, overstated row counts and claims are not."""
    path = tmp_path / "TransformerDemo.v"
    path.write_text(TRANSFORMER_DEMO.format(rows=rows, p=p, q=q))
    out = subprocess.run(["coqc", "-R", str(coq_library.built() / "theories"), "PyExport",
                          str(path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert (out.returncode == 0) == accepted, out.stdout + out.stderr


@pytest.mark.parametrize("tamper", [None, "weight", "bound", "verdict"])
def test_coq_checks_transformer_brute_force_certificates(tmp_path, tamper):
    """A Max-of-K brute-force accuracy certificate renders to CheckTransformer.v and Coq proves
    its claim about the real-valued transformer; a tampered weight (hash updated), an
    overstated bound or a wrongly claimed verdict is rejected."""
    doc = copy.deepcopy(certificate_of(random_transformer(), "brute-force", "accuracy"))
    assert 0 < cert.parse_rational(doc["claim"]["bound"], "") < 1
    if tamper:
        tamper_transformer(doc, tamper)
    (result,) = verify(doc, ["coq"], keep=tmp_path)
    assert result.verdict == ("accepted" if tamper is None else "rejected"), result.message
    if tamper is None:
        assert result.axioms and all(coq_allowed(a) for a in result.axioms)
        assert result.term_size_dag > 0


@functools.cache
def _trained_d8():
    """A Max-of-K transformer trained briefly: some cases provable, others not."""
    from pyexport.families.max_of_k_transformer.model import TransformerConfig
    from pyexport.families.max_of_k_transformer.train import train

    config = TransformerConfig("t-d8-n3-150", n_ctx=3, d_vocab=8, d_model=16, d_head=8,
                               steps=150, seed=3)
    return train(config, progress=False)[0]


@pytest.fixture(scope="module")
def partly_trained_transformer():
    return _trained_d8()


def _claim_unproved_cubic_case(doc):
    """Mark as proved a pure case (q < m, 1 <= c <= n-2, so sequences have it) the strategy
    left unproved."""
    verdict = cert.decode_array(doc["trace"]["arrays"]["pure_correct"], "")
    d, n = verdict.shape[0], verdict.shape[3]
    unproved = [(q, m, k, c) for m in range(d) for q in range(m) for k in range(m)
                for c in range(1, n - 1) if not verdict[q, m, k, c]]
    edit_array(doc, ["trace", "arrays", "pure_correct"],
               lambda a: a.__setitem__(unproved[len(unproved) // 2], True))


def _assert_coq_verdict(doc, work, accepted: bool, checker: str) -> None:
    """Coq's verdict on the certificate; an acceptance names the checker's soundness theorem,
    depends only on allowed axioms and has a measured term size."""
    (result,) = verify(doc, ["coq"], keep=work)
    assert result.verdict == ("accepted" if accepted else "rejected"), result.message
    if accepted:
        assert checker in render_text(doc, "coq")[0]
        assert result.axioms and all(coq_allowed(a) for a in result.axioms)
        assert result.term_size_dag > 0


@pytest.mark.parametrize("tamper", [None, "weight", "bound", "case"])
def test_coq_checks_transformer_cubic_certificates(tmp_path, partly_trained_transformer, tamper):
    """A cubic accuracy certificate renders to CheckCubic.v and Coq proves its claim about the
    real-valued transformer by re-deriving every claimed case and counting the sequences they
    cover; a tampered weight (hash updated), an overstated bound or a case claimed without
    proof is rejected."""
    doc = copy.deepcopy(certificate_of(partly_trained_transformer, "cubic", "accuracy"))
    assert 0 < cert.parse_rational(doc["claim"]["bound"], "") < 1
    if tamper == "case":
        _claim_unproved_cubic_case(doc)
        assert not check(doc).accepted
    elif tamper:
        tamper_transformer(doc, tamper)
    _assert_coq_verdict(doc, tmp_path, tamper is None, "check_cubic_accuracy_correct")


def _subcubic_tamper(doc, what):
    """Widen a proved case's gap to 1, or claim (at gap 1) the case of a sequence the model
    gets wrong by a wide margin: both claims are false, so no sound checker accepts them."""
    gaps = cert.decode_array(doc["trace"]["arrays"]["gap"], "")
    proved = cert.decode_array(doc["trace"]["arrays"]["proved"], "")
    if what == "gap":
        case = tuple(np.argwhere(proved & (gaps >= 2))[0])
    else:
        from pyexport.families.max_of_k_transformer.strategies.brute_force import sequences

        model = _trained_d8()
        d, n = model.config.d_vocab, model.config.n_ctx
        wrong = [sequences(d, n, s, s + 1)[0] for s in range(d**n) if transformer_margin(model, s) < -0.1]
        cases = [(t[-1], t.max(), int((t != t.max()).sum())) for t in wrong if t[-1] < t.max()]
        case = next(c for c in cases if not proved[c])
        edit_array(doc, ["trace", "arrays", "proved"], lambda a: a.__setitem__(case, True))
    edit_array(doc, ["trace", "arrays", "gap"], lambda a: a.__setitem__(case, 1))


@pytest.mark.parametrize("variant,tamper", [("exact-eqke", None), ("rank1", None),
                                            ("exact-eqke", "weight"), ("exact-eqke", "bound"),
                                            ("exact-eqke", "case"), ("exact-eqke", "gap")])
def test_coq_checks_transformer_subcubic_certificates(tmp_path, partly_trained_transformer,
                                                      variant, tamper):
    """A subcubic accuracy certificate (either variant) renders to CheckSubcubic.v and Coq
    proves its claim about the real-valued transformer, re-deriving every claimed case at its
    gap and counting the covered sequences in closed form; a tampered weight (hash updated),
    an overstated bound, a gap widened to 1 or a claimed case holding a misclassified sequence
    is rejected (the Python checker rejects the last two as well)."""
    doc = copy.deepcopy(certificate_of(partly_trained_transformer, f"subcubic-{variant}",
                                       "accuracy"))
    assert 0 < cert.parse_rational(doc["claim"]["bound"], "") < 1
    if tamper in ("case", "gap"):
        _subcubic_tamper(doc, tamper)
        assert not check(doc).accepted
    elif tamper:
        tamper_transformer(doc, tamper)
    _assert_coq_verdict(doc, tmp_path, tamper is None, "check_subcubic_accuracy_correct")


@pytest.mark.parametrize("strategy", ["cubic", "subcubic-exact-eqke", "subcubic-rank1"])
def test_coq_accepts_a_shipped_max4_d64_certificate(strategy):
    """The paper's size in CI: the shipped max4-d64-s123 cubic and subcubic accuracy
    certificates are accepted by Coq (about 40 s and 10 s; the other seeds are in
    `benchmarks/bench_kernels.py --transformer`)."""
    (path,) = (Path(__file__).parent.parent / "certificates").glob(
        f"max4-d64-s123.{strategy}.accuracy.*.json.gz")
    doc = cert.read(path)
    (result,) = verify(doc, ["coq"], term_size=False)
    assert result.verdict == "accepted", result.message
    assert result.axioms and all(coq_allowed(a) for a in result.axioms)
