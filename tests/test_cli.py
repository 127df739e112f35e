"""The command line: verbs, JSON summaries, exit codes, and refusal of bad input."""

import json
from pathlib import Path

import numpy as np
import pytest

from pyexport import certificate as cert
from pyexport.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_models_json_lists_shipped_models(capsys):
    code, out, _ = _run(capsys, "models", "--json")
    shipped = {m["name"]: m for m in json.loads(out) if m["kind"] == "shipped"}
    assert code == 0 and {"max2-d64", "max2-d2048", "max3-d256"} <= set(shipped)
    assert all(m["present"] for m in shipped.values())
    assert shipped["max2-d64"]["family"] == "max-of-n-mlp"


def test_prove_json_summary_then_check_accepts(capsys, tmp_path):
    target = tmp_path / "cert.json"
    code, out, _ = _run(capsys, "prove", "--model", "max2-d64", "--strategy", "symmetry",
                        "--quantity", "loss", "-o", str(target), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["path"] == str(target)
    assert {"bound", "bound_float", "strategy", "quantity", "metrics"} <= set(summary)
    p, q = (int(x) for x in summary["bound"].split("/"))
    assert abs(p / q - summary["bound_float"]) < 1e-12
    assert summary["metrics"]["trace_length"] == 64 * 65 // 2
    code, out, _ = _run(capsys, "check", str(target), "--json")
    assert code == 0 and json.loads(out)["verdict"] == "accepted"


def test_prove_into_folder_names_by_content_and_writes_manifest(capsys, tmp_path):
    args = ("prove", "--strategy", "convexity", "--quantity", "accuracy", "-o", str(tmp_path))
    _run(capsys, *args)
    _run(capsys, *args)  # deterministic: the same name, one manifest entry
    files = sorted(p.name for p in tmp_path.glob("max2-d64.*.json"))
    assert len(files) == 1 and len(files[0].split(".")[-2]) == 16
    manifest = json.loads((tmp_path / "manifest.json").read_text())["certificates"]
    assert [e["file"] for e in manifest] == files


def test_check_rejects_tampered_bound_with_exit_1(capsys, tmp_path):
    target = tmp_path / "c.json.gz"
    _run(capsys, "prove", "--strategy", "brute-force", "--quantity", "loss", "-o", str(target))
    assert target.read_bytes()[:2] == b"\x1f\x8b"
    doc = cert.read(target)
    doc["claim"]["bound"] = "1/1000"
    doc["claim"]["bound_float"] = 0.001
    cert.write(doc, target)
    code, out, _ = _run(capsys, "check", str(target))
    assert code == 1 and out.startswith("rejected") and "claim.bound" in out


@pytest.mark.parametrize("content,message", [
    (b"{not json", "not valid JSON"),
    (b"[]", "no `schema`"),
    (json.dumps({"schema": {"name": "pyexport.certificate", "version": 99}}).encode(),
     "unknown schema"),
])
def test_check_unusable_input_exits_2_with_one_line(capsys, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = _run(capsys, "check", str(path))
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""


def test_check_missing_file_exits_2(capsys, tmp_path):
    code, _, err = _run(capsys, "check", str(tmp_path / "absent.json"))
    assert code == 2 and "cannot read" in err


def _honest(tmp_path, capsys):
    target = tmp_path / "h.json"
    _run(capsys, "prove", "--strategy", "convexity", "--quantity", "loss", "-o", str(target))
    return target, cert.read(target)


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["model"].__setitem__("name", 'x"; Require Import Evil. (*'), "model/name"),
    (lambda d: d["strategy"].__setitem__("name", "brute-force; rm -rf /"), "strategy/name"),
    (lambda d: d["claim"].__setitem__("bound", "1e308"), "claim/bound"),
    (lambda d: d["model"]["weights"]["linear.weight"].__setitem__("shape", [2, 2]),
     "expected float32 of shape"),
])
def test_check_refuses_injected_or_inconsistent_fields(capsys, tmp_path, edit, message):
    target, doc = _honest(tmp_path, capsys)
    edit(doc)
    target.write_text(json.dumps(doc))
    code, _, err = _run(capsys, "check", str(target))
    assert code == 2 and message in err


