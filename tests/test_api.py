"""The Python API (docs/api.md is executed here) and sweeps on each executor: the local process
pool, this process, and a Dask LocalCluster; retries, time limits and the manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

import pyexport.api as px
from pyexport import sweep
from pyexport.cli import main

DOCS = Path(__file__).parent.parent / "docs" / "api.md"
needs_coq = pytest.mark.skipif(shutil.which("coqc") is None and not os.environ.get("CI"),
                               reason="coqc not installed (make coq-deps)")


@needs_coq
def test_the_api_document_runs_as_written(tmp_path, monkeypatch, capsys):
    cells = re.findall(r"```python\n(.*?)```", DOCS.read_text(), re.S)
    assert len(cells) >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for cell in cells:
        exec(compile(cell, str(DOCS), "exec"), namespace)  # noqa: S102 -- our own document
    out = capsys.readouterr().out
    assert "coq accepted" in out and "accepted by the kernels: True" in out
    assert [r.status for r in namespace["results"]] == ["accepted", "accepted"]
    assert "| max2-d64 |" in namespace["report"].markdown.replace("  ", " ")
    manifest = json.loads((tmp_path / "certificates" / "manifest.json").read_text())
    assert {e["strategy"] for e in manifest["certificates"]} == {"convexity", "symmetry"}


def _manifest_results(folder: Path) -> dict:
    body = json.loads((folder / "manifest.json").read_text())
    return {e["strategy"]: e["results"] for e in body["certificates"]}


@needs_coq
def test_a_sweep_runs_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    jobs = sweep.plan(["max2-d64"], ["convexity", "symmetry"], ["accuracy"], tmp_path,
                      provers=("coq",), term_size=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  dashboard_address=":0") as cluster:
        results = sweep.run(jobs, scheduler=cluster.scheduler_address, progress=False)
    assert [(r.status, r.kernels) for r in results] == [("accepted", {"coq": "accepted"})] * 2
    recorded = _manifest_results(tmp_path)
    assert {s: (r["checker"]["verdict"], r["coq"]["verdict"]) for s, r in recorded.items()} == \
        {"convexity": ("accepted", "accepted"), "symmetry": ("accepted", "accepted")}


def test_a_failing_job_is_retried_once_and_loses_no_other_result(tmp_path, monkeypatch):
    """In this process (workers=1), so the kernel call can be made to fail: the symmetry job's
    first attempt raises, its retry succeeds; the convexity job fails twice and is reported
    failed after two attempts. Both checker verdicts are in the manifest."""
    calls = {"symmetry": 0, "convexity": 0}
    real_verify = px.verify

    def flaky_verify(c, provers, **kwargs):
        calls[c.strategy] += 1
        if c.strategy == "convexity" or calls["symmetry"] == 1:
            raise RuntimeError(f"worker lost ({c.strategy}, attempt {calls[c.strategy]})")
        return real_verify(c, ["lean"], **kwargs)  # no lake here: not-installed

    monkeypatch.setattr(px, "verify", flaky_verify)
    jobs = sweep.plan(["max2-d64"], ["symmetry", "convexity"], ["accuracy"], tmp_path,
                      provers=("lean",))
    symmetry, convexity = sweep.run(jobs, workers=1, progress=False)
    assert (symmetry.status, symmetry.attempts) == ("accepted", 2)
    assert (convexity.status, convexity.attempts) == ("failed", 2)
    assert "worker lost (convexity, attempt 2)" in convexity.message
    assert calls == {"symmetry": 2, "convexity": 2}
    recorded = _manifest_results(tmp_path)
    assert {s: r["checker"]["verdict"] for s, r in recorded.items()} == \
        {"symmetry": "accepted", "convexity": "accepted"}


@needs_coq
def test_a_job_past_its_kernel_time_limit_is_retried_then_reported(tmp_path):
    jobs = sweep.plan(["max2-d64"], ["convexity"], ["accuracy"], tmp_path, provers=("coq",),
                      timeout=0.001)
    (result,) = sweep.run(jobs, workers=1, progress=False)
    assert (result.status, result.attempts, result.kernels) == ("timeout", 2, {"coq": "timeout"})


@needs_coq
def test_sweep_and_verify_all_on_a_process_pool(tmp_path, capsys):
    code = main(["sweep", "--models", "max2-d64", "--strategies", "convexity", "symmetry",
                 "--quantities", "accuracy", "--prover", "coq", "--no-term-size", "--jobs", "2",
                 "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(re.findall(r"^accepted .*checker accepted, coq accepted", out, re.M)) == 2
    code = main(["verify", str(tmp_path), "--all", "--prover", "coq", "--no-term-size",
                 "--jobs", "2", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["status"] for r in rows] == ["accepted", "accepted"]


def test_sweep_refuses_an_unknown_strategy_in_one_line(tmp_path, capsys):
    code = main(["sweep", "--models", "max2-d64", "--strategies", "cubic", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "unknown strategy 'cubic'" in err


def test_results_and_errors_are_typed(tmp_path):
    c = px.prove("max2-d64", "symmetry", "accuracy")
    assert c.path is None and c.strategy == "symmetry" and c.bound > 0
    assert px.check(c).accepted
    with pytest.raises(px.UsageError, match="saved certificates"):
        px.report([c], tmp_path)
    saved = px.prove("max2-d64", "symmetry", "accuracy", output=tmp_path / "one.json")
    assert px.Certificate.read(saved.path).doc == saved.doc
    with pytest.raises(px.UsageError, match="exists"):
        px.prove("max2-d64", "symmetry", "accuracy", output=tmp_path / "one.json")
