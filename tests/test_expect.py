"""Expect-style regression test of the default model's figures.

The expected values live in tests/expect/max2-d64.json. After an intended change, regenerate
them with `PYEXPORT_ACCEPT=1 make test` and review the diff (as with expecttest's
EXPECTTEST_ACCEPT).
"""

import json
import os
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
    assert figures == json.loads(EXPECT.read_text())