def test_check_rejects_a_trace_array_the_proof_does_not_use(capsys, tmp_path):
    target, doc = _honest(tmp_path, capsys)
    doc["trace"]["arrays"]["evil"] = doc["trace"]["arrays"]["lse_upper"]
    target.write_text(json.dumps(doc))
    code, out, _ = _run(capsys, "check", str(target))
    assert code == 1 and "trace.arrays" in out and "evil" in out


def test_check_refuses_nan_weight(capsys, tmp_path):
    target, doc = _honest(tmp_path, capsys)
    w = np.array(cert.decode_array(doc["model"]["weights"]["linear.weight"], ""))
    w[0, 0] = np.inf
    doc["model"]["weights"]["linear.weight"] = cert.encode_array(w)
    target.write_text(json.dumps(doc))
    code, _, err = _run(capsys, "check", str(target))
    assert code == 2 and "NaN or infinity" in err


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    target.write_text("previous")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(cert.os, "fsync", boom)
    with pytest.raises(OSError):
        cert.write({"a": 1}, target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_report_writes_table_and_plot(capsys, tmp_path):
    folder = tmp_path / "certs"
    for s in ("brute-force", "convexity"):
        _run(capsys, "prove", "--strategy", s, "--quantity", "loss", "-o", str(folder))
    code, out, _ = _run(capsys, "report", *map(str, folder.glob("max2*.json")),
                        "-o", str(tmp_path / "rep"))
    assert code == 0 and "| max2-d64 | expected_loss | brute-force |" in out
    assert (tmp_path / "rep" / "bound_vs_compactness.png").stat().st_size > 10_000


def test_archived_version_1_certificates_still_check(capsys):
    """The MLP certificates written before model families (schema version 1, no `family`)."""
    # by name: `make demo` adds newer certificates of the same model beside them
    names = ("brute-force.accuracy.dba893bdf11833ac", "brute-force.expected_loss.af1fa6331f269c3d",
             "convexity.accuracy.acac2ab1306d7d68", "convexity.expected_loss.e23a8b25a5968160",
             "symmetry.accuracy.373d947746b98b7a", "symmetry.expected_loss.93781cc5728d8027")
    for name in names:
        path = Path(__file__).parent.parent / "certificates" / f"max2-d64.{name}.json"
        assert cert.read(path)["schema"]["version"] == 1
        code, out, _ = _run(capsys, "check", str(path))
        assert code == 0 and out.startswith("accepted"), out


def test_prove_and_check_a_transformer_lens_state_dict_from_a_torch_file(capsys, tmp_path):
    """The user's story: a TransformerLens state dict in the paper's checkpoint layout."""
    import torch

    from pyexport.families.max_of_k_transformer.model import TransformerConfig
    from pyexport.families.max_of_k_transformer.train import train

    model, _ = train(TransformerConfig("x", n_ctx=3, d_vocab=6, d_model=8, d_head=4, steps=300,
                                       seed=1), progress=False)
    path = tmp_path / "their_tl_model.pt"
    torch.save({"model": {k: torch.from_numpy(np.array(v)) for k, v in model.weights.items()}},
               path)
    for strategy in ("brute-force", "cubic", "subcubic"):
        target = tmp_path / f"{strategy}.json"
        code, out, err = _run(capsys, "prove", "--model", str(path), "--strategy", strategy,
                              "--quantity", "accuracy", "-o", str(target), "--json")
        assert code == 0, err
        summary = json.loads(out)
        assert summary["model"] == "their_tl_model" and summary["relation"] == ">="
        assert cert.read(target)["model"]["family"] == "max-of-k-transformer"
        code, out, _ = _run(capsys, "check", str(target))
        assert code == 0 and out.startswith("accepted"), out
    code, _, err = _run(capsys, "prove", "--model", str(path), "--strategy", "convexity",
                        "--quantity", "accuracy")
    assert code == 2 and "unknown strategy" in err and err.count("\n") == 1
