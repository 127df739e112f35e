"""Expect-style regression test of the default model's figures.

The expected values live in tests/expect/max2-d64.json. After an intended change, regenerate
them with `PYEXPORT_ACCEPT=1 make test` and review the diff (as with expecttest's
EXPECTTEST_ACCEPT). The comparison holds on any CPU: what is decided exactly (accuracy bounds,
trace lengths, the weights' hash) must match exactly; what a CPU's BLAS rounding can move in
its last bits (loss bounds: relative 1e-9; FLOP counts, which depend on how many inputs the
float filter leaves undecided: relative 1e-3) must match closely.
"""

import json
import os
from fractions import Fraction
from pathlib import Path

from pyexport.families.max_of_n_mlp.strategies import STRATEGIES
from pyexport.proof import run

EXPECT = Path(__file__).parent / "expect" / "max2-d64.json"


def test_default_model_figures_match_expect_file(default_model):
    figures = {}
    for quantity in ("loss", "accuracy"):
        for strategy in STRATEGIES:
            proof = run(strategy, quantity, default_model)
            figures[f"{strategy}/{quantity}"] = {
                "bound": f"{proof.bound.numerator}/{proof.bound.denominator}",
                "bound_float": float(proof.bound),
                "trace_length": proof.trace_length,
                "flops": proof.metrics["flops"],
            }
    figures = {"model_sha256": default_model.sha256, "figures": figures}
    if os.environ.get("PYEXPORT_ACCEPT"):
        EXPECT.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
    expected = json.loads(EXPECT.read_text())
    assert figures["model_sha256"] == expected["model_sha256"]
    assert figures["figures"].keys() == expected["figures"].keys()
    for key, got in figures["figures"].items():
        want = expected["figures"][key]
        assert got["trace_length"] == want["trace_length"], key
        assert abs(got["flops"] - want["flops"]) <= 1e-3 * want["flops"], key
        if key.endswith("accuracy"):
            assert got["bound"] == want["bound"], key
        else:
            assert abs(Fraction(got["bound"]) - Fraction(want["bound"])) \
                <= Fraction(1, 10**9) * Fraction(want["bound"]), key
