"""Trust: what `check`/`verify` say was proved, the mutation corpus through the checker and Coq,
the hardened audit guard, strict input and bounded resources, and files never clobbered."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyexport import archive
from pyexport import certificate as cert
from pyexport.cli import main
from pyexport.mutate import mutations, write_corpus
from pyexport.verify import audit_sources, coq_allowed
from tests.conftest import certificate_of, random_model

ARCHIVED = Path(__file__).parent.parent / "certificates"
SHIPPED_CONVEXITY = ARCHIVED / "max2-d64.convexity.accuracy.acac2ab1306d7d68.json"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _small_transformer():
    from pyexport.families.max_of_k_transformer.model import TransformerConfig
    from pyexport.families.max_of_k_transformer.train import train

    return train(TransformerConfig("t-trust", n_ctx=3, d_vocab=6, d_model=8, d_head=4,
                                   steps=400, seed=2), progress=False)[0]


@pytest.fixture(scope="module")
def corpus_sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    mlp = random_model(8, 4, seed=1)
    transformer = _small_transformer()
    docs = {"mlp-brute-loss": certificate_of(mlp, "brute-force", "loss"),
            "mlp-symmetry-accuracy": certificate_of(mlp, "symmetry", "accuracy"),
            "mlp-convexity-accuracy": certificate_of(mlp, "convexity", "accuracy")}
    for strategy in ("brute-force", "cubic", "subcubic-rank1"):
        docs[f"maxofk-{strategy}"] = certificate_of(transformer, strategy, "accuracy")
    paths = {}
    for name, doc in docs.items():
        paths[name] = cert.write(doc, folder / f"{name}.json")
    paths["shipped-max2-d64"] = SHIPPED_CONVEXITY
    return paths


@pytest.mark.parametrize("source", ["mlp-brute-loss", "mlp-symmetry-accuracy",
                                    "mlp-convexity-accuracy", "maxofk-brute-force",
                                    "maxofk-cubic", "maxofk-subcubic-rank1",
                                    "shipped-max2-d64"])
def test_the_checker_meets_every_mutation_as_expected(corpus_sources, source, tmp_path,
                                                      capsys):
    written = write_corpus(corpus_sources[source], tmp_path)
    assert len(written) >= 30
    for name, expectation in written:
        code, out, err = _run(capsys, "check", tmp_path / name, "--json")
        if expectation == "unusable":
            assert code == 2 and err.count("\n") == 1 and out == "", (name, err)
        elif expectation == "false-claim":  # rejected, or refused outright (schema v1 is
            assert code in (1, 2), (name, out)  # stricter about array names)
        else:  # weights-changed: an acceptance must not pass for the registered model
            assert code in (0, 1), (name, err)
            if code == 0:
                registration = json.loads(out)["claim"]["registration"]
                assert registration == "unregistered weights" or \
                    registration.startswith("stale: name says"), (name, registration)


def test_a_shipped_name_on_changed_weights_is_reported_stale(capsys, tmp_path):
    doc = cert.read(SHIPPED_CONVEXITY)
    mutated = {name: data for name, data, _ in mutations(doc)}
    target = tmp_path / "renamed.json"
    target.write_bytes(mutated["weight-ulp-rehashed"])
    code, out, _ = _run(capsys, "check", target)
    assert "stale: name says max2-d64, weights differ" in out


@pytest.mark.skipif(shutil.which("coqc") is None and not os.environ.get("CI"),
                    reason="coqc not installed (make coq-deps)")
def test_coq_never_accepts_a_false_claim_or_unusable_mutation(capsys, tmp_path):
    written = write_corpus(SHIPPED_CONVEXITY, tmp_path)
    for name, expectation in written:
        code, out, err = _run(capsys, "verify", tmp_path / name, "--prover", "coq", "--json")
        if expectation == "unusable":
            assert code == 2, (name, err)
            continue
        verdicts = [k["verdict"] for k in json.loads(out)["kernels"]] if code != 2 else []
        if expectation == "false-claim":
            assert code != 0 and "accepted" not in verdicts, (name, verdicts, err)
        elif code == 0:
            assert json.loads(out)["claim"]["registration"] != "registered", name


def test_check_and_verify_state_the_theorem_and_the_weights(capsys):
    code, out, _ = _run(capsys, "check", SHIPPED_CONVEXITY)
    assert code == 0
    assert "claim: accuracy >= 245/512 (= 0.478515625...) for max2-d64 (max-of-n-mlp)" in out
    assert "weights: sha256 ad1d98bc3658" in out and ", registered" in out


# --- the audit guard ----------------------------------------------------------------------


def test_guard_refuses_hypotheses_outside_sections_and_unchecked_flags(tmp_path):
    evil = tmp_path / "Evil.v"
    evil.write_text("Module PrimFloat. Hypothesis bad : False. End PrimFloat.\n"
                    "Unset Guard Checking.\n#[bypass_check(guard)] Fixpoint f (n : nat) := n.\n")
    findings = audit_sources([evil], "coq", native=False, rendered=(evil,))
    assert any("Hypothesis outside a Section" in f for f in findings)
    assert any("Unset Guard Checking" in f for f in findings)
    assert any("bypass_check" in f for f in findings)
    library = tmp_path / "Lib.v"
    library.write_text("Section S. Variable x : nat. Hypothesis h : x = x. End S.\n")
    assert audit_sources([library], "coq", native=False) == []
    assert audit_sources([library], "coq", native=False, rendered=(library,))


def test_axioms_are_allowed_by_exact_name_only():
    assert coq_allowed("PrimFloat.mul") and coq_allowed("Classical_Prop.classic")
    assert not coq_allowed("PrimFloat.bad") and not coq_allowed("PrimFloat.")


@pytest.mark.skipif(shutil.which("coqc") is None and not os.environ.get("CI"),
                    reason="coqc not installed (make coq-deps)")
def test_an_assumed_guard_in_kernel_output_rejects(tmp_path):
    """Even past the source guard, an "assumed to be guarded" line from Coq rejects."""
    from pyexport.verify import _audit_and_run

    source = tmp_path / "Guard.v"
    source.write_text("Fixpoint f (n : nat) : nat := n.\nPrint Assumptions f.\n")
    fake = tmp_path / "fake_coqc.sh"
    fake.write_text("#!/bin/sh\necho 'f is assumed to be guarded.'\n")
    fake.chmod(0o755)
    result, _ = _audit_and_run("coq", [], [source], [[str(fake)]], tmp_path, "fake", False, 10)
    assert result.verdict == "rejected" and "assumed" in result.message


# --- strict input and resources -----------------------------------------------------------


def test_devices_fifos_and_oversized_claims_are_refused_at_once(capsys, tmp_path):
    code, _, err = _run(capsys, "check", "/dev/zero")
    assert code == 2 and "not a regular file" in err
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code, _, err = _run(capsys, "check", fifo)
    assert code == 2 and "not a regular file" in err
    doc = cert.read(SHIPPED_CONVEXITY)
    doc["model"]["config"]["d_vocab"] = 4096
    doc["model"]["config"]["n_ctx"] = 3
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc))
    code, _, err = _run(capsys, "check", big)
    assert code == 2 and err.count("\n") == 1


def test_the_file_size_limit_is_configurable(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PYEXPORT_MAX_CERT_BYTES", "1000")
    code, _, err = _run(capsys, "check", SHIPPED_CONVEXITY)
    assert code == 2 and "PYEXPORT_MAX_CERT_BYTES" in err


def test_a_bound_with_thousands_of_digits_is_refused(capsys, tmp_path):
    doc = cert.read(SHIPPED_CONVEXITY)
    doc["claim"]["bound"] = "1" * 5000 + "/3"
    target = tmp_path / "digits.json"
    target.write_text(json.dumps(doc))
    code, _, err = _run(capsys, "check", target)
    assert code == 2 and "claim" in err


@pytest.mark.parametrize("verb", [["render", "--prover", "coq", "-o", "OUT"],
                                  ["verify", "--prover", "coq"], ["audit", "--no-kernels"],
                                  ["report", "-o", "OUT"]])
def test_every_verb_refuses_bad_input_in_one_line(capsys, tmp_path, verb):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": {"name": "pyexport.certificate", "version": 2}, "a": 1, "a": 2}')
    argv = [a.replace("OUT", str(tmp_path / "out")) for a in verb]
    code, _, err = _run(capsys, argv[0], bad, *argv[1:])
    assert code == 2 and err.startswith("pyexport: error:") and err.count("\n") == 1


@pytest.mark.skipif(shutil.which("coqc") is None and not os.environ.get("CI"),
                    reason="coqc not installed (make coq-deps)")
def test_a_kernel_past_its_time_limit_gets_the_verdict_timeout(capsys, tmp_path):
    copy = tmp_path / "c.json"
    shutil.copy(SHIPPED_CONVEXITY, copy)
    code, out, _ = _run(capsys, "verify", copy, "--prover", "coq", "--timeout", "0.05",
                        "--json")
    assert code == 1 and json.loads(out)["kernels"][0]["verdict"] == "timeout"


# --- nothing lost or clobbered ------------------------------------------------------------


def test_prove_does_not_replace_an_existing_file_unless_forced(capsys, tmp_path):
    target = tmp_path / "c.json"
    target.write_text("keep me")
    target.chmod(0o444)
    argv = ["prove", "--strategy", "convexity", "--quantity", "accuracy", "-o", target]
    code, _, err = _run(capsys, *argv)
    assert code == 2 and "exists" in err and target.read_text() == "keep me"
    target.chmod(0o644)
    assert _run(capsys, *argv, "--force")[0] == 0 and cert.read(target)


def test_verify_records_results_without_rewriting_the_certificate(capsys, tmp_path):
    copy = tmp_path / SHIPPED_CONVEXITY.name
    shutil.copy(SHIPPED_CONVEXITY, copy)
    before = copy.read_bytes()
    _run(capsys, "check", copy, "--record")
    _run(capsys, "verify", copy, "--prover", "lean")
    assert copy.read_bytes() == before
    results = archive.recorded_results(copy, cert.read(copy))
    assert results["checker"]["verdict"] == "accepted" and "lean" in results
    assert results["checker"]["by"].startswith("pyexport ") and results["checker"]["at"]


def test_concurrent_manifest_writers_lose_nothing(tmp_path):
    code = ("import sys; from pathlib import Path; from pyexport import archive, certificate\n"
            "doc = certificate.read(sys.argv[1])\n"
            "for i in range(5):\n"
            "    archive.record_certificate(Path(sys.argv[2]), doc, f'{sys.argv[3]}-{i}.json')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(SHIPPED_CONVEXITY),
                               str(tmp_path), f"w{j}"]) for j in range(6)]
    assert all(p.wait() == 0 for p in procs)
    entries = json.loads((tmp_path / "manifest.json").read_text())["certificates"]
    assert len(entries) == 30


def test_model_names_cannot_leave_the_output_folder(tmp_path):
    from pyexport.families import load_model
    from pyexport.weights import ModelError, save_model

    model = load_model("max2-d64")
    path = save_model(model, tmp_path / "m")
    card = json.loads(path.with_suffix(".json").read_text())
    card["name"] = card["config"]["name"] = "../../escaped"
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="not an identifier"):
        load_model(path)


def test_verify_all_reports_a_stale_certificate_as_stale(capsys, tmp_path):
    shutil.copy(SHIPPED_CONVEXITY, tmp_path / SHIPPED_CONVEXITY.name)
    stale = {name: data for name, data, _ in mutations(cert.read(SHIPPED_CONVEXITY))}[
        "weight-ulp-rehashed"]
    (tmp_path / "stale.json").write_bytes(stale)
    code, out, _ = _run(capsys, "verify", tmp_path, "--all", "--prover", "lean")
    lines = dict(line.split(None, 1)[::-1] for line in out.strip().splitlines())
    assert code == 1
    statuses = {line.split()[1].rstrip(":"): line.split()[0] for line in out.splitlines()}
    assert statuses["stale.json"] in ("stale", "rejected")
    assert statuses[SHIPPED_CONVEXITY.name] == "accepted"
    assert lines


def test_report_marks_recorded_verdicts_and_rechecks_on_request(capsys, tmp_path):
    copy = tmp_path / SHIPPED_CONVEXITY.name
    shutil.copy(SHIPPED_CONVEXITY, copy)
    _run(capsys, "check", copy, "--record")
    code, out, _ = _run(capsys, "report", copy, "-o", tmp_path / "r")
    assert code == 0 and "| accepted* |" in out and "recorded in the archive's manifest" in out
    code, out, _ = _run(capsys, "report", copy, "-o", tmp_path / "r", "--recheck")
    assert "| accepted |" in out


def test_audit_reports_coverage_mutations_and_files(capsys):
    code, out, _ = _run(capsys, "audit", SHIPPED_CONVEXITY, "--no-kernels", "--json")
    result = json.loads(out)
    assert code == 0 and result["passed"]
    assert result["coverage"]["covered"] == result["coverage"]["inputs"] == 4096
    assert result["mutations"]["tried"] == result["mutations"]["rejected"] >= 6
    assert any(f["file"] == "coq/theories/MaxOfN/CheckAccuracy.v" for f in result["rests_on"])
    assert result["claim"]["registration"] == "registered"


@pytest.mark.parametrize("strategy", ["cubic", "subcubic-exact-eqke", "brute-force"])
def test_transformer_coverage_is_every_sequence(strategy):
    from pyexport.audit import coverage

    model = _small_transformer()
    result = coverage(certificate_of(model, strategy, "accuracy"))
    assert result["covered"] == result["inputs"] == 6**3


def test_weights_of_the_shipped_models_match_their_cards():
    from pyexport.families import load_model
    from pyexport.weights import shipped_cards

    for name, card in shipped_cards().items():
        assert load_model(name).sha256 == card["weights_sha256"]
    assert np.isfinite(load_model("max4-d64-s123").W_E).all()
